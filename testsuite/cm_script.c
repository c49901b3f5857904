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
 *   module                 also instantiated (cm_instantiate with the
 *                          host of cm_host.c); the current instance
 *   module_instance        instantiates a named definition
 *   register               names an instance for later commands
 *   action                 an invoke must not trap ("get": skipped)
 *   assert_return          the lifted result matches the expected value
 *                          (the JSON values against host_value, as
 *                          component/abi.h maps them)
 *   assert_trap            the call traps; a different message is a note
 *   assert_exhaustion      the same
 *   assert_unlinkable      decodes, and cm_instantiate fails
 *   assert_uninstantiable  the same
 *
 * A form kept as text (`quote`, or what jco could
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


/* A decoded component kept for the script: a definition (module_definition,
 * for module_instance) or the file of an instance. */
typedef struct {
    char *name;                /* "$D", or NULL */
    cm_file *file;             /* NULL: a definition that was skipped */
    bool definition;
    char *cause;               /* when file is NULL: why it was skipped */
} named_file;

/* An instance: by its name, or registered under "as". */
typedef struct {
    char *name;
    cm_instance *ci;           /* NULL: its instantiation was skipped */
    bool registered;           /* an alias made by register (not owned) */
    char *cause;               /* when ci is NULL: why it was skipped */
} named_instance;

typedef struct {
    const char *path;          /* of the .json */
    char dir[4096];            /* its folder, where the .wasm files are */
    bool verbose;
    run_counts *counts;
    unsigned long line;        /* of the command being run */
    const char *command;       /* its type */
    const char *source;        /* the script's "source_filename" ("" if none) */
    named_file *files;
    size_t nfiles, cap_files;
    named_instance *insts;
    size_t ninsts, cap_insts;
    cm_instance *current;      /* the last instantiated (NULL: it failed) */
    char cause[300];           /* why current is NULL: the skip's reason, or "" */
} script;

/* ---- reporting ---------------------------------------------------------- */

static void pass(script *sc)
{
    sc->counts->passed++;
}

__attribute__((format(printf, 2, 3)))
static void failure(script *sc, const char *fmt, ...)
{
    if (strcmp(sc->command, "module") == 0 || strcmp(sc->command, "module_instance") == 0)
        snprintf(sc->cause, sizeof sc->cause, "its instantiation failed");
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
    /* a command that makes the current instance: its reason is the root
     * cause the commands acting on that instance name when they skip */
    if (strcmp(sc->command, "module") == 0 || strcmp(sc->command, "module_instance") == 0)
        snprintf(sc->cause, sizeof sc->cause, "%s", reason);
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

/* The reason to skip a command the decoder refused as VM_ERR_UNSUPPORTED. */
static const char *unsupported_reason(const vm_error *err, char *reason, size_t size)
{
    snprintf(reason, size, "decoder: %s", without_offset(err->message));
    return reason;
}

/* Skips a command the decoder refused as VM_ERR_UNSUPPORTED. */
static void skip_unsupported(script *sc, const vm_error *err)
{
    char reason[300];
    skip(sc, unsupported_reason(err, reason, sizeof reason));
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
static form_result decode_form_keep(script *sc, const json_value *cmd, vm_error *err,
                                    cm_file **keep);

static form_result decode_form(script *sc, const json_value *cmd, vm_error *err)
{
    return decode_form_keep(sc, cmd, err, NULL);
}

/* decode_form, keeping a decoded component in *keep when keep is given
 * (a core module is never kept: *keep stays NULL). */
static form_result decode_form_keep(script *sc, const json_value *cmd, vm_error *err,
                                    cm_file **keep)
{
    if (keep != NULL)
        *keep = NULL;
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
        if (keep != NULL)
            *keep = f;
        else
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

static bool keep_file(script *sc, const char *name, cm_file *f, bool definition);
static bool keep_instance(script *sc, const char *name, cm_instance *ci);
static void skip_making(script *sc, const char *name, bool definition, const char *reason);
static cm_instance *instantiate(script *sc, const cm_file *f, vm_error *err);

/* What the host of cm_host.c (with the script's named instances) cannot
 * supply yet: the reason to skip a component importing it, or NULL. */
static const char *host_gap(const char *message)
{
    if (strstr(message, "the host cannot supply") != NULL)
        return "host imports of components not yet supported";
    if (strstr(message, "a function of another component instance tree") != NULL)
        return "linking a function of another script instance not yet supported";
    return NULL;
}

/* "module" and "module_definition": the form must decode and validate; a
 * "module" is also instantiated and becomes the current instance (named
 * by "name"); a definition is kept under its name for module_instance. */
static void cmd_module(script *sc, const json_value *cmd)
{
    bool definition = strcmp(sc->command, "module_definition") == 0;
    const char *name = json_string(json_get(cmd, "name"));
    if (!definition)
        sc->current = NULL;
    if (is_text_form(cmd)) {
        skip_making(sc, name, definition, "text format");
        return;
    }
    vm_error err;
    cm_file *f = NULL;
    form_result r = decode_form_keep(sc, cmd, &err, &f);
    if (r == FORM_REJECTED && err.kind == VM_ERR_UNSUPPORTED) {
        char reason[300];
        skip_making(sc, name, definition, unsupported_reason(&err, reason, sizeof reason));
        return;
    }
    if (r == FORM_REJECTED) {
        failure(sc, "%s: %s: %s", json_string(json_get(cmd, "filename")),
                error_kind_name(err.kind), err.message);
        return;
    }
    if (r != FORM_OK) {
        failure(sc, "%s", err.message);
        return;
    }
    if (f == NULL) {   /* a core module: decoded is all a component script needs */
        pass(sc);
        return;
    }
    if (!keep_file(sc, name, f, definition)) {
        cm_file_free(f);
        failure(sc, "out of memory");
        return;
    }
    if (definition) {
        pass(sc);
        return;
    }
    cm_instance *ci = instantiate(sc, f, &err);
    if (ci == NULL && host_gap(err.message) != NULL) {
        skip_making(sc, name, false, host_gap(err.message));
        return;
    }
    if (ci == NULL) {
        failure(sc, "%s: instantiation: %s: %s", json_string(json_get(cmd, "filename")),
                error_kind_name(err.kind), err.message);
        return;
    }
    if (!keep_instance(sc, name, ci)) {
        cm_instance_free(ci);
        failure(sc, "out of memory");
        return;
    }
    pass(sc);
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

/* ---- the commands that instantiate and call ------------------------------ */

/* A definition kept for module_instance, or the file an instance runs. */
static bool keep_file(script *sc, const char *name, cm_file *f, bool definition)
{
    if (sc->nfiles == sc->cap_files) {
        size_t cap = sc->cap_files ? 2 * sc->cap_files : 16;
        named_file *p = realloc(sc->files, cap * sizeof *p);
        if (p == NULL)
            return false;
        sc->files = p;
        sc->cap_files = cap;
    }
    sc->files[sc->nfiles++] = (named_file){ name ? strdup(name) : NULL, f, definition, NULL };
    return true;
}

/* Skips a command that makes a definition or an instance (named name, or
 * NULL) with reason, and keeps the reason as the root cause the commands
 * that use that definition or instance name when they skip. */
static void skip_making(script *sc, const char *name, bool definition, const char *reason)
{
    skip(sc, reason);
    if (definition) {
        if (keep_file(sc, name, NULL, true))
            sc->files[sc->nfiles - 1].cause = strdup(reason);
    } else if (name != NULL && keep_instance(sc, name, NULL)) {
        sc->insts[sc->ninsts - 1].cause = strdup(reason);
    }
}

/* The reason the instance named name (NULL: the current one) is missing. */
static const char *missing_cause(const script *sc, const char *name)
{
    if (name == NULL)
        return sc->cause;
    for (size_t i = sc->ninsts; i-- > 0;)
        if (sc->insts[i].name != NULL && strcmp(sc->insts[i].name, name) == 0)
            return sc->insts[i].cause != NULL ? sc->insts[i].cause : "";
    return "";
}

/* Skips a command with "WHAT: its definition was skipped: CAUSE" (or
 * WHAT alone when the cause is unknown), so the table names the root cause. */
static void skip_because(script *sc, const char *what, const char *cause)
{
    char reason[400];
    if (cause == NULL || cause[0] == '\0')
        snprintf(reason, sizeof reason, "%s", what);
    else
        snprintf(reason, sizeof reason, "%s: %s", what, cause);
    skip(sc, reason);
}

static bool keep_instance(script *sc, const char *name, cm_instance *ci)
{
    if (sc->ninsts == sc->cap_insts) {
        size_t cap = sc->cap_insts ? 2 * sc->cap_insts : 16;
        named_instance *p = realloc(sc->insts, cap * sizeof *p);
        if (p == NULL)
            return false;
        sc->insts = p;
        sc->cap_insts = cap;
    }
    sc->insts[sc->ninsts++] = (named_instance){ name ? strdup(name) : NULL, ci, false, NULL };
    sc->current = ci;
    if (ci != NULL)
        sc->cause[0] = '\0';
    return true;
}

/* The instance named name (the latest of that name), or the current one. */
static cm_instance *find_instance(script *sc, const char *name)
{
    if (name == NULL)
        return sc->current;
    for (size_t i = sc->ninsts; i-- > 0;)
        if (sc->insts[i].name != NULL && strcmp(sc->insts[i].name, name) == 0)
            return sc->insts[i].ci;
    return NULL;
}

static void script_free(script *sc)
{
    for (size_t i = 0; i < sc->ninsts; i++) {
        if (!sc->insts[i].registered)
            cm_instance_free(sc->insts[i].ci);
        free(sc->insts[i].name);
        free(sc->insts[i].cause);
    }
    for (size_t i = 0; i < sc->nfiles; i++) {
        cm_file_free(sc->files[i].file);
        free(sc->files[i].name);
        free(sc->files[i].cause);
    }
    free(sc->insts);
    free(sc->files);
}

/* Instantiates f with the script's host: the instance, or NULL with err. */
static cm_instance *instantiate(script *sc, const cm_file *f, vm_error *err)
{
    /* wasmtime's runner links a script's named instances by their names
     * ("$c" as "c") and registered ones under "as": the latest first */
    cm_host host = *cm_spectest_host();
    cm_host_instance *named = calloc(sc->ninsts + 1, sizeof *named);
    if (named == NULL) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return NULL;
    }
    for (size_t i = sc->ninsts; i-- > 0;)
        if (sc->insts[i].name != NULL && sc->insts[i].ci != NULL)
            named[host.ninstances++] = (cm_host_instance){
                sc->insts[i].name + (sc->insts[i].name[0] == '$'), sc->insts[i].ci };
    host.instances = named;
    cm_instance *ci = cm_instantiate_flags(f, &host, CM_LINK_STRICT, NULL, err);
    free(named);
    return ci;
}

/* "module_instance": instantiates the named definition (absent: the last). */
static void cmd_module_instance(script *sc, const json_value *cmd)
{
    const char *module = json_string(json_get(cmd, "module"));
    const char *name = json_string(json_get(cmd, "instance"));
    const named_file *def = NULL;
    for (size_t i = sc->nfiles; i-- > 0 && def == NULL;)
        if (sc->files[i].definition &&
            (module == NULL || (sc->files[i].name && strcmp(sc->files[i].name, module) == 0)))
            def = &sc->files[i];
    if (def == NULL || def->file == NULL) {
        sc->current = NULL;
        const char *cause = def ? def->cause : "it did not decode";
        skip_because(sc, "no such component definition", cause);
        snprintf(sc->cause, sizeof sc->cause, "its definition was skipped: %s", cause);
        if (name != NULL && keep_instance(sc, name, NULL))
            sc->insts[sc->ninsts - 1].cause = strdup(sc->cause);
        return;
    }
    const cm_file *f = def->file;
    vm_error err;
    cm_instance *ci = instantiate(sc, f, &err);
    if (ci == NULL && host_gap(err.message) != NULL) {
        sc->current = NULL;
        skip_making(sc, name, false, host_gap(err.message));
        return;
    }
    if (ci == NULL) {
        sc->current = NULL;
        failure(sc, "instantiation: %s: %s", error_kind_name(err.kind), err.message);
        return;
    }
    if (!keep_instance(sc, name, ci)) {
        cm_instance_free(ci);
        failure(sc, "out of memory");
        return;
    }
    pass(sc);
}

/* "register": the instance (named, or the current one) becomes importable
 * under "as" by the components instantiated after it. */
static void cmd_register(script *sc, const json_value *cmd)
{
    const char *name = json_string(json_get(cmd, "name"));
    const char *as = json_string(json_get(cmd, "as"));
    cm_instance *ci = find_instance(sc, name);
    if (ci == NULL || as == NULL) {
        skip(sc, "register: no such instance");
        return;
    }
    if (!keep_instance(sc, as, ci)) {
        failure(sc, "out of memory");
        return;
    }
    sc->insts[sc->ninsts - 1].registered = true;
    pass(sc);
}

/* ---- component values: the script's JSON <-> host_value ---- */

#define MAX_VALUE_DEPTH 100

static bool parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno == 0 && *end == '\0';
}

static bool parse_s64(const char *s, int64_t *out)
{
    if (s == NULL || *s == '\0')
        return false;
    char *end;
    errno = 0;
    *out = strtoll(s, &end, 10);
    return errno == 0 && *end == '\0';
}

static bool is_int_type(const char *t, bool *is_signed)
{
    static const char *const u[] = { "u8", "u16", "u32", "u64" };
    static const char *const s[] = { "s8", "s16", "s32", "s64" };
    for (int i = 0; i < 4; i++) {
        if (strcmp(t, u[i]) == 0) {
            *is_signed = false;
            return true;
        }
        if (strcmp(t, s[i]) == 0) {
            *is_signed = true;
            return true;
        }
    }
    return false;
}

static double float_of_bits(const char *type, uint64_t bits)
{
    if (strcmp(type, "f32") == 0) {
        uint32_t b = (uint32_t)bits;
        float f;
        memcpy(&f, &b, 4);
        return f;
    }
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

/* A JSON value of the script as an argument. */
static bool to_host(const json_value *j, int depth, host_value *out, char *why, size_t len)
{
    *out = host_nil();
    const char *type = json_string(json_get(j, "type"));
    const json_value *v = json_get(j, "value");
    const char *str = json_string(v);
    bool is_signed;
    if (type == NULL || depth > MAX_VALUE_DEPTH) {
        snprintf(why, len, "a value without a type, or nested too deep");
        return false;
    }
    if (strcmp(type, "bool") == 0) {
        *out = host_bool(str != NULL && strcmp(str, "true") == 0);
        return true;
    }
    if (is_int_type(type, &is_signed)) {
        uint64_t u;
        int64_t i;
        if (is_signed && parse_s64(str, &i)) {
            *out = host_int(i);
            return true;
        }
        if (!is_signed && parse_u64(str, &u)) {
            *out = u > INT64_MAX ? host_uint(u) : host_int((int64_t)u);
            return true;
        }
        snprintf(why, len, "bad %s %s", type, str ? str : "(none)");
        return false;
    }
    if (strcmp(type, "f32") == 0 || strcmp(type, "f64") == 0) {
        uint64_t bits;
        if (!parse_u64(str, &bits)) {
            snprintf(why, len, "bad %s %s", type, str ? str : "(none)");
            return false;
        }
        *out = host_float(float_of_bits(type, bits));
        return true;
    }
    if (strcmp(type, "char") == 0 || strcmp(type, "string") == 0 || strcmp(type, "enum") == 0) {
        if (str == NULL) {
            snprintf(why, len, "%s without a string", type);
            return false;
        }
        *out = host_string(str, json_string_length(v));
        return out->kind == HOST_VALUE_STRING || (snprintf(why, len, "out of memory"), false);
    }
    if (strcmp(type, "list") == 0 || strcmp(type, "tuple") == 0 || strcmp(type, "flags") == 0) {
        *out = host_list(json_length(v));
        for (size_t i = 0; i < json_length(v); i++) {
            host_value item;
            const char *e = NULL;
            if (strcmp(type, "flags") == 0) {
                const char *name = json_string(json_at(v, i));
                item = host_string(name ? name : "", name ? strlen(name) : 0);
            } else if (!to_host(json_at(v, i), depth + 1, &item, why, len)) {
                host_value_free(out);
                return false;
            }
            if (!host_list_push(out, item, &e)) {
                snprintf(why, len, "%s", e);
                host_value_free(out);
                return false;
            }
        }
        return true;
    }
    if (strcmp(type, "record") == 0) {
        *out = host_map();
        for (size_t i = 0; i < json_length(v); i++) {
            const json_value *field = json_at(v, i);
            const char *name = json_string(json_get(field, "name"));
            host_value item;
            const char *e = NULL;
            if (name == NULL) {
                snprintf(why, len, "a record field without a name");
                host_value_free(out);
                return false;
            }
            if (!to_host(json_get(field, "value"), depth + 1, &item, why, len)) {
                host_value_free(out);
                return false;
            }
            if (!host_map_set(out, name, strlen(name), item, &e)) {
                snprintf(why, len, "%s", e);
                host_value_free(out);
                return false;
            }
        }
        return true;
    }
    if (strcmp(type, "variant") == 0 || strcmp(type, "result") == 0 || strcmp(type, "option") == 0) {
        const char *c = json_string(json_get(j, "case"));
        host_value payload = host_bool(true);
        if (c == NULL) {
            snprintf(why, len, "%s without a case", type);
            return false;
        }
        if (v != NULL && !to_host(v, depth + 1, &payload, why, len))
            return false;
        if (strcmp(type, "option") == 0) {
            const char *pt = v != NULL ? json_string(json_get(v, "type")) : NULL;
            *out = strcmp(c, "none") == 0 ? host_nil() : payload;
            if (strcmp(c, "none") == 0 || pt == NULL || strcmp(pt, "option") != 0)
                return true;
            /* option<option<T>>: some(x) is {some = x}, some(none) is {} */
            const char *e = NULL;
            *out = host_map();
            if (payload.kind != HOST_VALUE_NIL && !host_map_set(out, "some", 4, payload, &e)) {
                snprintf(why, len, "%s", e);
                host_value_free(out);
                return false;
            }
            return true;
        }
        const char *e = NULL;
        *out = host_map();
        if (!host_map_set(out, c, strlen(c), payload, &e)) {
            snprintf(why, len, "%s", e);
            host_value_free(out);
            return false;
        }
        return true;
    }
    snprintf(why, len, "values of type %s are not supported", type);
    return false;
}

static const char *kind_name(const host_value *v)
{
    static const char *const names[] = { "nil", "bool", "integer", "float", "string", "list", "map" };
    return names[v->kind];
}

static bool is_nan_bits(const char *type, uint64_t bits)
{
    if (strcmp(type, "f32") == 0)
        return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0;
    return (bits & UINT64_C(0x7ff0000000000000)) == UINT64_C(0x7ff0000000000000) &&
           (bits & UINT64_C(0x000fffffffffffff)) != 0;
}

/* Compares a lifted result with an expected JSON value; false with why. */
static bool matches(const json_value *j, const host_value *got, int depth, char *why, size_t len)
{
    const char *type = json_string(json_get(j, "type"));
    const json_value *v = json_get(j, "value");
    const char *str = json_string(v);
    bool is_signed;
    if (type == NULL || depth > MAX_VALUE_DEPTH) {
        snprintf(why, len, "an expected value without a type, or nested too deep");
        return false;
    }
    if (strcmp(type, "either") == 0) {
        const json_value *vals = json_get(j, "values");
        for (size_t i = 0; i < json_length(vals); i++)
            if (matches(json_at(vals, i), got, depth + 1, why, len))
                return true;
        snprintf(why, len, "none of the %zu alternatives", json_length(vals));
        return false;
    }
    if (strcmp(type, "bool") == 0) {
        bool want = str != NULL && strcmp(str, "true") == 0;
        if (got->kind == HOST_VALUE_BOOL && got->b == want)
            return true;
        snprintf(why, len, "expected bool %s, got %s", want ? "true" : "false", kind_name(got));
        return false;
    }
    if (is_int_type(type, &is_signed)) {
        if (got->kind != HOST_VALUE_INT) {
            snprintf(why, len, "expected %s %s, got %s", type, str ? str : "?", kind_name(got));
            return false;
        }
        uint64_t u;
        int64_t i;
        bool ok;
        if (is_signed)
            ok = parse_s64(str, &i) &&
                 (got->is_unsigned ? got->u <= INT64_MAX && (int64_t)got->u == i : got->i == i);
        else
            ok = parse_u64(str, &u) &&
                 (got->is_unsigned ? got->u == u : got->i >= 0 && (uint64_t)got->i == u);
        if (!ok) {
            if (got->is_unsigned)
                snprintf(why, len, "expected %s %s, got %llu", type, str ? str : "?",
                         (unsigned long long)got->u);
            else
                snprintf(why, len, "expected %s %s, got %lld", type, str ? str : "?",
                         (long long)got->i);
        }
        return ok;
    }
    if (strcmp(type, "f32") == 0 || strcmp(type, "f64") == 0) {
        if (got->kind != HOST_VALUE_FLOAT) {
            snprintf(why, len, "expected %s, got %s", type, kind_name(got));
            return false;
        }
        bool f32 = strcmp(type, "f32") == 0;
        uint64_t gbits, bits = 0;
        if (f32) {
            float x = (float)got->f;
            uint32_t b;
            memcpy(&b, &x, 4);
            gbits = b;
        } else {
            memcpy(&gbits, &got->f, 8);
        }
        bool want_nan = str != NULL && strncmp(str, "nan:", 4) == 0;
        if (!want_nan && !parse_u64(str, &bits)) {
            snprintf(why, len, "bad expected %s %s", type, str ? str : "?");
            return false;
        }
        want_nan = want_nan || is_nan_bits(type, bits);
        if (want_nan ? is_nan_bits(type, gbits) : gbits == bits)
            return true;
        snprintf(why, len, "expected %s bits %s, got %g (bits %llu)", type, str ? str : "?",
                 got->f, (unsigned long long)gbits);
        return false;
    }
    if (strcmp(type, "char") == 0 || strcmp(type, "string") == 0 || strcmp(type, "enum") == 0) {
        size_t n = json_string_length(v);
        if (got->kind == HOST_VALUE_STRING && str != NULL && got->len == n &&
            memcmp(got->s, str, n) == 0)
            return true;
        if (got->kind == HOST_VALUE_STRING)
            snprintf(why, len, "expected %s \"%.60s\", got \"%.60s\" (%zu bytes)", type,
                     str ? str : "", got->s, got->len);
        else
            snprintf(why, len, "expected %s, got %s", type, kind_name(got));
        return false;
    }
    if (strcmp(type, "list") == 0 || strcmp(type, "tuple") == 0) {
        if (got->kind != HOST_VALUE_LIST || got->len != json_length(v)) {
            snprintf(why, len, "expected a %s of %zu, got %s of %zu", type, json_length(v),
                     kind_name(got), got->kind == HOST_VALUE_LIST ? got->len : 0);
            return false;
        }
        for (size_t i = 0; i < got->len; i++)
            if (!matches(json_at(v, i), &got->items[i], depth + 1, why, len)) {
                char inner[300];
                snprintf(inner, sizeof inner, "%s", why);
                snprintf(why, len, "element %zu: %s", i, inner);
                return false;
            }
        return true;
    }
    if (strcmp(type, "record") == 0) {
        if (got->kind != HOST_VALUE_MAP) {
            snprintf(why, len, "expected a record, got %s", kind_name(got));
            return false;
        }
        for (size_t i = 0; i < json_length(v); i++) {
            const json_value *field = json_at(v, i);
            const char *name = json_string(json_get(field, "name"));
            const host_value *fv = name ? host_map_get(got, name, strlen(name)) : NULL;
            host_value nil = host_nil();
            if (!matches(json_get(field, "value"), fv ? fv : &nil, depth + 1, why, len)) {
                char inner[300];
                snprintf(inner, sizeof inner, "%s", why);
                snprintf(why, len, "field \"%s\": %s", name ? name : "?", inner);
                return false;
            }
        }
        return true;
    }
    if (strcmp(type, "flags") == 0) {
        size_t set = 0;
        for (size_t i = 0; got->kind == HOST_VALUE_MAP && i < got->len; i++)
            if (got->entries[i].value.kind != HOST_VALUE_BOOL || got->entries[i].value.b)
                set++;
        bool ok = got->kind == HOST_VALUE_MAP && set == json_length(v);
        for (size_t i = 0; ok && i < json_length(v); i++) {
            const char *name = json_string(json_at(v, i));
            const host_value *fv = name ? host_map_get(got, name, strlen(name)) : NULL;
            ok = fv != NULL && fv->kind == HOST_VALUE_BOOL && fv->b;
        }
        if (!ok)
            snprintf(why, len, "expected %zu flags set, got %s with %zu set", json_length(v),
                     kind_name(got), set);
        return ok;
    }
    if (strcmp(type, "option") == 0) {
        const char *c = json_string(json_get(j, "case"));
        if (c != NULL && strcmp(c, "none") == 0) {
            if (got->kind == HOST_VALUE_NIL)
                return true;
            snprintf(why, len, "expected none, got %s", kind_name(got));
            return false;
        }
        if (got->kind == HOST_VALUE_NIL) {
            snprintf(why, len, "expected some, got none");
            return false;
        }
        if (v != NULL &&
            strcmp(json_string(json_get(v, "type")) ? json_string(json_get(v, "type")) : "", "option") == 0) {
            /* option<option<T>>: some(x) lifts as {some = x}, some(none) as {} */
            static const host_value nil = { .kind = HOST_VALUE_NIL };
            if (got->kind != HOST_VALUE_MAP || got->len > 1 ||
                (got->len == 1 && strcmp(got->entries[0].key, "some") != 0)) {
                snprintf(why, len, "expected some as a map {some = x}, got %s", kind_name(got));
                return false;
            }
            return matches(v, got->len ? &got->entries[0].value : &nil, depth + 1, why, len);
        }
        return matches(v, got, depth + 1, why, len);
    }
    if (strcmp(type, "variant") == 0 || strcmp(type, "result") == 0) {
        const char *c = json_string(json_get(j, "case"));
        if (got->kind != HOST_VALUE_MAP || got->len != 1 || c == NULL ||
            strcmp(got->entries[0].key, c) != 0) {
            snprintf(why, len, "expected %s case %s, got %s%s%s", type, c ? c : "?",
                     kind_name(got), got->kind == HOST_VALUE_MAP && got->len ? " " : "",
                     got->kind == HOST_VALUE_MAP && got->len ? got->entries[0].key : "");
            return false;
        }
        const host_value *p = &got->entries[0].value;
        if (v == NULL) {
            if (p->kind == HOST_VALUE_BOOL && p->b)
                return true;
            snprintf(why, len, "case %s: expected no payload, got %s", c, kind_name(p));
            return false;
        }
        if (!matches(v, p, depth + 1, why, len)) {
            char inner[300];
            snprintf(inner, sizeof inner, "%s", why);
            snprintf(why, len, "case %s: %s", c, inner);
            return false;
        }
        return true;
    }
    snprintf(why, len, "expected values of type %s are not supported", type);
    return false;
}

/* ---- actions ---- */

typedef struct {
    bool ran;                  /* false: the action could not be run (why says) */
    bool trapped;
    host_value result;
    char message[600];         /* the trap, or why it did not run */
} outcome;

/* Runs the command's action; false (with a skip or failure counted) when
 * it cannot be run at all. */
static bool run_action(script *sc, const json_value *cmd, outcome *o)
{
    memset(o, 0, sizeof *o);
    o->result = host_nil();
    const json_value *action = json_get(cmd, "action");
    const char *type = json_string(json_get(action, "type"));
    const char *module = json_string(json_get(action, "module"));
    const char *field = json_string(json_get(action, "field"));
    if (type == NULL || strcmp(type, "invoke") != 0 || field == NULL) {
        skip(sc, "action other than invoke (value exports are not supported)");
        return false;
    }
    cm_instance *ci = find_instance(sc, module);
    if (ci == NULL) {
        skip_because(sc, "no instance to act on", missing_cause(sc, module));
        return false;
    }
    const json_value *args = json_get(action, "args");
    size_t n = json_length(args);
    host_value *vals = calloc(n + 1, sizeof *vals);
    if (vals == NULL) {
        failure(sc, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++)
        if (!to_host(json_at(args, i), 0, &vals[i], o->message, sizeof o->message)) {
            for (size_t k = 0; k < i; k++)
                host_value_free(&vals[k]);
            free(vals);
            failure(sc, "argument %zu: %s", i + 1, o->message);
            return false;
        }
    cm_spectest_set_instance(ci);
    o->ran = true;
    o->trapped = !cm_invoke(ci, field, vals, n, &o->result, o->message, sizeof o->message);
    cm_spectest_set_instance(NULL);
    for (size_t i = 0; i < n; i++)
        host_value_free(&vals[i]);
    free(vals);
    return true;
}

static void cmd_action(script *sc, const json_value *cmd)
{
    outcome o;
    if (!run_action(sc, cmd, &o))
        return;
    if (o.trapped)
        failure(sc, "trapped: %s", o.message);
    else
        pass(sc);
    host_value_free(&o.result);
}

static void cmd_assert_return(script *sc, const json_value *cmd)
{
    outcome o;
    if (!run_action(sc, cmd, &o))
        return;
    const json_value *expected = json_get(cmd, "expected");
    char why[400];
    if (o.trapped) {
        failure(sc, "expected results, trapped \"%s\"", o.message);
    } else if (json_length(expected) == 0) {
        if (o.result.kind == HOST_VALUE_NIL)
            pass(sc);
        else
            failure(sc, "expected no result, got %s", kind_name(&o.result));
    } else if (json_length(expected) > 1) {
        failure(sc, "expected %zu results: a component function has at most one",
                json_length(expected));
    } else if (!matches(json_at(expected, 0), &o.result, 0, why, sizeof why)) {
        failure(sc, "%s", why);
    } else {
        pass(sc);
    }
    host_value_free(&o.result);
}

/* What the runtime does not check yet, by the words of the reference's
 * message: an assert_trap that returns, or an assert_unlinkable that
 * links, with such a text is skipped with the reason, never passed. Each
 * entry is a gap to close, listed in doc/component-model.md. */
static const struct {
    const char *source;    /* the end of the script's path, or NULL: any */
    const char *text;      /* a substring of the expected message */
    const char *reason;
} runtime_gaps[] = {
    { NULL, "used with the wrong type",
      "runtime: resource type of a lifted own/borrow not yet checked" },
};

static const char *runtime_gap(script *sc, const char *text)
{
    size_t len = strlen(sc->source);
    for (size_t i = 0; text != NULL && i < sizeof runtime_gaps / sizeof runtime_gaps[0]; i++) {
        const char *src = runtime_gaps[i].source;
        if (src != NULL && (len < strlen(src) || strcmp(sc->source + len - strlen(src), src) != 0))
            continue;
        if (strstr(text, runtime_gaps[i].text) != NULL)
            return runtime_gaps[i].reason;
    }
    return NULL;
}

/* assert_trap and assert_exhaustion: the call must trap. The message need
 * not be the reference's (wasmtime's words are not the specification's):
 * when it does not contain the expected text, both are printed with -v. */
static void must_trap(script *sc, const json_value *cmd, const char *what)
{
    outcome o;
    if (!run_action(sc, cmd, &o))
        return;
    const char *text = json_string(json_get(cmd, "text"));
    if (!o.trapped && runtime_gap(sc, text) != NULL) {
        skip(sc, runtime_gap(sc, text));
    } else if (!o.trapped) {
        failure(sc, "expected %s \"%s\", returned %s", what, text ? text : "",
                kind_name(&o.result));
    } else {
        pass(sc);
        if (text != NULL && strstr(o.message, text) == NULL)
            note(sc, "expected %s \"%s\", ours \"%s\"", what, text, o.message);
    }
    host_value_free(&o.result);
}

static void cmd_assert_trap(script *sc, const json_value *cmd)
{
    must_trap(sc, cmd, "trap");
}

static void cmd_assert_exhaustion(script *sc, const json_value *cmd)
{
    must_trap(sc, cmd, "exhaustion");
}

/* assert_unlinkable / assert_uninstantiable: the form decodes, and its
 * instantiation fails: with a link error (unlinkable) or a trap
 * (uninstantiable; a core start function or a component start trapping). */
static void instantiation_fails(script *sc, const json_value *cmd, bool link)
{
    if (is_text_form(cmd)) {
        skip(sc, "text format");
        return;
    }
    const char *text = json_string(json_get(cmd, "text"));
    vm_error err;
    cm_file *f = NULL;
    form_result r = decode_form_keep(sc, cmd, &err, &f);
    if (r == FORM_UNREADABLE) {
        failure(sc, "%s", err.message);
        return;
    }
    if (r == FORM_REJECTED) {
        if (err.kind == VM_ERR_UNSUPPORTED)
            skip_unsupported(sc, &err);
        else
            failure(sc, "does not decode: %s: %s (expected it to fail %s \"%s\")",
                    error_kind_name(err.kind), err.message,
                    link ? "linking" : "instantiating", text ? text : "");
        return;
    }
    if (f == NULL) {   /* a core module: nothing to instantiate it with here */
        skip(sc, "core module instantiation in a component script");
        return;
    }
    cm_instance *ci = instantiate(sc, f, &err);
    if (ci != NULL && runtime_gap(sc, text) != NULL) {
        skip(sc, runtime_gap(sc, text));
        cm_instance_free(ci);
    } else if (ci != NULL) {
        failure(sc, "instantiated, expected %s \"%s\"", link ? "a link error" : "a trap",
                text ? text : "");
        cm_instance_free(ci);
    } else {
        pass(sc);
        note(sc, "expected \"%s\", ours %s \"%s\"", text ? text : "", error_kind_name(err.kind),
             err.message);
    }
    cm_file_free(f);
}

static void cmd_assert_unlinkable(script *sc, const json_value *cmd)
{
    instantiation_fails(sc, cmd, true);
}

static void cmd_assert_uninstantiable(script *sc, const json_value *cmd)
{
    instantiation_fails(sc, cmd, false);
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
        "component_model_implements",
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
    sc.source = json_string(json_get(json_root(doc), "source_filename"));
    if (sc.source == NULL)
        sc.source = "";
    const char *missing = missing_feature(json_root(doc));
    char reason[200];
    if (missing != NULL)
        snprintf(reason, sizeof reason, "needs feature %s (not in this runtime)", missing);
    /* A script that turns off a feature this runtime always has checks
     * wasmtime's configuration switch, not the specification. */
    const json_value *disabled = json_get(json_root(doc), "features_disabled");
    for (size_t i = 0; missing == NULL && i < json_length(disabled); i++) {
        const char *name = json_string(json_at(disabled, i));
        if (name != NULL && feature_supported(name)) {
            missing = name;
            snprintf(reason, sizeof reason,
                     "script turns off feature %s (always on here: wasmtime's switch, not a rule)", name);
        }
    }
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
    script_free(&sc);
    json_free(doc);
}
