/* wit.c — parses the `wit:` text of a process.wasm entry: a lexer that
 * tracks line and column, and a parser for function declarations with a
 * token of lookahead. Types are scanned iteratively (a depth counter, not
 * recursion), so `list<list<...>>` of any depth costs no C stack.
 *
 * Depends on libc only; no allocation. See wit.h. */
#include "host/abi/wit.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef enum {
    TOK_END,
    TOK_NAME,
    TOK_COLON,
    TOK_COMMA,
    TOK_SEMI,
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_LT,
    TOK_GT,
    TOK_ARROW
} tok_kind;

typedef struct {
    tok_kind kind;
    const char *start;
    size_t len;
    unsigned line, col;
} token;

typedef struct {
    const char *p;          /* next unread byte */
    unsigned line, col;     /* position of *p (columns count characters) */
    token tok;              /* the lookahead token */
    char *err;
    size_t errlen;
} parser;

static const struct {
    const char *name;
    wit_type type;
} scalar_names[] = {
    { "bool", WIT_BOOL },   { "s8", WIT_S8 },       { "s16", WIT_S16 },
    { "s32", WIT_S32 },     { "s64", WIT_S64 },     { "u8", WIT_U8 },
    { "u16", WIT_U16 },     { "u32", WIT_U32 },     { "u64", WIT_U64 },
    { "f32", WIT_F32 },     { "float32", WIT_F32 }, { "f64", WIT_F64 },
    { "float64", WIT_F64 }, { "char", WIT_CHAR },   { "string", WIT_STRING },
};

const char *host_wit_type_name(wit_type t)
{
    for (size_t i = 0; i < sizeof scalar_names / sizeof scalar_names[0]; i++)
        if (scalar_names[i].type == t)
            return scalar_names[i].name;
    return "?";
}

/* ---- errors ---- */

/* "wit: line L, column C: MESSAGE" at the position of tok; returns false. */
static bool fail_at(parser *ps, const token *tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail_at(parser *ps, const token *tok, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "wit: line %u, column %u: %s", tok->line, tok->col, msg);
    return false;
}

/* "expected WHAT, found ..." about the lookahead token. */
static bool fail_expected(parser *ps, const char *what)
{
    const token *t = &ps->tok;
    if (t->kind == TOK_END)
        return fail_at(ps, t, "expected %s, found the end of the text", what);
    int shown = t->len > 40 ? 40 : (int)t->len;
    return fail_at(ps, t, "expected %s, found '%.*s'", what, shown, t->start);
}

/* ---- the lexer ---- */

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Moves past one byte, keeping line and column. A column is a character:
 * UTF-8 continuation bytes do not start one. */
static void step(parser *ps)
{
    char c = *ps->p++;
    if (c == '\n') {
        ps->line++;
        ps->col = 1;
    } else if (((unsigned char)*ps->p & 0xC0) != 0x80) {
        ps->col++;
    }
}

/* Skips whitespace and comments. False on an unterminated block comment. */
static bool skip_space(parser *ps)
{
    for (;;) {
        char c = *ps->p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            step(ps);
        } else if (c == '/' && ps->p[1] == '/') {
            while (*ps->p != '\0' && *ps->p != '\n')
                step(ps);
        } else if (c == '/' && ps->p[1] == '*') {
            token at = { TOK_END, ps->p, 2, ps->line, ps->col };
            step(ps);
            step(ps);
            while (*ps->p != '\0' && !(*ps->p == '*' && ps->p[1] == '/'))
                step(ps);
            if (*ps->p == '\0')
                return fail_at(ps, &at, "unterminated comment");
            step(ps);
            step(ps);
        } else {
            return true;
        }
    }
}

/* Reads the next token into ps->tok. */
static bool advance(parser *ps)
{
    if (!skip_space(ps))
        return false;
    token *t = &ps->tok;
    t->start = ps->p;
    t->line = ps->line;
    t->col = ps->col;
    t->len = 1;
    char c = *ps->p;
    switch (c) {
    case '\0': t->kind = TOK_END; t->len = 0; return true;
    case ':': t->kind = TOK_COLON; break;
    case ',': t->kind = TOK_COMMA; break;
    case ';': t->kind = TOK_SEMI; break;
    case '(': t->kind = TOK_LPAREN; break;
    case ')': t->kind = TOK_RPAREN; break;
    case '<': t->kind = TOK_LT; break;
    case '>': t->kind = TOK_GT; break;
    case '-':
        if (ps->p[1] != '>')
            return fail_at(ps, t, "unexpected character '-'");
        t->kind = TOK_ARROW;
        t->len = 2;
        step(ps);
        break;
    default:
        if (!is_name_char(c)) {
            if (c > ' ' && c < 0x7f)
                return fail_at(ps, t, "unexpected character '%c'", c);
            return fail_at(ps, t, "unexpected byte 0x%02x", (unsigned char)c);
        }
        /* A name: words joined by single '-' (kebab-case). */
        while (is_name_char(*ps->p) || (*ps->p == '-' && is_name_char(ps->p[1])))
            step(ps);
        t->kind = TOK_NAME;
        t->len = (size_t)(ps->p - t->start);
        return true;
    }
    step(ps);
    return true;
}

static bool tok_is(const token *t, const char *s)
{
    return t->kind == TOK_NAME && strlen(s) == t->len && memcmp(t->start, s, t->len) == 0;
}

/* Consumes a token of the given kind, or fails with "expected WHAT". */
static bool expect(parser *ps, tok_kind kind, const char *what)
{
    if (ps->tok.kind != kind)
        return fail_expected(ps, what);
    return advance(ps);
}

/* Copies a name token into a NUL-terminated buffer of WIT_NAME_MAX. */
static bool copy_name(parser *ps, const token *t, char *out)
{
    if (t->len >= WIT_NAME_MAX)
        return fail_at(ps, t, "the name %.40s... is too long (at most %d bytes)", t->start,
                       WIT_NAME_MAX - 1);
    memcpy(out, t->start, t->len);
    out[t->len] = '\0';
    return true;
}

/* ---- types ---- */

/* Appends s (n bytes) to the spelling of a type, marking a cut with "...". */
static void spell(char *buf, size_t size, const char *s, size_t n)
{
    size_t used = strlen(buf);
    if (used + n + 4 > size) {
        if (used + 4 <= size && (used < 3 || strcmp(buf + used - 3, "...") != 0))
            memcpy(buf + used, "...", 4);
        return;
    }
    memcpy(buf + used, s, n);
    buf[used + n] = '\0';
}

/* Parses one type: a name, optionally with arguments in <...> (nested to
 * any depth, counted, not recursed). *supported and *t say whether it is
 * one of the scalars or string; spelled gets its text, normalised. */
static bool parse_type(parser *ps, bool *supported, wit_type *t, char *spelled, size_t size)
{
    spelled[0] = '\0';
    if (ps->tok.kind != TOK_NAME)
        return fail_expected(ps, "a type");
    token first = ps->tok;
    spell(spelled, size, first.start, first.len);
    if (!advance(ps))
        return false;
    size_t depth = 0;
    bool after_name = true;
    bool nested = false;
    for (;;) {
        tok_kind k = ps->tok.kind;
        if ((k == TOK_LT && after_name) || (k == TOK_COMMA && depth > 0)) {
            spell(spelled, size, k == TOK_LT ? "<" : ", ", k == TOK_LT ? 1 : 2);
            depth += k == TOK_LT;
            nested = true;
            if (!advance(ps))
                return false;
            if (ps->tok.kind != TOK_NAME)
                return fail_expected(ps, "a type");
            spell(spelled, size, ps->tok.start, ps->tok.len);
            if (!advance(ps))
                return false;
            after_name = true;
        } else if (k == TOK_GT && depth > 0) {
            spell(spelled, size, ">", 1);
            depth--;
            after_name = false;
            if (!advance(ps))
                return false;
        } else if (depth > 0) {
            return fail_expected(ps, "',' or '>'");
        } else {
            break;
        }
    }
    *supported = false;
    for (size_t i = 0; !nested && i < sizeof scalar_names / sizeof scalar_names[0]; i++)
        if (tok_is(&first, scalar_names[i].name)) {
            *supported = true;
            *t = scalar_names[i].type;
        }
    return true;
}

/* ---- declarations ---- */

#define UNSUPPORTED_HELP                                                                   \
    "only bool, s8, s16, s32, s64, u8, u16, u32, u64, f32, f64, char and string can be " \
    "passed (list, option, result, tuple and record types are not supported yet)"

typedef struct {
    const char *method;
    wit_func *out;
    bool found;
    char unsupported[384];  /* the first unsupported type of the method, as an error */
} lookup;

/* Parses a type in a declaration and, for the method looked up, records it
 * (or that it is unsupported). */
static bool parse_decl_type(parser *ps, lookup *lk, bool want, wit_type *slot)
{
    char spelled[96];
    bool supported = false;
    if (!parse_type(ps, &supported, slot, spelled, sizeof spelled))
        return false;
    if (want && !supported && lk->unsupported[0] == '\0')
        snprintf(lk->unsupported, sizeof lk->unsupported, "wit: unsupported type %s in %.*s: %s",
                 spelled, WIT_NAME_MAX, lk->method, UNSUPPORTED_HELP);
    return true;
}

/* Parses the parameters of a function up to and including ')'. */
static bool parse_params(parser *ps, lookup *lk, bool want, wit_func *f)
{
    while (ps->tok.kind != TOK_RPAREN) {
        token name = ps->tok;
        if (name.kind != TOK_NAME)
            return fail_expected(ps, "a parameter name or ')'");
        if (want) {
            if (f->nparams == WIT_MAX_PARAMS)
                return fail_at(ps, &name, "function %s has more than %d parameters", f->name,
                               WIT_MAX_PARAMS);
            if (!copy_name(ps, &name, f->param_names[f->nparams]))
                return false;
            for (uint32_t i = 0; i < f->nparams; i++)
                if (strcmp(f->param_names[i], f->param_names[f->nparams]) == 0)
                    return fail_at(ps, &name, "parameter %s of %s is declared twice",
                                   f->param_names[i], f->name);
        }
        if (!advance(ps) || !expect(ps, TOK_COLON, "':'"))
            return false;
        if (!parse_decl_type(ps, lk, want, &f->params[want ? f->nparams : 0]))
            return false;
        if (want)
            f->nparams++;
        if (ps->tok.kind == TOK_COMMA) {
            if (!advance(ps))
                return false;
        } else if (ps->tok.kind != TOK_RPAREN) {
            return fail_expected(ps, "',' or ')'");
        }
    }
    return advance(ps);
}

/* Parses `[export] NAME: func(PARAMS) [-> TYPE];`. */
static bool parse_decl(parser *ps, lookup *lk)
{
    if (ps->tok.kind != TOK_NAME)
        return fail_expected(ps, "a function name");
    token name = ps->tok;
    if (!advance(ps))
        return false;
    if (tok_is(&name, "export") && ps->tok.kind == TOK_NAME) {
        name = ps->tok;
        if (!advance(ps))
            return false;
    }
    bool want = tok_is(&name, lk->method);
    if (want && lk->found)
        return fail_at(ps, &name, "function %s is declared twice", lk->method);
    wit_func f;
    memset(&f, 0, sizeof f);
    if (want && !copy_name(ps, &name, f.name))
        return false;
    if (!expect(ps, TOK_COLON, "':'"))
        return false;
    if (!tok_is(&ps->tok, "func"))
        return fail_expected(ps, "'func'");
    if (!advance(ps) || !expect(ps, TOK_LPAREN, "'('") || !parse_params(ps, lk, want, &f))
        return false;
    if (ps->tok.kind == TOK_ARROW) {
        if (!advance(ps) || !parse_decl_type(ps, lk, want, &f.result))
            return false;
        f.has_result = true;
    }
    if (!expect(ps, TOK_SEMI, "';'"))
        return false;
    if (want) {
        *lk->out = f;
        lk->found = true;
    }
    return true;
}

bool host_wit_find(const char *text, const char *method, wit_func *out, char *err, size_t errlen)
{
    parser ps = { text ? text : "", 1, 1, { TOK_END, NULL, 0, 1, 1 }, err, errlen };
    lookup lk = { method, out, false, "" };
    if (!advance(&ps))
        return false;
    while (ps.tok.kind != TOK_END)
        if (!parse_decl(&ps, &lk))
            return false;
    if (lk.unsupported[0] != '\0') {
        snprintf(err, errlen, "%s", lk.unsupported);
        return false;
    }
    if (!lk.found) {
        snprintf(err, errlen, "function \"%s\" not found in wit", method);
        return false;
    }
    return true;
}
