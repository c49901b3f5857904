/* dump.c — cm_dump(): a decoded component's structure as text, one
 * definition a line, nested components indented (walked with an explicit
 * stack), types in WIT-like text with the names their type imports and
 * exports give them. Reads a cm_file; touches nothing else. */
#include "component/component.h"

#include <stdlib.h>
#include <string.h>

/* Names of types, by id, from every type-sort import and export decl. */
static const char **type_names(const cm_types *t)
{
    const char **names = calloc(t->count, sizeof *names);
    if (names == NULL)
        return NULL;
    for (uint32_t i = 0; i < t->count; i++) {
        const cm_type *n = &t->nodes[i];
        if (n->kind != CM_COMPONENT && n->kind != CM_INSTANCE)
            continue;
        for (uint32_t j = 0; j < n->nimports + n->nexports; j++) {
            const cm_decl *decl = j < n->nimports ? &n->imports[j] : &n->exports[j - n->nimports];
            if (decl->sort == CM_SORT_TYPE && decl->type >= CM_NPRIMITIVES && names[decl->type] == NULL)
                names[decl->type] = decl->name;
        }
    }
    return names;
}

static void indent(FILE *out, unsigned depth)
{
    for (unsigned i = 0; i < depth; i++)
        fputs("  ", out);
}

/* An extern's type: func and value types inline, instance types as their
 * export declarations, one a line. */
static void print_extern(const cm_types *t, cm_typeid id, const char *const *names, FILE *out,
                         unsigned depth)
{
    const cm_type *n = id != CM_NO_TYPE ? &t->nodes[id] : NULL;
    if (n == NULL || (n->kind != CM_INSTANCE && n->kind != CM_COMPONENT)) {
        cm_type_print(t, id, names, out);
        fputc('\n', out);
        return;
    }
    fputs(n->kind == CM_INSTANCE ? "instance {\n" : "component {\n", out);
    for (uint32_t j = 0; j < n->nimports + n->nexports; j++) {
        const cm_decl *decl = j < n->nimports ? &n->imports[j] : &n->exports[j - n->nimports];
        indent(out, depth + 1);
        fprintf(out, "%s%s: ", j < n->nimports ? "import " : n->kind == CM_COMPONENT ? "export " : "",
                decl->name);
        if (decl->sort == CM_SORT_TYPE) {
            const cm_type *dt = &t->nodes[decl->type];
            if (dt->kind == CM_RESOURCE)
                fputs("resource", out);
            else
                cm_type_print(t, decl->type, names, out);
        } else if (decl->sort == CM_SORT_FUNC) {
            cm_type_print(t, decl->type, names, out);
        } else {
            fprintf(out, "%s ", cm_sort_name(decl->sort));
            cm_type_print(t, decl->type, names, out);
        }
        fputc('\n', out);
    }
    indent(out, depth);
    fputs("}\n", out);
}

static void print_opts(const cm_def *def, FILE *out)
{
    static const char *const enc[] = { "utf8", "utf16", "latin1+utf16" };
    if (def->u.canon.encoding != CM_UTF8)
        fprintf(out, " (string-encoding=%s)", enc[def->u.canon.encoding]);
    if (def->u.canon.memory != CM_NONE)
        fprintf(out, " (memory %u)", def->u.canon.memory);
    if (def->u.canon.realloc != CM_NONE)
        fprintf(out, " (realloc %u)", def->u.canon.realloc);
    if (def->u.canon.post_return != CM_NONE)
        fprintf(out, " (post-return %u)", def->u.canon.post_return);
}

static void print_args(const cm_def *def, FILE *out)
{
    for (uint32_t i = 0; i < def->u.instance.nargs; i++) {
        const cm_arg *a = &def->u.instance.args[i];
        fprintf(out, "%s\"%s\" = %s %u", i ? ", " : "", a->name, cm_sort_name(a->sort), a->index);
    }
}

/* One definition (not a nested component, which the walk handles). */
static void print_def(const cm_file *f, const cm_def *def, const char *const *names, FILE *out,
                      unsigned depth)
{
    const cm_types *t = &f->types;
    indent(out, depth);
    switch (def->kind) {
    case CM_DEF_CORE_MODULE: {
        const cm_type *m = &t->nodes[def->type];
        fprintf(out, "core module %u: %zu bytes, %u imports, %u exports\n", def->index,
                def->u.module.size, m->nimports, m->nexports);
        break;
    }
    case CM_DEF_CORE_INSTANCE:
    case CM_DEF_INSTANCE:
        fprintf(out, "%s %u = ", cm_sort_name(def->sort), def->index);
        if (def->u.instance.instantiate) {
            fprintf(out, "instantiate %s %u", def->kind == CM_DEF_INSTANCE ? "component" : "core module",
                    def->u.instance.of);
            if (def->u.instance.nargs) {
                fputs(" with { ", out);
                print_args(def, out);
                fputs(" }", out);
            }
        } else {
            fputs("{ ", out);
            print_args(def, out);
            fputs(" }", out);
        }
        fputc('\n', out);
        break;
    case CM_DEF_CORE_TYPE:
    case CM_DEF_TYPE:
        fprintf(out, "%s %u: ", cm_sort_name(def->sort), def->index);
        if (names[def->type] != NULL && def->type >= CM_NPRIMITIVES)
            fprintf(out, "%s = ", names[def->type]);
        print_extern(t, def->type, names, out, depth);
        break;
    case CM_DEF_ALIAS:
        fprintf(out, "alias %s %u = ", cm_sort_name(def->sort), def->index);
        if (def->u.alias.kind == CM_ALIAS_OUTER)
            fprintf(out, "outer %u %u\n", def->u.alias.outer, def->u.alias.index);
        else
            fprintf(out, "%sinstance %u \"%s\"\n", def->u.alias.kind == CM_ALIAS_CORE_EXPORT ? "core " : "",
                    def->u.alias.instance, def->u.alias.name);
        break;
    case CM_DEF_CANON:
        fprintf(out, "canon %s %u = ", cm_sort_name(def->sort), def->index);
        switch (def->u.canon.op) {
        case CM_CANON_LIFT:
            fprintf(out, "lift core func %u", def->u.canon.func);
            print_opts(def, out);
            fputs(": ", out);
            cm_type_print(t, def->type, names, out);
            break;
        case CM_CANON_LOWER:
            fprintf(out, "lower func %u", def->u.canon.func);
            print_opts(def, out);
            fputs(": ", out);
            cm_type_print(t, def->type, names, out);
            break;
        case CM_CANON_RESOURCE_NEW: fprintf(out, "resource.new type %u", def->u.canon.type); break;
        case CM_CANON_RESOURCE_DROP: fprintf(out, "resource.drop type %u", def->u.canon.type); break;
        case CM_CANON_RESOURCE_REP: fprintf(out, "resource.rep type %u", def->u.canon.type); break;
        }
        fputc('\n', out);
        break;
    case CM_DEF_IMPORT:
    case CM_DEF_EXPORT:
        fprintf(out, "%s %s: ", def->kind == CM_DEF_IMPORT ? "import" : "export", def->u.extern_.name);
        if (def->sort != CM_SORT_FUNC && def->sort != CM_SORT_INSTANCE && def->sort != CM_SORT_COMPONENT)
            fprintf(out, "%s ", cm_sort_name(def->sort));
        if (def->sort == CM_SORT_TYPE && t->nodes[def->type].kind == CM_RESOURCE) {
            fputs("resource", out);
        } else if (def->sort == CM_SORT_INSTANCE || def->sort == CM_SORT_COMPONENT) {
            print_extern(t, def->type, names, out, depth);
            break;
        } else {
            cm_type_print(t, def->type, names, out);
        }
        if (def->kind == CM_DEF_EXPORT)
            fprintf(out, "  (%s %u = %s %u)", cm_sort_name(def->sort), def->index,
                    cm_sort_name(def->sort), def->u.extern_.item);
        fputc('\n', out);
        break;
    case CM_DEF_COMPONENT:
        break;
    }
}

void cm_dump(const cm_file *f, FILE *out)
{
    const char **names = type_names(&f->types);
    typedef struct { const cm_component *c; uint32_t next; } frame;
    frame *stack = calloc((size_t)f->ncomponents + 1, sizeof *stack);
    if (names == NULL || stack == NULL) {
        fputs("out of memory\n", out);
        free(names);
        free(stack);
        return;
    }
    unsigned depth = 0;
    stack[0] = (frame){ f->root, 0 };
    fprintf(out, "component%s%s: %u core modules, %u components\n", f->root->name ? " " : "",
            f->root->name ? f->root->name : "", f->ncore_modules, f->ncomponents);
    for (;;) {
        frame *fr = &stack[depth];
        if (fr->next == fr->c->ndefs) {
            if (depth == 0)
                break;
            depth--;
            indent(out, depth + 1);
            fputs("}\n", out);
            continue;
        }
        const cm_def *def = &fr->c->defs[fr->next++];
        if (def->kind == CM_DEF_COMPONENT) {
            indent(out, depth + 1);
            fprintf(out, "component %u%s%s {\n", def->index, def->u.component->name ? " " : "",
                    def->u.component->name ? def->u.component->name : "");
            stack[++depth] = (frame){ def->u.component, 0 };
            continue;
        }
        print_def(f, def, names, out, depth + 1);
    }
    free(stack);
    free(names);
}
