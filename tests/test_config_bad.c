/* test_config_bad.c — bad input the loader must survive, made at run time
 * in temporary projects (too big, too many, looping, not a file): each
 * gives an error naming its file or entry, `wippy check` exits 1, and the
 * project's other entries (the sentinel ok:fine in another file) still
 * load. The table of these inputs and their messages is in
 * doc/configuration.md ("Bad input"); the cases that fit in a fixture
 * file are tests/config/cases/ (test_config.c). */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "tests/test_util.h"

typedef struct {
    char dir[64];
    char hash[SHA256_HEX_SIZE + 8];   /* "sha256:<hex>" of files/m.wasm */
} bad_project;

static void path_of(const bad_project *p, const char *rel, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", p->dir, rel);
}

static void write_text(const bad_project *p, const char *rel, const char *text)
{
    char path[256];
    path_of(p, rel, path, sizeof path);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* A project: src/ with the sentinel file, files/m.wasm (a fixture). */
static void open_project(bad_project *p)
{
    strcpy(p->dir, "/tmp/wippy-bad-input-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(p->dir));
    char path[256];
    path_of(p, "src", path, sizeof path);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    path_of(p, "files", path, sizeof path);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    size_t size;
    uint8_t *bytes = test_fixture_bytes("wasm/start.wasm", &size);
    path_of(p, "files/m.wasm", path, sizeof path);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, size, f), size);
    fclose(f);
    free(bytes);
    char hex[SHA256_HEX_SIZE];
    test_fixture_hash("wasm/start.wasm", hex);
    snprintf(p->hash, sizeof p->hash, "sha256:%s", hex);
    write_text(p, "src/fine.yaml",
               "namespace: ok\nentries:\n  - {name: fine, kind: terminal.host}\n"
               "  - {name: files, kind: fs.directory, directory: files}\n");
}

/* Loads the project; checks the sentinel loaded and the error count. */
static cfg_registry *load(const bad_project *p, size_t nerrors)
{
    cfg_options opts = { .project_dir = p->dir };
    cfg_registry *reg = cfg_load(&opts);
    ck_assert_ptr_nonnull(reg);
    ck_assert_ptr_nonnull(cfg_lookup(reg, "ok:fine"));
    ck_assert_ptr_nonnull(cfg_lookup(reg, "ok:files"));
    if (cfg_error_count(reg) != nerrors)
        for (size_t i = 0; i < cfg_error_count(reg) && i < 10; i++)
            fprintf(stderr, "%s\n", cfg_error_at(reg, i)->text);
    ck_assert_uint_eq(cfg_error_count(reg), nerrors);
    return reg;
}

/* Error i's text with the project directory cut from its start. */
static const char *error_text(const bad_project *p, const cfg_registry *reg, size_t i)
{
    const char *t = cfg_error_at(reg, i)->text;
    size_t n = strlen(p->dir);
    return strncmp(t, p->dir, n) == 0 && t[n] == '/' ? t + n + 1 : t;
}

/* `wippy --dir P check` exits 1 and prints `text` on stderr. */
static void check_cli(const bad_project *p, const char *text)
{
    const char *argv[] = { "--dir", p->dir, "check", NULL };
    test_run_result r = test_run_wippy(argv);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, text) != NULL, "stderr lacks \"%s\": %s", text, r.err);
    test_run_done(&r);
}

static void close_project(bad_project *p)
{
    test_remove_tree(p->dir);
}

/* A YAML file over 16 MiB is refused before it is parsed. */
START_TEST(yaml_file_too_large)
{
    bad_project p;
    open_project(&p);
    char path[256];
    path_of(&p, "src/huge.yaml", path, sizeof path);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (16 << 20) + 1), 0);
    close(fd);
    cfg_registry *reg = load(&p, 1);
    ck_assert_str_eq(error_text(&p, reg, 0), "src/huge.yaml: file is larger than 16 MiB");
    cfg_free(reg);
    check_cli(&p, "src/huge.yaml: file is larger than 16 MiB");
    close_project(&p);
}
END_TEST

/* A module over 512 MiB (a sparse file) is refused before it is read. */
START_TEST(module_too_large)
{
    bad_project p;
    open_project(&p);
    char path[256], yaml[512];
    path_of(&p, "files/big.wasm", path, sizeof path);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (512 << 20) + 1), 0);
    close(fd);
    snprintf(yaml, sizeof yaml,
             "namespace: b\nentries:\n  - {name: w, kind: process.wasm, fs: ok:files, path: /big.wasm,"
             " method: m, hash: \"%s\"}\n", p.hash);
    write_text(&p, "src/b.yaml", yaml);
    cfg_registry *reg = load(&p, 1);
    ck_assert_str_eq(error_text(&p, reg, 0),
                     "src/b.yaml:3:55: b:w: path: failed to open file: /big.wasm: file is larger than 512 MiB");
    cfg_free(reg);
    check_cli(&p, "b:w: path: failed to open file: /big.wasm: file is larger than 512 MiB");
    close_project(&p);
}
END_TEST

/* Symlinked folders in src/ are not descended (as Go's filepath.WalkDir
 * does), so a loop through them ends, and each file is read once. */
START_TEST(directory_loop_in_src)
{
    bad_project p;
    open_project(&p);
    char path[256];
    path_of(&p, "src/a", path, sizeof path);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    path_of(&p, "src/a/back", path, sizeof path);
    ck_assert_int_eq(symlink("..", path), 0);
    path_of(&p, "src/a/self", path, sizeof path);
    ck_assert_int_eq(symlink(".", path), 0);
    write_text(&p, "src/a/x.yaml", "namespace: l\nentries:\n  - {name: x, kind: terminal.host}\n");
    cfg_registry *reg = load(&p, 0);
    ck_assert_ptr_nonnull(cfg_lookup(reg, "l:x"));
    ck_assert_uint_eq(cfg_entry_count(reg), 3);
    cfg_free(reg);
    close_project(&p);
}
END_TEST

/* fs.directory at a FIFO or /dev/zero is not a directory; a module path
 * at a FIFO is not a regular file (and opening it does not wait for a
 * writer). */
START_TEST(fifo_and_dev_zero)
{
    bad_project p;
    open_project(&p);
    char path[256], yaml[1024];
    path_of(&p, "files/pipe", path, sizeof path);
    ck_assert_int_eq(mkfifo(path, 0644), 0);
    snprintf(yaml, sizeof yaml,
             "namespace: f\nentries:\n"
             "  - {name: p, kind: fs.directory, directory: files/pipe}\n"
             "  - {name: z, kind: fs.directory, directory: /dev/zero}\n"
             "  - {name: w, kind: process.wasm, fs: ok:files, path: /pipe, method: m, hash: \"%s\"}\n",
             p.hash);
    write_text(&p, "src/f.yaml", yaml);
    cfg_registry *reg = load(&p, 3);
    char want[512];
    snprintf(want, sizeof want, "src/f.yaml:3:46: f:p: directory: directory %s/files/pipe is not a directory",
             p.dir);
    ck_assert_str_eq(error_text(&p, reg, 0), want);
    ck_assert_str_eq(error_text(&p, reg, 1),
                     "src/f.yaml:4:46: f:z: directory: directory /dev/zero is not a directory");
    ck_assert_str_eq(error_text(&p, reg, 2),
                     "src/f.yaml:5:55: f:w: path: failed to open file: /pipe: not a regular file");
    cfg_free(reg);
    check_cli(&p, "f:z: directory: directory /dev/zero is not a directory");
    close_project(&p);
}
END_TEST

/* A module path that is a symlink out of its directory. */
START_TEST(module_symlink_out)
{
    bad_project p;
    open_project(&p);
    char path[256], yaml[512];
    path_of(&p, "files/out.wasm", path, sizeof path);
    ck_assert_int_eq(symlink("../src/fine.yaml", path), 0);
    path_of(&p, "files/abs.wasm", path, sizeof path);
    ck_assert_int_eq(symlink("/etc/passwd", path), 0);
    snprintf(yaml, sizeof yaml,
             "namespace: s\nentries:\n"
             "  - {name: a, kind: process.wasm, fs: ok:files, path: /out.wasm, method: m, hash: \"%s\"}\n"
             "  - {name: b, kind: process.wasm, fs: ok:files, path: /abs.wasm, method: m, hash: \"%s\"}\n",
             p.hash, p.hash);
    write_text(&p, "src/s.yaml", yaml);
    cfg_registry *reg = load(&p, 2);
    ck_assert_str_eq(error_text(&p, reg, 0),
                     "src/s.yaml:3:55: s:a: path: failed to open file: /out.wasm: path escapes its directory");
    ck_assert_str_eq(error_text(&p, reg, 1),
                     "src/s.yaml:4:55: s:b: path: failed to open file: /abs.wasm: path escapes its directory");
    cfg_free(reg);
    check_cli(&p, "s:a: path: failed to open file: /out.wasm: path escapes its directory");
    close_project(&p);
}
END_TEST

/* A name that is not UTF-8 makes its file a YAML error; other files load. */
START_TEST(non_utf8_entry_name)
{
    bad_project p;
    open_project(&p);
    write_text(&p, "src/u.yaml", "namespace: u\nentries:\n  - {name: \"bad\xff\xfe\", kind: terminal.host}\n");
    cfg_registry *reg = load(&p, 1);
    ck_assert_str_eq(error_text(&p, reg, 0), "src/u.yaml:1:1: YAML syntax error: invalid leading UTF-8 octet");
    ck_assert_ptr_null(cfg_lookup(reg, "u:bad\xff\xfe"));
    cfg_free(reg);
    check_cli(&p, "src/u.yaml:1:1: YAML syntax error: invalid leading UTF-8 octet");
    close_project(&p);
}
END_TEST

/* 100,000 entries in one file, the last one bad: it alone is refused. */
START_TEST(hundred_thousand_entries)
{
    bad_project p;
    open_project(&p);
    char path[256];
    path_of(&p, "src/many.yaml", path, sizeof path);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("namespace: many\nentries:\n", f);
    for (int i = 0; i < 99999; i++)
        fprintf(f, "  - {name: e%d, kind: terminal.host}\n", i);
    fputs("  - {name: last, kind: terminal.host, hide_logs: maybe}\n", f);
    fclose(f);
    cfg_registry *reg = load(&p, 1);
    ck_assert_str_eq(error_text(&p, reg, 0),
                     "src/many.yaml:100002:50: many:last: hide_logs: expected true or false, got \"maybe\"");
    ck_assert_uint_eq(cfg_entry_count(reg), 99999 + 2);
    ck_assert_ptr_nonnull(cfg_lookup(reg, "many:e99998"));
    cfg_free(reg);
    close_project(&p);
}
END_TEST

/* Hashes with uppercase hex or spaces are refused, each naming its entry. */
START_TEST(hash_uppercase_or_spaces)
{
    bad_project p;
    open_project(&p);
    const char *hex = p.hash + 7;
    char upper[80], yaml[2048];
    for (size_t i = 0; i <= strlen(hex); i++)
        upper[i] = (char)(hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 'a' + 'A' : hex[i]);
    snprintf(yaml, sizeof yaml,
             "namespace: h\nentries:\n"
             "  - {name: a, kind: process.wasm, fs: ok:files, path: /m.wasm, method: m, hash: \"sha256:%s\"}\n"
             "  - {name: b, kind: process.wasm, fs: ok:files, path: /m.wasm, method: m, hash: \"sha256: %s\"}\n"
             "  - {name: c, kind: process.wasm, fs: ok:files, path: /m.wasm, method: m, hash: \" sha256:%s\"}\n"
             "  - {name: d, kind: process.wasm, fs: ok:files, path: /m.wasm, method: m, hash: \"sha256:%s \"}\n"
             "  - {name: e, kind: process.wasm, fs: ok:files, path: /m.wasm, method: m, hash: \"%s\"}\n",
             upper, hex, hex, hex, p.hash);
    write_text(&p, "src/h.yaml", yaml);
    cfg_registry *reg = load(&p, 4);
    char want[256];
    snprintf(want, sizeof want, "h:a: hash: hash verification failed: invalid hash format: sha256:%s", upper);
    ck_assert_ptr_nonnull(strstr(error_text(&p, reg, 0), want));
    snprintf(want, sizeof want, "h:b: hash: hash verification failed: invalid hash format: sha256: %s", hex);
    ck_assert_ptr_nonnull(strstr(error_text(&p, reg, 1), want));
    ck_assert_ptr_nonnull(strstr(error_text(&p, reg, 2),
                                 "h:c: hash: hash verification failed: unsupported hash algorithm:  sha256"));
    snprintf(want, sizeof want, "h:d: hash: hash verification failed: invalid hash format: sha256:%s ", hex);
    ck_assert_ptr_nonnull(strstr(error_text(&p, reg, 3), want));
    ck_assert_ptr_nonnull(cfg_lookup(reg, "h:e"));
    cfg_free(reg);
    check_cli(&p, "h:a: hash: hash verification failed: invalid hash format");
    close_project(&p);
}
END_TEST

/* imports: of 10,000 items: repeats of a group count once; 10,000 unknown
 * ones are each named by index. */
START_TEST(ten_thousand_imports)
{
    bad_project p;
    open_project(&p);
    char path[256];
    path_of(&p, "src/i.yaml", path, sizeof path);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "namespace: i\nentries:\n"
               "  - {name: good, kind: process.wasm, fs: ok:files, path: /m.wasm, method: m, hash: \"%s\","
               " imports: [", p.hash);
    for (int i = 0; i < 10000; i++)
        fprintf(f, "%swasi:io", i ? ", " : "");
    fprintf(f, "]}\n  - {name: bad, kind: process.wasm, fs: ok:files, path: /m.wasm, method: m, hash: \"%s\","
               " imports: [", p.hash);
    for (int i = 0; i < 10000; i++)
        fprintf(f, "%sx:y%d", i ? ", " : "", i);
    fputs("]}\n", f);
    fclose(f);
    cfg_registry *reg = load(&p, 10000);
    const cfg_entry *good = cfg_lookup(reg, "i:good");
    ck_assert_ptr_nonnull(good);
    ck_assert_uint_eq(good->as.wasm.nimports, 1);
    ck_assert_ptr_null(cfg_lookup(reg, "i:bad"));
    ck_assert_ptr_nonnull(strstr(error_text(&p, reg, 0), "i:bad: imports[0]: unsupported wasm host import: x:y0"));
    ck_assert_ptr_nonnull(strstr(error_text(&p, reg, 9999),
                                 "i:bad: imports[9999]: unsupported wasm host import: x:y9999"));
    cfg_free(reg);
    close_project(&p);
}
END_TEST

Suite *config_bad_suite(void)
{
    Suite *s = suite_create("config_bad");
    TCase *tc = tcase_create("bad_input");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, yaml_file_too_large);
    tcase_add_test(tc, module_too_large);
    tcase_add_test(tc, directory_loop_in_src);
    tcase_add_test(tc, fifo_and_dev_zero);
    tcase_add_test(tc, module_symlink_out);
    tcase_add_test(tc, non_utf8_entry_name);
    tcase_add_test(tc, hundred_thousand_entries);
    tcase_add_test(tc, hash_uppercase_or_spaces);
    tcase_add_test(tc, ten_thousand_imports);
    suite_add_tcase(s, tc);
    return s;
}
