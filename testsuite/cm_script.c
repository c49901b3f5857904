/* cm_script.c — runs the commands of one Component Model script, as
 * converted by cm_wast2json.mjs (its header comment is the format), and
 * counts them: every command is one test, passed, failed or skipped with
 * a reason (the reasons are tallied by cm_runner.c).
 *
 *   module                 decode and validate (cm_decode; a core module:
 *                          vm_module_load); must succeed
 *   module_definition      the same (a definition is never instantiated)
 *   assert_malformed       decoding must fail with VM_ERR_MALFORMED
 *   assert_invalid         decoding must fail, VM_ERR_INVALID or
 *                          VM_ERR_MALFORMED (as the core runner counts it)
 *   unsupported            what the converter could not convert: skipped
 *
 * The commands that run code, module_instance, register, action,
 * assert_return, assert_trap, assert_exhaustion, assert_unlinkable and
 * assert_uninstantiable, need instantiation and calls, which this runtime
 * does not have yet: each has a handler of its own that skips it today, for
 * the runtime to fill in. A form kept as text (`quote`, or what jco could
 * not encode) is skipped: there is no text parser here.
 *
 * A script whose ";;!" header asks for a feature this runtime lacks
 * (exceptions, gc, memory64, async, ...) is skipped whole, each command
 * counted with the reason "needs feature NAME". A decoder answer of
 * VM_ERR_UNSUPPORTED (a valid construct the decoder refuses, e.g. an async
 * canon builtin) skips the command with the decoder's message as the
 * reason, offset left out. */
#include "testsuite/cm_runner.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "component/component.h"
#include "testsuite/json.h"
#include "vm/vm.h"

#define MAX_WASM_SIZE ((size_t)64 << 20)

#define NEEDS_INSTANTIATION "needs instantiation (not yet in this runtime)"

typedef struct {
    const char *path;          /* of the .json */
    char dir[4096];            /* its folder, where the .wasm files are */
    bool verbose;
    run_counts *counts;
    unsigned long line;        /* of the command being run */
    const char *command;       /* its type */
} script;

/* ---- reporting ---------------------------------------------------------- */

static void pass(script *sc)
{
    sc->counts->passed++;
}

__attribute__((format(printf, 2, 3)))
static void failure(script *sc, const char *fmt, ...)
{
    sc->counts->failed++;
    if (!sc->verbose)
        return;
    printf("%s:%lu: %s: ", sc->path, sc->line, sc->command);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* Skips the command; the reason goes to the table (and with -v is printed). */
static void skip(script *sc, const char *reason)
{
    sc->counts->skipped++;
    skip_reason_count(reason);
    if (sc->verbose)
        printf("%s:%lu: %s: skipped: %s\n", sc->path, sc->line, sc->command, reason);
}

/* Something worth knowing that is not a failure; printed with -v only. */
__attribute__((format(printf, 2, 3)))
static void note(script *sc, const char *fmt, ...)
{
    if (!sc->verbose)
        return;
    printf("%s:%lu: %s: note: ", sc->path, sc->line, sc->command);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static const char *error_kind_name(vm_error_kind k)
{
    switch (k) {
    case VM_ERR_NONE: return "no error";
    case VM_ERR_MALFORMED: return "malformed";
    case VM_ERR_INVALID: return "invalid";
    case VM_ERR_LINK: return "link error";
    case VM_ERR_TRAP: return "trap";
    case VM_ERR_LIMIT: return "limit exceeded";
    case VM_ERR_UNSUPPORTED: return "unsupported";
    case VM_ERR_NOMEM: return "out of memory";
    }
    return "unknown error";
}

/* An error message without its "0x1a: " offset, for the table of reasons. */
static const char *without_offset(const char *message)
{
    if (strncmp(message, "0x", 2) == 0) {
        const char *colon = strstr(message, ": ");
        if (colon != NULL)
            return colon + 2;
    }
    return message;
}

/* Skips a command the decoder refused as VM_ERR_UNSUPPORTED. */
static void skip_unsupported(script *sc, const vm_error *err)
{
    char reason[300];
    snprintf(reason, sizeof reason, "decoder: %s", without_offset(err->message));
    skip(sc, reason);
}

/* ---- the forms: reading and decoding ------------------------------------ */

/* True when the command's form stayed text ("module_type": "text"). */
static bool is_text_form(const json_value *cmd)
{
    const char *type = json_string(json_get(cmd, "module_type"));
    return type != NULL && strcmp(type, "text") == 0;
}

/* Reads the command's "filename" (a plain name next to the .json) into a
 * new buffer; NULL with the reason in why. */
static uint8_t *read_form(script *sc, const json_value *cmd, size_t *size, char *why,
                          size_t whylen)
{
    const char *filename = json_string(json_get(cmd, "filename"));
    char path[4200];
    if (filename == NULL) {
        snprintf(why, whylen, "no \"filename\" in the command");
        return NULL;
    }
    if (strchr(filename, '/') != NULL) {
        snprintf(why, whylen, "%s: not a file name in the script's folder", filename);
        return NULL;
    }
    if ((size_t)snprintf(path, sizeof path, "%s/%s", sc->dir, filename) >= sizeof path) {
        snprintf(why, whylen, "path of %s too long", filename);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (f == NULL || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
        (uintmax_t)st.st_size > MAX_WASM_SIZE) {
        snprintf(why, whylen, "cannot read %s: %s", filename,
                 f == NULL ? strerror(errno) : "not a regular file of at most 64 MiB");
        if (f != NULL)
            fclose(f);
        return NULL;
    }
    *size = (size_t)st.st_size;
    uint8_t *bytes = malloc(*size + 1);
    if (bytes == NULL || fread(bytes, 1, *size, f) != *size) {
        snprintf(why, whylen, "cannot read %s", filename);
        free(bytes);
        fclose(f);
        return NULL;
    }
    fclose(f);
    return bytes;
}

/* The outcome of decoding a form. */
typedef enum {
    FORM_OK,          /* decoded and validated */
    FORM_REJECTED,    /* the decoder said no: err says how */
    FORM_UNREADABLE   /* no file, or no kind: err->message says why */
} form_result;

/* Reads the command's form and decodes it as its "kind" says: a
 * component with cm_decode, a core module with vm_module_load (every
 * feature on, as a component's embedded modules are loaded). Nothing is
 * kept: the runtime will keep what it instantiates. */
static form_result decode_form(script *sc, const json_value *cmd, vm_error *err)
{
    memset(err, 0, sizeof *err);
    const char *kind = json_string(json_get(cmd, "kind"));
    bool core = kind != NULL && strcmp(kind, "core") == 0;
    if (kind == NULL || (!core && strcmp(kind, "component") != 0)) {
        snprintf(err->message, sizeof err->message, "no \"kind\" core or component");
        return FORM_UNREADABLE;
    }
    size_t size = 0;
    uint8_t *bytes = read_form(sc, cmd, &size, err->message, sizeof err->message);
    if (bytes == NULL)
        return FORM_UNREADABLE;
    bool ok;
    if (core) {
        vm_module *m = vm_module_load(bytes, size, err);
        ok = m != NULL;
        vm_module_free(m);
    } else {
        cm_file *f = cm_decode(bytes, size, err);
        ok = f != NULL;
        cm_file_free(f);
    }
    free(bytes);
    if (ok)
        return FORM_OK;
    if (err->kind == VM_ERR_NONE)
        err->kind = VM_ERR_MALFORMED;   /* the decoder forgot to say; still a failure */
    return FORM_REJECTED;
}

/* ---- the commands that decode ------------------------------------------- */

/* "module" and "module_definition": the form must decode and validate.
 * (With a runtime, "module" will also instantiate it.) */
static void cmd_module(script *sc, const json_value *cmd)
{
    if (is_text_form(cmd)) {
        skip(sc, "text format");
        return;
    }
    vm_error err;
    form_result r = decode_form(sc, cmd, &err);
    if (r == FORM_OK)
        pass(sc);
    else if (r == FORM_REJECTED && err.kind == VM_ERR_UNSUPPORTED)
        skip_unsupported(sc, &err);
    else if (r == FORM_REJECTED)
        failure(sc, "%s: %s: %s", json_string(json_get(cmd, "filename")),
                error_kind_name(err.kind), err.message);
    else
        failure(sc, "%s", err.message);
}

/* The rules the validator does not check yet, by the words of the
 * reference's message: an assert_invalid with such a text that we accept
 * is skipped with the reason, never passed. (One we refuse passes as
 * usual.) Also wasmtime's own implementation limits, which its scripts
 * assert as invalid though the specification allows them. Each entry is
 * a gap to close, listed in doc/component-model.md. */
static const struct {
    const char *text;      /* a substring of the expected message */
    const char *reason;
} known_gaps[] = {
    /* Instantiation: subtyping of the arguments against the imports. */
    { "type mismatch", "validation of instantiation argument subtyping not yet implemented" },
    { "missing expected", "validation of instantiation argument subtyping not yet implemented" },
    { "mismatch in", "validation of instantiation argument subtyping not yet implemented" },
    { "expected ", "validation of instantiation argument subtyping not yet implemented" },
    /* Resources. */
    { "resource types are not the same",
      "validation of resource type identity (type-import substitution) not yet implemented" },
    { "not a local resource", "validation of resource.rep/new/drop locality not yet implemented" },
    { "transitively refers to resources",
      "validation of outer aliases of component/instance types mentioning resources not yet implemented" },
    { "does not have a name in this context",
      "validation that exported types use only named resources not yet implemented" },
    /* Exported and imported types naming only exported or imported types. */
    { "not valid to be used as export",
      "validation of external visibility of exported types not yet implemented" },
    { "not valid to be used as import",
      "validation of external visibility of imported types not yet implemented" },
    { "ascribed type of export is not compatible",
      "validation of export type ascriptions (subtyping) not yet implemented" },
    /* Core module types declared in a component. */
    { "duplicate import name", "validation of core module type declarations not yet implemented" },
    { "already defined", "validation of core module type declarations not yet implemented" },
    { "memory size must be at most",
      "validation of core module type declarations not yet implemented" },
    /* [method]/[static] names against plain names. */
    { "conflicts with previous name",
      "validation of [method]/[static] name disjointness not yet implemented" },
    /* Canonical ABI layout limits (the runtime's layout will give them). */
    { "exceeds maximum byte size",
      "validation of the 2^28 element size limit not yet implemented" },
    { "type nesting is too deep", "validation of the type nesting limit not yet implemented" },
    /* wasmtime's own limits, not the specification's rules. */
    { "root-level component imports are not supported",
      "wasmtime implementation limit (valid per the specification)" },
    { "exporting a component from the root component is not supported",
      "wasmtime implementation limit (valid per the specification)" },
    { "is a reexport of an imported function which is not implemented",
      "wasmtime implementation limit (valid per the specification)" },
};

/* The reason an accepted assert_invalid is a known gap, or NULL. */
static const char *known_gap(const char *text)
{
    for (size_t i = 0; i < sizeof known_gaps / sizeof known_gaps[0]; i++)
        if (strstr(text, known_gaps[i].text) != NULL)
            return known_gaps[i].reason;
    return NULL;
}

/* "assert_malformed" (want VM_ERR_MALFORMED, nothing else) and
 * "assert_invalid" (want VM_ERR_INVALID; VM_ERR_MALFORMED passes too, with
 * a note, as in the core runner). */
static void decode_fails(script *sc, const json_value *cmd, vm_error_kind want)
{
    if (is_text_form(cmd)) {
        skip(sc, "text format");
        return;
    }
    const char *text = json_string(json_get(cmd, "text"));
    const char *filename = json_string(json_get(cmd, "filename"));
    if (text == NULL)
        text = "";
    vm_error err;
    form_result r = decode_form(sc, cmd, &err);
    if (r == FORM_UNREADABLE) {
        failure(sc, "%s", err.message);
    } else if (r == FORM_OK && want == VM_ERR_INVALID && known_gap(text) != NULL) {
        skip(sc, known_gap(text));
    } else if (r == FORM_OK) {
        failure(sc, "%s: decoded and validated, expected %s (\"%s\")", filename,
                error_kind_name(want), text);
    } else if (err.kind == VM_ERR_UNSUPPORTED) {
        skip_unsupported(sc, &err);
    } else if (err.kind == want || (want == VM_ERR_INVALID && err.kind == VM_ERR_MALFORMED)) {
        pass(sc);
        note(sc, "%s: expected %s \"%s\", ours %s \"%s\"", filename, error_kind_name(want), text,
             error_kind_name(err.kind), err.message);
    } else {
        failure(sc, "%s: expected %s (\"%s\"), got %s: %s", filename, error_kind_name(want),
                text, error_kind_name(err.kind), err.message);
    }
}

static void cmd_assert_malformed(script *sc, const json_value *cmd)
{
    decode_fails(sc, cmd, VM_ERR_MALFORMED);
}

static void cmd_assert_invalid(script *sc, const json_value *cmd)
{
    decode_fails(sc, cmd, VM_ERR_INVALID);
}

static void cmd_unsupported(script *sc, const json_value *cmd)
{
    const char *reason = json_string(json_get(cmd, "reason"));
    char text[300];
    snprintf(text, sizeof text, "converter: %s", reason ? reason : "(no reason given)");
    skip(sc, text);
}

/* ---- the commands that need the runtime ---------------------------------- */
/* Each one skips today; instantiation and calls fill them in. */

static void cmd_module_instance(script *sc, const json_value *cmd)
{
    (void)cmd;
    skip(sc, NEEDS_INSTANTIATION);
}

static void cmd_register(script *sc, const json_value *cmd)
{
    (void)cmd;
    skip(sc, NEEDS_INSTANTIATION);
}

static void cmd_action(script *sc, const json_value *cmd)
{
    (void)cmd;
    skip(sc, NEEDS_INSTANTIATION);
}

static void cmd_assert_return(script *sc, const json_value *cmd)
{
    (void)cmd;
    skip(sc, NEEDS_INSTANTIATION);
}

static void cmd_assert_trap(script *sc, const json_value *cmd)
{
    (void)cmd;
    skip(sc, NEEDS_INSTANTIATION);
}

static void cmd_assert_exhaustion(script *sc, const json_value *cmd)
{
    (void)cmd;
    skip(sc, NEEDS_INSTANTIATION);
}

static void cmd_assert_unlinkable(script *sc, const json_value *cmd)
{
    (void)cmd;
    skip(sc, NEEDS_INSTANTIATION);
}

static void cmd_assert_uninstantiable(script *sc, const json_value *cmd)
{
    (void)cmd;
    skip(sc, NEEDS_INSTANTIATION);
}

static const struct {
    const char *type;
    void (*run)(script *sc, const json_value *cmd);
} commands[] = {
    { "module", cmd_module },
    { "module_definition", cmd_module },
    { "module_instance", cmd_module_instance },
    { "register", cmd_register },
    { "action", cmd_action },
    { "assert_return", cmd_assert_return },
    { "assert_trap", cmd_assert_trap },
    { "assert_exhaustion", cmd_assert_exhaustion },
    { "assert_malformed", cmd_assert_malformed },
    { "assert_invalid", cmd_assert_invalid },
    { "assert_unlinkable", cmd_assert_unlinkable },
    { "assert_uninstantiable", cmd_assert_uninstantiable },
    { "unsupported", cmd_unsupported },
};

static void run_command(script *sc, const json_value *cmd)
{
    const char *type = json_string(json_get(cmd, "type"));
    const char *line = json_number(json_get(cmd, "line"));
    sc->line = line ? strtoul(line, NULL, 10) : 0;
    sc->command = type ? type : "(no type)";
    if (type == NULL) {
        failure(sc, "command without a type");
        return;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].type, type) == 0) {
            commands[i].run(sc, cmd);
            return;
        }
    failure(sc, "unknown command type");
}

/* ---- features ----------------------------------------------------------- */

/* The ";;!" features (wasmtime Config switches) this runtime has: the core
 * proposals vm implements (reference types and bulk memory are Wasm 2.0),
 * fixed-length lists (the decoder reads them), and hogs_memory, which only
 * says the script allocates a lot. */
static bool feature_supported(const char *name)
{
    static const char *const supported[] = {
        "multi_memory", "reference_types", "bulk_memory", "simd", "tail_call",
        "extended_const", "hogs_memory", "component_model_fixed_length_lists",
    };
    for (size_t i = 0; i < sizeof supported / sizeof supported[0]; i++)
        if (strcmp(supported[i], name) == 0)
            return true;
    return false;
}

/* Scripts that need a feature without saying so in a ";;!" header (the
 * spec/ scripts have none): the end of their source path, the feature. */
static const struct {
    const char *source;
    const char *feature;
} implied_features[] = {
    { "spec/linking/tags.wast", "exceptions" },   /* core modules with tag sections */
};

/* The first feature the script needs that this runtime lacks, or NULL. */
static const char *missing_feature(const json_value *root)
{
    const char *source = json_string(json_get(root, "source_filename"));
    size_t len = source ? strlen(source) : 0;
    for (size_t i = 0; i < sizeof implied_features / sizeof implied_features[0]; i++) {
        size_t n = strlen(implied_features[i].source);
        if (len >= n && strcmp(source + len - n, implied_features[i].source) == 0 &&
            !feature_supported(implied_features[i].feature))
            return implied_features[i].feature;
    }
    const json_value *features = json_get(root, "features");
    for (size_t i = 0; i < json_length(features); i++) {
        const char *name = json_string(json_at(features, i));
        if (name != NULL && !feature_supported(name))
            return name;
    }
    return NULL;
}

/* ---- one script --------------------------------------------------------- */

void run_script(const char *json_path, bool verbose, run_counts *counts)
{
    script sc = { .path = json_path, .verbose = verbose, .counts = counts };
    const char *slash = strrchr(json_path, '/');
    if (slash == NULL)
        snprintf(sc.dir, sizeof sc.dir, ".");
    else
        snprintf(sc.dir, sizeof sc.dir, "%.*s", (int)(slash - json_path), json_path);

    char err[512];
    json_doc *doc = json_parse_file(json_path, err, sizeof err);
    if (doc == NULL) {
        counts->failed++;
        printf("%s\n", err);
        return;
    }
    const json_value *commands_ = json_get(json_root(doc), "commands");
    if (json_typeof(commands_) != JSON_ARRAY) {
        counts->failed++;
        printf("%s: no \"commands\" array: not a converted script\n", json_path);
        json_free(doc);
        return;
    }
    const char *missing = missing_feature(json_root(doc));
    char reason[200];
    if (missing != NULL)
        snprintf(reason, sizeof reason, "needs feature %s (not in this runtime)", missing);
    for (size_t i = 0; i < json_length(commands_); i++) {
        const json_value *cmd = json_at(commands_, i);
        if (missing == NULL) {
            run_command(&sc, cmd);
        } else {
            const char *line = json_number(json_get(cmd, "line"));
            const char *type = json_string(json_get(cmd, "type"));
            sc.line = line ? strtoul(line, NULL, 10) : 0;
            sc.command = type ? type : "(no type)";
            skip(&sc, reason);
        }
    }
    json_free(doc);
}
