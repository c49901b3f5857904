/* idna.c — Unicode host names for wasi:sockets/ip-name-lookup: a name
 * with a non-ASCII byte becomes its ASCII (A-label) form by IDNA 2008
 * with the UTS #46 non-transitional mapping (libidn2's
 * idn2_to_ascii_8z), before the lookup's syntax check and resolver see
 * it. libidn2 is loaded with dlopen at the first such name (IDN_SONAME),
 * as libcurl is for wasi:http: a process that never resolves a Unicode
 * name maps nothing more, and the binary needs no new link dependency
 * (the cross and static-pie builds stay as they are; a static-pie build
 * has no IDNA and refuses such names). Touches nothing of the world. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi/p2/sockets.h"

#define IDN_SONAME "libidn2.so.0"
/* idn2.h's flags (libidn2's stable ABI since 2.0): the input in NFC
 * first, UTS #46 non-transitional processing. */
#define IDN2_NFC_INPUT 1
#define IDN2_NONTRANSITIONAL 8

/* Loaded once, then only read. */
static int (*to_ascii)(const char *in, char **out, int flags);
static void (*idn_free)(void *p);
static pthread_once_t idn_once = PTHREAD_ONCE_INIT;

static void idn_init(void)
{
#ifndef WIPPY_STATIC
    void *lib = dlopen(IDN_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL)
        return;
    void *f = dlsym(lib, "idn2_to_ascii_8z"), *g = dlsym(lib, "idn2_free");
    if (f == NULL || g == NULL)
        return;
    memcpy(&to_ascii, &f, sizeof f);
    memcpy(&idn_free, &g, sizeof g);
#endif
}

int wasi_p2_idna_to_ascii(const char *name, char *out, size_t outlen)
{
    pthread_once(&idn_once, idn_init);
    if (to_ascii == NULL)
        return -1;
    char *a = NULL;
    int rc = to_ascii(name, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    size_t n = rc == 0 && a != NULL ? strlen(a) : 0;
    bool fits = rc == 0 && a != NULL && n > 0 && n < outlen;
    if (fits)
        memcpy(out, a, n + 1);
    if (a != NULL)
        idn_free(a);
    return fits ? 1 : 0;
}
