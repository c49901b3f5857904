/* node.c — participants (processes and mailboxes) and what passes between
 * them: references, mailboxes and host_receive, event queues (of mailboxes
 * and Lua processes), messages (host_send), monitors and links, and the
 * end of a participant with the EXIT and LINK_DOWN events it sends.
 *
 * Every field of a node is guarded by its own lock. Events are built and
 * handed over with no lock held but the receiver's, so two nodes' locks
 * are only ever held together by link/unlink, which take the lower pid
 * first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/internal.h"

/* ---- pid lists ---- */

static const host_pid *pid_list_items(const pid_list *l)
{
    return l->heap != NULL ? l->heap : l->inline_;
}

bool host_pid_list_add(pid_list *l, host_pid pid)
{
    const host_pid *items = pid_list_items(l);
    for (uint32_t i = 0; i < l->n; i++)
        if (items[i] == pid)
            return true;
    uint32_t cap = l->heap != NULL ? l->cap : 2;
    if (l->n == cap) {
        uint32_t ncap = cap * 2;
        host_pid *p = malloc(ncap * sizeof *p);
        if (p == NULL)
            return false;
        memcpy(p, items, l->n * sizeof *p);
        free(l->heap);
        l->heap = p;
        l->cap = ncap;
    }
    (l->heap != NULL ? l->heap : l->inline_)[l->n++] = pid;
    return true;
}

bool host_pid_list_remove(pid_list *l, host_pid pid)
{
    host_pid *items = l->heap != NULL ? l->heap : l->inline_;
    for (uint32_t i = 0; i < l->n; i++) {
        if (items[i] == pid) {
            items[i] = items[--l->n];
            return true;
        }
    }
    return false;
}

static void pid_list_free(pid_list *l)
{
    free(l->heap);
    memset(l, 0, sizeof *l);
}

/* ---- nodes ---- */

void host_node_init(host_node *n, host_pid pid, node_kind kind)
{
    n->pid = pid;
    n->kind = kind;
    atomic_init(&n->refs, 1);
    pthread_mutex_init(&n->lock, NULL);
    if (kind == NODE_MAILBOX) {
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&n->cond, &attr);
        pthread_condattr_destroy(&attr);
    }
}

void host_node_retain(host_node *n)
{
    atomic_fetch_add_explicit(&n->refs, 1, memory_order_relaxed);
}

void host_node_release(host_runtime *rt, host_node *n)
{
    (void)rt;
    if (atomic_fetch_sub_explicit(&n->refs, 1, memory_order_acq_rel) != 1)
        return;
    pid_list_free(&n->monitors);
    pid_list_free(&n->links);
    pthread_mutex_destroy(&n->lock);
    for (event_item *e = n->head, *next; e != NULL; e = next) {
        next = e->next;
        host_event_free(&e->ev);
        free(e);
    }
    if (n->kind == NODE_PROCESS) {
        host_process_free((host_process *)n);
        return;
    }
    pthread_cond_destroy(&n->cond);
    free(n);
}

/* The text a linked process ends with when its partner failed. */
static char *link_down_text(host_runtime *rt, const host_event *ev)
{
    char pid[64];
    host_pid_format(rt, ev->from, pid, sizeof pid);
    return host_strdupf("linked process %s failed: %s", pid, ev->error ? ev->error : "");
}

/* Hands an event to a participant (taking ownership of it): a mailbox or
 * a Lua process queues it (a LINK_DOWN ends a Lua process that does not
 * trap links); a WASM process reacts (CANCEL, LINK_DOWN end it; EXIT and
 * MESSAGE are ignored). False when it was dropped: the participant has
 * ended or its queue is full. */
static bool node_deliver(host_runtime *rt, host_node *n, host_event *ev)
{
    host_process *p = n->kind == NODE_PROCESS ? (host_process *)n : NULL;
    /* A WASM process reads no events: a CANCEL ends it at its next slice
     * boundary, and it cannot trap links, so a LINK_DOWN ends it too
     * (Wippy's default, trap_links = false); so does a LINK_DOWN for a
     * Lua process that did not ask to trap links. */
    bool reads = p == NULL || MODULE_IS_LUA(p->mod);
    if (p != NULL && ev->kind == HOST_EVENT_LINK_DOWN &&
        (!reads || !atomic_load(&p->trap_links))) {
        char *text = link_down_text(rt, ev);
        host_process_kill(p, KILL_LINK, text ? text : "linked process failed");
        free(text);
        host_event_free(ev);
        return true;
    }
    if (!reads) {
        if (ev->kind == HOST_EVENT_CANCEL)
            host_process_kill(p, KILL_CANCEL, ev->error);
        host_event_free(ev);
        return true;
    }
    size_t bytes = host_event_bytes(ev);
    event_item *item = malloc(sizeof *item);
    pthread_mutex_lock(&n->lock);
    /* Only a message is turned away for its weight (internal.h); the
     * others are counted and may take the queue over the bound. */
    bool too_heavy = ev->kind == HOST_EVENT_MESSAGE &&
                     (n->nbytes > HOST_MAX_QUEUED_BYTES || bytes > HOST_MAX_QUEUED_BYTES - n->nbytes);
    if (item == NULL || n->ended || n->nevents >= HOST_MAX_EVENTS || too_heavy) {
        pthread_mutex_unlock(&n->lock);
        free(item);
        host_event_free(ev);
        return false;
    }
    item->next = NULL;
    item->ev = *ev;
    if (n->tail != NULL)
        n->tail->next = item;
    else
        n->head = item;
    n->tail = item;
    n->nevents++;
    n->nbytes += bytes;
    if (n->receivers > 0)
        pthread_cond_signal(&n->cond);
    if (p != NULL)
        host_process_wake_events(p);   /* a Lua process parked in a receive runs again */
    pthread_mutex_unlock(&n->lock);
    return true;
}

bool host_send(host_runtime *rt, host_pid from, host_pid to, const char *topic,
               const host_value *values, size_t n, char *err, size_t errlen)
{
    if (n > HOST_MESSAGE_VALUES) {
        snprintf(err, errlen, "too many values in one message (%zu, at most %d)", n,
                 HOST_MESSAGE_VALUES);
        return false;
    }
    host_event probe = { .kind = HOST_EVENT_MESSAGE, .topic = (char *)(topic != NULL ? topic : ""),
                         .payload = (host_value *)values, .npayload = n };
    if (host_event_bytes(&probe) > HOST_MESSAGE_BYTES) {   /* weighed before anything is copied */
        snprintf(err, errlen, "message too large (more than %u bytes)", HOST_MESSAGE_BYTES);
        return false;
    }
    host_event ev = { .kind = HOST_EVENT_MESSAGE, .from = from, .value = host_nil(),
                      .at_ns = host_wall_ns(), .topic = strdup(topic != NULL ? topic : ""),
                      .payload = calloc(n ? n : 1, sizeof *ev.payload) };
    bool ok = ev.topic != NULL && ev.payload != NULL;
    for (size_t i = 0; ok && i < n; i++, ev.npayload++) {
        ev.payload[i] = host_value_copy(&values[i]);
        ok = ev.payload[i].kind == values[i].kind;     /* a failed copy is nil */
    }
    if (!ok) {
        host_event_free(&ev);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    host_node *target = host_pids_lookup(&rt->pids, to);
    if (target == NULL) {
        host_event_free(&ev);
        snprintf(err, errlen, "process not found");
        return false;
    }
    ok = node_deliver(rt, target, &ev);
    host_node_release(rt, target);
    if (!ok)
        snprintf(err, errlen, "the receiver has ended or its queue is full");
    return ok;
}

/* Sends one event built from the ending node to pid. */
static void send_event(host_runtime *rt, host_pid to, host_event_kind kind, host_pid from,
                       const host_value *value, const char *error, int64_t at)
{
    host_node *n = host_pids_lookup(&rt->pids, to);
    if (n == NULL)
        return;
    host_event ev = { .kind = kind, .from = from, .at_ns = at, .value = host_nil() };
    if (kind == HOST_EVENT_EXIT && value != NULL && error == NULL) {
        ev.value = host_value_copy(value);
        if (ev.value.kind != value->kind)   /* out of memory: say so rather than end with nil */
            error = "out of memory copying the process's result";
    }
    if (error != NULL)
        ev.error = strdup(error);
    if (kind == HOST_EVENT_LINK_DOWN) {
        /* The link is gone with the node: take it off the partner too. A
         * partner that unlinked meanwhile (host_unlink() returned true
         * after this node's links were taken) gets no LINK_DOWN. */
        pthread_mutex_lock(&n->lock);
        bool linked = host_pid_list_remove(&n->links, from);
        pthread_mutex_unlock(&n->lock);
        if (!linked) {
            host_event_free(&ev);
            host_node_release(rt, n);
            return;
        }
    }
    node_deliver(rt, n, &ev);
    host_node_release(rt, n);
}

void host_node_end(host_runtime *rt, host_node *n, const host_value *value, const char *error)
{
    pthread_mutex_lock(&n->lock);
    if (n->ended) {
        pthread_mutex_unlock(&n->lock);
        return;
    }
    n->ended = true;
    bool named = n->named;
    if (n->kind == NODE_MAILBOX && n->receivers > 0)
        pthread_cond_broadcast(&n->cond);   /* host_receive gives up on a closed mailbox */
    pid_list monitors = n->monitors, links = n->links;
    memset(&n->monitors, 0, sizeof n->monitors);
    memset(&n->links, 0, sizeof n->links);
    pthread_mutex_unlock(&n->lock);

    if (host_pids_remove(&rt->pids, n))
        host_node_release(rt, n);   /* the table's reference; the caller still holds one */
    if (named)
        host_names_release(rt, n->pid);
    int64_t at = host_wall_ns();
    const host_pid *m = pid_list_items(&monitors);
    for (uint32_t i = 0; i < monitors.n; i++)
        send_event(rt, m[i], HOST_EVENT_EXIT, n->pid, value, error, at);
    const host_pid *l = pid_list_items(&links);
    for (uint32_t i = 0; i < links.n; i++) {
        if (error != NULL) {
            send_event(rt, l[i], HOST_EVENT_LINK_DOWN, n->pid, NULL, error, at);
        } else {
            host_node *partner = host_pids_lookup(&rt->pids, l[i]);
            if (partner != NULL) {
                pthread_mutex_lock(&partner->lock);
                host_pid_list_remove(&partner->links, n->pid);
                pthread_mutex_unlock(&partner->lock);
                host_node_release(rt, partner);
            }
        }
    }
    pid_list_free(&monitors);
    pid_list_free(&links);
}

/* ---- mailboxes ---- */

host_pid host_mailbox_open(host_runtime *rt)
{
    host_node *n = calloc(1, sizeof *n);
    if (n == NULL)
        return 0;
    host_node_init(n, host_pids_next(&rt->pids, 0), NODE_MAILBOX);
    host_pid pid = n->pid;
    bool ok = host_pids_insert(&rt->pids, n);
    host_node_release(rt, n);   /* the table's reference is the one that stays */
    return ok ? pid : 0;
}

void host_mailbox_close(host_runtime *rt, host_pid mailbox)
{
    host_node *n = host_pids_lookup(&rt->pids, mailbox);
    if (n == NULL)
        return;
    if (n->kind == NODE_MAILBOX)
        host_node_end(rt, n, NULL, NULL);
    host_node_release(rt, n);
}

bool host_receive(host_runtime *rt, host_pid mailbox, host_event *out, int64_t timeout_ns)
{
    host_node *n = host_pids_lookup(&rt->pids, mailbox);
    if (n == NULL)
        return false;
    if (n->kind != NODE_MAILBOX) {
        host_node_release(rt, n);
        return false;
    }
    struct timespec until;
    if (timeout_ns > 0) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        int64_t ns = until.tv_nsec + timeout_ns % 1000000000;
        until.tv_sec += (time_t)(timeout_ns / 1000000000 + ns / 1000000000);
        until.tv_nsec = (long)(ns % 1000000000);
    }
    bool got = false;
    pthread_mutex_lock(&n->lock);
    for (;;) {
        if (n->head != NULL) {
            event_item *item = n->head;
            n->head = item->next;
            if (n->head == NULL)
                n->tail = NULL;
            n->nevents--;
            n->nbytes -= host_event_bytes(&item->ev);
            *out = item->ev;
            free(item);
            got = true;
            break;
        }
        if (timeout_ns == 0 || n->ended)
            break;
        n->receivers++;
        int rc = timeout_ns < 0 ? pthread_cond_wait(&n->cond, &n->lock)
                                : pthread_cond_timedwait(&n->cond, &n->lock, &until);
        n->receivers--;
        if (rc == ETIMEDOUT && n->head == NULL)
            break;
    }
    pthread_mutex_unlock(&n->lock);
    host_node_release(rt, n);
    return got;
}

/* ---- monitors and links ---- */

bool host_monitor(host_runtime *rt, host_pid watcher, host_pid target)
{
    if (watcher == 0 || watcher == target)
        return false;
    host_node *t = host_pids_lookup(&rt->pids, target);
    if (t == NULL)
        return false;
    pthread_mutex_lock(&t->lock);
    bool ok = !t->ended && host_pid_list_add(&t->monitors, watcher);
    pthread_mutex_unlock(&t->lock);
    host_node_release(rt, t);
    return ok;
}

bool host_unmonitor(host_runtime *rt, host_pid watcher, host_pid target)
{
    host_node *t = host_pids_lookup(&rt->pids, target);
    if (t == NULL)
        return false;
    pthread_mutex_lock(&t->lock);
    bool ok = host_pid_list_remove(&t->monitors, watcher);
    pthread_mutex_unlock(&t->lock);
    host_node_release(rt, t);
    return ok;
}

/* Locks two distinct nodes, lower pid first. */
static void lock_pair(host_node *a, host_node *b)
{
    if (a->pid < b->pid) {
        pthread_mutex_lock(&a->lock);
        pthread_mutex_lock(&b->lock);
    } else {
        pthread_mutex_lock(&b->lock);
        pthread_mutex_lock(&a->lock);
    }
}

/* Looks both up; false (nothing held) unless both are live and distinct. */
static bool lookup_pair(host_runtime *rt, host_pid a, host_pid b, host_node **na, host_node **nb)
{
    if (a == 0 || b == 0 || a == b)
        return false;
    *na = host_pids_lookup(&rt->pids, a);
    *nb = host_pids_lookup(&rt->pids, b);
    if (*na != NULL && *nb != NULL)
        return true;
    if (*na != NULL)
        host_node_release(rt, *na);
    if (*nb != NULL)
        host_node_release(rt, *nb);
    return false;
}

bool host_link(host_runtime *rt, host_pid a, host_pid b)
{
    host_node *na, *nb;
    if (!lookup_pair(rt, a, b, &na, &nb))
        return false;
    lock_pair(na, nb);
    bool ok = !na->ended && !nb->ended && host_pid_list_add(&na->links, b);
    if (ok && !host_pid_list_add(&nb->links, a)) {
        host_pid_list_remove(&na->links, b);
        ok = false;
    }
    pthread_mutex_unlock(&na->lock);
    pthread_mutex_unlock(&nb->lock);
    host_node_release(rt, na);
    host_node_release(rt, nb);
    return ok;
}

bool host_unlink(host_runtime *rt, host_pid a, host_pid b)
{
    host_node *na, *nb;
    if (!lookup_pair(rt, a, b, &na, &nb))
        return false;
    lock_pair(na, nb);
    bool ok = host_pid_list_remove(&na->links, b);
    ok = host_pid_list_remove(&nb->links, a) || ok;
    pthread_mutex_unlock(&na->lock);
    pthread_mutex_unlock(&nb->lock);
    host_node_release(rt, na);
    host_node_release(rt, nb);
    return ok;
}

/* ---- control ---- */

bool host_terminate(host_runtime *rt, host_pid target)
{
    host_node *n = host_pids_lookup(&rt->pids, target);
    if (n == NULL)
        return false;
    bool ok = n->kind == NODE_PROCESS;
    if (ok)
        host_process_kill((host_process *)n, KILL_TERMINATE, NULL);
    host_node_release(rt, n);
    return ok;
}

bool host_cancel(host_runtime *rt, host_pid target, const char *reason)
{
    host_node *n = host_pids_lookup(&rt->pids, target);
    if (n == NULL)
        return false;
    host_event ev = { .kind = HOST_EVENT_CANCEL, .from = 0, .value = host_nil(),
                      .error = strdup(reason ? reason : ""), .at_ns = host_wall_ns() };
    node_deliver(rt, n, &ev);
    host_node_release(rt, n);
    return true;
}

bool host_alive(host_runtime *rt, host_pid pid)
{
    host_node *n = host_pids_lookup(&rt->pids, pid);
    if (n == NULL)
        return false;
    pthread_mutex_lock(&n->lock);
    bool alive = !n->ended;
    pthread_mutex_unlock(&n->lock);
    host_node_release(rt, n);
    return alive;
}
