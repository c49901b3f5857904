/* abi_layout.c — the memory layout of value types under the canonical ABI
 * (CanonicalABI.md "Alignment" and "Element Size"): size, alignment and
 * nesting depth of one node, computed from its children when the node is
 * made (types.c calls cm_layout_compute), so nothing recomputes them and
 * nothing walks a type tree for them.
 *
 * Touches only the node it is given; reads its children. */
#include "component/types.h"

static uint64_t align_to(uint64_t x, uint32_t a)
{
    return (x + a - 1) / a * a;
}

uint32_t cm_discriminant_size(uint32_t ncases)
{
    return ncases <= 256 ? 1 : ncases <= 65536 ? 2 : 4;
}

static uint32_t sat(uint64_t x)
{
    return x >= CM_SIZE_MAX ? CM_SIZE_MAX : (uint32_t)x;
}

static void set(cm_type *n, uint64_t size, uint32_t align)
{
    n->size = sat(size);
    n->align = (uint8_t)align;
}

/* A variant's layout from the discriminant and its cases (CM_NO_TYPE: no payload). */
static void variant_layout(const cm_types *t, cm_type *n, const cm_typeid *cases, uint32_t ncases,
                           uint32_t stride)
{
    uint32_t disc = cm_discriminant_size(ncases), max_align = 1;
    uint64_t max_size = 0;
    for (uint32_t i = 0; i < ncases; i++) {
        cm_typeid c = *(const cm_typeid *)((const char *)cases + (size_t)i * stride);
        if (c == CM_NO_TYPE)
            continue;
        const cm_type *ct = &t->nodes[c];
        if (ct->align > max_align)
            max_align = ct->align;
        if (ct->size > max_size)
            max_size = ct->size;
    }
    uint32_t align = disc > max_align ? disc : max_align;
    set(n, align_to(align_to(disc, max_align) + max_size, align), align);
}

void cm_layout_compute(const cm_types *t, cm_type *n)
{
    unsigned depth = 0;   /* of the deepest child */
    switch (n->kind) {
    case CM_BOOL: case CM_S8: case CM_U8: set(n, 1, 1); break;
    case CM_S16: case CM_U16: set(n, 2, 2); break;
    case CM_S32: case CM_U32: case CM_F32: case CM_CHAR: case CM_OWN: case CM_BORROW:
        set(n, 4, 4);
        break;
    case CM_S64: case CM_U64: case CM_F64: set(n, 8, 8); break;
    case CM_STRING: set(n, 8, 4); break;
    case CM_FLAGS: {
        uint32_t k = n->nfields;
        if (k == 0)
            set(n, 0, 1);
        else if (k <= 8)
            set(n, 1, 1);
        else if (k <= 16)
            set(n, 2, 2);
        else
            set(n, 4 * (((uint64_t)k + 31) / 32), 4);
        break;
    }
    case CM_ENUM: {
        uint32_t d = cm_discriminant_size(n->nfields);
        set(n, d, d);
        break;
    }
    case CM_RECORD: case CM_TUPLE: {
        uint64_t s = 0;
        uint32_t align = 1;
        for (uint32_t i = 0; i < n->nfields; i++) {
            const cm_type *c = &t->nodes[n->fields[i].type];
            s = align_to(s, c->align) + c->size;
            if (c->align > align)
                align = c->align;
            if (c->depth > depth)
                depth = c->depth;
        }
        set(n, align_to(s, align), align);
        break;
    }
    case CM_LIST: {
        const cm_type *c = &t->nodes[n->elem];
        depth = c->depth;
        if (n->length == 0)
            set(n, 8, 4);
        else
            set(n, (uint64_t)n->length * c->size, c->align);
        break;
    }
    case CM_VARIANT:
        if (n->nfields == 0) {
            set(n, 1, 1);
            break;
        }
        variant_layout(t, n, &n->fields[0].type, n->nfields, sizeof(cm_field));
        for (uint32_t i = 0; i < n->nfields; i++)
            if (n->fields[i].type != CM_NO_TYPE && t->nodes[n->fields[i].type].depth > depth)
                depth = t->nodes[n->fields[i].type].depth;
        break;
    case CM_OPTION: case CM_RESULT: {
        cm_typeid two[2] = { n->kind == CM_OPTION ? CM_NO_TYPE : n->elem,
                             n->kind == CM_OPTION ? n->elem : n->err };
        variant_layout(t, n, two, 2, sizeof(cm_typeid));
        for (int i = 0; i < 2; i++)
            if (two[i] != CM_NO_TYPE && t->nodes[two[i]].depth > depth)
                depth = t->nodes[two[i]].depth;
        break;
    }
    default:
        n->size = 0;
        n->align = 0;
        n->depth = 0;
        return;
    }
    n->depth = (uint8_t)(depth >= 254 ? 255 : depth + 1);
}
