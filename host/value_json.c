/* value_json.c — a host_value written as one line of JSON (RFC 8259), the
 * way the terminal host prints a list or map result (host.h,
 * host_value_write_json): nil as null, maps as objects in their order,
 * lists as arrays, strings escaped as Go's encoding/json escapes them
 * (without its HTML escaping): `"` and `\`, control characters, U+2028 and
 * U+2029, and each byte that is not part of well-formed UTF-8 as \ufffd.
 * Integers print exactly; a float in the fewest digits that read back as
 * the same double, or null when JSON has no number for it (NaN, ±inf).
 *
 * Recursion is bounded by the value's depth (HOST_MAX_VALUE_DEPTH). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "host/internal.h"

/* The length of the well-formed UTF-8 sequence at s (n > 0 bytes, s[0]
 * not ASCII), or 0 when it is not one: a stray continuation byte, an
 * overlong form, a surrogate, a value above U+10FFFF, a cut-off end. */
static size_t utf8_sequence(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
    static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (len == 0 || len > n || s[0] > 0xf4)
        return 0;
    uint32_t c = s[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < least[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

static void write_string(const char *text, size_t len, FILE *out)
{
    const unsigned char *s = (const unsigned char *)text;
    fputc('"', out);
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        uint32_t cp;
        size_t k;
        if (c == '"' || c == '\\') {
            fputc('\\', out);
            fputc(c, out);
            i++;
        } else if (c < 0x20) {
            const char *named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
            if (named != NULL)
                fputs(named, out);
            else
                fprintf(out, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            fputc(c, out);
            i++;
        } else if ((k = utf8_sequence(s + i, len - i, &cp)) == 0) {
            fputs("\\ufffd", out);
            i++;
        } else {
            if (cp == 0x2028 || cp == 0x2029)   /* line separators some readers take as ends */
                fprintf(out, "\\u%04" PRIx32, cp);
            else
                fwrite(s + i, 1, k, out);
            i += k;
        }
    }
    fputc('"', out);
}

/* The shortest "%.*g" that reads back as d (d finite). */
static void write_float(double d, FILE *out)
{
    char buf[32];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    fputs(buf, out);
}

static void write_value(const host_value *v, FILE *out)
{
    switch (v->kind) {
    case HOST_VALUE_NIL:
        fputs("null", out);
        break;
    case HOST_VALUE_BOOL:
        fputs(v->b ? "true" : "false", out);
        break;
    case HOST_VALUE_INT:
        if (v->is_unsigned)
            fprintf(out, "%" PRIu64, v->u);
        else
            fprintf(out, "%" PRId64, v->i);
        break;
    case HOST_VALUE_FLOAT:
        if (isfinite(v->f))
            write_float(v->f, out);
        else
            fputs("null", out);
        break;
    case HOST_VALUE_STRING:
        write_string(v->s, v->len, out);
        break;
    case HOST_VALUE_LIST:
        fputc('[', out);
        for (size_t i = 0; i < v->len; i++) {
            if (i > 0)
                fputc(',', out);
            write_value(&v->items[i], out);
        }
        fputc(']', out);
        break;
    case HOST_VALUE_MAP:
        fputc('{', out);
        for (size_t i = 0; i < v->len; i++) {
            if (i > 0)
                fputc(',', out);
            write_string(v->entries[i].key, v->entries[i].key_len, out);
            fputc(':', out);
            write_value(&v->entries[i].value, out);
        }
        fputc('}', out);
        break;
    }
}

bool host_value_write_json(const host_value *v, FILE *out)
{
    write_value(v, out);
    return !ferror(out);
}
