/* test_util.c — helpers any suite may use (see test_util.h). No suite of
 * its own. */
#include "tests/test_util.h"

#include <check.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vm/numeric.h"

void test_le_fix(void *p, size_t n) { vm_le_fix(p, n); }

/* The path of the built fixture FILE. */
static void fixture_path(const char *file, char *path, size_t len)
{
    snprintf(path, len, "%s/tests/%s", TEST_BUILD_DIR, file);
}

uint8_t *test_fixture_bytes(const char *file, size_t *size)
{
    char path[1024];
    fixture_path(file, path, sizeof path);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (built by make?)", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    uint8_t *bytes = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(bytes);
    ck_assert_uint_eq(fread(bytes, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return bytes;
}

vm_module *test_fixture_module(const char *file)
{
    size_t size;
    uint8_t *bytes = test_fixture_bytes(file, &size);
    vm_error err;
    vm_module *m = vm_module_load(bytes, size, &err);
    free(bytes);
    ck_assert_msg(m != NULL, "%s: %s", file, err.message);
    return m;
}

void test_fixture_hash(const char *file, char hex[SHA256_HEX_SIZE])
{
    char path[1024];
    uint8_t digest[SHA256_DIGEST_SIZE];
    fixture_path(file, path, sizeof path);
    ck_assert_msg(sha256_file(path, digest) == 0, "cannot hash %s (built by make?)", path);
    sha256_hex(digest, hex);
}

void test_instance_load(test_instance *t, const char *file, const vm_config *cfg)
{
    t->module = test_fixture_module(file);
    t->store = vm_store_new(cfg);
    t->linker = vm_linker_new();
    ck_assert(t->store != NULL && t->linker != NULL);
    t->inst = NULL;
    t->thread = NULL;
    t->ctx = NULL;
}

void test_instance_start(test_instance *t)
{
    vm_error err;
    t->inst = vm_instantiate(t->store, t->module, t->linker, &err);
    ck_assert_msg(t->inst != NULL, "%s", err.message);
    t->thread = vm_thread_new(t->store);
    ck_assert_ptr_nonnull(t->thread);
}

void test_instance_close(test_instance *t)
{
    vm_thread_free(t->thread);
    vm_linker_free(t->linker);
    vm_store_free(t->store);
    vm_module_free(t->module);
    wasi_ctx_free(t->ctx);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path) == 0 ? 0 : -1;
}

void test_remove_tree(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *slurp(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    char *text = calloc((size_t)n + 1, 1);
    ck_assert_ptr_nonnull(text);
    rewind(f);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

test_run_result test_run_wippy(const char *const *argv)
{
    const char *wippy = getenv("WIPPY") != NULL ? getenv("WIPPY") : TEST_BUILD_DIR "/wippy";
    char *args[64] = { (char *)wippy };
    size_t n = 1;
    for (; argv[n - 1] != NULL; n++) {
        ck_assert_uint_lt(n, 63);
        args[n] = (char *)argv[n - 1];
    }
    FILE *out = tmpfile(), *err = tmpfile();
    ck_assert(out != NULL && err != NULL);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(fileno(out), 1);
        dup2(fileno(err), 2);
        execv(wippy, args);
        _exit(127);
    }
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    test_run_result r = { WIFEXITED(st) ? WEXITSTATUS(st) : -1, NULL, NULL };
    fseek(out, 0, SEEK_END);
    fseek(err, 0, SEEK_END);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

void test_run_done(test_run_result *r)
{
    free(r->out);
    free(r->err);
}

/* The body of a response (after the blank line; a chunked one decoded in
 * place, NUL-terminated), its length (when len is not NULL) and status. */
const char *test_http_body(char *resp, int *status, size_t *len)
{
    ck_assert_msg(sscanf(resp, "HTTP/1.1 %d", status) == 1, "not a response: %.80s", resp);
    char *b = strstr(resp, "\r\n\r\n");
    ck_assert(b != NULL);
    b[2] = '\0';   /* the head ends here: search only it */
    bool chunked = strcasestr(resp, "\r\ntransfer-encoding: chunked\r\n") != NULL;
    b[2] = '\r';
    b += 4;
    size_t n = strlen(b);
    if (chunked) {   /* SIZE CRLF DATA CRLF ... 0 CRLF (trailers) CRLF */
        char *in = b, *out = b;
        for (;;) {
            char *end;
            size_t k = strtoul(in, &end, 16);
            ck_assert_msg(end != in && end[0] == '\r' && end[1] == '\n', "bad chunk at %zu of %zu: %.20s", (size_t)(in - b), strlen(b), in);
            in = end + 2;
            if (k == 0)
                break;
            memmove(out, in, k);
            out += k;
            in += k;
            ck_assert(in[0] == '\r' && in[1] == '\n');
            in += 2;
        }
        n = (size_t)(out - b);
        *out = '\0';
    }
    if (len != NULL)
        *len = n;
    return b;
}
