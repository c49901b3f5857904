/* diag.c — collecting the registry's errors and notes, each formatted as
 * "FILE:LINE:COL: ENTRY: FIELD: MESSAGE" once, when it is recorded. */
#include <stdio.h>
#include <string.h>

#include "config/loader.h"

static void add_diag(cfg_registry *r, bool note, const char *file, int line, int col,
                     const char *entry_id, const char *field, bool show_field,
                     const char *message)
{
    cfg_diag **list = note ? &r->notes : &r->errors;
    size_t *count = note ? &r->nnotes : &r->nerrors;
    size_t *cap = note ? &r->notes_cap : &r->errors_cap;
    if (message == NULL || !cfg_arena_grow(&r->a, (void **)list, cap, *count, sizeof **list))
        return;   /* out of memory: r->a.failed is set and reported by cfg_load */
    char where[64] = "";
    if (line > 0)
        snprintf(where, sizeof where, ":%d:%d", line, col);
    cfg_diag *d = &(*list)[(*count)++];
    d->file = file;
    d->line = line;
    d->col = col;
    d->entry_id = entry_id;
    d->field = field;
    d->message = message;
    d->text = cfg_arena_printf(&r->a, "%s%s: %s%s%s%s%s", file ? file : "wippy", where,
                           entry_id ? entry_id : "", entry_id ? ": " : "",
                           show_field && field ? field : "", show_field && field ? ": " : "",
                           message);
    if (d->text == NULL)
        d->text = message;
}

static void report_entry(cfg_registry *r, entry_rec *e, const cfg_node *at, const char *field,
                         bool show_field, const char *message)
{
    int line = at ? at->line : e->pub.line;
    int col = at ? at->col : e->pub.col;
    add_diag(r, false, e->pub.file, line, col, e->pub.id, field, show_field, message);
    e->bad = true;
}

void cfg_report(cfg_registry *r, entry_rec *e, const cfg_node *at, const char *field,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *message = cfg_arena_vprintf(&r->a, fmt, ap);
    va_end(ap);
    report_entry(r, e, at, field, true, message);
}

void cfg_report_wippy(cfg_registry *r, entry_rec *e, const cfg_node *at, const char *field,
                      const char *text)
{
    report_entry(r, e, at, field, false, cfg_arena_printf(&r->a, "invalid configuration: %s", text));
}

void cfg_report_file(cfg_registry *r, const char *file, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *message = cfg_arena_vprintf(&r->a, fmt, ap);
    va_end(ap);
    add_diag(r, false, file, line, col, NULL, NULL, false, message);
}

void cfg_note(cfg_registry *r, entry_rec *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *message = cfg_arena_vprintf(&r->a, fmt, ap);
    va_end(ap);
    add_diag(r, true, e->pub.file, e->pub.line, e->pub.col, e->pub.id, NULL, false, message);
}
