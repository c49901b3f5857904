/* greet.c — the `greet` command: greet(name: string) -> string through the
 * canonical ABI. The host copies the name into guest memory with
 * cabi_realloc and passes (ptr, len); a string result is returned as a
 * pointer to [ptr, len]. Built as a WASI reactor (no main). */
#include <stdlib.h>
#include <string.h>

/* The canonical ABI's allocator: the host calls it to place arguments. */
__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size)
{
    (void)old_size;
    (void)align;   /* malloc's alignment (16) covers every request */
    return realloc(old, new_size);
}

/* Where a string result lives: the host reads ptr and len from here. */
static struct {
    char *ptr;
    size_t len;
} result;

__attribute__((export_name("greet")))
void *greet(const char *name, size_t len)
{
    static const char hello[] = "Hello, ";
    size_t n = sizeof hello - 1 + len + 1;
    char *out = malloc(n);
    if (out == NULL)
        abort();
    memcpy(out, hello, sizeof hello - 1);
    memcpy(out + sizeof hello - 1, name, len);
    out[n - 1] = '!';
    result.ptr = out;
    result.len = n;
    return &result;
}
