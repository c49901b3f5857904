/* ip_lookup.c — wasi:sockets/ip-name-lookup: resolve-addresses →
 * resolve-address-stream (resolve-next-address, subscribe).
 *
 * A name with a non-ASCII byte is first IDNA-converted to its A-label
 * form (idna.c; not convertible: invalid-argument). A lookup never
 * blocks a worker. An IPv4 or IPv6 literal (bracketed too;
 * a v4-mapped one as its IPv4 address) and `localhost` (127.0.0.1, ::1)
 * are answered at once. Any other name goes to getaddrinfo on a detached
 * thread of its own; until it is done resolve-next-address answers
 * would-block and the stream's pollable waits on an eventfd the thread
 * signals, so a process parks in the event loop meanwhile. The lookup's
 * block is shared by the rep and the thread (a reference count under a
 * mutex): a stream dropped, or a process ended, while its thread runs
 * leaves the block to the thread, which frees it. At most
 * LOOKUPS_PENDING lookups of one world run at once; one more gives
 * temporary-resolver-failure. Touches nothing of the world from the
 * thread. */
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "wasi/p2/sockets.h"

#define LOOKUP_MAX 16        /* addresses one lookup gives at most */
#define LOOKUPS_PENDING 8    /* lookups of one world on their threads at once */

typedef struct {
    pthread_mutex_t mu;
    int refs;                /* the rep and, while it runs, the thread */
    int efd;                 /* eventfd the thread signals when done; -1 without a thread */
    bool done;
    const char *fail;        /* NULL, or the error-code resolve-next-address gives */
    size_t n, next;
    struct sockaddr_storage addrs[LOOKUP_MAX];
    char name[256];
} lookup;

static void lookup_release(void *p)
{
    lookup *l = p;
    pthread_mutex_lock(&l->mu);
    bool last = --l->refs == 0;
    pthread_mutex_unlock(&l->mu);
    if (!last)
        return;
    if (l->efd >= 0)
        close(l->efd);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

/* Adds an address (v4-mapped ones as IPv4), skipping one already there. */
static void add(lookup *l, int family, const void *a)
{
    struct sockaddr_storage ss = { 0 };
    if (family == AF_INET6 && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a)) {
        family = AF_INET;
        a = (const uint8_t *)a + 12;
    }
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        memcpy(&in->sin_addr, a, 4);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        memcpy(&in6->sin6_addr, a, 16);
    }
    for (size_t i = 0; i < l->n; i++)
        if (!memcmp(&l->addrs[i], &ss, sizeof ss))
            return;
    if (l->n < LOOKUP_MAX)
        l->addrs[l->n++] = ss;
}

static const char *gai_code(int rc)
{
    switch (rc) {
    case EAI_NONAME: case EAI_NODATA: case EAI_ADDRFAMILY: return "name-unresolvable";
    case EAI_AGAIN: return "temporary-resolver-failure";
    case EAI_FAIL: return "permanent-resolver-failure";
    case EAI_MEMORY: return "out-of-memory";
    default: return "unknown";
    }
}

/* The thread: getaddrinfo, the answers into the block, the eventfd signalled. */
static void *resolve_thread(void *arg)
{
    lookup *l = arg;
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL;
    int rc = getaddrinfo(l->name, NULL, &hints, &res);
    pthread_mutex_lock(&l->mu);
    for (struct addrinfo *ai = rc == 0 ? res : NULL; ai != NULL; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET)
            add(l, AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr);
        else if (ai->ai_family == AF_INET6)
            add(l, AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
    }
    l->fail = rc != 0 ? gai_code(rc) : l->n == 0 ? "name-unresolvable" : NULL;
    l->done = true;
    pthread_mutex_unlock(&l->mu);
    if (res != NULL)
        freeaddrinfo(res);
    uint64_t one = 1;
    if (write(l->efd, &one, sizeof one) < 0) {
        /* an eventfd counter cannot overflow from one write: nothing to do */
    }
    lookup_release(l);
    return NULL;
}

/* A host name as DNS allows it: labels of letters, digits, '-' and '_',
 * dot-separated, at most 253 bytes (a trailing dot allowed). */
static bool ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static bool name_syntax(const char *s, size_t n)
{
    if (n == 0 || n > 254)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_') {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return true;
}

/* Lookups of the world still on their threads. */
static size_t pending(const wasi_p2 *w)
{
    size_t n = 0;
    for (uint32_t i = 0; i < w->nres; i++)
        if (w->res[i].kind == WASI_P2_RESOLVE) {
            lookup *l = w->res[i].sock;
            pthread_mutex_lock(&l->mu);
            n += !l->done;
            pthread_mutex_unlock(&l->mu);
        }
    return n;
}

/* Starts the thread for l->name, or sets l->fail when it cannot. */
static void start(wasi_p2 *w, lookup *l)
{
    if (pending(w) >= LOOKUPS_PENDING) {
        l->fail = "temporary-resolver-failure";
        return;
    }
    if ((l->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        l->fail = "new-socket-limit";
        return;
    }
    pthread_attr_t attr;
    pthread_t t;
    bool started = false;
    if (pthread_attr_init(&attr) == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        l->refs = 2;
        l->done = false;
        started = pthread_create(&t, &attr, resolve_thread, l) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!started) {   /* no thread: nothing will signal the eventfd */
        close(l->efd);
        l->efd = -1;
        l->refs = 1;
        l->done = true;
        l->fail = "temporary-resolver-failure";
    }
}

/* resolve-addresses: func(network: borrow<network>, name: string) ->
 * result<resolve-address-stream, error-code> */
static bool resolve_addresses(void *user, const host_value *args, size_t nargs,
                              host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2 *w = user;
    if (wasi_p2_res_get(w, &args[0], WASI_P2_NETWORK, err, errlen) == NULL)
        return false;
    const host_value *name = &args[1];
    lookup *l = calloc(1, sizeof *l);
    if (l == NULL) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    pthread_mutex_init(&l->mu, NULL);
    l->refs = 1;
    l->efd = -1;
    l->done = true;
    if (name->kind != HOST_VALUE_STRING || name->len == 0 || name->len >= sizeof l->name) {
        lookup_release(l);
        return wasi_p2_sock_fail(result, "invalid-argument", err, errlen);
    }
    memcpy(l->name, name->s, name->len);
    size_t nlen = name->len;
    if (!ascii(l->name, nlen)) {   /* a Unicode name: its A-label form, or invalid */
        char a[sizeof l->name];
        if (strlen(l->name) != nlen || wasi_p2_idna_to_ascii(l->name, a, sizeof a) != 1) {
            lookup_release(l);
            return wasi_p2_sock_fail(result, "invalid-argument", err, errlen);
        }
        nlen = strlen(a);
        memcpy(l->name, a, nlen + 1);
    }
    char text[sizeof l->name];
    snprintf(text, sizeof text, "%s", l->name);
    char *literal = text;
    size_t len = nlen;
    if (len > 2 && text[0] == '[' && text[len - 1] == ']') {   /* "[::1]" */
        text[len - 1] = '\0';
        literal++;
    }
    uint8_t a[16];
    if (inet_pton(AF_INET, literal, a) == 1) {
        add(l, AF_INET, a);
    } else if (inet_pton(AF_INET6, literal, a) == 1) {
        add(l, AF_INET6, a);
    } else if (!name_syntax(l->name, nlen)) {
        lookup_release(l);
        return wasi_p2_sock_fail(result, "invalid-argument", err, errlen);
    } else if (!strcasecmp(l->name, "localhost") || !strcasecmp(l->name, "localhost.")) {
        static const uint8_t lo4[4] = { 127, 0, 0, 1 };
        add(l, AF_INET, lo4);
        add(l, AF_INET6, &in6addr_loopback);
    } else {
        start(w, l);
    }
    wasi_p2_res init = { .kind = WASI_P2_RESOLVE, .fd = -1, .sock = l,
                         .sock_free = lookup_release };
    host_value h;
    if (!wasi_p2_res_add(w, &init, &h, err, errlen))
        return false;
    return wasi_p2_sock_ok(result, h, err, errlen);
}

/* ip-address: the variant of the bare address tuple. */
static bool ip_address(const struct sockaddr_storage *ss, host_value *out, char *err,
                       size_t errlen)
{
    bool v4 = ss->ss_family == AF_INET;
    const uint8_t *b = v4 ? (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr
                          : (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
    const char *why = "out of memory";
    host_value addr = host_list(v4 ? 4 : 8);
    *out = host_map();
    bool fine = true;
    for (unsigned i = 0; fine && i < (v4 ? 4u : 8u); i++)
        fine = host_list_push(&addr, host_uint(v4 ? b[i] : ((unsigned)b[2 * i] << 8 | b[2 * i + 1])),
                              &why);
    if (!fine)
        host_value_free(&addr);
    if (!fine || !host_map_set(out, v4 ? "ipv4" : "ipv6", 4, addr, &why)) {
        host_value_free(out);
        snprintf(err, errlen, "%s", why);
        return false;
    }
    return true;
}

/* [method]resolve-address-stream.resolve-next-address: func() ->
 * result<option<ip-address>, error-code>: would-block until the thread
 * is done. */
static bool resolve_next(void *user, const host_value *args, size_t nargs, host_value *result,
                         char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_RESOLVE, err, errlen);
    if (r == NULL)
        return false;
    lookup *l = r->sock;
    pthread_mutex_lock(&l->mu);
    bool done = l->done;
    pthread_mutex_unlock(&l->mu);
    if (!done)
        return wasi_p2_sock_fail(result, "would-block", err, errlen);
    if (l->fail != NULL)
        return wasi_p2_sock_fail(result, l->fail, err, errlen);
    if (l->next == l->n)
        return wasi_p2_sock_ok(result, host_nil(), err, errlen);
    host_value v;
    return ip_address(&l->addrs[l->next++], &v, err, errlen) &&
           wasi_p2_sock_ok(result, v, err, errlen);
}

/* [method]resolve-address-stream.subscribe: func() -> pollable: on the
 * thread's eventfd, or ready at once when there is no thread. */
static bool resolve_subscribe(void *user, const host_value *args, size_t nargs,
                              host_value *result, char *err, size_t errlen)
{
    (void)nargs;
    wasi_p2_res *r = wasi_p2_res_get(user, &args[0], WASI_P2_RESOLVE, err, errlen);
    if (r == NULL)
        return false;
    lookup *l = r->sock;
    if (l->efd >= 0)
        return wasi_p2_fd_pollable(user, l->efd, true, false, result, err, errlen);
    return wasi_p2_res_new(user, WASI_P2_POLLABLE, 0, NULL, result, err, errlen);
}

#define L "wasi:sockets/ip-name-lookup"
const wasi_p2_def wasi_p2_lookup_defs[] = {
    { L, "resolve-addresses", resolve_addresses, WASI_CAP_SOCKETS },
    { L, "[method]resolve-address-stream.resolve-next-address", resolve_next, WASI_CAP_SOCKETS },
    { L, "[method]resolve-address-stream.subscribe", resolve_subscribe, WASI_CAP_SOCKETS },
};
const size_t wasi_p2_nlookup_defs = sizeof wasi_p2_lookup_defs / sizeof wasi_p2_lookup_defs[0];
