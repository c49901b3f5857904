/* decode_defs.c — the definition sections of a component (Binary.md
 * "Instance/Alias/Canonical/Import and Export Definitions"): core modules
 * (loaded with vm_module_load), core instances, instances, aliases, canon
 * functions with their options, imports, exports, and the custom sections
 * (component-name kept). Touches the decoder's scopes, the type arena and
 * vm's public module API only. */
#include "component/decode_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- core modules ---- */

static cm_sort sort_of_extern(vm_externkind k)
{
    switch (k) {
    case VM_EXTERN_TABLE: return CM_SORT_CORE_TABLE;
    case VM_EXTERN_MEMORY: return CM_SORT_CORE_MEMORY;
    case VM_EXTERN_GLOBAL: return CM_SORT_CORE_GLOBAL;
    default: return CM_SORT_CORE_FUNC;
    }
}

/* A core func node for a signature the module keeps. */
static bool sig_type(cm_decoder *d, const vm_signature *sig, cm_typeid *out)
{
    cm_type n = { .kind = CM_CORE_FUNC, .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE,
                  .nparams = sig->nparams, .nresults = sig->nresults,
                  .params = sig->params, .results = sig->results };
    if ((*out = cm_type_add(d->types, &n)) == CM_NO_TYPE)
        return cm_nomem(d);
    return true;
}

/* A core table, memory or global node for a type the module keeps. */
static bool extern_type(cm_decoder *d, vm_externkind k, const vm_externtype *et, cm_typeid *out)
{
    cm_type n = { .kind = k == VM_EXTERN_TABLE ? CM_CORE_TABLE : k == VM_EXTERN_MEMORY ? CM_CORE_MEMORY
                                                                                       : CM_CORE_GLOBAL,
                  .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE };
    n.core.type = et->type;
    n.core.mutable_ = et->mutable_;
    n.core.min = et->min;
    n.core.max = et->max;
    n.core.has_max = et->has_max;
    if ((*out = cm_type_add(d->types, &n)) == CM_NO_TYPE)
        return cm_nomem(d);
    return true;
}

bool cm_core_module_section(cm_decoder *d, size_t end)
{
    size_t at = d->r.pos;
    if (d->file->ncore_modules == UINT32_MAX)
        return cm_fail(d, "too many core modules");
    uint32_t n = d->file->ncore_modules;
    if (!cm_grow((void **)&d->modules, n, &d->modules_cap, sizeof *d->modules))
        return cm_nomem(d);
    vm_error e;
    vm_module *m = vm_module_load(d->r.bytes + at, end - at, &e);
    if (m == NULL)
        return cm_fail_at(d, at, e.kind, "core module: %s", e.message);
    d->modules[d->file->ncore_modules++] = m;
    d->file->modules = d->modules;

    uint32_t ni = vm_module_import_count(m), ne = vm_module_export_count(m);
    cm_type node = { .kind = CM_CORE_MODULE, .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE,
                     .nimports = ni, .nexports = ne };
    cm_decl *decls = cm_alloc(d->types, ((size_t)ni + ne) * sizeof *decls);
    if (decls == NULL)
        return cm_nomem(d);
    node.imports = decls;
    node.exports = decls + ni;
    for (uint32_t i = 0; i < ni + ne; i++) {
        vm_externkind k;
        vm_signature sig;
        cm_decl *decl = &decls[i];
        if (i < ni)
            vm_module_import(m, i, &decl->module, &decl->name, &k);
        else
            vm_module_export(m, i - ni, &decl->name, &k);
        decl->sort = sort_of_extern(k);
        decl->type = CM_NO_TYPE;
        vm_externtype et;
        if (k != VM_EXTERN_FUNC &&
            (i < ni ? vm_module_import_type(m, i, &et) : vm_module_export_type(m, i - ni, &et)) &&
            !extern_type(d, k, &et, &decl->type))
            return false;
        if (k == VM_EXTERN_FUNC &&
            (i < ni ? vm_module_import_signature(m, i, &sig)
                    : vm_module_export_signature(m, decl->name, &sig)) &&
            !sig_type(d, &sig, &decl->type))
            return false;
    }
    /* A core module in a component has unique imports (module, name). */
    bool nomem;
    const cm_decl *dup = cm_core_duplicate(d, decls, ni, &nomem);
    if (nomem)
        return cm_nomem(d);
    if (dup != NULL)
        return cm_fail_at(d, at, VM_ERR_INVALID, "core module: duplicate import name \"%s\" \"%s\"",
                          dup->module, dup->name);
    cm_typeid id;
    cm_def *def;
    if ((id = cm_type_add(d->types, &node)) == CM_NO_TYPE)
        return cm_nomem(d);
    if (!cm_def_push(d, CM_DEF_CORE_MODULE, at, &def))
        return false;
    def->u.module.start = at;
    def->u.module.size = end - at;
    def->u.module.module = m;
    d->r.pos = end;
    return cm_def_define(d, def, CM_SORT_CORE_MODULE, id);
}

/* ---- instances ---- */

static const cm_decl *find_decl(const cm_decl *decls, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(decls[i].name, name) == 0)
            return &decls[i];
    return NULL;
}

static const cm_arg *find_arg(const cm_arg *args, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(args[i].name, name) == 0)
            return &args[i];
    return NULL;
}

/* A vector of (name, sortidx) for instantiation arguments or inline
 * exports. core: core names and core sorts. exports: export names
 * (checked) as decls in *decls. */
static bool read_args(cm_decoder *d, bool core, bool exports, uint32_t *n, cm_arg **args,
                      cm_decl **decls)
{
    if (!cm_read_count(d, n))
        return false;
    *args = cm_alloc(d->types, *n * sizeof **args);
    *decls = cm_alloc(d->types, *n * sizeof **decls);
    if (*args == NULL || *decls == NULL)
        return cm_nomem(d);
    cm_nameset seen = { 0 };
    bool ok = true;
    for (uint32_t i = 0; ok && i < *n; i++) {
        size_t at = d->r.pos;
        cm_arg *a = &(*args)[i];
        cm_name_attrs attrs = { 0 };
        if (!(ok = !core && exports ? cm_read_extern_name(d, &a->name, &attrs) : cm_read_name(d, &a->name)))
            break;
        size_t sat = d->r.pos;
        if (core && !exports) {
            uint8_t b;
            if (!(ok = vm_read_u8(&d->r, &b)))
                break;
            if (b != 0x12) {
                ok = cm_fail_at(d, sat, VM_ERR_MALFORMED,
                                "core instantiation argument must be an instance (0x12), got 0x%02x", b);
                break;
            }
            a->sort = CM_SORT_CORE_INSTANCE;
        } else if (!(ok = core ? cm_read_core_sort(d, &a->sort) : cm_read_sort(d, &a->sort))) {
            break;
        }
        cm_typeid t;
        if (!(ok = cm_read_index(d, a->sort, &a->index, &t) &&
                   cm_check_name_attrs(d, &attrs, a->name, a->sort)))
            break;
        (*decls)[i] = (cm_decl){ .name = a->name, .sort = a->sort, .type = t };
        if (exports && !core) {
            cm_name_kind kind;
            const char *res, *why = cm_check_name(d, a->name, false, &kind, &res);
            if (why != NULL) {
                ok = cm_fail_at(d, at, VM_ERR_INVALID, "export name \"%s\": %s", a->name, why);
                break;
            }
            /* A bag of exports introduces no type index, so no resource
             * has a name in it: no [constructor], [method] or [static]. */
            if (kind == CM_NAME_CONSTRUCTOR || kind == CM_NAME_METHOD || kind == CM_NAME_STATIC) {
                ok = cm_fail_at(d, at, VM_ERR_INVALID,
                                "export name \"%s\": resource used in function does not have a name "
                                "in this context (an instance of inline exports names no resource)",
                                a->name);
                break;
            }
        }
        bool nomem = false;
        /* Core names are compared exactly: a prefix keeps "A" and "a" apart. */
        if (core) {
            ok = find_arg(*args, i, a->name) == NULL ||
                 cm_fail_at(d, at, VM_ERR_INVALID, "duplicate name \"%s\"", a->name);
        } else if (!cm_nameset_add(&seen, a->name, &nomem)) {
            ok = nomem ? cm_nomem(d) : cm_fail_at(d, at, VM_ERR_INVALID, "duplicate name \"%s\"", a->name);
        }
    }
    cm_nameset_free(&seen);
    return ok;
}

bool cm_core_instance_section(cm_decoder *d)
{
    uint32_t count;
    if (!cm_read_count(d, &count))
        return false;
    for (uint32_t k = 0; k < count; k++) {
        size_t at = d->r.pos;
        uint8_t b;
        cm_def *def;
        cm_arg *args;
        cm_decl *decls;
        cm_type node = { .kind = CM_CORE_INSTANCE, .elem = CM_NO_TYPE, .err = CM_NO_TYPE,
                         .dtor = CM_NONE };
        if (!vm_read_u8(&d->r, &b))
            return false;
        if (b == 0x00) {
            uint32_t m, n;
            cm_typeid mt;
            if (!cm_read_index(d, CM_SORT_CORE_MODULE, &m, &mt) ||
                !read_args(d, true, false, &n, &args, &decls))
                return false;
            const cm_type *mod = &d->types->nodes[mt];
            for (uint32_t i = 0; i < mod->nimports; i++) {
                const cm_decl *imp = &mod->imports[i];
                const cm_arg *a = find_arg(args, n, imp->module);
                if (a == NULL)
                    return cm_fail_at(d, at, VM_ERR_INVALID,
                                      "core instance: no argument for module \"%s\"", imp->module);
                const cm_type *inst = &d->types->nodes[cm_top(d)->spaces[CM_SORT_CORE_INSTANCE].ids[a->index]];
                const cm_decl *e = find_decl(inst->exports, inst->nexports, imp->name);
                if (e == NULL || e->sort != imp->sort)
                    return cm_fail_at(d, at, VM_ERR_INVALID,
                                      "core instance: argument \"%s\" has no %s export \"%s\"",
                                      imp->module, cm_sort_name(imp->sort), imp->name);
                if (imp->type != CM_NO_TYPE && e->type != CM_NO_TYPE &&
                    !cm_core_func_equal(d->types, imp->type, e->type))
                    return cm_fail_at(d, at, VM_ERR_INVALID,
                                      "core instance: \"%s\" \"%s\" has the wrong function type",
                                      imp->module, imp->name);
                char why[200];
                if (imp->sort != CM_SORT_CORE_FUNC && imp->type != CM_NO_TYPE && e->type != CM_NO_TYPE &&
                    cm_core_extern_match(d->types, e->type, imp->type, why, sizeof why) != 0)
                    return cm_fail_at(d, at, VM_ERR_INVALID, "core instance: \"%s\" \"%s\": %s",
                                      imp->module, imp->name, why);
            }
            node.nexports = mod->nexports;
            node.exports = mod->exports;
            if (!cm_def_push(d, CM_DEF_CORE_INSTANCE, at, &def))
                return false;
            def->u.instance.instantiate = true;
            def->u.instance.of = m;
            def->u.instance.nargs = n;
            def->u.instance.args = args;
        } else if (b == 0x01) {
            uint32_t n;
            if (!read_args(d, true, true, &n, &args, &decls))
                return false;
            node.nexports = n;
            node.exports = decls;
            if (!cm_def_push(d, CM_DEF_CORE_INSTANCE, at, &def))
                return false;
            def->u.instance.nargs = n;
            def->u.instance.args = args;
        } else {
            return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected core instance, got 0x%02x", b);
        }
        cm_typeid id = cm_type_add(d->types, &node);
        if (id == CM_NO_TYPE)
            return cm_nomem(d);
        if (!cm_def_define(d, def, CM_SORT_CORE_INSTANCE, id))
            return false;
    }
    return true;
}

bool cm_instance_section(cm_decoder *d)
{
    uint32_t count;
    if (!cm_read_count(d, &count))
        return false;
    for (uint32_t k = 0; k < count; k++) {
        size_t at = d->r.pos;
        uint8_t b;
        cm_def *def;
        cm_arg *args;
        cm_decl *decls;
        uint32_t c = 0, n;
        cm_type node = { .kind = CM_INSTANCE, .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE };
        if (!vm_read_u8(&d->r, &b))
            return false;
        if (b == 0x00) {
            cm_typeid ct;
            if (!cm_read_index(d, CM_SORT_COMPONENT, &c, &ct) ||
                !read_args(d, false, false, &n, &args, &decls))
                return false;
            const cm_type *comp = &d->types->nodes[ct];
            cm_bindings bind = { 0 };
            for (uint32_t i = 0; i < comp->nimports; i++) {
                const cm_decl *imp = &comp->imports[i];
                const cm_arg *a = find_arg(args, n, imp->name);
                if (a == NULL) {
                    cm_bindings_free(&bind);
                    return cm_fail_at(d, at, VM_ERR_INVALID, "instance: missing argument \"%s\"",
                                      imp->name);
                }
                if (a->sort != imp->sort) {
                    cm_bindings_free(&bind);
                    return cm_fail_at(d, at, VM_ERR_INVALID, "instance: argument \"%s\" is a %s, not a %s",
                                      imp->name, cm_sort_name(a->sort), cm_sort_name(imp->sort));
                }
                /* The argument's type must be a subtype of the import's,
                 * the import's resources bound to the arguments' as met. */
                cm_typeid have = decls[a - args].type;
                char why[400];
                int r = have == CM_NO_TYPE || imp->type == CM_NO_TYPE ? 0
                        : cm_subtype(d->types, have, imp->type, imp->sort == CM_SORT_TYPE, &bind,
                                     why, sizeof why);
                if (r != 0) {
                    cm_bindings_free(&bind);
                    return r < 0 ? cm_nomem(d)
                                 : cm_fail_at(d, at, VM_ERR_INVALID,
                                              "instance: argument \"%s\" does not match the import: %s",
                                              imp->name, why);
                }
                /* A type imported by `eq` stands for the argument's type in
                 * the instance's exports too. */
                if (imp->sort == CM_SORT_TYPE && have != CM_NO_TYPE && have != imp->type &&
                    d->types->nodes[imp->type].kind != CM_RESOURCE &&
                    !cm_bindings_add(&bind, imp->type, have)) {
                    cm_bindings_free(&bind);
                    return cm_nomem(d);
                }
            }
            /* Type-import substitution: the instance's exports name the
             * arguments' resources where the component's name its imports. */
            node.nexports = comp->nexports;
            node.exports = cm_alloc(d->types, comp->nexports * sizeof *node.exports);
            if (node.exports == NULL && comp->nexports) {
                cm_bindings_free(&bind);
                return cm_nomem(d);
            }
            if (comp->nexports)
                memcpy(node.exports, d->types->nodes[ct].exports, comp->nexports * sizeof *node.exports);
            /* Each instance has resources of its own: those the component
             * defines or declares that no import binds are new ones. */
            int sr = cm_freshen(d->types, &bind, node.exports, node.nexports, d->types->nodes[ct].first,
                                d->types->nodes[ct].end);
            if (sr == 0)
                sr = cm_substitute(d->types, &bind, node.exports, node.nexports);
            cm_bindings_free(&bind);
            if (sr < 0)
                return cm_nomem(d);
        } else if (b == 0x01) {
            if (!read_args(d, false, true, &n, &args, &decls))
                return false;
            node.nexports = n;
            node.exports = decls;
        } else {
            return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected instance, got 0x%02x", b);
        }
        if (!cm_def_push(d, CM_DEF_INSTANCE, at, &def))
            return false;
        def->u.instance.instantiate = b == 0x00;
        def->u.instance.of = c;
        def->u.instance.nargs = n;
        def->u.instance.args = args;
        cm_typeid id = cm_type_add(d->types, &node);
        if (id == CM_NO_TYPE)
            return cm_nomem(d);
        if (!cm_def_define(d, def, CM_SORT_INSTANCE, id))
            return false;
    }
    return true;
}

/* ---- aliases ---- */

bool cm_alias(cm_decoder *d, cm_scope *s, cm_def *def)
{
    size_t at = d->r.pos;
    cm_sort sort;
    uint8_t target;
    uint32_t i, ct, idx;
    const char *name;
    cm_typeid t, type = CM_NO_TYPE;
    if (!cm_read_sort(d, &sort) || !vm_read_u8(&d->r, &target))
        return false;
    if (def == NULL && sort != CM_SORT_TYPE && sort != CM_SORT_INSTANCE && sort != CM_SORT_CORE_TYPE)
        return cm_fail_at(d, at, VM_ERR_INVALID, "%s alias inside a type", cm_sort_name(sort));
    switch (target) {
    case 0x00:
    case 0x01: {
        bool core = target == 0x01;
        /* A core instance exports core funcs, tables, memories and globals;
         * a component instance may export anything, core modules included
         * (the export lookup below checks the sort). */
        if (core && sort > CM_SORT_CORE_GLOBAL)
            return cm_fail_at(d, at, VM_ERR_INVALID, "core export alias of a %s",
                              cm_sort_name(sort));
        if (!cm_read_index(d, core ? CM_SORT_CORE_INSTANCE : CM_SORT_INSTANCE, &i, &t) ||
            !cm_read_name(d, &name))
            return false;
        const cm_type *inst = &d->types->nodes[t];
        const cm_decl *e = find_decl(inst->exports, inst->nexports, name);
        if (e == NULL || e->sort != sort)
            return cm_fail_at(d, at, VM_ERR_INVALID, "%sinstance %u has no %s export \"%s\"",
                              core ? "core " : "", i, cm_sort_name(sort), name);
        type = e->type;
        if (def != NULL)
            def->u.alias.kind = core ? CM_ALIAS_CORE_EXPORT : CM_ALIAS_EXPORT,
            def->u.alias.instance = i, def->u.alias.name = name;
        break;
    }
    case 0x02: {
        if (!vm_read_u32(&d->r, &ct) || !vm_read_u32(&d->r, &idx))
            return false;
        if (sort != CM_SORT_TYPE && sort != CM_SORT_CORE_TYPE && sort != CM_SORT_CORE_MODULE &&
            sort != CM_SORT_COMPONENT)
            /* outeraliassort: not a sort an outer alias can have at all */
            return cm_fail_at(d, at, VM_ERR_MALFORMED, "outer alias of a %s", cm_sort_name(sort));
        if (ct >= d->depth)
            return cm_fail_at(d, at, VM_ERR_INVALID, "outer alias count %u beyond the %u enclosing scopes",
                              ct, d->depth - 1);
        const cm_space *sp = &d->stack[d->depth - 1 - ct].spaces[sort];
        if (idx >= sp->n)
            return cm_fail_at(d, at, VM_ERR_INVALID, "outer alias: %s index %u out of range (%u defined)",
                              cm_sort_name(sort), idx, sp->n);
        type = sp->ids[idx];
        /* A type that refers to resources (a resource, a handle, a value
         * type holding one, a component or instance type using a resource
         * it does not declare itself) may not be aliased across a
         * component boundary. */
        bool crosses_component = false;
        for (uint32_t k = 0; k < ct; k++)
            crosses_component |= d->stack[d->depth - 1 - k].kind == CM_SCOPE_COMPONENT;
        const cm_type *aliased = &d->types->nodes[type];
        int refers = 0;
        if (sort == CM_SORT_TYPE && crosses_component) {
            if (aliased->kind == CM_RESOURCE || (aliased->flags & (CM_HAS_OWN | CM_HAS_BORROW)))
                refers = 1;
            else if (aliased->kind == CM_COMPONENT || aliased->kind == CM_INSTANCE)
                refers = cm_free_resources(d, type, aliased->first);
        }
        if (refers < 0)
            return cm_nomem(d);
        if (refers)
            return cm_fail_at(d, at, VM_ERR_INVALID,
                              "outer alias of type %u: it transitively refers to resources", idx);
        if (def != NULL)
            def->u.alias.kind = CM_ALIAS_OUTER, def->u.alias.outer = ct, def->u.alias.index = idx;
        break;
    }
    default:
        return cm_fail_at(d, at + 1, VM_ERR_MALFORMED, "expected alias target, got 0x%02x", target);
    }
    if (def != NULL)
        return cm_def_define(d, def, sort, type);
    return cm_space_push(d, s, sort, type, NULL);
}

bool cm_alias_section(cm_decoder *d)
{
    uint32_t count;
    if (!cm_read_count(d, &count))
        return false;
    for (uint32_t k = 0; k < count; k++) {
        cm_def *def;
        if (!cm_def_push(d, CM_DEF_ALIAS, d->r.pos, &def) || !cm_alias(d, cm_top(d), def))
            return false;
    }
    return true;
}

/* ---- canon ---- */

/* Canon options into def->u.canon; at most one of each, one encoding. */
static bool canon_opts(cm_decoder *d, cm_def *def)
{
    uint32_t n;
    bool encoding = false;
    if (!cm_read_count(d, &n))
        return false;
    for (uint32_t i = 0; i < n; i++) {
        size_t at = d->r.pos;
        uint8_t b;
        cm_typeid t;
        uint32_t *slot = NULL;
        if (!vm_read_u8(&d->r, &b))
            return false;
        switch (b) {
        case 0x00: case 0x01: case 0x02:
            if (encoding)
                return cm_fail_at(d, at, VM_ERR_INVALID, "canon: more than one string encoding");
            encoding = true;
            def->u.canon.encoding = (cm_string_encoding)b;
            continue;
        case 0x03: slot = &def->u.canon.memory; break;
        case 0x04: slot = &def->u.canon.realloc; break;
        case 0x05: slot = &def->u.canon.post_return; break;
        case 0x06: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "canon option async not supported");
        case 0x07: return cm_fail_at(d, at, VM_ERR_UNSUPPORTED, "canon option callback not supported");
        default: return cm_fail_at(d, at, VM_ERR_MALFORMED, "expected canon option, got 0x%02x", b);
        }
        if (*slot != CM_NONE)
            return cm_fail_at(d, at, VM_ERR_INVALID, "canon: duplicate option 0x%02x", b);
        if (!cm_read_index(d, b == 0x03 ? CM_SORT_CORE_MEMORY : CM_SORT_CORE_FUNC, slot, &t))
            return false;
        const cm_type *f = t != CM_NO_TYPE && b != 0x03 ? &d->types->nodes[t] : NULL;
        static const vm_valtype i32x4[4] = { VM_I32, VM_I32, VM_I32, VM_I32 };
        if (b == 0x04 && f != NULL &&
            !(f->nparams == 4 && memcmp(f->params, i32x4, sizeof i32x4) == 0 && f->nresults == 1 &&
              f->results[0] == VM_I32))
            return cm_fail_at(d, at, VM_ERR_INVALID, "canon: realloc must be (i32 i32 i32 i32) -> i32");
        if (b == 0x05)   /* checked against the lifted function in canon_lift */
            def->type = t;
    }
    return true;
}

/* The options a lift or lower of func type ft needs (CanonicalABI.md). */
static bool canon_needs(cm_decoder *d, cm_def *def, cm_typeid ft, bool lift, size_t at)
{
    const cm_type *f = &d->types->nodes[ft];
    unsigned pflags = 0, rflags = 0, pflat = 0, rflat = 0;
    for (uint32_t i = 0; i < f->nfields; i++) {
        const cm_type *p = &d->types->nodes[f->fields[i].type];
        pflags |= p->flags;
        pflat += p->nflat;
    }
    if (f->elem != CM_NO_TYPE) {
        rflags = d->types->nodes[f->elem].flags;
        rflat = d->types->nodes[f->elem].nflat;
    }
    unsigned mem = CM_HAS_STRING | CM_HAS_LIST;
    bool need_memory = (pflags | rflags) & mem || pflat > CM_MAX_FLAT || rflat > 1;
    bool need_realloc = lift ? ((pflags & mem) || pflat > CM_MAX_FLAT) : (rflags & mem) != 0;
    if (need_memory && def->u.canon.memory == CM_NONE)
        return cm_fail_at(d, at, VM_ERR_INVALID, "canon %s: the signature needs a memory option",
                          lift ? "lift" : "lower");
    if (need_realloc && def->u.canon.realloc == CM_NONE)
        return cm_fail_at(d, at, VM_ERR_INVALID, "canon %s: the signature needs a realloc option",
                          lift ? "lift" : "lower");
    return true;
}

static bool canon_lift(cm_decoder *d, cm_def *def, size_t at)
{
    uint8_t b;
    uint32_t ti;
    cm_typeid core_t, ft, post_t;
    if (!vm_read_u8(&d->r, &b))
        return false;
    if (b != 0x00)
        return cm_fail_at(d, at + 1, VM_ERR_MALFORMED, "canon lift: expected 0x00, got 0x%02x", b);
    if (!cm_read_index(d, CM_SORT_CORE_FUNC, &def->u.canon.func, &core_t) || !canon_opts(d, def))
        return false;
    post_t = def->type;
    size_t tat = d->r.pos;
    if (!cm_read_index(d, CM_SORT_TYPE, &ti, &ft))
        return false;
    if (d->types->nodes[ft].kind != CM_FUNC)
        return cm_fail_at(d, tat, VM_ERR_INVALID, "canon lift: type index %u is not a function type", ti);
    def->u.canon.type = ti;
    if (!canon_needs(d, def, ft, true, at))
        return false;
    cm_typeid want = cm_flatten_func(d->types, ft, true);
    if (want == CM_NO_TYPE)
        return cm_nomem(d);
    if (core_t != CM_NO_TYPE && !cm_core_func_equal(d->types, core_t, want))
        return cm_fail_at(d, at, VM_ERR_INVALID,
                          "canon lift: core func %u does not have the flattened type of type %u",
                          def->u.canon.func, ti);
    if (post_t != CM_NO_TYPE) {
        const cm_type *p = &d->types->nodes[post_t], *w = &d->types->nodes[want];
        if (p->nresults != 0 || p->nparams != w->nresults ||
            (p->nparams && memcmp(p->params, w->results, p->nparams * sizeof *p->params) != 0))
            return cm_fail_at(d, at, VM_ERR_INVALID, "canon lift: post-return has the wrong type");
    }
    return cm_def_define(d, def, CM_SORT_FUNC, ft);
}

static bool canon_lower(cm_decoder *d, cm_def *def, size_t at)
{
    uint8_t b;
    cm_typeid ft;
    if (!vm_read_u8(&d->r, &b))
        return false;
    if (b != 0x00)
        return cm_fail_at(d, at + 1, VM_ERR_MALFORMED, "canon lower: expected 0x00, got 0x%02x", b);
    if (!cm_read_index(d, CM_SORT_FUNC, &def->u.canon.func, &ft) || !canon_opts(d, def))
        return false;
    if (def->u.canon.post_return != CM_NONE)
        return cm_fail_at(d, at, VM_ERR_INVALID, "canon lower: post-return is only for lift");
    if (!canon_needs(d, def, ft, false, at))
        return false;
    cm_typeid core_t = cm_flatten_func(d->types, ft, false);
    if (core_t == CM_NO_TYPE)
        return cm_nomem(d);
    def->type = CM_NO_TYPE;
    return cm_def_define(d, def, CM_SORT_CORE_FUNC, core_t);
}

/* resource.new / drop / rep: a resource type index; new and rep need one
 * this component defines. */
static bool canon_resource(cm_decoder *d, cm_def *def, uint8_t op)
{
    size_t tat = d->r.pos;
    cm_typeid rt;
    if (!cm_read_index(d, CM_SORT_TYPE, &def->u.canon.type, &rt))
        return false;
    const cm_type *r = &d->types->nodes[rt];
    if (r->kind != CM_RESOURCE)
        return cm_fail_at(d, tat, VM_ERR_INVALID, "type index %u is not a resource type",
                          def->u.canon.type);
    if (op != 0x03 && (r->abstract || r->owner != cm_top(d)->serial))
        return cm_fail_at(d, tat, VM_ERR_INVALID,
                          "resource.%s: type index %u is not a local resource (expected one this "
                          "component defines)", op == 0x02 ? "new" : "rep", def->u.canon.type);
    static const vm_valtype i32[1] = { VM_I32 };
    cm_type n = { .kind = CM_CORE_FUNC, .elem = CM_NO_TYPE, .err = CM_NO_TYPE, .dtor = CM_NONE,
                  .nparams = 1, .params = i32, .nresults = op == 0x03 ? 0 : 1, .results = i32 };
    def->u.canon.op = op == 0x02 ? CM_CANON_RESOURCE_NEW : op == 0x03 ? CM_CANON_RESOURCE_DROP
                                                                      : CM_CANON_RESOURCE_REP;
    cm_typeid id = cm_type_add(d->types, &n);
    if (id == CM_NO_TYPE)
        return cm_nomem(d);
    return cm_def_define(d, def, CM_SORT_CORE_FUNC, id);
}

bool cm_canon_section(cm_decoder *d)
{
    uint32_t count;
    if (!cm_read_count(d, &count))
        return false;
    for (uint32_t k = 0; k < count; k++) {
        size_t at = d->r.pos;
        uint8_t op;
        cm_def *def;
        if (!vm_read_u8(&d->r, &op) || !cm_def_push(d, CM_DEF_CANON, at, &def))
            return false;
        def->u.canon.memory = def->u.canon.realloc = def->u.canon.post_return = CM_NONE;
        def->u.canon.type = CM_NONE;
        bool ok;
        switch (op) {
        case 0x00: def->u.canon.op = CM_CANON_LIFT; ok = canon_lift(d, def, at); break;
        case 0x01: def->u.canon.op = CM_CANON_LOWER; ok = canon_lower(d, def, at); break;
        case 0x02: case 0x03: case 0x04: ok = canon_resource(d, def, op); break;
        default:
            return cm_fail_at(d, at, VM_ERR_UNSUPPORTED,
                              "canon 0x%02x not supported (only lift, lower, resource.new/drop/rep; "
                              "async, stream, future, error-context, waitable and thread builtins are not)",
                              op);
        }
        if (!ok)
            return false;
    }
    return true;
}

/* ---- imports and exports ---- */

bool cm_import_section(cm_decoder *d)
{
    uint32_t count;
    if (!cm_read_count(d, &count))
        return false;
    for (uint32_t k = 0; k < count; k++) {
        size_t at = d->r.pos;
        cm_decl decl = { 0 };
        cm_name_attrs attrs;
        cm_def *def;
        if (!cm_read_extern_name(d, &decl.name, &attrs) || !cm_read_externdesc(d, &decl) ||
            !cm_check_name_attrs(d, &attrs, decl.name, decl.sort) ||
            !cm_declare(d, cm_top(d), true, &decl, at) ||
            !cm_def_push(d, CM_DEF_IMPORT, at, &def))
            return false;
        def->u.extern_.name = decl.name;
        def->u.extern_.item = CM_NONE;
        if (!cm_def_define(d, def, decl.sort, decl.type))
            return false;
    }
    return true;
}

bool cm_export_section(cm_decoder *d)
{
    uint32_t count;
    if (!cm_read_count(d, &count))
        return false;
    for (uint32_t k = 0; k < count; k++) {
        size_t at = d->r.pos;
        cm_decl decl = { 0 }, ascribed = { 0 };
        cm_def *def;
        uint32_t item;
        uint8_t has;
        bool own_node = false;   /* the new type index has a node of its own */
        cm_name_attrs attrs;
        if (!cm_read_extern_name(d, &decl.name, &attrs))
            return false;
        size_t sat = d->r.pos;
        if (!cm_read_sort(d, &decl.sort) || !cm_read_index(d, decl.sort, &item, &decl.type) ||
            !cm_check_name_attrs(d, &attrs, decl.name, decl.sort))
            return false;
        if (decl.sort <= CM_SORT_CORE_INSTANCE && decl.sort != CM_SORT_CORE_MODULE)
            return cm_fail_at(d, sat, VM_ERR_INVALID, "a component cannot export a %s",
                              cm_sort_name(decl.sort));
        if (!vm_read_u8(&d->r, &has))
            return false;
        if (has > 1)
            return cm_fail_at(d, d->r.pos - 1, VM_ERR_MALFORMED, "expected 0x00 or 0x01, got 0x%02x", has);
        if (has) {
            size_t eat = d->r.pos;
            if (!cm_read_externdesc(d, &ascribed))
                return false;
            if (ascribed.sort != decl.sort)
                return cm_fail_at(d, eat, VM_ERR_INVALID, "export \"%s\": a %s ascribed a %s type",
                                  decl.name, cm_sort_name(decl.sort), cm_sort_name(ascribed.sort));
            cm_bindings bind = { 0 };
            char why[400];
            int r = decl.type == CM_NO_TYPE || ascribed.type == CM_NO_TYPE ? 0
                    : cm_subtype(d->types, decl.type, ascribed.type, decl.sort == CM_SORT_TYPE, &bind,
                                 why, sizeof why);
            cm_bindings_free(&bind);
            if (r != 0)
                return r < 0 ? cm_nomem(d)
                             : cm_fail_at(d, eat, VM_ERR_INVALID,
                                          "export \"%s\": the ascribed type is not a supertype of the "
                                          "item's: %s", decl.name, why);
            /* The ascribed type is the one seen. A `(sub resource)`
             * ascription makes a resource of its own outside that stands
             * for the item's inside. */
            const cm_type *a = &d->types->nodes[ascribed.type];
            if (decl.sort != CM_SORT_TYPE) {
                decl.type = ascribed.type;
            } else if (a->kind == CM_RESOURCE && a->abstract && ascribed.type != decl.type) {
                cm_typeid root = cm_resource_root(d->types, decl.type);
                d->types->nodes[ascribed.type].alias_of = root;
                d->types->nodes[ascribed.type].own_root = true;
                d->types->nodes[ascribed.type].owner = d->types->nodes[root].owner;
                decl.type = ascribed.type;
                own_node = true;
            }
        }
        /* The new type index an export introduces is a type of its own for
         * external visibility (the index passed in is not named by it): a
         * copy of a local type's node (for a resource, one standing for it). */
        if (decl.sort == CM_SORT_TYPE && !own_node && (d->types->nodes[decl.type].vis & CM_VIS_LOCAL)) {
            cm_type copy = d->types->nodes[decl.type];
            if (copy.kind == CM_RESOURCE) {
                copy.alias_of = cm_resource_root(d->types, decl.type);
                copy.own_root = false;
            }
            if ((decl.type = cm_type_add(d->types, &copy)) == CM_NO_TYPE)
                return cm_nomem(d);
        }
        if (!cm_declare(d, cm_top(d), false, &decl, at) || !cm_def_push(d, CM_DEF_EXPORT, at, &def))
            return false;
        def->u.extern_.name = decl.name;
        def->u.extern_.item = item;
        if (!cm_def_define(d, def, decl.sort, decl.type))
            return false;
    }
    return true;
}

/* ---- custom sections ---- */

/* The component-name section, read leniently (a reader with no error
 * record: a broken subsection just ends the reading). */
static bool component_names(cm_decoder *d, size_t end)
{
    cm_component *c = cm_top(d)->comp;
    vm_reader r = { .bytes = d->r.bytes, .pos = d->r.pos, .end = end, .err = NULL };
    cm_name *names = NULL;
    uint32_t n = 0, cap = 0;
    bool ok = true;
    while (ok && r.pos < end) {
        uint8_t id;
        uint32_t size;
        if (!vm_read_u8(&r, &id) || !vm_read_len(&r, &size) || size > end - r.pos)
            break;
        vm_reader sub = { .bytes = r.bytes, .pos = r.pos, .end = r.pos + size, .err = NULL };
        r.pos += size;
        const char *s;
        size_t len;
        if (id == 0 && vm_read_name(&sub, &s, &len)) {
            if ((c->name = cm_strndup(d->types, s, len)) == NULL)
                ok = false;
            continue;
        }
        if (id != 1)
            continue;
        uint8_t b, cb = 0;
        uint32_t count;
        if (!vm_read_u8(&sub, &b) || (b == 0x00 && !vm_read_u8(&sub, &cb)) || !vm_read_len(&sub, &count))
            continue;
        static const int8_t core_sorts[0x13] = { 0, 1, 2, 3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                                 -1, -1, 4, 5, 6 };
        int sort = b == 0x00 ? (cb < 0x13 ? core_sorts[cb] : -1) : b <= 0x05 ? CM_SORT_FUNC + b - 1 : -1;
        if (sort < 0)
            continue;
        for (uint32_t i = 0; ok && i < count; i++) {
            uint32_t idx;
            if (!vm_read_u32(&sub, &idx) || !vm_read_name(&sub, &s, &len))
                break;
            if (!cm_grow((void **)&names, n, &cap, sizeof *names)) {
                ok = false;
                break;
            }
            names[n] = (cm_name){ (cm_sort)sort, idx, cm_strndup(d->types, s, len) };
            ok = names[n++].name != NULL;
        }
    }
    if (ok && n) {
        c->names = cm_alloc(d->types, n * sizeof *names);
        if ((ok = c->names != NULL)) {
            memcpy(c->names, names, n * sizeof *names);
            c->nnames = n;
        }
    }
    free(names);
    d->r.pos = end;
    return ok || cm_nomem(d);
}

bool cm_custom_section(cm_decoder *d, size_t end)
{
    const char *name;
    size_t len;
    if (!vm_read_name(&d->r, &name, &len))
        return false;
    if (len == 14 && memcmp(name, "component-name", 14) == 0 && cm_top(d)->comp != NULL)
        return component_names(d, end);
    d->r.pos = end;
    return true;
}
