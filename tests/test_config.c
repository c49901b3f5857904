/* test_config.c — the entry registry: the example app, discovery, schemas,
 * references and ordering, and every bad-configuration case under
 * tests/config/cases/ (each file or folder states the exact errors it must
 * produce with "# expect: ..." lines, and the entries that must still load
 * with "# loads: ..." lines). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"

#define CONFIG_DIR TEST_SOURCE_DIR "/tests/config"
#define MAX_CASES 256
#define MAX_LINES 32

static char *case_names[MAX_CASES];
static int ncases;

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the cases once, when the suite is built. */
static void find_cases(void)
{
    DIR *d = opendir(CONFIG_DIR "/cases");
    if (d == NULL)
        return;
    for (struct dirent *de; (de = readdir(d)) != NULL && ncases < MAX_CASES;)
        if (de->d_name[0] != '.')
            case_names[ncases++] = strdup(de->d_name);
    closedir(d);
    qsort(case_names, (size_t)ncases, sizeof *case_names, compare_strings);
}

typedef struct {
    char *files[MAX_LINES];
    int nfiles;
    char *expect[MAX_LINES];
    int nexpect;
    char *loads[MAX_LINES];
    int nloads;
} case_spec;

static void read_spec_lines(case_spec *c, const char *rel)
{
    char path[1024], line[2048];
    snprintf(path, sizeof path, "%s/%s", CONFIG_DIR, rel);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, "# expect: ", 10) && c->nexpect < MAX_LINES)
            c->expect[c->nexpect++] = strdup(line + 10);
        else if (!strncmp(line, "# loads: ", 9) && c->nloads < MAX_LINES)
            c->loads[c->nloads++] = strdup(line + 9);
    }
    fclose(f);
}

/* A case is one YAML file, or a folder of them loaded together. */
static void read_case(case_spec *c, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/cases/%s", CONFIG_DIR, name);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    if (!S_ISDIR(st.st_mode)) {
        c->files[c->nfiles] = malloc(strlen(name) + 8);
        sprintf(c->files[c->nfiles++], "cases/%s", name);
    } else {
        DIR *d = opendir(path);
        for (struct dirent *de; (de = readdir(d)) != NULL && c->nfiles < MAX_LINES;)
            if (strstr(de->d_name, ".yaml")) {
                c->files[c->nfiles] = malloc(strlen(name) + strlen(de->d_name) + 9);
                sprintf(c->files[c->nfiles++], "cases/%s/%s", name, de->d_name);
            }
        closedir(d);
        qsort(c->files, (size_t)c->nfiles, sizeof *c->files, compare_strings);
    }
    for (int i = 0; i < c->nfiles; i++)
        read_spec_lines(c, c->files[i]);
}

static void free_case(case_spec *c)
{
    for (int i = 0; i < c->nfiles; i++)
        free(c->files[i]);
    for (int i = 0; i < c->nexpect; i++)
        free(c->expect[i]);
    for (int i = 0; i < c->nloads; i++)
        free(c->loads[i]);
}

/* An error line with the absolute project prefix removed wherever it
 * occurs, so expectations read "cases/x.yaml:3:5: ...". */
static const char *relative(const char *text)
{
    static char buf[4096];
    const char *prefix = CONFIG_DIR "/";
    size_t n = strlen(prefix), len = 0;
    while (*text && len < sizeof buf - 1) {
        if (!strncmp(text, prefix, n))
            text += n;
        else
            buf[len++] = *text++;
    }
    buf[len] = '\0';
    return buf;
}

START_TEST(bad_configuration_case)
{
    case_spec c = { 0 };
    read_case(&c, case_names[_i]);
    cfg_options opts = { .project_dir = CONFIG_DIR, .files = (const char *const *)c.files,
                         .nfiles = (size_t)c.nfiles };
    cfg_registry *reg = cfg_load(&opts);
    ck_assert_ptr_nonnull(reg);
    size_t n = cfg_error_count(reg);
    if (getenv("WIPPY_PRINT_ACTUAL")) {   /* for writing new cases */
        printf("=== %s\n", case_names[_i]);
        for (size_t i = 0; i < n; i++)
            printf("# expect: %s\n", relative(cfg_error_at(reg, i)->text));
        fflush(stdout);
    }
    ck_assert_msg(c.nexpect > 0, "case %s states no expected error", case_names[_i]);
    for (size_t i = 0; i < n && i < (size_t)c.nexpect; i++) {
        const char *actual = relative(cfg_error_at(reg, i)->text);
        ck_assert_str_eq(actual, c.expect[i]);
    }
    ck_assert_uint_eq(n, (size_t)c.nexpect);
    for (int i = 0; i < c.nloads; i++)
        ck_assert_msg(cfg_lookup(reg, c.loads[i]) != NULL, "%s: entry %s did not load",
                      case_names[_i], c.loads[i]);
    cfg_free(reg);
    free_case(&c);
}
END_TEST

START_TEST(at_least_forty_cases)
{
    ck_assert_int_ge(ncases, 40);
}
END_TEST

/* ---- the example app ---- */

START_TEST(example_app_loads)
{
    cfg_options opts = { .project_dir = TEST_SOURCE_DIR "/examples" };
    cfg_registry *reg = cfg_load(&opts);
    ck_assert_ptr_nonnull(reg);
    for (size_t i = 0; i < cfg_error_count(reg); i++)
        fprintf(stderr, "%s\n", cfg_error_at(reg, i)->text);
    ck_assert_uint_eq(cfg_error_count(reg), 0);
    ck_assert_uint_eq(cfg_entry_count(reg), 19);
    ck_assert_str_eq(cfg_source_dir(reg), TEST_SOURCE_DIR "/examples/src");
    const cfg_entry *greet = cfg_find_command(reg, "greet");
    ck_assert_ptr_nonnull(greet);
    ck_assert_str_eq(greet->id, "myns:greet");
    ck_assert_str_eq(greet->command.short_text, "Greet someone via WASM");
    ck_assert_str_eq(greet->as.wasm.method, "greet");
    ck_assert_str_eq(greet->as.wasm.wit, "greet: func(name: string) -> string;\n");
    /* The hashes in the YAML match the binaries make builds from ../wat. */
    ck_assert_ptr_nonnull(greet->as.wasm.bytes);
    ck_assert_mem_eq(greet->as.wasm.bytes, "\0asm\1\0\0\0", 8);
    const cfg_entry *worker = cfg_lookup(reg, "myns:compute_worker");
    ck_assert_ptr_nonnull(worker);
    ck_assert_ptr_nonnull(worker->as.wasm.bytes);
    ck_assert_str_eq(worker->as.wasm.transport, "payload");
    ck_assert_str_eq(worker->as.wasm.cwd, "/");
    /* The docs' http_worker: a component, its imports and required API_URL. */
    const cfg_entry *fetch = cfg_find_command(reg, "fetch");
    ck_assert_ptr_nonnull(fetch);
    ck_assert_str_eq(fetch->id, "myns:http_worker");
    ck_assert_ptr_nonnull(fetch->as.wasm.bytes);
    ck_assert_mem_eq(fetch->as.wasm.bytes, "\0asm\x0d\0\x01\0", 8);
    ck_assert_uint_eq(fetch->as.wasm.nimports, 3);
    ck_assert_str_eq(fetch->as.wasm.imports[2], "wasi:http");
    ck_assert_uint_eq(fetch->as.wasm.nenv, 1);
    ck_assert_str_eq(fetch->as.wasm.env[0].id, "myns:api_url");
    ck_assert_str_eq(fetch->as.wasm.env[0].name, "API_URL");
    ck_assert(fetch->as.wasm.env[0].required);
    /* fs.directory before the modules that use it. */
    size_t fs_at = 99, worker_at = 0;
    for (size_t i = 0; i < cfg_entry_count(reg); i++) {
        if (!strcmp(cfg_entry_at(reg, i)->id, "myns:wasm_binaries"))
            fs_at = i;
        if (!strcmp(cfg_entry_at(reg, i)->id, "myns:compute_worker"))
            worker_at = i;
    }
    ck_assert_uint_lt(fs_at, worker_at);
    const cfg_entry *host = cfg_lookup(reg, "myns:processes");
    ck_assert_int_eq(host->type, CFG_KIND_PROCESS_HOST);
    ck_assert_int_eq(host->as.process_host.workers, 2);
    ck_assert_int_eq(host->as.process_host.queue_size, 1024);
    ck_assert(host->as.process_host.lifecycle.auto_start);
    cfg_free(reg);
}
END_TEST

START_TEST(wasm_read_reverifies)
{
    cfg_options opts = { .project_dir = TEST_SOURCE_DIR "/examples" };
    cfg_registry *reg = cfg_load(&opts);
    const cfg_entry *worker = cfg_lookup(reg, "myns:compute_worker");
    uint8_t *bytes;
    size_t size;
    char err[512];
    ck_assert(cfg_wasm_read(reg, worker, &bytes, &size, err, sizeof err));
    ck_assert_uint_eq(size, worker->as.wasm.size);
    ck_assert_mem_eq(bytes, worker->as.wasm.bytes, size);
    free(bytes);
    cfg_free(reg);
}
END_TEST

/* ---- good configurations: every feature that loads ---- */

START_TEST(good_configuration)
{
    const char *files[] = { "good/app.yaml", "good/single.yaml" };
    cfg_options opts = { .project_dir = CONFIG_DIR, .files = files, .nfiles = 2 };
    cfg_registry *reg = cfg_load(&opts);
    for (size_t i = 0; i < cfg_error_count(reg); i++)
        fprintf(stderr, "%s\n", cfg_error_at(reg, i)->text);
    ck_assert_uint_eq(cfg_error_count(reg), 0);
    /* Unknown kinds are kept, with a note. */
    ck_assert_ptr_nonnull(cfg_lookup(reg, "app:custom"));
    ck_assert_uint_eq(cfg_note_count(reg), 1);
    ck_assert_str_eq(cfg_note_at(reg, 0)->message, "unknown kind http.endpoint: kept as it is, not checked");
    /* A file that is one entry. */
    ck_assert_ptr_nonnull(cfg_lookup(reg, "solo:one"));
    /* Dependency order: declared last, needed first. */
    const char *order[8];
    size_t n = 0;
    for (size_t i = 0; i < cfg_entry_count(reg) && n < 8; i++) {
        const char *id = cfg_entry_at(reg, i)->id;
        if (!strcmp(id, "app:c") || !strcmp(id, "app:b") || !strcmp(id, "app:a"))
            order[n++] = id;
    }
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(order[0], "app:c");
    ck_assert_str_eq(order[1], "app:b");
    ck_assert_str_eq(order[2], "app:a");
    /* Merged meta: entry keys win over the file's. */
    const cfg_entry *a = cfg_lookup(reg, "app:a");
    ck_assert_str_eq(cfg_map_get(a->meta, "owner")->text, "entry");
    ck_assert_str_eq(cfg_map_get(a->meta, "team")->text, "core");
    /* A service with relative references, durations and restart policy. */
    const cfg_entry *s = cfg_lookup(reg, "app:svc");
    ck_assert_str_eq(s->as.service.process, "app:worker");
    ck_assert_str_eq(s->as.service.host, "app:processes");
    ck_assert_uint_eq(s->as.service.ninput, 2);
    ck_assert_str_eq(s->as.service.input[1], "two");
    ck_assert_int_eq(s->as.service.lifecycle.start_timeout, 90LL * 1000000000);
    ck_assert_int_eq(s->as.service.lifecycle.stop_timeout, 500LL * 1000000);
    ck_assert_int_eq(s->as.service.lifecycle.restart.max_attempts, 5);
    ck_assert(s->as.service.lifecycle.startup_optional);
    ck_assert(s->as.service.lifecycle.restart.jitter == 0.25);
    /* The worker: imports normalised to groups, env, mounts sorted by guest. */
    const cfg_entry *w = cfg_lookup(reg, "app:worker");
    ck_assert_uint_eq(w->as.wasm.nimports, 3);
    ck_assert_str_eq(w->as.wasm.imports[0], "wasi:cli");
    ck_assert_str_eq(w->as.wasm.imports[1], "wasi:io");
    ck_assert_str_eq(w->as.wasm.imports[2], "wasi:clocks");
    ck_assert_str_eq(w->as.wasm.cwd, "/work");
    ck_assert_uint_eq(w->as.wasm.nargs, 2);
    ck_assert_uint_eq(w->as.wasm.nenv, 1);
    ck_assert_str_eq(w->as.wasm.env[0].id, "app:api_url");
    ck_assert_str_eq(w->as.wasm.env[0].name, "API_URL");
    ck_assert(w->as.wasm.env[0].required);
    ck_assert_uint_eq(w->as.wasm.nmounts, 2);
    ck_assert_str_eq(w->as.wasm.mounts[0].guest, "/a");
    ck_assert_str_eq(w->as.wasm.mounts[1].guest, "/data/in");
    ck_assert(w->as.wasm.mounts[1].read_only);
    ck_assert_int_eq(w->as.wasm.max_execution_ms, 2500);
    /* The explicit data: wrapper. */
    const cfg_entry *v = cfg_lookup(reg, "app:api_url");
    ck_assert_str_eq(v->as.variable.variable, "API_URL");
    ck_assert_str_eq(v->as.variable.storage, "app:os_env");
    ck_assert_str_eq(v->as.variable.default_value, "http://localhost");
    /* Static storage values, and its dependents come after it. */
    const cfg_entry *st = cfg_lookup(reg, "app:static_env");
    ck_assert_uint_eq(st->as.storage.nvalues, 2);
    ck_assert_str_eq(st->as.storage.values[1], "2");
    cfg_free(reg);
}
END_TEST

/* Discovery: wippy.lock's directories.src, hidden folders and node_modules
 * skipped, .yml read. */
START_TEST(discovery_via_lock_file)
{
    cfg_options opts = { .project_dir = CONFIG_DIR "/project" };
    cfg_registry *reg = cfg_load(&opts);
    for (size_t i = 0; i < cfg_error_count(reg); i++)
        fprintf(stderr, "%s\n", cfg_error_at(reg, i)->text);
    ck_assert_uint_eq(cfg_error_count(reg), 0);
    ck_assert_str_eq(cfg_source_dir(reg), CONFIG_DIR "/project/app");
    ck_assert_ptr_nonnull(cfg_lookup(reg, "proj:top"));
    ck_assert_ptr_nonnull(cfg_lookup(reg, "proj.nested:deep"));
    ck_assert_ptr_null(cfg_lookup(reg, "hidden:x"));
    ck_assert_ptr_null(cfg_lookup(reg, "npm:x"));
    ck_assert_uint_eq(cfg_entry_count(reg), 2);
    cfg_free(reg);
}
END_TEST

START_TEST(missing_source_folder)
{
    cfg_options opts = { .project_dir = CONFIG_DIR, .src_dir = "no-such-folder" };
    cfg_registry *reg = cfg_load(&opts);
    ck_assert_uint_eq(cfg_error_count(reg), 1);
    ck_assert_str_eq(relative(cfg_error_at(reg, 0)->text), "no-such-folder: source folder does not exist");
    cfg_free(reg);
}
END_TEST

START_TEST(durations)
{
    static const struct { const char *text; int64_t ns; } good[] = {
        { "0", 0 }, { "10s", 10000000000LL }, { "500ms", 500000000LL },
        { "1m30s", 90000000000LL }, { "1.5h", 5400000000000LL }, { "250us", 250000 },
        { "3ns", 3 }, { "2h45m10.5s", 9910500000000LL }, { ".5s", 500000000 },
    };
    static const char *const bad[] = { "", "10", "s", "10x", "-1s", "1.s.", "10 s", "1e3s",
                                       "99999999999999999999h", "3000000h" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t ns = -1;
        ck_assert_msg(cfg_parse_duration(good[i].text, &ns), "%s", good[i].text);
        ck_assert_int_eq(ns, good[i].ns);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t ns;
        ck_assert_msg(!cfg_parse_duration(bad[i], &ns), "%s accepted", bad[i]);
    }
}
END_TEST

/* Aliases share nodes: a billion-laughs document costs nothing. */
START_TEST(alias_bomb_is_cheap)
{
    const char *doc =
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    arena a = { 0 };
    cfg_node *root;
    yaml_tree_error err;
    ck_assert(cfg_yaml_tree_parse_string(&a, doc, strlen(doc), &root, &err));
    ck_assert_ptr_eq(cfg_map_get(root, "i")->items[0], cfg_map_get(root, "h"));
    cfg_arena_free(&a);
}
END_TEST

Suite *config_suite(void)
{
    find_cases();
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("registry");
    tcase_add_test(tc, example_app_loads);
    tcase_add_test(tc, wasm_read_reverifies);
    tcase_add_test(tc, good_configuration);
    tcase_add_test(tc, discovery_via_lock_file);
    tcase_add_test(tc, missing_source_folder);
    tcase_add_test(tc, durations);
    tcase_add_test(tc, alias_bomb_is_cheap);
    tcase_add_test(tc, at_least_forty_cases);
    tcase_add_loop_test(tc, bad_configuration_case, 0, ncases);
    suite_add_tcase(s, tc);
    return s;
}
