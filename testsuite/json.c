/* json.c — the strict JSON parser of json.h.
 *
 * A recursive-descent parser whose recursion is bounded by JSON_MAX_DEPTH.
 * Every node, string and number text lives in an arena owned by the
 * document, so freeing is one walk over a list of blocks. While a container
 * is being read its children wait on a shared scratch stack (one for array
 * elements, one for object members); when the container closes they are
 * copied into the arena as one contiguous array.
 *
 * Strict means: no comments, no trailing commas, no leading zeros, no
 * control characters or invalid UTF-8 inside strings, no lone surrogates,
 * nothing but whitespace after the top-level value. */
#include "testsuite/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct json_pair json_pair;

struct json_value {
    json_type type;
    size_t len;            /* STRING/NUMBER: bytes of text; ARRAY/OBJECT: children */
    union {
        char *text;        /* STRING: decoded UTF-8; NUMBER: as written; NUL-terminated */
        json_value *items; /* ARRAY */
        json_pair *pairs;  /* OBJECT */
    } u;
};

struct json_pair {
    char *key;
    size_t key_len;
    json_value value;
};

/* ---- the arena ---------------------------------------------------------- */

#define BLOCK_SIZE ((size_t)64 << 10)

typedef struct block {
    struct block *next;
    size_t used, size;
    max_align_t data[];
} block;

struct json_doc {
    block *blocks;         /* the first block is the one being filled */
    json_value root;
};

static void *arena_alloc(json_doc *doc, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    if (n > SIZE_MAX / 2)
        return NULL;
    n = n == 0 ? align : (n + align - 1) / align * align;
    block *b = doc->blocks;
    if (b != NULL && b->size - b->used >= n) {
        void *p = (char *)b->data + b->used;
        b->used += n;
        return p;
    }
    /* A large request gets a block of its own, kept behind the current one
     * so the space left in that one is not abandoned. */
    size_t size = n > BLOCK_SIZE / 4 ? n : BLOCK_SIZE;
    block *nb = malloc(sizeof *nb + size);
    if (nb == NULL)
        return NULL;
    nb->size = size;
    nb->used = n;
    if (b != NULL && size == n) {
        nb->next = b->next;
        b->next = nb;
    } else {
        nb->next = b;
        doc->blocks = nb;
    }
    return nb->data;
}

/* ---- the scratch stacks ------------------------------------------------- */

typedef struct {
    char *data;
    size_t count, cap, elem_size;
} scratch;

static void *scratch_push(scratch *s)
{
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char *data = realloc(s->data, cap * s->elem_size);
        if (data == NULL)
            return NULL;
        s->data = data;
        s->cap = cap;
    }
    return s->data + s->elem_size * s->count++;
}

/* ---- the parser --------------------------------------------------------- */

typedef struct {
    const char *start, *p, *end;
    json_doc *doc;
    scratch values;        /* json_value: elements of the open arrays */
    scratch pairs;         /* json_pair: members of the open objects */
    char *err;
    size_t errlen;
} parser;

/* Writes "line L, column C: message" for the current position; returns false. */
__attribute__((format(printf, 2, 3)))
static bool fail(parser *ps, const char *fmt, ...)
{
    size_t line = 1, column = 1;
    for (const char *c = ps->start; c < ps->p && c < ps->end; c++) {
        if (*c == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    char message[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (ps->errlen > 0)
        snprintf(ps->err, ps->errlen, "line %zu, column %zu: %s", line, column, message);
    return false;
}

static bool at_end(const parser *ps)
{
    return ps->p >= ps->end;
}

static void skip_whitespace(parser *ps)
{
    while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Copies n bytes into the arena as a NUL-terminated string. */
static char *arena_text(parser *ps, const char *s, size_t n)
{
    char *t = arena_alloc(ps->doc, n + 1);
    if (t != NULL) {
        memcpy(t, s, n);
        t[n] = '\0';
    }
    return t;
}

static bool parse_value(parser *ps, int depth, json_value *out);

static bool parse_literal(parser *ps, const char *word, json_type type, json_value *out)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "expected a value");
    ps->p += n;
    out->type = type;
    out->len = 0;
    return true;
}

static bool is_digit(const parser *ps)
{
    return !at_end(ps) && *ps->p >= '0' && *ps->p <= '9';
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? kept as text. */
static bool parse_number(parser *ps, json_value *out)
{
    const char *s = ps->p;
    if (*ps->p == '-')
        ps->p++;
    if (!is_digit(ps))
        return fail(ps, "expected a digit in number");
    if (*ps->p == '0') {
        ps->p++;
    } else {
        while (is_digit(ps))
            ps->p++;
    }
    if (!at_end(ps) && *ps->p == '.') {
        ps->p++;
        if (!is_digit(ps))
            return fail(ps, "expected a digit after '.' in number");
        while (is_digit(ps))
            ps->p++;
    }
    if (!at_end(ps) && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (!at_end(ps) && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (!is_digit(ps))
            return fail(ps, "expected a digit in the exponent of number");
        while (is_digit(ps))
            ps->p++;
    }
    out->type = JSON_NUMBER;
    out->len = (size_t)(ps->p - s);
    out->u.text = arena_text(ps, s, out->len);
    return out->u.text != NULL || fail(ps, "out of memory");
}

/* The length of the valid UTF-8 sequence at s (no overlongs, no surrogates,
 * nothing above U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *s, const unsigned char *end)
{
    size_t n;
    uint32_t cp, min;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2, cp = s[0] & 0x1fu, min = 0x80;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3, cp = s[0] & 0x0fu, min = 0x800;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4, cp = s[0] & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)(end - s) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* Writes code point cp as UTF-8; returns the bytes written. */
static size_t utf8_encode(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Reads the four hex digits of a \u escape at ps->p. */
static bool parse_hex4(parser *ps, const char *close, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++, ps->p++) {
        if (ps->p >= close)
            return fail(ps, "expected four hex digits after \\u");
        char c = *ps->p;
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return fail(ps, "expected four hex digits after \\u");
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

/* After the backslash of a \u escape: one code point, from a surrogate pair
 * when the first half is a high surrogate. */
static bool parse_unicode_escape(parser *ps, const char *close, uint32_t *cp)
{
    ps->p++; /* the 'u' */
    if (!parse_hex4(ps, close, cp))
        return false;
    if (*cp >= 0xdc00 && *cp <= 0xdfff) {
        ps->p -= 6;
        return fail(ps, "lone low surrogate \\u%04X", (unsigned)*cp);
    }
    if (*cp < 0xd800 || *cp > 0xdbff)
        return true;
    if (close - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
        return fail(ps, "high surrogate \\u%04X not followed by a low surrogate", (unsigned)*cp);
    ps->p += 2;
    uint32_t low;
    if (!parse_hex4(ps, close, &low))
        return false;
    if (low < 0xdc00 || low > 0xdfff) {
        ps->p -= 6;
        return fail(ps, "expected a low surrogate after \\u%04X", (unsigned)*cp);
    }
    *cp = 0x10000 + ((*cp - 0xd800) << 10) + (low - 0xdc00);
    return true;
}

/* A string at ps->p (the opening quote), decoded into the arena. */
static bool parse_string(parser *ps, char **text, size_t *len)
{
    const char *open = ps->p;
    /* Find the closing quote first: the decoded text is never longer. */
    const char *close = open + 1;
    while (close < ps->end && *close != '"') {
        if (*close == '\\' && ps->end - close < 2)
            break;
        close += *close == '\\' ? 2 : 1;
    }
    if (close >= ps->end || *close != '"')
        return fail(ps, "unterminated string");
    char *buf = arena_alloc(ps->doc, (size_t)(close - open));
    if (buf == NULL)
        return fail(ps, "out of memory");
    char *o = buf;
    ps->p = open + 1;
    while (ps->p < close) {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20)
            return fail(ps, "control character 0x%02x in string", c);
        if (c >= 0x80) {
            size_t n = utf8_sequence((const unsigned char *)ps->p, (const unsigned char *)close);
            if (n == 0)
                return fail(ps, "invalid UTF-8 in string");
            memcpy(o, ps->p, n);
            o += n;
            ps->p += n;
            continue;
        }
        if (c != '\\') {
            *o++ = (char)c;
            ps->p++;
            continue;
        }
        ps->p++; /* the backslash; an escaped character always follows it */
        uint32_t cp;
        switch (*ps->p) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
            if (!parse_unicode_escape(ps, close, &cp))
                return false;
            o += utf8_encode(cp, o);
            continue;
        default:
            ps->p--;
            return fail(ps, "invalid escape in string");
        }
        ps->p++;
    }
    *o = '\0';
    ps->p = close + 1;
    *text = buf;
    *len = (size_t)(o - buf);
    return true;
}

static bool parse_array(parser *ps, int depth, json_value *out)
{
    if (depth >= JSON_MAX_DEPTH)
        return fail(ps, "nesting deeper than %d levels", JSON_MAX_DEPTH);
    ps->p++; /* '[' */
    size_t base = ps->values.count;
    skip_whitespace(ps);
    if (!at_end(ps) && *ps->p == ']') {
        ps->p++;
    } else {
        for (;;) {
            json_value v;
            if (!parse_value(ps, depth + 1, &v))
                return false;
            json_value *slot = scratch_push(&ps->values);
            if (slot == NULL)
                return fail(ps, "out of memory");
            *slot = v;
            skip_whitespace(ps);
            if (at_end(ps))
                return fail(ps, "unterminated array");
            if (*ps->p == ']') {
                ps->p++;
                break;
            }
            if (*ps->p != ',')
                return fail(ps, "expected ',' or ']' in array");
            ps->p++;
        }
    }
    size_t n = ps->values.count - base;
    out->type = JSON_ARRAY;
    out->len = n;
    out->u.items = arena_alloc(ps->doc, n * sizeof(json_value));
    if (out->u.items == NULL)
        return fail(ps, "out of memory");
    if (n > 0)
        memcpy(out->u.items, ps->values.data + base * sizeof(json_value), n * sizeof(json_value));
    ps->values.count = base;
    return true;
}

static bool parse_object(parser *ps, int depth, json_value *out)
{
    if (depth >= JSON_MAX_DEPTH)
        return fail(ps, "nesting deeper than %d levels", JSON_MAX_DEPTH);
    ps->p++; /* '{' */
    size_t base = ps->pairs.count;
    skip_whitespace(ps);
    if (!at_end(ps) && *ps->p == '}') {
        ps->p++;
    } else {
        for (;;) {
            json_pair pair;
            skip_whitespace(ps);
            if (at_end(ps) || *ps->p != '"')
                return fail(ps, "expected a string key in object");
            if (!parse_string(ps, &pair.key, &pair.key_len))
                return false;
            skip_whitespace(ps);
            if (at_end(ps) || *ps->p != ':')
                return fail(ps, "expected ':' after object key");
            ps->p++;
            if (!parse_value(ps, depth + 1, &pair.value))
                return false;
            json_pair *slot = scratch_push(&ps->pairs);
            if (slot == NULL)
                return fail(ps, "out of memory");
            *slot = pair;
            skip_whitespace(ps);
            if (at_end(ps))
                return fail(ps, "unterminated object");
            if (*ps->p == '}') {
                ps->p++;
                break;
            }
            if (*ps->p != ',')
                return fail(ps, "expected ',' or '}' in object");
            ps->p++;
        }
    }
    size_t n = ps->pairs.count - base;
    out->type = JSON_OBJECT;
    out->len = n;
    out->u.pairs = arena_alloc(ps->doc, n * sizeof(json_pair));
    if (out->u.pairs == NULL)
        return fail(ps, "out of memory");
    if (n > 0)
        memcpy(out->u.pairs, ps->pairs.data + base * sizeof(json_pair), n * sizeof(json_pair));
    ps->pairs.count = base;
    return true;
}

/* One value; depth counts the containers around it. */
static bool parse_value(parser *ps, int depth, json_value *out)
{
    skip_whitespace(ps);
    if (at_end(ps))
        return fail(ps, "unexpected end of input");
    switch (*ps->p) {
    case '{':
        return parse_object(ps, depth, out);
    case '[':
        return parse_array(ps, depth, out);
    case '"':
        out->type = JSON_STRING;
        return parse_string(ps, &out->u.text, &out->len);
    case 't':
        return parse_literal(ps, "true", JSON_TRUE, out);
    case 'f':
        return parse_literal(ps, "false", JSON_FALSE, out);
    case 'n':
        return parse_literal(ps, "null", JSON_NULL, out);
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            return parse_number(ps, out);
        return fail(ps, "expected a value");
    }
}

/* ---- documents ---------------------------------------------------------- */

json_doc *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    if (errlen > 0)
        err[0] = '\0';
    json_doc *doc = calloc(1, sizeof *doc);
    if (doc == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    parser ps = {
        .start = text, .p = text, .end = text + len, .doc = doc,
        .values = { .elem_size = sizeof(json_value) },
        .pairs = { .elem_size = sizeof(json_pair) },
        .err = err, .errlen = errlen,
    };
    bool ok = parse_value(&ps, 0, &doc->root);
    if (ok) {
        skip_whitespace(&ps);
        if (!at_end(&ps))
            ok = fail(&ps, "unexpected text after the value");
    }
    free(ps.values.data);
    free(ps.pairs.data);
    if (!ok) {
        json_free(doc);
        return NULL;
    }
    return doc;
}

json_doc *json_parse_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        fclose(f);
        return NULL;
    }
    if ((uintmax_t)st.st_size > JSON_MAX_FILE_SIZE) {
        snprintf(err, errlen, "%s: larger than %zu bytes", path, JSON_MAX_FILE_SIZE);
        fclose(f);
        return NULL;
    }
    size_t size = (size_t)st.st_size;
    char *text = malloc(size + 1);
    if (text == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        fclose(f);
        return NULL;
    }
    size_t got = fread(text, 1, size, f);
    bool read_error = ferror(f) != 0;
    fclose(f);
    if (read_error || got != size) {
        snprintf(err, errlen, "%s: read error", path);
        free(text);
        return NULL;
    }
    char message[200];
    json_doc *doc = json_parse(text, size, message, sizeof message);
    free(text);
    if (doc == NULL)
        snprintf(err, errlen, "%s: %s", path, message);
    return doc;
}

void json_free(json_doc *doc)
{
    if (doc == NULL)
        return;
    for (block *b = doc->blocks, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(doc);
}

/* ---- access ------------------------------------------------------------- */

const json_value *json_root(const json_doc *doc)
{
    return doc ? &doc->root : NULL;
}

json_type json_typeof(const json_value *v)
{
    return v ? v->type : JSON_NULL;
}

const json_value *json_get(const json_value *obj, const char *key)
{
    if (obj == NULL || obj->type != JSON_OBJECT || key == NULL)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < obj->len; i++) {
        const json_pair *p = &obj->u.pairs[i];
        if (p->key_len == n && memcmp(p->key, key, n) == 0)
            return &p->value;
    }
    return NULL;
}

size_t json_length(const json_value *v)
{
    return v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) ? v->len : 0;
}

const json_value *json_at(const json_value *arr, size_t i)
{
    if (arr == NULL || arr->type != JSON_ARRAY || i >= arr->len)
        return NULL;
    return &arr->u.items[i];
}

const json_value *json_member(const json_value *obj, size_t i, const char **key)
{
    if (obj == NULL || obj->type != JSON_OBJECT || i >= obj->len)
        return NULL;
    if (key != NULL)
        *key = obj->u.pairs[i].key;
    return &obj->u.pairs[i].value;
}

const char *json_string(const json_value *v)
{
    return v && v->type == JSON_STRING ? v->u.text : NULL;
}

size_t json_string_length(const json_value *v)
{
    return v && v->type == JSON_STRING ? v->len : 0;
}

const char *json_number(const json_value *v)
{
    return v && v->type == JSON_NUMBER ? v->u.text : NULL;
}
