/*
 * One JSONL record into a document. This runs in every build worker on
 * every byte of the corpus, so the parser makes one pass over the line:
 * strings without escapes (most ids, dates, titles) are returned in place,
 * and only strings with escapes are unescaped, into the parser's scratch
 * buffer, in runs found 16 bytes at a time.
 *
 * Strict JSON (RFC 8259) except for two deliberate leniencies:
 *  - raw control characters (< 0x20) inside strings are accepted as they
 *    are: press dumps hold raw tabs, and rejecting a whole article for one
 *    would lose more than it protects;
 *  - invalid UTF-8 inside strings is passed through; the tokenizer replaces
 *    and counts it.
 * A lone surrogate escape (\ud800 not followed by a low surrogate escape,
 * or a lone \udc00) becomes U+FFFD. Duplicate keys: the last one wins.
 * Unknown fields are checked for syntax and ignored.
 */
#include "reader.h"

#include "error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Deeper nesting in an ignored value is rejected rather than risking the
 * worker's stack on a hostile line. */
#define MAX_DEPTH 512

struct nq_parser {
    char *scratch;
    size_t cap;
};

typedef enum jtype { J_ABSENT = 0, J_NULL, J_STRING, J_NUMBER, J_BOOL, J_OBJECT, J_ARRAY } jtype;

enum { F_ID, F_DATE, F_SOURCE, F_TITLE, F_TEXT, F_COUNT };

typedef struct field {
    jtype type;
    nq_str str;
} field;

typedef struct pstate {
    const char *base, *p, *end;
    char *out;            /* next free byte of the scratch buffer */
    const char *what;     /* syntax error: description ... */
    const char *where;    /* ... and position */
    int depth;
} pstate;

nq_parser *nq_parser_new(void)
{
    return calloc(1, sizeof(nq_parser));
}

void nq_parser_free(nq_parser *p)
{
    if (p) {
        free(p->scratch);
        free(p);
    }
}

/* Unescaped text is never longer than its JSON form, so scratch as large as
 * the record (plus slack) is reserved once and never moves during a parse. */
static bool reserve_scratch(nq_parser *p, size_t len)
{
    if (len > SIZE_MAX - 64)
        return false;
    size_t need = len + 64;
    if (p->cap >= need)
        return true;
    size_t cap = p->cap > need / 2 ? 2 * p->cap : need;
    char *s = realloc(p->scratch, cap);
    if (!s)
        return false;
    p->scratch = s;
    p->cap = cap;
    return true;
}

static int fail_at(pstate *ps, const char *what, const char *where)
{
    ps->what = what;
    ps->where = where;
    return -1;
}

/* First '"' or '\\' in [p, end), or end. */
static inline const char *find_special(const char *p, const char *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
        if (m)
            return p + __builtin_ctz((unsigned)m);
        p += 16;
    }
#else
    /* SWAR: a byte of x is zero iff the matching byte of the result has its
     * high bit set (exact for the first zero byte, which is all we use). */
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
        uint64_t hit = ((q - ones) & ~q & highs) | ((b - ones) & ~b & highs);
        if (hit)
            break;   /* the byte loop below finds it */
        p += 8;
    }
#endif
    while (p < end && *p != '"' && *p != '\\')
        p++;
    return p;
}

static inline void skip_ws(pstate *ps)
{
    const char *p = ps->p;
    while (p < ps->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    ps->p = p;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Four hex digits at p (p + 4 <= end checked by the caller); -1 if not. */
static long hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static char *put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* \uXXXX at p (p[1] == 'u'), with a following low surrogate escape when
 * XXXX is a high one. Returns the end of what was used, NULL on error. */
static const char *decode_u(pstate *ps, const char *p, char **o)
{
    long hi = p + 6 <= ps->end ? hex4(p + 2) : -1;
    if (hi < 0)
        return fail_at(ps, "invalid \\u escape", p), NULL;
    if (hi >= 0xD800 && hi <= 0xDBFF && p + 12 <= ps->end && p[6] == '\\' && p[7] == 'u') {
        long lo = hex4(p + 8);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            *o = put_utf8(*o, 0x10000 + (((unsigned long)hi - 0xD800) << 10) + ((unsigned long)lo - 0xDC00));
            return p + 12;
        }
    }
    if (hi >= 0xD800 && hi <= 0xDFFF)
        hi = 0xFFFD;   /* lone surrogate: no scalar value to give */
    *o = put_utf8(*o, (unsigned long)hi);
    return p + 6;
}

/* The escape at p (*p == '\\') into *o. Returns the byte after it. */
static const char *decode_escape(pstate *ps, const char *p, char **o)
{
    if (p + 1 >= ps->end)
        return fail_at(ps, "unterminated escape", p), NULL;
    char c;
    switch (p[1]) {
    case '"': c = '"'; break;
    case '\\': c = '\\'; break;
    case '/': c = '/'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': return decode_u(ps, p, o);
    default: return fail_at(ps, "invalid escape", p), NULL;
    }
    *(*o)++ = c;
    return p + 2;
}

/* Copies bytes from p to *o up to the next '"' or '\\' (or end), which it
 * returns. 16-byte blocks are stored whole before being searched: the
 * caller's buffer has room (see unescape_string), and a run costs no call. */
static inline const char *copy_run(const char *p, const char *end, char **o)
{
    char *d = *o;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        _mm_storeu_si128((__m128i *)(void *)d, v);
        int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
        if (m) {
            unsigned k = (unsigned)__builtin_ctz((unsigned)m);
            *o = d + k;
            return p + k;
        }
        p += 16;
        d += 16;
    }
#endif
    while (p < end && *p != '"' && *p != '\\')
        *d++ = *p++;
    *o = d;
    return p;
}

/* The rest of a string whose first escape is at bs: unescaped into scratch.
 * The output never outruns the input (an escape is never shorter than what
 * it stands for), and scratch is as long as the record, so writing a whole
 * 16-byte block at o is safe whenever 16 input bytes remain at p. */
static int unescape_string(pstate *ps, const char *open, const char *bs, nq_str *out)
{
    char *o = ps->out;
    memcpy(o, ps->p, (size_t)(bs - ps->p));
    o += bs - ps->p;
    const char *p = bs;
    for (;;) {
        if (p == ps->end)
            return fail_at(ps, "unterminated string", open);
        if (*p == '"')
            break;
        if (!(p = decode_escape(ps, p, &o)))
            return -1;
        p = copy_run(p, ps->end, &o);
    }
    out->ptr = ps->out;
    out->len = (size_t)(o - ps->out);
    ps->out = o;
    ps->p = p + 1;
    return 0;
}

/* Checks a string's escapes without keeping its value. */
static int skip_string_escapes(pstate *ps, const char *open, const char *p)
{
    char sink[4];
    while (p < ps->end && *p == '\\') {
        char *o = sink;
        if (!(p = decode_escape(ps, p, &o)))
            return -1;
        p = find_special(p, ps->end);
    }
    if (p == ps->end)
        return fail_at(ps, "unterminated string", open);
    ps->p = p + 1;
    return 0;
}

/* A string at ps->p (on its opening quote). With out, its value: in place
 * when it has no escape, else unescaped into scratch. */
static int parse_string(pstate *ps, nq_str *out)
{
    const char *open = ps->p;
    ps->p++;
    const char *p = find_special(ps->p, ps->end);
    if (p < ps->end && *p == '"') {
        if (out) {
            out->ptr = ps->p;
            out->len = (size_t)(p - ps->p);
        }
        ps->p = p + 1;
        return 0;
    }
    if (p == ps->end)
        return fail_at(ps, "unterminated string", open);
    return out ? unescape_string(ps, open, p, out) : skip_string_escapes(ps, open, p);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static const char *skip_digits(const char *p, const char *end)
{
    while (p < end && is_digit(*p))
        p++;
    return p;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int skip_number(pstate *ps)
{
    const char *p = ps->p, *end = ps->end, *start = p;
    if (*p == '-')
        p++;
    if (p < end && *p == '0')
        p++;
    else if (p < end && is_digit(*p))
        p = skip_digits(p, end);
    else
        return fail_at(ps, "invalid number", start);
    if (p < end && *p == '.') {
        if (++p == end || !is_digit(*p))
            return fail_at(ps, "invalid number", start);
        p = skip_digits(p, end);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !is_digit(*p))
            return fail_at(ps, "invalid number", start);
        p = skip_digits(p, end);
    }
    if (p < end && is_digit(*p))
        return fail_at(ps, "invalid number (leading zero)", start);
    ps->p = p;
    return 0;
}

static int skip_literal(pstate *ps, const char *word, size_t n)
{
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail_at(ps, "invalid literal", ps->p);
    ps->p += n;
    return 0;
}

static int parse_value(pstate *ps, jtype *type, nq_str *str);

/* An object or array at ps->p, checked and ignored. */
static int skip_container(pstate *ps, char close)
{
    if (++ps->depth > MAX_DEPTH)
        return fail_at(ps, "nesting deeper than 512 levels", ps->p);
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return 0;
    }
    for (;;) {
        jtype t;
        if (close == '}') {
            if (ps->p == ps->end || *ps->p != '"')
                return fail_at(ps, "expected a string key", ps->p);
            if (parse_string(ps, NULL))
                return -1;
            skip_ws(ps);
            if (ps->p == ps->end || *ps->p != ':')
                return fail_at(ps, "expected ':'", ps->p);
            ps->p++;
            skip_ws(ps);
        }
        if (parse_value(ps, &t, NULL))
            return -1;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            skip_ws(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == close)
            break;
        return fail_at(ps, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'", ps->p);
    }
    ps->p++;
    ps->depth--;
    return 0;
}

/* Any value at ps->p (whitespace skipped by the caller). With str, a string
 * value is returned (other values are only checked). */
static int parse_value(pstate *ps, jtype *type, nq_str *str)
{
    if (ps->p == ps->end)
        return fail_at(ps, "unexpected end of line", ps->p);
    switch (*ps->p) {
    case '"': *type = J_STRING; return parse_string(ps, str);
    case '{': *type = J_OBJECT; return skip_container(ps, '}');
    case '[': *type = J_ARRAY; return skip_container(ps, ']');
    case 't': *type = J_BOOL; return skip_literal(ps, "true", 4);
    case 'f': *type = J_BOOL; return skip_literal(ps, "false", 5);
    case 'n': *type = J_NULL; return skip_literal(ps, "null", 4);
    default:
        if (*ps->p == '-' || is_digit(*ps->p)) {
            *type = J_NUMBER;
            return skip_number(ps);
        }
        return fail_at(ps, "expected a value", ps->p);
    }
}

/* Which of the wanted fields a key names (a bit per field: two fields may
 * share a name). */
static unsigned match_key(nq_str key, const nq_str names[F_COUNT])
{
    unsigned mask = 0;
    for (int i = 0; i < F_COUNT; i++)
        if (names[i].len == key.len && memcmp(names[i].ptr, key.ptr, key.len) == 0)
            mask |= 1u << i;
    return mask;
}

/* One "key": value member of the top-level object. */
static int parse_member(pstate *ps, const nq_str names[F_COUNT], field fields[F_COUNT])
{
    if (ps->p == ps->end || *ps->p != '"')
        return fail_at(ps, "expected a string key", ps->p);
    char *mark = ps->out;
    nq_str key;
    if (parse_string(ps, &key))
        return -1;
    unsigned mask = match_key(key, names);
    ps->out = mark;   /* an unescaped key is not needed any more */
    skip_ws(ps);
    if (ps->p == ps->end || *ps->p != ':')
        return fail_at(ps, "expected ':'", ps->p);
    ps->p++;
    skip_ws(ps);
    field f = {J_ABSENT, {NULL, 0}};
    if (parse_value(ps, &f.type, mask ? &f.str : NULL))
        return -1;
    for (int i = 0; i < F_COUNT; i++)
        if (mask & (1u << i))
            fields[i] = f;   /* a duplicate key overwrites: last wins */
    return 0;
}

static int parse_object(pstate *ps, const nq_str names[F_COUNT], field fields[F_COUNT])
{
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return 0;
    }
    for (;;) {
        if (parse_member(ps, names, fields))
            return -1;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            skip_ws(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return 0;
        }
        return fail_at(ps, "expected ',' or '}'", ps->p);
    }
}

static const char *type_name(jtype t)
{
    switch (t) {
    case J_NUMBER: return "a number";
    case J_BOOL: return "a boolean";
    case J_OBJECT: return "an object";
    case J_ARRAY: return "an array";
    case J_STRING: return "a string";
    case J_NULL: return "null";
    case J_ABSENT: break;
    }
    return "nothing";
}

static void set_msg(char *msg, size_t cap, const char *fmt, ...) NQ_PRINTF(3, 4);

static void set_msg(char *msg, size_t cap, const char *fmt, ...)
{
    if (!msg || cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, cap, fmt, ap);
    va_end(ap);
}

/* A field value shown in a one-line message: at most 60 bytes, cut on a
 * character boundary, control characters, quotes and backslashes escaped. */
static void quote_value(char *dst, size_t cap, nq_str v)
{
    size_t n = v.len, o = 0;
    bool cut = n > 60;
    if (cut) {
        n = 60;
        while (n > 0 && ((unsigned char)v.ptr[n] & 0xC0) == 0x80)
            n--;
    }
    for (size_t i = 0; i < n && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)v.ptr[i];
        if (c < 0x20 || c == 0x7F)
            o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", c);
        else if (c == '"' || c == '\\')
            o += (size_t)snprintf(dst + o, cap - o, "\\%c", c);
        else
            dst[o++] = (char)c;
    }
    if (cut && o + 4 < cap) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

static void field_names(const nq_field_names *fn, nq_str names[F_COUNT])
{
    static const char *const defaults[F_COUNT] = {"id", "date", "source", "title", "text"};
    const char *given[F_COUNT] = {NULL, NULL, NULL, NULL, NULL};
    if (fn) {
        given[F_ID] = fn->id;
        given[F_DATE] = fn->date;
        given[F_SOURCE] = fn->source;
        given[F_TITLE] = fn->title;
        given[F_TEXT] = fn->text;
    }
    for (int i = 0; i < F_COUNT; i++) {
        names[i].ptr = given[i] ? given[i] : defaults[i];
        names[i].len = strlen(names[i].ptr);
    }
}

/* A line that is valid JSON but not an object: says what it is instead. */
static int reject_non_object(pstate *ps, char *msg, size_t cap)
{
    jtype t;
    if (parse_value(ps, &t, NULL))
        return -1;
    skip_ws(ps);
    if (ps->p != ps->end)
        return fail_at(ps, "unexpected characters after the value", ps->p);
    set_msg(msg, cap, "not a JSON object: the line holds %s", type_name(t));
    return 0;
}

/* Syntax only: fills fields. NQ_PARSE_OK or NQ_PARSE_SKIP with a message. */
static nq_parse_result parse_line(pstate *ps, const nq_str names[F_COUNT], field fields[F_COUNT],
                                  char *msg, size_t cap)
{
    skip_ws(ps);
    int rc;
    if (ps->p == ps->end) {
        set_msg(msg, cap, "not JSON: empty line");
        return NQ_PARSE_SKIP;
    }
    if (*ps->p != '{') {
        if (reject_non_object(ps, msg, cap) == 0)
            return NQ_PARSE_SKIP;
        rc = -1;
    } else {
        rc = parse_object(ps, names, fields);
        if (rc == 0) {
            skip_ws(ps);
            if (ps->p != ps->end)
                rc = fail_at(ps, "unexpected characters after the object", ps->p);
        }
    }
    if (rc) {
        set_msg(msg, cap, "not JSON: %s at column %zu", ps->what, (size_t)(ps->where - ps->base) + 1);
        return NQ_PARSE_SKIP;
    }
    return NQ_PARSE_OK;
}

/* Types and presence, once the line is known to be JSON. */
static nq_parse_result check_fields(const nq_str names[F_COUNT], const field fields[F_COUNT],
                                    nq_diag_kind *kind, char *msg, size_t cap)
{
    for (int i = 0; i < F_COUNT; i++) {
        jtype t = fields[i].type;
        if (t != J_ABSENT && t != J_NULL && t != J_STRING) {
            *kind = NQ_DIAG_WRONG_TYPE;
            set_msg(msg, cap, "field \"%s\": expected a string, got %s", names[i].ptr, type_name(t));
            return NQ_PARSE_SKIP;
        }
    }
    if (fields[F_TEXT].type != J_STRING) {
        *kind = NQ_DIAG_NO_TEXT;
        if (fields[F_TEXT].type == J_NULL)
            set_msg(msg, cap, "\"%s\" is null", names[F_TEXT].ptr);
        else
            set_msg(msg, cap, "no \"%s\" field", names[F_TEXT].ptr);
        return NQ_PARSE_SKIP;
    }
    return NQ_PARSE_OK;
}

static nq_str str_or_null(const field *f)
{
    nq_str none = {NULL, 0};
    return f->type == J_STRING ? f->str : none;
}

/* An empty date string is taken as "no date", like null: exports write ""
 * for unknown dates, and one warning per such document would be noise. */
static nq_parse_result set_date(const nq_str *date, nq_doc *doc, nq_diag_kind *kind, char *msg,
                                size_t cap)
{
    doc->date = 0;
    if (!date->ptr || date->len == 0)
        return NQ_PARSE_OK;
    int shaped;
    doc->date = nq_parse_date_ex(date->ptr, date->len, &shaped);
    if (doc->date)
        return NQ_PARSE_OK;
    char shown[256];
    quote_value(shown, sizeof shown, *date);
    *kind = NQ_DIAG_BAD_DATE;
    set_msg(msg, cap, "%s date \"%s\": document kept without a date",
            shaped ? "impossible" : "malformed", shown);
    return NQ_PARSE_OK_WARN;
}

static nq_str id_or_fallback(nq_str id, const char *file_id)
{
    if (!id.ptr && file_id) {
        id.ptr = file_id;
        id.len = strlen(file_id);
    }
    return id;
}

static nq_parse_result parse_json_record(nq_parser *p, const nq_record *rec, const char *file_id,
                                         const nq_field_names *fn, nq_doc *doc,
                                         nq_diag_kind *kind, char *msg, size_t cap)
{
    if (!reserve_scratch(p, rec->len)) {
        set_msg(msg, cap, "out of memory for a %zu-byte line", rec->len);
        return NQ_PARSE_NOMEM;
    }
    nq_str names[F_COUNT];
    field_names(fn, names);
    field fields[F_COUNT];
    memset(fields, 0, sizeof fields);
    const char *data = rec->data ? rec->data : "";
    pstate ps = {data, data, data + rec->len, p->scratch, NULL, NULL, 0};
    nq_parse_result r = parse_line(&ps, names, fields, msg, cap);
    if (r != NQ_PARSE_OK) {
        *kind = NQ_DIAG_NOT_JSON;
        return r;
    }
    r = check_fields(names, fields, kind, msg, cap);
    if (r != NQ_PARSE_OK)
        return r;
    doc->id = id_or_fallback(str_or_null(&fields[F_ID]), file_id);
    doc->source = str_or_null(&fields[F_SOURCE]);
    doc->title = str_or_null(&fields[F_TITLE]);
    doc->text = fields[F_TEXT].str;
    nq_str date = str_or_null(&fields[F_DATE]);
    return set_date(&date, doc, kind, msg, cap);
}

nq_parse_result nq_record_parse(nq_parser *p, const nq_record *rec, const char *file_id,
                                const nq_field_names *names, nq_doc *doc,
                                nq_diag_kind *diag_kind, char *msg, size_t msg_cap)
{
    nq_diag_kind kind_sink;
    if (!diag_kind)
        diag_kind = &kind_sink;
    memset(doc, 0, sizeof *doc);
    set_msg(msg, msg_cap, "%s", "");
    if (rec->kind == NQ_REC_TEXT) {
        nq_str none = {NULL, 0};
        doc->id = id_or_fallback(none, file_id);
        doc->text.ptr = rec->data ? rec->data : "";
        doc->text.len = rec->len;
        return NQ_PARSE_OK;
    }
    return parse_json_record(p, rec, file_id, names, doc, diag_kind, msg, msg_cap);
}
