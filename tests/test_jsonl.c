/* nq_record_parse on JSONL records: fields, escapes, bad input, dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reader.h"

typedef struct parsed {
    nq_parse_result res;
    nq_diag_kind kind;
    char msg[256];
    nq_doc doc;
} parsed;

static nq_parser *parser;

static int setup(void **state)
{
    (void)state;
    parser = nq_parser_new();
    return parser ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nq_parser_free(parser);
    return 0;
}

static parsed parse_n(const char *line, size_t len, const nq_field_names *names)
{
    parsed r;
    memset(&r, 0, sizeof r);
    nq_record rec = {NQ_REC_JSON, 0, 1, line, len};
    r.res = nq_record_parse(parser, &rec, "f.jsonl:1", names, &r.doc, &r.kind, r.msg, sizeof r.msg);
    return r;
}

static parsed parse(const char *line)
{
    return parse_n(line, strlen(line), NULL);
}

static void assert_str(nq_str s, const char *want)
{
    assert_non_null(s.ptr);
    assert_int_equal(s.len, strlen(want));
    assert_memory_equal(s.ptr, want, s.len);
}

static void assert_skip(const char *line, nq_diag_kind kind, const char *msg_part)
{
    parsed r = parse(line);
    if (r.res != NQ_PARSE_SKIP || r.kind != kind || !strstr(r.msg, msg_part))
        fail_msg("line %s: got result %d kind %d message \"%s\", want kind %d and \"%s\"", line,
                 r.res, r.kind, r.msg, kind, msg_part);
}

static void assert_text(const char *line, const char *want)
{
    parsed r = parse(line);
    if (r.res != NQ_PARSE_OK)
        fail_msg("line %s: result %d: %s", line, r.res, r.msg);
    assert_str(r.doc.text, want);
}

static void test_all_fields(void **state)
{
    (void)state;
    const char *line = "{\"id\": \"a1\", \"date\": \"2023-05-01\", \"source\": \"Le Monde\", "
                       "\"title\": \"Titre\", \"text\": \"Corps du texte.\"}";
    parsed r = parse(line);
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.id, "a1");
    assert_str(r.doc.source, "Le Monde");
    assert_str(r.doc.title, "Titre");
    assert_str(r.doc.text, "Corps du texte.");
    assert_int_equal(r.doc.date, 20230501);
    /* strings without escapes are not copied */
    assert_true(r.doc.text.ptr > line && r.doc.text.ptr < line + strlen(line));
}

static void test_absent_and_null_fields(void **state)
{
    (void)state;
    parsed r = parse("{\"text\": \"x\"}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.id, "f.jsonl:1");
    assert_null(r.doc.title.ptr);
    assert_null(r.doc.source.ptr);
    assert_int_equal(r.doc.date, 0);

    r = parse("{\"id\": null, \"date\": null, \"source\": null, \"title\": null, \"text\": \"x\"}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.id, "f.jsonl:1");
    assert_null(r.doc.title.ptr);
    assert_int_equal(r.doc.date, 0);

    nq_record rec = {NQ_REC_JSON, 0, 1, "{\"text\":\"x\"}", 12};
    nq_doc doc;
    nq_diag_kind kind;
    assert_int_equal(nq_record_parse(parser, &rec, NULL, NULL, &doc, &kind, NULL, 0), NQ_PARSE_OK);
    assert_null(doc.id.ptr);
}

static void test_empty_text_is_a_document(void **state)
{
    (void)state;
    parsed r = parse("{\"text\": \"\"}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_non_null(r.doc.text.ptr);
    assert_int_equal(r.doc.text.len, 0);
}

static void test_escapes(void **state)
{
    (void)state;
    assert_text("{\"text\": \"a\\nb\\tc\"}", "a\nb\tc");
    assert_text("{\"text\": \"\\\"quoted\\\" \\\\ \\/\"}", "\"quoted\" \\ /");
    assert_text("{\"text\": \"\\b\\f\\r\"}", "\b\f\r");
    assert_text("{\"text\": \"caf\\u00e9 \\u00C9t\\u00e9\"}", "caf\xC3\xA9 \xC3\x89t\xC3\xA9");
    assert_text("{\"text\": \"\\u0041\\u07ff\\u0800\\uffff\"}", "A\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");
    assert_text("{\"text\": \"\\ud83d\\ude00!\"}", "\xF0\x9F\x98\x80!");
    assert_text("{\"text\": \"\\uDBFF\\uDFFF\"}", "\xF4\x8F\xBF\xBF");
}

static void test_lone_surrogates(void **state)
{
    (void)state;
    assert_text("{\"text\": \"a\\ud83db\"}", "a\xEF\xBF\xBD" "b");
    assert_text("{\"text\": \"a\\ude00b\"}", "a\xEF\xBF\xBD" "b");
    assert_text("{\"text\": \"\\ud83d\"}", "\xEF\xBF\xBD");
    /* a high surrogate followed by an escape that is not a low one */
    assert_text("{\"text\": \"\\ud83d\\u0041\"}", "\xEF\xBF\xBD" "A");
    assert_text("{\"text\": \"\\ud83d\\ud83d\\ude00\"}", "\xEF\xBF\xBD\xF0\x9F\x98\x80");
    assert_text("{\"text\": \"\\ud83d\\n\"}", "\xEF\xBF\xBD\n");
}

static void test_nul_escape(void **state)
{
    (void)state;
    parsed r = parse("{\"text\": \"a\\u0000b\"}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_int_equal(r.doc.text.len, 3);
    assert_memory_equal(r.doc.text.ptr, "a\0b", 3);
}

/* Escapes at every position around the 16-byte blocks of the scanner. */
static void test_escape_positions(void **state)
{
    (void)state;
    char line[256], want[128];
    for (int len = 0; len < 70; len++) {
        for (int k = 0; k <= len; k++) {
            int o = snprintf(line, sizeof line, "{\"text\": \"");
            int w = 0;
            for (int i = 0; i < len; i++) {
                if (i == k) {
                    o += snprintf(line + o, sizeof line - (size_t)o, "\\u00e9");
                    want[w++] = '\xC3';
                    want[w++] = '\xA9';
                }
                line[o++] = (char)('a' + i % 26);
                want[w++] = (char)('a' + i % 26);
            }
            if (k == len) {
                o += snprintf(line + o, sizeof line - (size_t)o, "\\\"");
                want[w++] = '"';
            }
            snprintf(line + o, sizeof line - (size_t)o, "\", \"title\": \"t\\\\\"}");
            want[w] = '\0';
            parsed r = parse(line);
            assert_int_equal(r.res, NQ_PARSE_OK);
            assert_str(r.doc.text, want);
            assert_str(r.doc.title, "t\\");
        }
    }
}

static void test_nested_values_are_skipped(void **state)
{
    (void)state;
    parsed r = parse("{\"meta\": {\"a\": [1, {\"b\": \"}\\\"]\"}], \"c\": null, \"d\": {}},"
                     " \"text\": \"x\", \"arr\": [[[]], [], [true, false, null, -1.5e3]],"
                     " \"obj\": {\"text\": \"inner\"}}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.text, "x");
}

static void test_numbers_in_other_fields(void **state)
{
    (void)state;
    const char *ok[] = {"0", "-0", "12", "-12", "1.5", "0.25", "1e5", "1E+5", "1e-05", "-0.0e0",
                        "123456789012345678901234567890"};
    char line[128];
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        snprintf(line, sizeof line, "{\"n\": %s, \"text\": \"x\"}", ok[i]);
        assert_int_equal(parse(line).res, NQ_PARSE_OK);
    }
    const char *bad[] = {"01", "-", "1.", ".5", "1e", "1e+", "+1", "--1", "0x10", "NaN", "Infinity", "1.5.2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(line, sizeof line, "{\"n\": %s, \"text\": \"x\"}", bad[i]);
        assert_skip(line, NQ_DIAG_NOT_JSON, "not JSON");
    }
}

static void test_field_renaming(void **state)
{
    (void)state;
    nq_field_names names = {"doc_id", "published", "outlet", "headline", "body"};
    const char *line = "{\"doc_id\": \"d\", \"published\": \"2020\", \"outlet\": \"o\", "
                       "\"headline\": \"h\", \"body\": \"b\", \"text\": \"ignored\", \"id\": 5}";
    parsed r = parse_n(line, strlen(line), &names);
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.id, "d");
    assert_str(r.doc.source, "o");
    assert_str(r.doc.title, "h");
    assert_str(r.doc.text, "b");
    assert_int_equal(r.doc.date, 20200000);

    line = "{\"text\": \"x\"}";
    r = parse_n(line, strlen(line), &names);
    assert_int_equal(r.res, NQ_PARSE_SKIP);
    assert_int_equal(r.kind, NQ_DIAG_NO_TEXT);
    assert_string_equal(r.msg, "no \"body\" field");

    /* a NULL member keeps its default; two fields may share a key */
    nq_field_names partial = {"src", NULL, "src", NULL, NULL};
    line = "{\"src\": \"s\", \"text\": \"t\"}";
    r = parse_n(line, strlen(line), &partial);
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.id, "s");
    assert_str(r.doc.source, "s");
    assert_str(r.doc.text, "t");
}

static void test_escaped_keys(void **state)
{
    (void)state;
    parsed r = parse("{\"t\\u0065xt\": \"x\\ny\", \"\\u0074itle\": \"T\"}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.text, "x\ny");
    assert_str(r.doc.title, "T");
}

static void test_duplicate_keys_last_wins(void **state)
{
    (void)state;
    parsed r = parse("{\"text\": \"first\\n\", \"title\": \"a\", \"text\": \"second\", \"title\": null}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.text, "second");
    assert_null(r.doc.title.ptr);
    assert_skip("{\"text\": \"x\", \"text\": null}", NQ_DIAG_NO_TEXT, "\"text\" is null");
    /* an earlier value of the wrong type is forgotten too */
    assert_int_equal(parse("{\"title\": 1, \"title\": \"ok\", \"text\": 2, \"text\": \"ok\"}").res,
                     NQ_PARSE_OK);
}

static void test_whitespace(void **state)
{
    (void)state;
    parsed r = parse(" \t{ \"text\" :\t\"x\" , \"id\"\r\n:\"i\" }\t \r");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.text, "x");
    assert_str(r.doc.id, "i");
    assert_int_equal(parse("{}").res, NQ_PARSE_SKIP);
    assert_int_equal(parse("{ }").kind, NQ_DIAG_NO_TEXT);
}

static void test_lenient_strings(void **state)
{
    (void)state;
    /* raw control characters are accepted (press dumps hold raw tabs) */
    assert_text("{\"text\": \"a\tb\x01" "c\rd\"}", "a\tb\x01" "c\rd");
    /* invalid UTF-8 passes through for the tokenizer to replace */
    assert_text("{\"text\": \"a\xFF\xFE\xC3\"}", "a\xFF\xFE\xC3");
    assert_text("{\"text\": \"\xC3\xA9t\xC3\xA9 \\u00e9\xE2\x80\"}", "\xC3\xA9t\xC3\xA9 \xC3\xA9\xE2\x80");
}

static void test_not_json(void **state)
{
    (void)state;
    assert_skip("{\"text\": \"abc", NQ_DIAG_NOT_JSON, "not JSON: unterminated string at column 10");
    assert_skip("{\"text\": \"abc\\\"}", NQ_DIAG_NOT_JSON, "unterminated string at column 10");
    assert_skip("{\"text\": \"abc\\", NQ_DIAG_NOT_JSON, "not JSON: unterminated escape at column 14");
    assert_skip("{\"text\" \"x\"}", NQ_DIAG_NOT_JSON, "not JSON: expected ':' at column 9");
    assert_skip("{\"text\": \"x\",}", NQ_DIAG_NOT_JSON, "expected a string key at column 14");
    assert_skip("{\"text\": \"x\"} x", NQ_DIAG_NOT_JSON,
                "unexpected characters after the object at column 15");
    assert_skip("{\"text\": \"x\"}{}", NQ_DIAG_NOT_JSON, "after the object at column 14");
    assert_skip("{\"text\": \"x\"", NQ_DIAG_NOT_JSON, "expected ',' or '}' at column 13");
    assert_skip("{\"text\": \"\xC3\xA9\" x}", NQ_DIAG_NOT_JSON, "expected ',' or '}' at column 15");
    assert_skip("{\"text\": }", NQ_DIAG_NOT_JSON, "expected a value at column 10");
    assert_skip("{\"text\":", NQ_DIAG_NOT_JSON, "unexpected end of line at column 9");
    assert_skip("{", NQ_DIAG_NOT_JSON, "expected a string key at column 2");
    assert_skip("{'text': 'x'}", NQ_DIAG_NOT_JSON, "expected a string key at column 2");
    assert_skip("{text: \"x\"}", NQ_DIAG_NOT_JSON, "expected a string key");
    assert_skip("{\"text\": tru}", NQ_DIAG_NOT_JSON, "invalid literal at column 10");
    assert_skip("{\"text\": nul}", NQ_DIAG_NOT_JSON, "invalid literal");
    assert_skip("{\"text\": \"\\x\"}", NQ_DIAG_NOT_JSON, "invalid escape at column 11");
    assert_skip("{\"text\": \"\\u12G4\"}", NQ_DIAG_NOT_JSON, "invalid \\u escape at column 11");
    assert_skip("{\"text\": \"\\u12\"}", NQ_DIAG_NOT_JSON, "invalid \\u escape");
    assert_skip("{\"n\": 01, \"text\": \"x\"}", NQ_DIAG_NOT_JSON, "invalid number (leading zero) at column 7");
    assert_skip("{\"a\": [1 2], \"text\": \"x\"}", NQ_DIAG_NOT_JSON, "expected ',' or ']' at column 10");
    assert_skip("{\"a\": {\"b\" 1}, \"text\": \"x\"}", NQ_DIAG_NOT_JSON, "expected ':' at column 12");
    assert_skip("{\"a\": [\"\\q\"], \"text\": \"x\"}", NQ_DIAG_NOT_JSON, "invalid escape at column 9");
    assert_skip("{\"a\": [\"x], \"text\": \"x\"}", NQ_DIAG_NOT_JSON, "at column");
    assert_skip("hello", NQ_DIAG_NOT_JSON, "not JSON: expected a value at column 1");
    assert_skip("", NQ_DIAG_NOT_JSON, "not JSON: empty line");
    assert_skip("   ", NQ_DIAG_NOT_JSON, "not JSON: empty line");
    assert_skip("[1, 2", NQ_DIAG_NOT_JSON, "not JSON: expected ',' or ']' at column 6");
}

static void test_not_an_object(void **state)
{
    (void)state;
    assert_skip("[1, 2]", NQ_DIAG_NOT_JSON, "not a JSON object: the line holds an array");
    assert_skip("\"text\"", NQ_DIAG_NOT_JSON, "not a JSON object: the line holds a string");
    assert_skip(" 42 ", NQ_DIAG_NOT_JSON, "not a JSON object: the line holds a number");
    assert_skip("true", NQ_DIAG_NOT_JSON, "the line holds a boolean");
    assert_skip("null", NQ_DIAG_NOT_JSON, "the line holds null");
    assert_skip("42 x", NQ_DIAG_NOT_JSON, "not JSON: unexpected characters after the value at column 4");
}

static void test_deep_nesting(void **state)
{
    (void)state;
    enum { depth = 600 };
    static char line[2 * depth + 64];
    size_t o = (size_t)sprintf(line, "{\"text\": \"x\", \"a\": ");
    memset(line + o, '[', depth);
    memset(line + o + depth, ']', depth);
    strcpy(line + o + 2 * depth, "}");
    assert_skip(line, NQ_DIAG_NOT_JSON, "nesting deeper than 512 levels");
    /* within the limit */
    o = (size_t)sprintf(line, "{\"text\": \"x\", \"a\": ");
    memset(line + o, '[', 500);
    memset(line + o + 500, ']', 500);
    strcpy(line + o + 1000, "}");
    assert_int_equal(parse(line).res, NQ_PARSE_OK);
}

static void test_no_text(void **state)
{
    (void)state;
    parsed r = parse("{\"id\": \"a\"}");
    assert_int_equal(r.res, NQ_PARSE_SKIP);
    assert_int_equal(r.kind, NQ_DIAG_NO_TEXT);
    assert_string_equal(r.msg, "no \"text\" field");
    r = parse("{\"text\": null}");
    assert_int_equal(r.kind, NQ_DIAG_NO_TEXT);
    assert_string_equal(r.msg, "\"text\" is null");
}

static void test_wrong_types(void **state)
{
    (void)state;
    parsed r = parse("{\"title\": 12, \"text\": \"x\"}");
    assert_int_equal(r.res, NQ_PARSE_SKIP);
    assert_int_equal(r.kind, NQ_DIAG_WRONG_TYPE);
    assert_string_equal(r.msg, "field \"title\": expected a string, got a number");
    assert_skip("{\"text\": [\"a\"]}", NQ_DIAG_WRONG_TYPE, "field \"text\": expected a string, got an array");
    assert_skip("{\"text\": 1}", NQ_DIAG_WRONG_TYPE, "field \"text\": expected a string, got a number");
    assert_skip("{\"date\": true, \"text\": \"x\"}", NQ_DIAG_WRONG_TYPE,
                "field \"date\": expected a string, got a boolean");
    assert_skip("{\"id\": {\"a\": 1}, \"text\": \"x\"}", NQ_DIAG_WRONG_TYPE,
                "field \"id\": expected a string, got an object");
    assert_skip("{\"source\": 0.5, \"text\": \"x\"}", NQ_DIAG_WRONG_TYPE, "field \"source\"");
    /* syntax errors come first */
    assert_skip("{\"title\": 12, \"text\": \"x\"} junk", NQ_DIAG_NOT_JSON, "not JSON");
    nq_field_names names = {NULL, NULL, NULL, "headline", NULL};
    const char *line = "{\"headline\": false, \"text\": \"x\"}";
    r = parse_n(line, strlen(line), &names);
    assert_string_equal(r.msg, "field \"headline\": expected a string, got a boolean");
}

static void assert_bad_date(const char *date_json, const char *msg)
{
    char line[256];
    snprintf(line, sizeof line, "{\"date\": %s, \"text\": \"corps\"}", date_json);
    parsed r = parse(line);
    if (r.res != NQ_PARSE_OK_WARN || r.kind != NQ_DIAG_BAD_DATE || strcmp(r.msg, msg) != 0)
        fail_msg("date %s: result %d kind %d message \"%s\", want \"%s\"", date_json, r.res, r.kind,
                 r.msg, msg);
    assert_int_equal(r.doc.date, 0);
    assert_str(r.doc.text, "corps");
}

static void test_dates(void **state)
{
    (void)state;
    assert_bad_date("\"2023-02-30\"", "impossible date \"2023-02-30\": document kept without a date");
    assert_bad_date("\"2023-13\"", "impossible date \"2023-13\": document kept without a date");
    assert_bad_date("\"0000\"", "impossible date \"0000\": document kept without a date");
    assert_bad_date("\"hier\"", "malformed date \"hier\": document kept without a date");
    assert_bad_date("\"2023/05/01\"", "malformed date \"2023/05/01\": document kept without a date");
    assert_bad_date("\"2023-6\"", "malformed date \"2023-6\": document kept without a date");
    assert_bad_date("\"a\\\"b\\nc\\\\\"", "malformed date \"a\\\"b\\x0ac\\\\\": document kept without a date");
    assert_bad_date("\"0123456789012345678901234567890123456789012345678901234567890123456789\"",
                    "malformed date \"012345678901234567890123456789012345678901234567890123456789...\": "
                    "document kept without a date");

    parsed r = parse("{\"date\": \"2020-02-29T12:00:00Z\", \"text\": \"x\"}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_int_equal(r.doc.date, 20200229);
    r = parse("{\"date\": \"2020\\u002d02\", \"text\": \"x\"}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_int_equal(r.doc.date, 20200200);
    r = parse("{\"date\": \"\", \"text\": \"x\"}");
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_int_equal(r.doc.date, 0);
}

static void test_text_records(void **state)
{
    (void)state;
    const char body[] = "Un article.\n\nDeux paragraphes.";
    nq_record rec = {NQ_REC_TEXT, 3, 0, body, sizeof body - 1};
    nq_doc doc;
    nq_diag_kind kind;
    char msg[64];
    assert_int_equal(nq_record_parse(parser, &rec, "2023/a.txt", NULL, &doc, &kind, msg, sizeof msg),
                     NQ_PARSE_OK);
    assert_str(doc.id, "2023/a.txt");
    assert_true(doc.text.ptr == body);
    assert_int_equal(doc.text.len, sizeof body - 1);
    assert_null(doc.title.ptr);
    assert_null(doc.source.ptr);
    assert_int_equal(doc.date, 0);
    /* not JSON even if it looks like it */
    nq_record rec2 = {NQ_REC_TEXT, 0, 0, "{", 1};
    assert_int_equal(nq_record_parse(parser, &rec2, "x", NULL, &doc, &kind, msg, sizeof msg), NQ_PARSE_OK);
}

static void test_not_nul_terminated(void **state)
{
    (void)state;
    const char *buf = "{\"text\": \"abc\"}XXXX";
    parsed r = parse_n(buf, 15, NULL);
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_str(r.doc.text, "abc");
    r = parse_n(buf, 14, NULL);
    assert_int_equal(r.res, NQ_PARSE_SKIP);
}

/* Scratch grows with the records and the previous document stays intact
 * until the next parse. */
static void test_large_escaped_record(void **state)
{
    (void)state;
    size_t n = 3u << 20;
    char *line = malloc(2 * n + 32);
    assert_non_null(line);
    size_t o = (size_t)sprintf(line, "{\"text\": \"");
    for (size_t i = 0; i < n; i++) {
        line[o++] = '\\';
        line[o++] = i % 7 == 0 ? 'n' : 't';
    }
    strcpy(line + o, "\"}");
    assert_text("{\"text\": \"a\\nb\"}", "a\nb");
    parsed r = parse(line);
    assert_int_equal(r.res, NQ_PARSE_OK);
    assert_int_equal(r.doc.text.len, n);
    assert_int_equal(r.doc.text.ptr[0], '\n');
    assert_int_equal(r.doc.text.ptr[1], '\t');
    assert_int_equal(r.doc.text.ptr[n - 1], (n - 1) % 7 == 0 ? '\n' : '\t');
    free(line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_fields),
        cmocka_unit_test(test_absent_and_null_fields),
        cmocka_unit_test(test_empty_text_is_a_document),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_lone_surrogates),
        cmocka_unit_test(test_nul_escape),
        cmocka_unit_test(test_escape_positions),
        cmocka_unit_test(test_nested_values_are_skipped),
        cmocka_unit_test(test_numbers_in_other_fields),
        cmocka_unit_test(test_field_renaming),
        cmocka_unit_test(test_escaped_keys),
        cmocka_unit_test(test_duplicate_keys_last_wins),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_lenient_strings),
        cmocka_unit_test(test_not_json),
        cmocka_unit_test(test_not_an_object),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_no_text),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_text_records),
        cmocka_unit_test(test_not_nul_terminated),
        cmocka_unit_test(test_large_escaped_record),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
