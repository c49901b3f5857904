/* wave.c — WAVE text for Component Model values (wave.h): a recursive
 * descent parser and a printer, both driven by the type (depth-bounded),
 * over host_value in the canonical ABI's mapping. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "component/wave.h"

void cm_wave_type_name(const cm_types *t, cm_typeid type, char *buf, size_t len)
{
    if (len == 0)
        return;
    buf[0] = '\0';
    FILE *f = fmemopen(buf, len, "w");
    if (f == NULL)
        return;
    setvbuf(f, NULL, _IONBF, 0);
    cm_type_print(t, type, NULL, f);
    fclose(f);
    buf[len - 1] = '\0';
    if (strlen(buf) >= len - 1 && len > 4)
        memcpy(buf + len - 4, "...", 4);
}

/* ---- the parser ---- */

typedef struct {
    const cm_types *t;
    const char *s;
    size_t pos, len;
    char *err;
    size_t errlen;
    bool failed;
} parser;

static bool fail(parser *p, const char *fmt, ...)
{
    if (p->failed)
        return false;
    p->failed = true;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < p->errlen && p->pos > 0)
        snprintf(p->err + n, p->errlen - (size_t)n, " (at column %zu)", p->pos + 1);
    return false;
}

static void skip_ws(parser *p)
{
    for (;;) {
        while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                                   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
            p->pos++;
        if (p->pos + 1 < p->len && p->s[p->pos] == '/' && p->s[p->pos + 1] == '/') {
            while (p->pos < p->len && p->s[p->pos] != '\n')
                p->pos++;
            continue;
        }
        return;
    }
}

static int peek(parser *p)
{
    skip_ws(p);
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static bool eat(parser *p, char c)
{
    if (peek(p) == c) {
        p->pos++;
        return true;
    }
    return false;
}

static bool is_label_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* The token at the cursor, for "got ...": a quoted literal as written, a
 * word or number, or one punctuation character; "end of input" at the end. */
static void token_text(parser *p, char *buf, size_t len)
{
    skip_ws(p);
    if (p->pos >= p->len) {
        snprintf(buf, len, "end of input");
        return;
    }
    const char *s = p->s + p->pos;
    size_t rest = p->len - p->pos, n = 0;
    if (s[0] == '"' || s[0] == '\'') {
        n = 1;
        while (n < rest && s[n] != s[0])
            n += s[n] == '\\' && n + 1 < rest ? 2 : 1;
        n = n < rest ? n + 1 : rest;
        snprintf(buf, len, "%.*s", (int)(n > 40 ? 40 : n), s);
        return;
    }
    while (n < rest && (is_label_char((unsigned char)s[n]) || s[n] == '%' || s[n] == '.' ||
                        s[n] == '+' || (unsigned char)s[n] >= 0x80))
        n++;
    if (n == 0)
        n = 1;
    snprintf(buf, len, "\"%.*s\"", (int)(n > 40 ? 40 : n), s);
}

static bool expected(parser *p, cm_typeid type)
{
    char name[96], tok[64];
    cm_wave_type_name(p->t, type, name, sizeof name);
    token_text(p, tok, sizeof tok);
    return fail(p, "expected %s, got %s", name, tok);
}

/* A label (kebab-case, optionally %-prefixed) into buf; *escaped tells
 * whether it had the %. False (nothing consumed) when there is none. */
static bool read_label(parser *p, char *buf, size_t len, bool *escaped)
{
    skip_ws(p);
    size_t at = p->pos;
    *escaped = at < p->len && p->s[at] == '%';
    if (*escaped)
        at++;
    size_t n = 0;
    while (at + n < p->len && is_label_char((unsigned char)p->s[at + n]))
        n++;
    if (n == 0 || !((p->s[at] >= 'a' && p->s[at] <= 'z') || (p->s[at] >= 'A' && p->s[at] <= 'Z')))
        return false;
    if (n >= len)
        n = len - 1;
    memcpy(buf, p->s + at, n);
    buf[n] = '\0';
    p->pos = at + n;
    while (p->pos < p->len && is_label_char((unsigned char)p->s[p->pos]))
        p->pos++;
    return true;
}

/* Is the next word exactly kw (not %-escaped)? Consumes it when it is. */
static bool eat_keyword(parser *p, const char *kw)
{
    skip_ws(p);
    size_t n = strlen(kw);
    if (p->len - p->pos >= n && !memcmp(p->s + p->pos, kw, n) &&
        (p->pos + n == p->len || !is_label_char((unsigned char)p->s[p->pos + n]))) {
        p->pos += n;
        return true;
    }
    return false;
}

/* A number token: sign, digits, '.', exponent. */
static size_t number_span(parser *p)
{
    skip_ws(p);
    size_t n = 0;
    const char *s = p->s + p->pos;
    size_t rest = p->len - p->pos;
    while (n < rest && ((s[n] >= '0' && s[n] <= '9') || s[n] == '-' || s[n] == '+' || s[n] == '.' ||
                        s[n] == 'e' || s[n] == 'E'))
        n++;
    return n;
}

static bool parse_int(parser *p, cm_typeid type, host_value *out)
{
    static const struct { int64_t min; uint64_t max; } range[] = {
        [CM_S8] = { INT8_MIN, INT8_MAX }, [CM_U8] = { 0, UINT8_MAX },
        [CM_S16] = { INT16_MIN, INT16_MAX }, [CM_U16] = { 0, UINT16_MAX },
        [CM_S32] = { INT32_MIN, INT32_MAX }, [CM_U32] = { 0, UINT32_MAX },
        [CM_S64] = { INT64_MIN, INT64_MAX }, [CM_U64] = { 0, UINT64_MAX },
    };
    size_t n = number_span(p);
    char buf[48];
    const char *s = p->s + p->pos;
    size_t digits = s[0] == '-' ? 1 : 0;
    if (n == 0 || n >= sizeof buf || n == digits)
        return expected(p, type);
    for (size_t i = digits; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return expected(p, type);
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    char name[8];
    cm_wave_type_name(p->t, type, name, sizeof name);
    if (buf[0] == '-') {
        long long x = strtoll(buf, NULL, 10);
        if (errno || x < range[type].min)
            return fail(p, "%s is out of range for %s", buf, name);
        *out = host_int(x);
    } else {
        unsigned long long x = strtoull(buf, NULL, 10);
        if (errno || x > range[type].max)
            return fail(p, "%s is out of range for %s", buf, name);
        *out = type == CM_U64 && x > INT64_MAX ? host_uint(x) : host_int((int64_t)x);
    }
    p->pos += n;
    return true;
}

static bool parse_float(parser *p, cm_typeid type, host_value *out)
{
    if (eat_keyword(p, "nan")) {
        *out = host_float(NAN);
        return true;
    }
    if (eat_keyword(p, "inf")) {
        *out = host_float(INFINITY);
        return true;
    }
    if (peek(p) == '-' && p->pos + 4 <= p->len && !memcmp(p->s + p->pos, "-inf", 4) &&
        (p->pos + 4 == p->len || !is_label_char((unsigned char)p->s[p->pos + 4]))) {
        p->pos += 4;
        *out = host_float(-INFINITY);
        return true;
    }
    size_t n = number_span(p);
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return expected(p, type);
    memcpy(buf, p->s + p->pos, n);
    buf[n] = '\0';
    char *end;
    double x = strtod(buf, &end);
    if (*end != '\0' || buf[0] == '+' || buf[0] == '.')
        return expected(p, type);
    if (type == CM_F32)
        x = (double)(float)x;
    p->pos += n;
    *out = host_float(x);
    return true;
}

/* Appends the UTF-8 of code point c to buf (room for 4 more). */
static size_t put_utf8(char *buf, uint32_t c)
{
    if (c < 0x80) {
        buf[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        buf[0] = (char)(0xc0 | c >> 6);
        buf[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        buf[0] = (char)(0xe0 | c >> 12);
        buf[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        buf[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    buf[0] = (char)(0xf0 | c >> 18);
    buf[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    buf[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    buf[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* The length of the valid UTF-8 sequence at s (rest bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t rest)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
    if (n == 0 || n > rest)
        return 0;
    uint32_t c = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c < 0xe000))) || (n == 4 && (c < 0x10000 || c > 0x10ffff)))
        return 0;
    return n;
}

/* A quoted string or char (quote is '"' or '\''): its decoded UTF-8 in a
 * malloc'd buffer. */
static bool parse_quoted(parser *p, char quote, char **text, size_t *len)
{
    p->pos++;   /* the opening quote */
    char *buf = malloc(p->len - p->pos + 1);
    size_t n = 0;
    if (buf == NULL)
        return fail(p, "out of memory");
    while (p->pos < p->len && p->s[p->pos] != quote) {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '\n') {
            free(buf);
            return fail(p, "a newline in a %s must be written \\n", quote == '"' ? "string" : "char");
        }
        if (c != '\\') {
            size_t k = utf8_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
            if (k == 0) {
                free(buf);
                return fail(p, "invalid UTF-8");
            }
            memcpy(buf + n, p->s + p->pos, k);
            n += k;
            p->pos += k;
            continue;
        }
        char e = p->pos + 1 < p->len ? p->s[p->pos + 1] : '\0';
        p->pos += 2;
        switch (e) {
        case '\'': buf[n++] = '\''; break;
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case 't': buf[n++] = '\t'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 'u': {
            uint32_t cp = 0;
            size_t digits = 0;
            if (p->pos >= p->len || p->s[p->pos] != '{')
                goto bad_escape;
            p->pos++;
            while (p->pos < p->len && p->s[p->pos] != '}' && digits < 7) {
                char h = p->s[p->pos++];
                int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                      : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                if (d < 0)
                    goto bad_escape;
                cp = cp * 16 + (uint32_t)d;
                digits++;
            }
            if (p->pos >= p->len || p->s[p->pos] != '}' || digits == 0 || cp > 0x10ffff ||
                (cp >= 0xd800 && cp < 0xe000))
                goto bad_escape;
            p->pos++;
            n += put_utf8(buf + n, cp);   /* \u{...} is at least 5 bytes: room enough */
            break;
        }
        default:
        bad_escape:
            free(buf);
            return fail(p, "invalid escape in a %s", quote == '"' ? "string" : "char");
        }
    }
    if (p->pos >= p->len) {
        free(buf);
        return fail(p, "unterminated %s", quote == '"' ? "string" : "char");
    }
    p->pos++;
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return true;
}

static bool parse(parser *p, cm_typeid type, host_value *out, int depth);

/* A comma-separated sequence up to `close`; each element parsed by type
 * (tuples: types[i]) and pushed onto *list. */
static bool parse_seq(parser *p, char close, const cm_type *node, host_value *list, int depth)
{
    uint32_t i = 0;
    for (;;) {
        if (eat(p, close))
            break;
        cm_typeid et = node->kind == CM_TUPLE ? (i < node->nfields ? node->fields[i].type : CM_NO_TYPE)
                                               : node->elem;
        if (et == CM_NO_TYPE)
            return fail(p, "too many elements for a tuple of %u", node->nfields);
        host_value v;
        if (!parse(p, et, &v, depth + 1))
            return false;
        const char *why;
        if (!host_list_push(list, v, &why))
            return fail(p, "%s", why);
        i++;
        if (!eat(p, ',')) {
            if (!eat(p, close)) {
                char tok[64];
                token_text(p, tok, sizeof tok);
                return fail(p, "expected ',' or '%c', got %s", close, tok);
            }
            break;
        }
    }
    if (node->kind == CM_TUPLE && i != node->nfields)
        return fail(p, "a tuple of %u needs %u values, got %u", node->nfields, node->nfields, i);
    if (node->kind == CM_LIST && node->length > 0 && i != node->length)
        return fail(p, "a list of length %u needs %u values, got %u", node->length, node->length, i);
    return true;
}

static int find_label(const cm_type *node, const char *label)
{
    for (uint32_t i = 0; i < node->nfields; i++)
        if (node->fields[i].label != NULL && !strcmp(node->fields[i].label, label))
            return (int)i;
    return -1;
}

static bool unknown_label(parser *p, const cm_type *node, const char *what, const char *label)
{
    char list[256];
    size_t k = 0;
    list[0] = '\0';
    for (uint32_t i = 0; i < node->nfields && k < sizeof list; i++)
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", i ? ", " : "",
                              node->fields[i].label ? node->fields[i].label : "?");
    return fail(p, "unknown %s \"%s\"; %ss: %s", what, label, what, list);
}

static bool parse_record(parser *p, const cm_type *node, host_value *out, int depth)
{
    host_value *vals = calloc(node->nfields + 1, sizeof *vals);
    bool *have = calloc(node->nfields + 1, sizeof *have);
    bool ok = false;
    if (vals == NULL || have == NULL) {
        fail(p, "out of memory");
        goto done;
    }
    if (eat(p, ':')) {   /* {:} — every field omitted */
        if (!eat(p, '}')) {
            fail(p, "expected '}' after '{:'");
            goto done;
        }
    } else {
        for (;;) {
            if (eat(p, '}'))
                break;
            char label[128];
            bool esc;
            size_t at = (peek(p), p->pos);
            if (!read_label(p, label, sizeof label, &esc)) {
                char tok[64];
                token_text(p, tok, sizeof tok);
                fail(p, "expected a field name, got %s", tok);
                goto done;
            }
            int i = find_label(node, label);
            if (i < 0) {
                p->pos = at;
                unknown_label(p, node, "field", label);
                goto done;
            }
            if (have[i]) {
                fail(p, "field \"%s\" given twice", label);
                goto done;
            }
            if (!eat(p, ':')) {
                fail(p, "expected ':' after field \"%s\"", label);
                goto done;
            }
            if (!parse(p, node->fields[i].type, &vals[i], depth + 1)) {
                if (!strstr(p->err, "field \"")) {   /* name the outermost field only once */
                    char inner[512];
                    snprintf(inner, sizeof inner, "%s", p->err);
                    snprintf(p->err, p->errlen, "field \"%s\": %s", label, inner);
                }
                goto done;
            }
            have[i] = true;
            if (!eat(p, ',')) {
                if (!eat(p, '}')) {
                    char tok[64];
                    token_text(p, tok, sizeof tok);
                    fail(p, "expected ',' or '}', got %s", tok);
                    goto done;
                }
                break;
            }
        }
    }
    for (uint32_t i = 0; i < node->nfields; i++)
        if (!have[i] && cm_type_get(p->t, node->fields[i].type)->kind != CM_OPTION) {
            fail(p, "missing field \"%s\"", node->fields[i].label);
            goto done;
        }
    *out = host_map();
    for (uint32_t i = 0; i < node->nfields; i++) {
        const char *why;
        const char *l = node->fields[i].label;
        if (!host_map_set(out, l, strlen(l), vals[i], &why)) {
            vals[i] = host_nil();
            host_value_free(out);
            fail(p, "%s", why);
            goto done;
        }
        vals[i] = host_nil();
    }
    ok = true;
done:
    if (vals != NULL)
        for (uint32_t i = 0; i < node->nfields; i++)
            host_value_free(&vals[i]);
    free(vals);
    free(have);
    return ok;
}

/* A case `label` or `label(payload)` of a variant-like node whose payload
 * types are fields[i].type (CM_NO_TYPE: none). *index gets the case. */
static bool parse_case(parser *p, cm_typeid type, const cm_type *node, int *index, host_value *payload,
                       int depth)
{
    char label[128];
    bool esc;
    size_t at = p->pos;
    if (!read_label(p, label, sizeof label, &esc))
        return expected(p, type);
    int i = find_label(node, label);
    if (i < 0) {
        p->pos = at;
        skip_ws(p);
        return unknown_label(p, node, node->kind == CM_ENUM ? "case" : "case", label);
    }
    *index = i;
    *payload = host_nil();
    cm_typeid pt = node->kind == CM_VARIANT ? node->fields[i].type : CM_NO_TYPE;
    if (pt == CM_NO_TYPE) {
        if (peek(p) == '(')
            return fail(p, "case \"%s\" has no payload", label);
        return true;
    }
    if (!eat(p, '('))
        return fail(p, "case \"%s\" needs a payload: %s(...)", label, label);
    if (!parse(p, pt, payload, depth + 1))
        return false;
    if (!eat(p, ')')) {
        host_value_free(payload);
        char tok[64];
        token_text(p, tok, sizeof tok);
        return fail(p, "expected ')', got %s", tok);
    }
    return true;
}

/* `kw` or `kw(payload)` of an option or result side with payload type pt. */
static bool parse_side(parser *p, const char *kw, cm_typeid pt, host_value *payload, int depth)
{
    if (pt == CM_NO_TYPE) {
        *payload = host_bool(true);
        if (peek(p) == '(')
            return fail(p, "\"%s\" has no payload here", kw);
        return true;
    }
    if (!eat(p, '('))
        return fail(p, "expected '(' after \"%s\"", kw);
    if (!parse(p, pt, payload, depth + 1))
        return false;
    if (!eat(p, ')')) {
        host_value_free(payload);
        return fail(p, "expected ')' after the payload of \"%s\"", kw);
    }
    return true;
}

static bool flat_ok(const cm_types *t, cm_typeid pt)
{
    if (pt == CM_NO_TYPE)
        return false;
    cm_kind k = cm_type_get(t, pt)->kind;
    return k != CM_OPTION && k != CM_RESULT;
}

static bool parse(parser *p, cm_typeid type, host_value *out, int depth)
{
    *out = host_nil();
    if (depth > CM_WAVE_MAX_DEPTH)
        return fail(p, "type nested deeper than %d levels", CM_WAVE_MAX_DEPTH);
    const cm_type *node = cm_type_get(p->t, type);
    int c = peek(p);
    switch (node->kind) {
    case CM_BOOL:
        if (eat_keyword(p, "true"))
            *out = host_bool(true);
        else if (eat_keyword(p, "false"))
            *out = host_bool(false);
        else
            return expected(p, type);
        return true;
    case CM_S8: case CM_U8: case CM_S16: case CM_U16:
    case CM_S32: case CM_U32: case CM_S64: case CM_U64:
        return parse_int(p, type, out);
    case CM_F32: case CM_F64:
        return parse_float(p, type, out);
    case CM_CHAR:
    case CM_STRING: {
        char q = node->kind == CM_CHAR ? '\'' : '"';
        if (c != q)
            return expected(p, type);
        char *text = NULL;
        size_t len = 0;
        size_t at = p->pos;
        if (!parse_quoted(p, q, &text, &len))
            return false;
        if (q == '\'' && (len == 0 || utf8_len((const unsigned char *)text, len) != len)) {
            free(text);
            p->pos = at;
            return fail(p, "a char is exactly one character");
        }
        *out = host_string(text, len);
        free(text);
        return out->kind == HOST_VALUE_STRING ? true : fail(p, "out of memory");
    }
    case CM_LIST:
    case CM_TUPLE: {
        char open = node->kind == CM_LIST ? '[' : '(';
        if (c != open)
            return expected(p, type);
        p->pos++;
        *out = host_list(0);
        if (!parse_seq(p, node->kind == CM_LIST ? ']' : ')', node, out, depth)) {
            host_value_free(out);
            return false;
        }
        return true;
    }
    case CM_RECORD:
        if (c != '{')
            return expected(p, type);
        p->pos++;
        return parse_record(p, node, out, depth);
    case CM_VARIANT:
    case CM_ENUM: {
        int i = 0;
        host_value payload;
        if (!parse_case(p, type, node, &i, &payload, depth))
            return false;
        const char *l = node->fields[i].label;
        if (node->kind == CM_ENUM) {
            *out = host_string(l, strlen(l));
            return true;
        }
        if (payload.kind == HOST_VALUE_NIL && node->fields[i].type == CM_NO_TYPE)
            payload = host_bool(true);
        *out = host_map();
        const char *why;
        return host_map_set(out, l, strlen(l), payload, &why) ? true : fail(p, "%s", why);
    }
    case CM_OPTION: {
        if (eat_keyword(p, "none"))
            return true;
        bool ok;
        if (eat_keyword(p, "some"))
            ok = parse_side(p, "some", node->elem, out, depth);
        else if (flat_ok(p->t, node->elem))
            ok = parse(p, node->elem, out, depth + 1);
        else
            return expected(p, type);
        if (!ok || cm_type_get(p->t, node->elem)->kind != CM_OPTION)
            return ok;
        /* option<option<T>>: some(x) is {some = x}, some(none) is {} */
        host_value x = *out;
        const char *why;
        *out = host_map();
        return x.kind == HOST_VALUE_NIL || host_map_set(out, "some", 4, x, &why) ? true : fail(p, "%s", why);
    }
    case CM_RESULT: {
        const char *side = eat_keyword(p, "ok") ? "ok" : eat_keyword(p, "err") ? "err" : NULL;
        host_value payload;
        if (side == NULL) {
            if (!flat_ok(p->t, node->elem))
                return expected(p, type);
            side = "ok";
            if (!parse(p, node->elem, &payload, depth + 1))
                return false;
        } else if (!parse_side(p, side, side[0] == 'o' ? node->elem : node->err, &payload, depth)) {
            return false;
        }
        *out = host_map();
        const char *why;
        return host_map_set(out, side, strlen(side), payload, &why) ? true : fail(p, "%s", why);
    }
    case CM_FLAGS: {
        if (c != '{')
            return expected(p, type);
        p->pos++;
        *out = host_map();
        for (;;) {
            if (eat(p, '}'))
                return true;
            char label[128];
            bool esc;
            if (!read_label(p, label, sizeof label, &esc)) {
                char tok[64];
                token_text(p, tok, sizeof tok);
                host_value_free(out);
                return fail(p, "expected a flag name, got %s", tok);
            }
            if (find_label(node, label) < 0) {
                host_value_free(out);
                return unknown_label(p, node, "flag", label);
            }
            const char *why;
            if (!host_map_set(out, label, strlen(label), host_bool(true), &why)) {
                host_value_free(out);
                return fail(p, "%s", why);
            }
            if (!eat(p, ',')) {
                if (eat(p, '}'))
                    return true;
                host_value_free(out);
                char tok[64];
                token_text(p, tok, sizeof tok);
                return fail(p, "expected ',' or '}', got %s", tok);
            }
        }
    }
    case CM_OWN:
    case CM_BORROW:
        return parse_int(p, CM_U32, out);
    default:
        return fail(p, "values of this type cannot be written");
    }
}

bool cm_wave_parse(const cm_types *t, cm_typeid type, const char *text, size_t len,
                   host_value *out, char *err, size_t errlen)
{
    parser p = { .t = t, .s = text, .len = len, .err = err, .errlen = errlen };
    if (errlen > 0)
        err[0] = '\0';
    if (!parse(&p, type, out, 0)) {
        host_value_free(out);
        return false;
    }
    if (peek(&p) != -1) {
        char tok[64];
        token_text(&p, tok, sizeof tok);
        fail(&p, "unexpected %s after the value", tok);
        host_value_free(out);
        return false;
    }
    return true;
}

/* ---- the printer ---- */

static bool is_keyword(const char *l)
{
    static const char *const kw[] = { "true", "false", "inf", "nan", "some", "none", "ok", "err" };
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (!strcmp(l, kw[i]))
            return true;
    return false;
}

static void print_label(const char *l, FILE *out)
{
    if (is_keyword(l))
        fputc('%', out);
    fputs(l, out);
}

static void print_text(const char *s, size_t len, char quote, FILE *out)
{
    fputc(quote, out);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = utf8_len((const unsigned char *)s + i, len - i);
        if (c == '\\' || c == (unsigned char)quote) {
            fputc('\\', out);
            fputc(c, out);
        } else if (c == '\n') {
            fputs("\\n", out);
        } else if (c == '\t') {
            fputs("\\t", out);
        } else if (c == '\r') {
            fputs("\\r", out);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\u{%x}", c);
        } else if (k == 0) {
            fputs("\\u{fffd}", out);   /* not UTF-8 (a lift never gives this) */
            i++;
            continue;
        } else {
            fwrite(s + i, 1, k, out);
            i += k;
            continue;
        }
        i++;
    }
    fputc(quote, out);
}

static void print_float(double x, bool f32, FILE *out)
{
    if (isnan(x)) {
        fputs("nan", out);
        return;
    }
    if (isinf(x)) {
        fputs(x < 0 ? "-inf" : "inf", out);
        return;
    }
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {   /* the shortest text that reads back the same */
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        double y = strtod(buf, NULL);
        if (f32 ? (float)y == (float)x : y == x)
            break;
    }
    fputs(buf, out);
}

static void print(const cm_types *t, cm_typeid type, const host_value *v, FILE *out, int depth)
{
    if (depth > CM_WAVE_MAX_DEPTH) {
        fputs("?", out);
        return;
    }
    const cm_type *node = cm_type_get(t, type);
    switch (node->kind) {
    case CM_BOOL:
        fputs(v->kind == HOST_VALUE_BOOL ? (v->b ? "true" : "false") : "?", out);
        return;
    case CM_S8: case CM_U8: case CM_S16: case CM_U16:
    case CM_S32: case CM_U32: case CM_S64: case CM_U64:
    case CM_OWN: case CM_BORROW:
        if (v->kind != HOST_VALUE_INT)
            fputs("?", out);
        else if (v->is_unsigned)
            fprintf(out, "%" PRIu64, v->u);
        else
            fprintf(out, "%" PRId64, v->i);
        return;
    case CM_F32: case CM_F64:
        if (v->kind == HOST_VALUE_FLOAT)
            print_float(v->f, node->kind == CM_F32, out);
        else if (v->kind == HOST_VALUE_INT)
            fprintf(out, "%" PRId64, v->i);
        else
            fputs("?", out);
        return;
    case CM_CHAR: case CM_STRING:
        if (v->kind == HOST_VALUE_STRING)
            print_text(v->s, v->len, node->kind == CM_CHAR ? '\'' : '"', out);
        else
            fputs("?", out);
        return;
    case CM_LIST: case CM_TUPLE:
        if (v->kind != HOST_VALUE_LIST) {
            fputs("?", out);
            return;
        }
        fputc(node->kind == CM_LIST ? '[' : '(', out);
        for (size_t i = 0; i < v->len; i++) {
            if (i)
                fputs(", ", out);
            cm_typeid et = node->kind == CM_LIST ? node->elem
                         : i < node->nfields ? node->fields[i].type : CM_NO_TYPE;
            if (et == CM_NO_TYPE)
                fputs("?", out);
            else
                print(t, et, &v->items[i], out, depth + 1);
        }
        fputc(node->kind == CM_LIST ? ']' : ')', out);
        return;
    case CM_RECORD:
        if (v->kind != HOST_VALUE_MAP) {
            fputs("?", out);
            return;
        }
        fputc('{', out);
        for (uint32_t i = 0; i < node->nfields; i++) {
            const char *l = node->fields[i].label;
            const host_value *f = host_map_get(v, l, strlen(l));
            host_value nil = host_nil();
            fprintf(out, "%s%s: ", i ? ", " : "", l);
            print(t, node->fields[i].type, f ? f : &nil, out, depth + 1);
        }
        fputc('}', out);
        return;
    case CM_VARIANT:
        if (v->kind != HOST_VALUE_MAP || v->len != 1) {
            fputs("?", out);
            return;
        }
        for (uint32_t i = 0; i < node->nfields; i++)
            if (!strcmp(node->fields[i].label, v->entries[0].key)) {
                print_label(node->fields[i].label, out);
                if (node->fields[i].type != CM_NO_TYPE) {
                    fputc('(', out);
                    print(t, node->fields[i].type, &v->entries[0].value, out, depth + 1);
                    fputc(')', out);
                }
                return;
            }
        fputs("?", out);
        return;
    case CM_ENUM:
        if (v->kind == HOST_VALUE_STRING)
            print_label(v->s, out);
        else
            fputs("?", out);
        return;
    case CM_OPTION: {
        if (v->kind == HOST_VALUE_NIL) {
            fputs("none", out);
            return;
        }
        static const host_value nil = { .kind = HOST_VALUE_NIL };
        const host_value *x = v;
        if (cm_type_get(t, node->elem)->kind == CM_OPTION && v->kind == HOST_VALUE_MAP)
            x = v->len == 0 ? &nil : v->len == 1 && !strcmp(v->entries[0].key, "some") ? &v->entries[0].value : v;
        fputs("some(", out);
        print(t, node->elem, x, out, depth + 1);
        fputc(')', out);
        return;
    }
    case CM_RESULT: {
        if (v->kind != HOST_VALUE_MAP || v->len != 1) {
            fputs("?", out);
            return;
        }
        bool ok = !strcmp(v->entries[0].key, "ok");
        cm_typeid pt = ok ? node->elem : node->err;
        fputs(ok ? "ok" : "err", out);
        if (pt != CM_NO_TYPE) {
            fputc('(', out);
            print(t, pt, &v->entries[0].value, out, depth + 1);
            fputc(')', out);
        }
        return;
    }
    case CM_FLAGS: {
        if (v->kind != HOST_VALUE_MAP) {
            fputs("?", out);
            return;
        }
        fputc('{', out);
        bool first = true;
        for (uint32_t i = 0; i < node->nfields; i++) {
            const char *l = node->fields[i].label;
            const host_value *f = host_map_get(v, l, strlen(l));
            if (f != NULL && f->kind == HOST_VALUE_BOOL && f->b) {
                fprintf(out, "%s%s", first ? "" : ", ", l);
                first = false;
            }
        }
        fputc('}', out);
        return;
    }
    default:
        fputs("?", out);
        return;
    }
}

bool cm_wave_print(const cm_types *t, cm_typeid type, const host_value *v, FILE *out)
{
    print(t, type, v, out, 0);
    return !ferror(out);
}
