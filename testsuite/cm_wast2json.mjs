#!/usr/bin/env node
// cm_wast2json.mjs — wabt's wast2json for Component Model scripts: reads a
// .wast script of components (and core modules), writes its commands as
// JSON and every module or component form as a binary file next to it, so
// that a C runner can run the script with testsuite/json.c and no text
// parser. Components and core modules in text are encoded by jco (the
// wasm-tools text parser, the same one wasmtime's `wast` uses); everything
// else (the s-expression reader, the values) is here.
//
// Usage
//
//   node testsuite/cm_wast2json.mjs IN.wast -o OUT/NAME.json [IN2.wast -o OUT2/NAME2.json ...]
//       converts each script (several in one run: jco is loaded once).
//       Writes OUT/NAME.json and OUT/NAME.N.wasm (or OUT/NAME.N.wat);
//       prints one line per script: "NAME: C commands, W binaries, T text, U unsupported".
//   node testsuite/cm_wast2json.mjs --summary DIR...
//       reads every .json under each DIR and prints, per folder, the files,
//       the commands by type, the forms converted and every form that was not,
//       with the reason.
//
// The exit status is 2 for bad usage or a file that cannot be read or
// written, else 0: a form that cannot be converted is a command of its own
// ("unsupported") for the runner to count, not an error here.
//
// WAST_STRICT_COMPONENT_INDICES in the environment reaches jco's text
// parser: "1" rejects the legacy index syntax such as `(memory $i "mem")`,
// "0" accepts it (jco 1.35's default is strict). testsuite/cm_convert.sh sets
// it per suite.
//
// ---------------------------------------------------------------------------
// THE OUTPUT FORMAT (the contract with the runner)
// ---------------------------------------------------------------------------
//
// OUT/NAME.json is one object, close to wast2json's:
//
//   {"source_filename": "path/of/NAME.wast",
//    "features": ["multi_memory", ...],          only when the script has ";;!" lines
//    "features_disabled": ["...", ...],          only when one says "= false"
//    "commands": [ COMMAND, ... ]}
//
// "features" are the names of the script's `;;! NAME = true` header lines
// (wasmtime's tests: the wasmtime Config switches the script needs, e.g.
// "multi_memory", "component_model_async"); `;;! NAME = false` lines go to
// "features_disabled"; a line with any other value is kept in "features"
// as "NAME=VALUE". Commands come in script order, one a line. Each has
// "type" and "line" (the 1-based line of its opening parenthesis):
//
//   {"type": "module", "line": N, "name": "$C", "kind": "component", "filename": "NAME.3.wasm"}
//       (component $C? ...) / (component $C? binary "..." ...) / (component $C? quote "..." ...)
//       and the same with `module` for a core module (then "kind": "core").
//       Instantiate it; it becomes the current instance; "name" (only when
//       the form has one) names the instance for later commands.
//   {"type": "module_definition", "line": N, "name": "$D", "kind": ..., "filename": ...}
//       (component definition $D? ...): compile (validate) it, do not
//       instantiate it; "name" names the definition.
//   {"type": "module_instance", "line": N, "instance": "$I", "module": "$D", "kind": ...}
//       (component instance $I? $D?): instantiate the definition named
//       "module" (absent: the last definition); it becomes the current
//       instance, named "instance" when given. Each such command is a new
//       instance.
//   {"type": "register", "line": N, "name": "$C", "as": "name"}
//       make the instance named "name" (absent: the current one) importable as "as".
//   {"type": "action", "line": N, "action": ACTION}
//       run the action; it must not trap.
//   {"type": "assert_return", "line": N, "action": ACTION, "expected": [VALUE, ...]}
//   {"type": "assert_trap", "line": N, "action": ACTION, "text": "message"}
//   {"type": "assert_exhaustion", "line": N, "action": ACTION, "text": "message"}
//   {"type": "assert_invalid", "line": N, "kind": ..., "filename": ..., "text": ..., "module_type": "binary"}
//   {"type": "assert_malformed", ...same keys}
//   {"type": "assert_unlinkable", ...same keys}
//   {"type": "assert_uninstantiable", ...same keys}
//       (assert_trap (component ...) "msg") becomes assert_uninstantiable,
//       as in wast2json. "text" is the message the reference gives; a
//       runner is not bound to give the same words.
//   {"type": "unsupported", "line": N, "command": "assert_return", "reason": "..."}
//       a command this converter could not convert (the reason says why);
//       the runner counts it (as skipped or failed, its choice).
//
// Files. Every module or component form gets the next number N (from 0,
// in script order) and is written as NAME.N.wasm. A form that stays text
// is written as NAME.N.wat with "module_type": "text" (the runner, having
// no text parser, skips it) and a "reason": this happens inside
// assert_malformed / assert_invalid only, for a `quote` form (whose
// malformation is usually textual) and for a text form jco cannot encode
// (the reference rejects it while encoding: an unknown name, a bad
// literal). The .wat holds the whole form, `(component ...)` or
// `(module ...)`, quote strings already joined. A top-level form jco cannot
// encode becomes an "unsupported" command and no file. Binary forms are
// written byte for byte, never checked.
//
// ACTION:
//   {"type": "invoke", "module": "$C", "field": "name", "args": [VALUE, ...]}
//   {"type": "get", "module": "$C", "field": "name"}
//   "module" is present only when the script names an instance; absent, the
//   action is on the current instance. Unlike wast2json there is no
//   "expected" list of result types in an action: the converter knows no
//   types.
//
// VALUE: an object with a "type"; scalars carry a string "value".
//   Core values, exactly as wast2json writes them:
//     {"type": "i32", "value": "4294967295"}  i32 and i64: the bits, as an unsigned decimal
//     {"type": "f32", "value": "1065353216"}  f32 and f64: the bits, as an unsigned decimal;
//                                             in "expected" also "nan:canonical" / "nan:arithmetic"
//     {"type": "v128", "lane_type": "i32", "value": ["1", "2", "3", "4"]}
//                                             lanes as i32/i64/f32/f64 values above; lane_type
//                                             i8, i16, i32, i64, f32 or f64
//     {"type": "funcref", "value": "null"}    (ref.null func); "externref" likewise
//     {"type": "externref", "value": "7"}     (ref.extern 7); in "expected" (ref.extern) and
//                                             (ref.func) give no "value" (any non-null)
//     {"type": "hostref", "value": "7"}       (ref.host 7)
//   Component values (the wast crate's forms, component type names):
//     {"type": "bool", "value": "true"}       (bool.const true); "false"
//     {"type": "u8", "value": "255"}          u8 u16 u32 u64 s8 s16 s32 s64: the value in
//     {"type": "s32", "value": "-1"}          its type's range, in decimal (signed for sN)
//     {"type": "f32", "value": "..."}         f32.const / f64.const: as the core values above
//                                             (a component float32 is the same bits)
//     {"type": "char", "value": "A"}          the one Unicode scalar value
//     {"type": "string", "value": "text"}     (str.const "text"): always valid UTF-8
//     {"type": "list", "value": [VALUE, ...]}
//     {"type": "tuple", "value": [VALUE, ...]}
//     {"type": "record", "value": [{"name": "x", "value": VALUE}, ...]}   fields in order
//     {"type": "variant", "case": "name", "value": VALUE}   "value" absent: no payload
//     {"type": "enum", "value": "name"}
//     {"type": "option", "case": "none"} / {"type": "option", "case": "some", "value": VALUE}
//     {"type": "result", "case": "ok", "value": VALUE} / "case": "err"; "value" absent: none
//     {"type": "flags", "value": ["a", "b"]}  the flags that are set, as written
//   In "expected" only:
//     {"type": "either", "values": [VALUE, ...]}  any one of them
//
// JSON strings hold UTF-8; a name or message that is not valid UTF-8 is
// decoded with U+FFFD for the bad bytes.

import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse as jcoParse } from "@bytecodealliance/jco";

// ===========================================================================
// 1. The lexer: bytes -> tokens
// ===========================================================================
//
// The text format's tokens: "(" and ")", strings, and runs of "idchars"
// (keywords, numbers, $identifiers). Whitespace and comments separate them.
// The lexer works on bytes, so that strings can hold any byte and source
// offsets are byte offsets (the slices given to jco are cut at them).

const LPAREN = 0x28, RPAREN = 0x29, QUOTE = 0x22, BACKSLASH = 0x5c, SEMI = 0x3b;
const NEWLINE = 0x0a;

// The printable ASCII characters an idchar run may hold (the spec's idchar).
const ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" +
    "!#$%&'*+-./:<=>?@\\^_`|~";
const IS_IDCHAR = new Uint8Array(128);
for (const c of ID_CHARS) IS_IDCHAR[c.charCodeAt(0)] = 1;

class SyntaxError_ extends Error {
    constructor(line, message) {
        super(message);
        this.line = line;
    }
}

// A token: { kind: "(" | ")" | "atom" | "string", start, end, line,
// text (atom: its characters), bytes (string: its decoded bytes) }.
// Also collects the ";;!" header lines into features: [[name, value], ...].
function tokenize(src) {
    const tokens = [];
    const features = [];
    let pos = 0;
    let line = 1;

    const fail = (message) => { throw new SyntaxError_(line, message); };

    while (pos < src.length) {
        const c = src[pos];
        if (c === NEWLINE) {
            line++;
            pos++;
        } else if (c === 0x20 || c === 0x09 || c === 0x0d) {
            pos++;
        } else if (c === SEMI && src[pos + 1] === SEMI) {
            // A line comment; ";;!" lines are wasmtime's feature headers.
            let end = pos;
            while (end < src.length && src[end] !== NEWLINE) end++;
            const text = src.subarray(pos, end).toString("utf8");
            const header = /^;;!\s*([A-Za-z0-9_]+)\s*=\s*(\S+)\s*$/.exec(text);
            if (header) features.push([header[1], header[2]]);
            pos = end;
        } else if (c === LPAREN && src[pos + 1] === SEMI) {
            // A block comment; they nest.
            const startLine = line;
            let depth = 1;
            pos += 2;
            while (depth > 0) {
                if (pos >= src.length) throw new SyntaxError_(startLine, "unterminated block comment");
                if (src[pos] === LPAREN && src[pos + 1] === SEMI) {
                    depth++;
                    pos += 2;
                } else if (src[pos] === SEMI && src[pos + 1] === RPAREN) {
                    depth--;
                    pos += 2;
                } else {
                    if (src[pos] === NEWLINE) line++;
                    pos++;
                }
            }
        } else if (c === LPAREN || c === RPAREN) {
            tokens.push({ kind: c === LPAREN ? "(" : ")", start: pos, end: pos + 1, line });
            pos++;
        } else if (c === QUOTE) {
            const start = pos;
            const { bytes, end } = readString(src, pos, fail);
            tokens.push({ kind: "string", start, end, line, bytes });
            pos = end;
        } else if (c < 128 && IS_IDCHAR[c]) {
            const start = pos;
            while (pos < src.length && src[pos] < 128 && IS_IDCHAR[src[pos]]) pos++;
            // $"quoted identifier": the string is part of the atom.
            if (src[start] === 0x24 && pos === start + 1 && src[pos] === QUOTE) {
                const { bytes, end } = readString(src, pos, fail);
                pos = end;
                tokens.push({ kind: "atom", start, end, line,
                              text: "$" + Buffer.from(bytes).toString("utf8") });
                continue;
            }
            tokens.push({ kind: "atom", start, end: pos, line,
                          text: src.subarray(start, pos).toString("latin1") });
        } else {
            fail(`unexpected character 0x${c.toString(16)}`);
        }
    }
    return { tokens, features, lines: line };
}

// Reads the string whose opening quote is at src[pos]; returns its decoded
// bytes and the offset after the closing quote. Escapes: \t \n \r \" \' \\,
// \hh (one byte), \u{h...} (a code point, written in UTF-8).
function readString(src, pos, fail) {
    const out = [];
    pos++;
    for (;;) {
        if (pos >= src.length) fail("unterminated string");
        const c = src[pos];
        if (c === QUOTE) return { bytes: Uint8Array.from(out), end: pos + 1 };
        if (c === NEWLINE) fail("newline in a string");
        if (c !== BACKSLASH) {
            out.push(c);
            pos++;
            continue;
        }
        const e = String.fromCharCode(src[pos + 1]);
        const simple = { t: 0x09, n: 0x0a, r: 0x0d, '"': 0x22, "'": 0x27, "\\": 0x5c }[e];
        if (simple !== undefined) {
            out.push(simple);
            pos += 2;
        } else if (e === "u") {
            const close = src.indexOf(0x7d, pos);   // "}"
            const digits = close < 0 ? "" : src.subarray(pos + 3, close).toString("latin1");
            if (src[pos + 2] !== 0x7b || !/^[0-9a-fA-F](_?[0-9a-fA-F])*$/.test(digits))
                fail("bad \\u{...} escape in a string");
            const cp = parseInt(digits.replaceAll("_", ""), 16);
            if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
                fail("\\u{...} escape is not a Unicode scalar value");
            out.push(...Buffer.from(String.fromCodePoint(cp), "utf8"));
            pos = close + 1;
        } else if (/^[0-9a-fA-F]{2}$/.test(src.subarray(pos + 1, pos + 3).toString("latin1"))) {
            out.push(parseInt(src.subarray(pos + 1, pos + 3).toString("latin1"), 16));
            pos += 3;
        } else {
            fail(`bad escape \\${e} in a string`);
        }
    }
}

// ===========================================================================
// 2. The reader: tokens -> s-expressions
// ===========================================================================
//
// A list is { kind: "list", items, start, end, line } (end: after its ")");
// atoms and strings are the tokens themselves.

function readForms(tokens) {
    const top = [];
    const stack = [];
    let items = top;
    for (const t of tokens) {
        if (t.kind === "(") {
            const list = { kind: "list", items: [], start: t.start, end: -1, line: t.line };
            items.push(list);
            stack.push({ list, outer: items });
            items = list.items;
        } else if (t.kind === ")") {
            if (stack.length === 0) throw new SyntaxError_(t.line, "unbalanced ')'");
            const { list, outer } = stack.pop();
            list.end = t.end;
            items = outer;
        } else {
            items.push(t);
        }
    }
    if (stack.length > 0) {
        const open = stack[stack.length - 1].list;
        throw new SyntaxError_(open.line, "'(' is never closed");
    }
    return top;
}

const isAtom = (x, text) => x !== undefined && x.kind === "atom" && (text === undefined || x.text === text);
const isString = (x) => x !== undefined && x.kind === "string";
const isList = (x) => x !== undefined && x.kind === "list";
const headOf = (x) => (isList(x) && isAtom(x.items[0]) ? x.items[0].text : null);
const isId = (x) => isAtom(x) && x.text.startsWith("$") && x.text.length > 1;

// A form this converter cannot turn into a command; becomes "unsupported".
class Unsupported extends Error {}
const unsupported = (message) => { throw new Unsupported(message); };

// A string's bytes as text: names and messages (bad UTF-8 becomes U+FFFD).
const stringText = (s) => Buffer.from(s.bytes).toString("utf8");

// A string that must be valid UTF-8 (a component string or char value).
const UTF8 = new TextDecoder("utf-8", { fatal: true });
function strictText(s, what) {
    try {
        return UTF8.decode(s.bytes);
    } catch {
        return unsupported(`${what} is not valid UTF-8`);
    }
}

// ===========================================================================
// 3. Numbers
// ===========================================================================

// An integer literal: [+|-] (digits | 0x hexdigits), "_" between digits.
function parseInteger(text) {
    const m = /^([+-]?)(0x[0-9a-fA-F](?:_?[0-9a-fA-F])*|[0-9](?:_?[0-9])*)$/.exec(text);
    if (!m) return unsupported(`"${text}" is not an integer`);
    const magnitude = BigInt(m[2].replaceAll("_", ""));
    return m[1] === "-" ? -magnitude : magnitude;
}

// An integer of `bits` bits, given as either a signed or an unsigned literal
// (as the text format allows): the value in [0, 2^bits) or [-2^(bits-1), 2^(bits-1)).
function integerBits(text, bits) {
    const v = parseInteger(text);
    const n = BigInt(bits);
    if (v < -(1n << (n - 1n)) || v >= 1n << n)
        return unsupported(`${text} does not fit in ${bits} bits`);
    return { unsigned: BigInt.asUintN(bits, v), signed: BigInt.asIntN(bits, v) };
}

// The two binary float formats: p significand bits (with the implicit one).
const F32 = { bits: 32, p: 24, emin: -126, emax: 127 };
const F64 = { bits: 64, p: 53, emin: -1022, emax: 1023 };

const bitLength = (n) => (n === 0n ? 0 : n.toString(2).length);

// The bits (a BigInt) of the float nearest to num/den (both >= 0, den > 0),
// ties to even; null when it rounds to infinity (the text format calls
// such a literal malformed).
function roundToFloat(num, den, fmt) {
    const { p, emin, emax } = fmt;
    const expBits = fmt.bits - p;                 // 8 or 11
    if (num === 0n) return 0n;
    // e such that 2^e <= num/den < 2^(e+1).
    let e = bitLength(num) - bitLength(den);
    const atLeast = e >= 0 ? num >= den << BigInt(e) : num << BigInt(-e) >= den;
    if (!atLeast) e--;
    if (e < emin) e = emin;                        // a subnormal: the exponent stays at emin
    // q = num/den * 2^(p-1-e), rounded to an integer, ties to even.
    const shift = p - 1 - e;
    const n = shift >= 0 ? num << BigInt(shift) : num;
    const d = shift >= 0 ? den : den << BigInt(-shift);
    let q = n / d;
    const twiceRest = 2n * (n - q * d);
    if (twiceRest > d || (twiceRest === d && (q & 1n) === 1n)) q++;
    if (q === 1n << BigInt(p)) {                  // rounding carried into a new bit
        q >>= 1n;
        e++;
    }
    if (e > emax) return null;
    const implicit = 1n << BigInt(p - 1);
    if (q < implicit) return q;                    // subnormal (or zero): biased exponent 0
    const biased = BigInt(e + (1 << (expBits - 1)) - 1);
    return (biased << BigInt(p - 1)) | (q - implicit);
}

// A float literal's bits as an unsigned decimal string, or "nan:canonical" /
// "nan:arithmetic" when patterns are allowed (expected results).
function floatBits(text, fmt, allowPatterns) {
    if (allowPatterns && (text === "nan:canonical" || text === "nan:arithmetic")) return text;
    const m = /^([+-]?)(.*)$/.exec(text);
    const sign = m[1] === "-" ? 1n << BigInt(fmt.bits - 1) : 0n;
    const body = m[2];
    const p1 = BigInt(fmt.p - 1);
    const expAllOnes = ((1n << BigInt(fmt.bits - fmt.p)) - 1n) << p1;
    let magnitude;
    if (body === "inf") {
        magnitude = expAllOnes;
    } else if (body === "nan") {
        magnitude = expAllOnes | (1n << (p1 - 1n));          // the canonical NaN
    } else if (/^nan:0x[0-9a-fA-F](_?[0-9a-fA-F])*$/.test(body)) {
        const payload = BigInt(body.slice(4).replaceAll("_", ""));
        if (payload === 0n || payload >= 1n << p1) return unsupported(`NaN payload of ${text} out of range`);
        magnitude = expAllOnes | payload;
    } else {
        magnitude = finiteFloat(body, fmt, text);
    }
    return (sign | magnitude).toString();
}

// The bits of a finite unsigned float literal, decimal or hexadecimal.
function finiteFloat(body, fmt, text) {
    const digits = "[0-9](?:_?[0-9])*", hexDigits = "[0-9a-fA-F](?:_?[0-9a-fA-F])*";
    const dec = new RegExp(`^(${digits})(?:\\.(${digits})?)?(?:[eE]([+-]?${digits}))?$`).exec(body);
    const hex = new RegExp(`^0x(${hexDigits})(?:\\.(${hexDigits})?)?(?:[pP]([+-]?${digits}))?$`).exec(body);
    if (!dec && !hex) return unsupported(`"${text}" is not a float`);
    const [, whole, frac = "", exp = "0"] = (dec || hex).map((s) => s && s.replaceAll("_", ""));
    const significand = BigInt((hex ? "0x" : "") + whole + frac);
    if (significand === 0n) return 0n;
    // value = significand * base^e; far outside every float's range, cut short
    // (a literal such as 1e100000 would otherwise make a huge BigInt).
    const base = hex ? 2n : 10n;
    const e = Number(exp) - (hex ? 4 : 1) * frac.length;
    const magnitudeBits = hex ? bitLength(significand) + e : (significand.toString().length + e) * 3.33;
    if (magnitudeBits < 4 * fmt.emin - 4 * fmt.p) return 0n;
    const bits = magnitudeBits > 4 * fmt.emax ? null
        : e >= 0 ? roundToFloat(significand * base ** BigInt(e), 1n, fmt)
        : roundToFloat(significand, base ** BigInt(-e), fmt);
    return bits !== null ? bits : unsupported(`${text} is out of range for f${fmt.bits}`);
}

// ===========================================================================
// 4. Values
// ===========================================================================

// One argument or expected result: (TYPE.const ...) and the rest.
// `expected`: in an assert_return's results (NaN patterns, either, ref.func).
function parseValue(form, expected) {
    const head = headOf(form);
    if (head === null) return unsupported("a value must be a parenthesized (TYPE.const ...) form");
    const args = form.items.slice(1);
    const atomArg = (i) => (isAtom(args[i]) ? args[i].text : unsupported(`(${head} ...) needs a literal`));
    const exactly = (n) => {
        if (args.length !== n) unsupported(`(${head} ...) takes ${n} operand${n === 1 ? "" : "s"}`);
    };

    switch (head) {
    // Core values (and the component floats, which are written the same way).
    case "i32.const":
    case "i64.const": {
        exactly(1);
        const bits = head === "i32.const" ? 32 : 64;
        return { type: head.slice(0, 3), value: integerBits(atomArg(0), bits).unsigned.toString() };
    }
    case "f32.const":
    case "f64.const":
        exactly(1);
        return { type: head.slice(0, 3), value: floatBits(atomArg(0), head === "f32.const" ? F32 : F64, expected) };
    case "v128.const":
        return v128Value(head, args, expected);
    case "ref.null": {
        exactly(1);
        const heap = atomArg(0);
        const type = { func: "funcref", funcref: "funcref", extern: "externref", externref: "externref" }[heap];
        return type ? { type, value: "null" } : unsupported(`(ref.null ${heap}) is not converted`);
    }
    case "ref.extern":
    case "ref.host":
    case "ref.func": {
        const type = { "ref.extern": "externref", "ref.host": "hostref", "ref.func": "funcref" }[head];
        if (args.length === 0 && expected && head !== "ref.host") return { type };
        exactly(1);
        if (head === "ref.func") return unsupported("(ref.func N) is not converted");
        return { type, value: integerBits(atomArg(0), 32).unsigned.toString() };
    }
    case "either":
        if (!expected) return unsupported("(either ...) is only allowed in expected results");
        return { type: "either", values: args.map((a) => parseValue(a, true)) };

    // Component values.
    case "bool.const":
        exactly(1);
        if (atomArg(0) !== "true" && atomArg(0) !== "false") unsupported("bool.const takes true or false");
        return { type: "bool", value: atomArg(0) };
    case "u8.const": case "u16.const": case "u32.const": case "u64.const":
    case "s8.const": case "s16.const": case "s32.const": case "s64.const": {
        exactly(1);
        const type = head.slice(0, head.indexOf("."));
        const bits = integerBits(atomArg(0), Number(type.slice(1)));
        return { type, value: (type[0] === "s" ? bits.signed : bits.unsigned).toString() };
    }
    case "char.const": {
        exactly(1);
        if (!isString(args[0])) unsupported("char.const takes a string");
        const text = strictText(args[0], "char.const's string");
        if ([...text].length !== 1) unsupported("char.const takes exactly one character");
        return { type: "char", value: text };
    }
    case "str.const":
        exactly(1);
        if (!isString(args[0])) unsupported("str.const takes a string");
        return { type: "string", value: strictText(args[0], "str.const's string") };
    case "list.const":
    case "tuple.const":
        return { type: head.slice(0, head.indexOf(".")), value: args.map((a) => parseValue(a, expected)) };
    case "record.const":
        return { type: "record", value: args.map((field) => {
            if (headOf(field) !== "field" || !isString(field.items[1]) || field.items.length < 3)
                unsupported("a record.const field is (field \"name\" VALUE)");
            return { name: stringText(field.items[1]), value: operand(field.items, 2, expected) };
        }) };
    case "variant.const":
        if (!isString(args[0])) unsupported("variant.const takes a case name and at most one payload");
        return withPayload({ type: "variant", case: stringText(args[0]) }, args, 1, expected);
    case "enum.const":
        exactly(1);
        if (!isString(args[0])) unsupported("enum.const takes a case name");
        return { type: "enum", value: stringText(args[0]) };
    case "option.none":
        exactly(0);
        return { type: "option", case: "none" };
    case "option.some":
        if (args.length === 0) unsupported("option.some takes a payload");
        return withPayload({ type: "option", case: "some" }, args, 0, expected);
    case "result.ok":
    case "result.err":
        return withPayload({ type: "result", case: head.slice(7) }, args, 0, expected);
    case "flags.const":
        return { type: "flags", value: args.map((a) => (isString(a) ? stringText(a) : unsupported("flags.const takes flag names"))) };
    default:
        return unsupported(`value (${head} ...) is not converted`);
    }
}

// The value that ends a form, from items[from] on: either one parenthesized
// value, (u8.const 1), or the value's words written bare, as a record field's
// often are: (field "x" u8.const 1).
function operand(items, from, expected) {
    if (items.length === from + 1 && isList(items[from])) return parseValue(items[from], expected);
    if (isAtom(items[from]) && items[from].text.includes("."))
        return parseValue({ kind: "list", items: items.slice(from), line: items[from].line }, expected);
    return unsupported("expected one value, (TYPE.const ...)");
}

// A case's payload, when the form has one (items from `from` on).
function withPayload(value, items, from, expected) {
    if (items.length > from) value.value = operand(items, from, expected);
    return value;
}

// (v128.const SHAPE lane...): wast2json's form, every lane as a scalar of its type.
function v128Value(head, args, expected) {
    const shapes = { i8x16: [8, 16], i16x8: [16, 8], i32x4: [32, 4], i64x2: [64, 2], f32x4: [F32, 4], f64x2: [F64, 2] };
    const shape = isAtom(args[0]) ? shapes[args[0].text] : undefined;
    if (!shape) return unsupported("v128.const needs a shape (i8x16 ... f64x2)");
    const [lane, count] = shape;
    if (args.length !== 1 + count || !args.slice(1).every((a) => isAtom(a)))
        unsupported(`v128.const ${args[0].text} takes ${count} lanes`);
    const lanes = args.slice(1).map((a) =>
        typeof lane === "number" ? integerBits(a.text, lane).unsigned.toString() : floatBits(a.text, lane, expected));
    return { type: "v128", lane_type: args[0].text.slice(0, 3).replace("x", ""), value: lanes };
}

// ===========================================================================
// 5. Module and component forms
// ===========================================================================

// The parts of (component|module [definition] $id? [binary|quote] ...):
// { kind: "component" | "core", definition, name, form: "text" | "binary" | "quote",
//   bytes (binary), text (text, quote) }.
function parseModuleForm(node, src) {
    const head = headOf(node);
    if (head !== "component" && head !== "module")
        return unsupported(`expected a (component ...) or (module ...), found ${head ? `(${head} ...)` : "something else"}`);
    const kind = head === "component" ? "component" : "core";
    const items = node.items;
    let i = 1;
    let definition = null;
    if (isAtom(items[i], "definition")) definition = items[i++];
    const name = isId(items[i]) ? items[i++].text : undefined;
    const strings = (from) => {
        if (!items.slice(from).every(isString)) unsupported(`${items[from - 1].text} takes strings only`);
        return items.slice(from).map((s) => s.bytes);
    };
    if (isAtom(items[i], "binary"))
        return { kind, definition: !!definition, name, form: "binary", bytes: Buffer.concat(strings(i + 1)) };
    if (isAtom(items[i], "quote")) {
        const body = strings(i + 1).map((b) => Buffer.from(b).toString("utf8")).join(" ");
        return { kind, definition: !!definition, name, form: "quote", text: `(${head} ${body})` };
    }
    // Text: the form as written, the `definition` keyword blanked out so
    // that offsets (and so the line of any error) stay as in the script.
    const text = Buffer.from(src.subarray(node.start, node.end));
    if (definition) text.fill(0x20, definition.start - node.start, definition.end - node.start);
    return { kind, definition: !!definition, name, form: "text", text: text.toString("utf8") };
}

// jco's errors are the Rust Debug form of a wast::Error; the message and its
// line are picked out of it ("line 0" is the form's first line).
function jcoMessage(error, formLine) {
    const raw = String(error && error.message !== undefined ? error.message : error);
    const custom = /kind: Custom\("((?:[^"\\]|\\.)*)"\)/.exec(raw);
    const lineMatch = /text: Some\(Text \{ line: (\d+)/.exec(raw);
    const message = custom ? custom[1].replace(/\\(.)/g, "$1") : raw.replace(/\s+/g, " ").slice(0, 200);
    return lineMatch ? `line ${formLine + Number(lineMatch[1])}: ${message}` : message;
}

// Turns a form into bytes: { bytes } or { error } (jco could not encode it).
async function encode(form, line) {
    if (form.form === "binary") return { bytes: form.bytes };
    try {
        return { bytes: await jcoParse(form.text) };
    } catch (error) {
        return { error: jcoMessage(error, line) };
    }
}

// ===========================================================================
// 6. Commands
// ===========================================================================

// One script being converted: where its files go and how many it has.
class Script {
    constructor(src, jsonPath) {
        this.src = src;
        this.dir = path.dirname(jsonPath);
        this.base = path.basename(jsonPath, ".json");
        this.next = 0;            // the number of the next module file
    }

    // Writes the next module file (extension "wasm" or "wat"); its name.
    writeModule(ext, data) {
        const filename = `${this.base}.${this.next++}.${ext}`;
        writeFileSync(path.join(this.dir, filename), data);
        return filename;
    }
}

// (invoke $id? "name" value...) / (get $id? "name").
function parseAction(node) {
    const head = headOf(node);
    if (head !== "invoke" && head !== "get")
        return unsupported(`expected an action, (invoke ...) or (get ...), found ${head ? `(${head} ...)` : "something else"}`);
    const items = node.items;
    let i = 1;
    const action = { type: head };
    if (isId(items[i])) action.module = items[i++].text;
    if (!isString(items[i])) unsupported(`(${head} ...) needs an export name`);
    action.field = stringText(items[i++]);
    if (head === "get") {
        if (i !== items.length) unsupported("(get ...) takes no arguments");
    } else {
        action.args = items.slice(i).map((a) => parseValue(a, false));
    }
    return action;
}

// The message string that ends an assertion.
function assertionText(node, head) {
    const last = node.items[node.items.length - 1];
    if (node.items.length !== 3 || !isString(last)) unsupported(`(${head} FORM "message") takes a form and a message`);
    return stringText(last);
}

// An assertion on a module form: assert_invalid, assert_malformed,
// assert_unlinkable, assert_uninstantiable.
async function moduleAssertion(script, node, type) {
    const text = assertionText(node, type);
    const form = parseModuleForm(node.items[1], script.src);
    if (form.definition) unsupported(`a definition inside ${type}`);
    const cmd = { type, line: node.line, kind: form.kind };
    const textAllowed = type === "assert_malformed" || type === "assert_invalid";
    let encoded = null;
    if (!(form.form === "quote" && textAllowed)) encoded = await encode(form, node.items[1].line);
    if (encoded && encoded.bytes) {
        cmd.filename = script.writeModule("wasm", encoded.bytes);
        cmd.text = text;
        cmd.module_type = "binary";
        return cmd;
    }
    if (!textAllowed) return unsupported(`jco cannot encode the ${form.kind === "core" ? "module" : "component"}: ${encoded.error}`);
    cmd.filename = script.writeModule("wat", form.text);
    cmd.text = text;
    cmd.module_type = "text";
    cmd.reason = form.form === "quote" ? "quote form" : `jco cannot encode it: ${encoded.error}`;
    return cmd;
}

// A top-level (component ...) or (module ...): module, module_definition
// or module_instance.
async function moduleCommand(script, node) {
    const items = node.items;
    const kind = headOf(node) === "component" ? "component" : "core";
    if (isAtom(items[1], "instance")) {
        const cmd = { type: "module_instance", line: node.line };
        let i = 2;
        if (isId(items[i])) cmd.instance = items[i++].text;
        if (isId(items[i])) cmd.module = items[i++].text;
        if (i !== items.length) unsupported(`(${headOf(node)} instance $I $D) takes two names at most`);
        cmd.kind = kind;
        return cmd;
    }
    const form = parseModuleForm(node, script.src);
    const encoded = await encode(form, node.line);
    if (encoded.error) unsupported(`jco cannot encode the ${kind === "core" ? "module" : "component"}: ${encoded.error}`);
    const cmd = { type: form.definition ? "module_definition" : "module", line: node.line };
    if (form.name !== undefined) cmd.name = form.name;
    cmd.kind = kind;
    cmd.filename = script.writeModule("wasm", encoded.bytes);
    return cmd;
}

// One top-level form -> one command (throws Unsupported).
async function convertCommand(script, node) {
    const head = headOf(node);
    const items = node.items;
    switch (head) {
    case "component":
    case "module":
        return moduleCommand(script, node);
    case "register": {
        if (!isString(items[1]) || items.length > 3 || (items.length === 3 && !isId(items[2])))
            unsupported('(register "name" $id?) takes a name and an instance');
        const cmd = { type: "register", line: node.line };
        if (items.length === 3) cmd.name = items[2].text;
        cmd.as = stringText(items[1]);
        return cmd;
    }
    case "invoke":
    case "get":
        return { type: "action", line: node.line, action: parseAction(node) };
    case "assert_return":
        if (items.length < 2) unsupported("(assert_return ACTION result...) needs an action");
        return { type: "assert_return", line: node.line, action: parseAction(items[1]),
                 expected: items.slice(2).map((r) => parseValue(r, true)) };
    case "assert_trap": {
        const target = headOf(items[1]);
        if (target === "component" || target === "module")
            return moduleAssertion(script, node, "assert_uninstantiable");
        return { type: "assert_trap", line: node.line, action: parseAction(items[1]),
                 text: assertionText(node, head) };
    }
    case "assert_exhaustion":
        return { type: "assert_exhaustion", line: node.line, action: parseAction(items[1]),
                 text: assertionText(node, head) };
    case "assert_invalid":
    case "assert_malformed":
    case "assert_unlinkable":
    case "assert_uninstantiable":
        return moduleAssertion(script, node, head);
    default:
        return unsupported(head ? `command (${head} ...) is not converted` : "a top-level form must be a (command ...)");
    }
}

// Converts one script; returns its command list's counts for the log line.
async function convertFile(wastPath, jsonPath) {
    const src = readFileSync(wastPath);
    mkdirSync(path.dirname(jsonPath), { recursive: true });
    const script = new Script(src, jsonPath);
    const doc = { source_filename: wastPath };
    const commands = [];
    try {
        const { tokens, features } = tokenize(src);
        const enabled = features.filter(([, v]) => v !== "false").map(([n, v]) => (v === "true" ? n : `${n}=${v}`));
        const disabled = features.filter(([, v]) => v === "false").map(([n]) => n);
        if (enabled.length > 0) doc.features = enabled;
        if (disabled.length > 0) doc.features_disabled = disabled;
        for (const node of readForms(tokens)) {
            try {
                commands.push(await convertCommand(script, node));
            } catch (error) {
                if (!(error instanceof Unsupported)) throw error;
                commands.push({ type: "unsupported", line: node.line, command: headOf(node) || "?",
                                reason: error.message });
            }
        }
    } catch (error) {
        if (!(error instanceof SyntaxError_)) throw error;
        // The script cannot be read at all: one command says so.
        commands.push({ type: "unsupported", line: error.line, command: "script",
                        reason: `the script cannot be read: ${error.message}` });
    }
    doc.commands = commands;
    writeFileSync(jsonPath, formatDocument(doc));
    return commands;
}

// ===========================================================================
// 7. Writing JSON the way wast2json does: ", " and ": ", a command a line
// ===========================================================================

function formatJson(v) {
    if (Array.isArray(v)) return `[${v.map(formatJson).join(", ")}]`;
    if (v !== null && typeof v === "object")
        return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${formatJson(x)}`).join(", ")}}`;
    return JSON.stringify(v);
}

function formatDocument(doc) {
    const head = Object.entries(doc).filter(([k]) => k !== "commands")
        .map(([k, v]) => `${JSON.stringify(k)}: ${formatJson(v)}`).join(",\n ");
    const commands = doc.commands.map((c) => `  ${formatJson(c)}`).join(", \n");
    return `{${head},\n "commands": [\n${commands}]}\n`;
}

// ===========================================================================
// 8. The summary of converted scripts
// ===========================================================================

// Every .json under dir (sorted), as [relative path, parsed document].
function findScripts(dir, rel = "") {
    const found = [];
    for (const entry of readdirSync(path.join(dir, rel)).sort()) {
        const relPath = path.join(rel, entry);
        if (statSync(path.join(dir, relPath)).isDirectory()) found.push(...findScripts(dir, relPath));
        else if (entry.endsWith(".json")) found.push([relPath, JSON.parse(readFileSync(path.join(dir, relPath), "utf8"))]);
    }
    return found;
}

// Prints, per folder of each DIR (a script's folder is the first part of
// its path below DIR, "." for a script directly in it; each script sits in
// a folder of its own name, which is not counted), the scripts, commands by
// type and what became of every module form; then the reasons.
function printSummary(dirs) {
    for (const dir of dirs) {
        const groups = new Map();
        const reasons = new Map();
        for (const [rel, doc] of findScripts(dir)) {
            const parts = rel.split(path.sep);
            const folder = parts.length > 2 ? parts[0] : ".";
            if (!groups.has(folder)) groups.set(folder, { files: 0, types: new Map(), binary: 0, text: 0, unsupported: 0 });
            const g = groups.get(folder);
            g.files++;
            for (const c of doc.commands) {
                g.types.set(c.type, (g.types.get(c.type) || 0) + 1);
                if (typeof c.filename === "string" && c.filename.endsWith(".wasm")) g.binary++;
                if (typeof c.filename === "string" && c.filename.endsWith(".wat")) g.text++;
                const why = c.type === "unsupported" ? c.reason : c.module_type === "text" ? c.reason : null;
                if (why) {
                    if (c.type === "unsupported") g.unsupported++;
                    const key = `${c.type === "unsupported" ? `unsupported ${c.command}` : `${c.type} kept as text`}: ${why}`;
                    if (!reasons.has(key)) reasons.set(key, []);
                    reasons.get(key).push(`${rel.split(path.sep).slice(0, -1).join("/")}:${c.line}`);
                }
            }
        }
        console.log(`summary of ${dir}:`);
        const total = { files: 0, types: new Map(), binary: 0, text: 0, unsupported: 0 };
        for (const [folder, g] of [...groups].sort()) {
            console.log(summaryLine(folder, g));
            total.files += g.files;
            total.binary += g.binary;
            total.text += g.text;
            total.unsupported += g.unsupported;
            for (const [t, n] of g.types) total.types.set(t, (total.types.get(t) || 0) + n);
        }
        console.log(summaryLine("total", total));
        for (const [why, where] of reasons) {
            const shown = where.slice(0, 4).join(", ") + (where.length > 4 ? `, ... (${where.length})` : "");
            console.log(`  ${why}\n      at ${shown}`);
        }
    }
}

function summaryLine(folder, g) {
    const types = [...g.types].sort().map(([t, n]) => `${t} ${n}`).join(", ");
    return `${folder}: ${g.files} files; forms: ${g.binary} binary, ${g.text} text, ` +
        `${g.unsupported} unsupported commands; commands: ${types}`;
}

// ===========================================================================
// 9. main
// ===========================================================================

function usage() {
    console.error("usage: cm_wast2json.mjs IN.wast -o OUT.json [IN.wast -o OUT.json ...]\n" +
                  "       cm_wast2json.mjs --summary DIR...");
    process.exit(2);
}

async function main(argv) {
    if (argv[0] === "--summary") {
        if (argv.length < 2) usage();
        printSummary(argv.slice(1));
        return;
    }
    if (argv.length === 0 || argv.length % 3 !== 0) usage();
    for (let i = 0; i < argv.length; i += 3) {
        if (argv[i + 1] !== "-o" || !argv[i + 2].endsWith(".json")) usage();
        const [wast, json] = [argv[i], argv[i + 2]];
        const commands = await convertFile(wast, json);
        const count = (p) => commands.filter(p).length;
        console.log(`${path.basename(json, ".json")}: ${commands.length} commands, ` +
            `${count((c) => c.filename && c.filename.endsWith(".wasm"))} binaries, ` +
            `${count((c) => c.module_type === "text")} text, ` +
            `${count((c) => c.type === "unsupported")} unsupported`);
    }
}

main(process.argv.slice(2)).catch((error) => {
    console.error(`cm_wast2json: ${error.message}`);
    process.exit(2);
});
