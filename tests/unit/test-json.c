/*
 * test-json.c: the JSON parser's tape, lookups, decoding, equality,
 * errors with offsets, the depth limit and reuse of one document.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "json.h"

#include "../unit/check.h"

static struct hs_json_doc D;

static int parse(const char *s)
{
	return hs_json_parse(&D, s, strlen(s));
}

/* Parse s and check it fails with code at offset off. */
static int select_agrees(const char *s, size_t n);

static void bad(const char *s, enum hs_json_error code, size_t off,
                const char *msg)
{
	int rc = parse(s);

	CHECK(select_agrees(s, strlen(s)),
	      "selective parses refuse '%s' as hs_json_parse does", s);
	rc = parse(s);

	CHECK(rc == -1 && D.err_code == code && D.err_off == off &&
	          strstr(D.err, msg) && D.n == 0,
	      "reject '%s': %s at %zu (got \"%s\" at %zu)", s, msg, off, D.err,
	      D.err_off);
}

/* Decoded string of node i as a C string in b (reset first). */
static const char *dec(uint32_t i, struct hs_buf *b)
{
	hs_buf_reset(b);
	hs_json_str_decode(&D, i, b);
	return b->data;
}

/* Equality of two texts as whole documents. */
static int eq(const char *a, const char *b)
{
	struct hs_json_doc da, db;
	int r = -1;

	hs_json_doc_init(&da);
	hs_json_doc_init(&db);
	if (!hs_json_parse(&da, a, strlen(a)) &&
	    !hs_json_parse(&db, b, strlen(b)))
		r = hs_json_equal(&da, 0, &db, 0);
	hs_json_doc_release(&da);
	hs_json_doc_release(&db);
	return r;
}

static void test_tape(void)
{
	const char *t = " {\"a\":[1,{\"b\":null}],\"c\":\"x\"} ";
	uint32_t a;

	CHECK(parse(t) == 0 && D.n == 9, "tape of a small object has 9 nodes");
	CHECK(D.nodes[0].type == HS_JSON_OBJECT && D.nodes[0].off == 1 &&
	          D.nodes[0].len == strlen(t) - 2 && D.nodes[0].end == 9 &&
	          D.nodes[0].count == 2 && D.nodes[0].depth == 0,
	      "root object: offset, length through '}', end, count");
	a = hs_json_obj_get(&D, 0, "a", 1);
	CHECK(a == 2 && D.nodes[a].type == HS_JSON_ARRAY &&
	          D.nodes[a].count == 2 && D.nodes[a].end == 7 &&
	          D.nodes[a].depth == 1,
	      "member a is the array at node 2 spanning to 7");
	CHECK(hs_json_arr_at(&D, a, 1) == 4 &&
	          hs_json_arr_at(&D, a, 2) == HS_JSON_NONE,
	      "arr_at walks over subtrees; out of range is NONE");
	CHECK(D.nodes[6].type == HS_JSON_NULL && D.nodes[6].depth == 3,
	      "null at depth 3");
	{
		int keys = 0, elems = 0;

		HS_JSON_FOREACH_MEMBER(&D, 0, k)
		{
			keys += D.nodes[k].type == HS_JSON_STRING;
		}
		HS_JSON_FOREACH_ELEM(&D, a, e)
		{
			elems++;
		}
		CHECK(keys == 2 && elems == 2,
		      "FOREACH macros visit 2 members, 2 elements");
	}
	CHECK(parse("-12.5e+3") == 0 && D.n == 1 &&
	          D.nodes[0].type == HS_JSON_NUMBER &&
	          D.nodes[0].flags ==
	              (HS_JSON_F_NEG | HS_JSON_F_FRAC | HS_JSON_F_EXP) &&
	          D.nodes[0].len == 8,
	      "number flags NEG|FRAC|EXP and literal length");
	CHECK(parse("[\"\\n\", \"caf\xc3\xa9\", \"plain\"]") == 0 &&
	          D.nodes[1].flags == HS_JSON_F_ESCAPED &&
	          D.nodes[2].flags == HS_JSON_F_NONASCII &&
	          D.nodes[3].flags == 0,
	      "string flags ESCAPED and NONASCII");
	CHECK(parse("[[],{},\"\",0,true,false,null]") == 0 && D.n == 8 &&
	          D.nodes[1].end == 2 && D.nodes[1].count == 0 &&
	          D.nodes[2].len == 2 && D.nodes[5].type == HS_JSON_TRUE &&
	          D.nodes[6].type == HS_JSON_FALSE,
	      "empty containers and literals");
}

static void test_lookup(void)
{
	struct hs_buf b = HS_BUF_INIT;
	const char *t =
	    "{\"detail\":{\"user\":{\"id\":42},\"a/b\":1,\"m~n\":2,"
	    "\"odd key\":[10,20,{\"x\":\"y\"}],\"\":3,\"\\u00e9\":4},"
	    "\"dup\":1,\"dup\":2}";
	uint32_t n;

	CHECK(parse(t) == 0, "parse lookup document");
	n = hs_json_pointer(&D, 0, "/detail/user/id", 15);
	CHECK(n != HS_JSON_NONE && !memcmp(hs_json_raw(&D, n), "42", 2),
	      "pointer /detail/user/id");
	CHECK(hs_json_pointer(&D, 0, "", 0) == 0, "pointer \"\" is the root");
	n = hs_json_pointer(&D, 0, "/detail/a~1b", 12);
	CHECK(n != HS_JSON_NONE && *hs_json_raw(&D, n) == '1',
	      "pointer ~1 is '/'");
	n = hs_json_pointer(&D, 0, "/detail/m~0n", 12);
	CHECK(n != HS_JSON_NONE && *hs_json_raw(&D, n) == '2',
	      "pointer ~0 is '~'");
	CHECK(hs_json_pointer(&D, 0, "/detail/m~2n", 12) == HS_JSON_NONE,
	      "pointer ~2 is invalid");
	n = hs_json_pointer(&D, 0, "/detail/odd key/2/x", 19);
	CHECK(n != HS_JSON_NONE && !strcmp(dec(n, &b), "y"),
	      "pointer through array index");
	CHECK(
	    hs_json_pointer(&D, 0, "/detail/odd key/01", 18) == HS_JSON_NONE &&
	        hs_json_pointer(&D, 0, "/detail/odd key/3", 17) ==
	            HS_JSON_NONE &&
	        hs_json_pointer(&D, 0, "/detail/odd key/-", 17) == HS_JSON_NONE,
	    "pointer: leading zero, out of range and '-' find nothing");
	n = hs_json_pointer(&D, 0, "/detail/", 8);
	CHECK(n != HS_JSON_NONE && *hs_json_raw(&D, n) == '3',
	      "pointer to the empty key");
	n = hs_json_pointer(&D, 0, "/detail/\xc3\xa9", 10);
	CHECK(n != HS_JSON_NONE && *hs_json_raw(&D, n) == '4',
	      "pointer matches an escaped key by decoded value");
	CHECK(hs_json_pointer(&D, 0, "detail", 6) == HS_JSON_NONE,
	      "pointer without leading '/' finds nothing");
	n = hs_json_obj_get(&D, 0, "dup", 3);
	CHECK(n != HS_JSON_NONE && *hs_json_raw(&D, n) == '2',
	      "duplicate keys: last wins");
	CHECK(hs_json_obj_get(&D, 1, "detail", 6) == HS_JSON_NONE,
	      "obj_get on a string node is NONE");

	CHECK(hs_json_path(&D, 0, ".") == 0, "path . is the root");
	n = hs_json_path(&D, 0, ".detail.user.id");
	CHECK(n != HS_JSON_NONE && *hs_json_raw(&D, n) == '4',
	      "path .detail.user.id");
	n = hs_json_path(&D, 0, ".detail[\"odd key\"][1]");
	CHECK(n != HS_JSON_NONE && !memcmp(hs_json_raw(&D, n), "20", 2),
	      "path .detail[\"odd key\"][1]");
	n = hs_json_path(&D, 0, ".detail.\"odd key\"[-1].x");
	CHECK(n != HS_JSON_NONE && !strcmp(dec(n, &b), "y"),
	      "path with quoted name and negative index");
	n = hs_json_path(&D, 0, ".detail[\"\\u00e9\"]");
	CHECK(n != HS_JSON_NONE && *hs_json_raw(&D, n) == '4',
	      "path key with an escape");
	n = hs_json_path(&D, 0, ".[\"detail\"].user");
	CHECK(n != HS_JSON_NONE && D.nodes[n].type == HS_JSON_OBJECT,
	      "path .[\"detail\"]");
	CHECK(hs_json_path(&D, 0, "detail") == HS_JSON_NONE &&
	          hs_json_path(&D, 0, ".detail.") == HS_JSON_NONE &&
	          hs_json_path(&D, 0, ".detail[0]") == HS_JSON_NONE &&
	          hs_json_path(&D, 0, ".detail[x]") == HS_JSON_NONE &&
	          hs_json_path(&D, 0, ".nope.x") == HS_JSON_NONE,
	      "bad or missing paths give NONE");
	hs_buf_release(&b);
}

static void test_decode(void)
{
	struct hs_buf b = HS_BUF_INIT;
	const char *p;
	size_t n;

	CHECK(parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"") == 0 &&
	          !strcmp(dec(0, &b), "a\"b\\c/d\b\f\n\r\t"),
	      "decode the short escapes");
	CHECK(parse("\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"") == 0 &&
	          !strcmp(dec(0, &b), "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
	      "decode \\u escapes to UTF-8, surrogate pair to U+1F600");
	CHECK(parse("\"a\\u0000b\"") == 0 && dec(0, &b) && b.len == 3 &&
	          b.data[1] == '\0',
	      "\\u0000 decodes to a NUL byte, length kept");
	CHECK(hs_json_str_eq(&D, 0, "a\0b", 3) &&
	          !hs_json_str_eq(&D, 0, "a", 1),
	      "str_eq with an embedded NUL");
	CHECK(parse("\"x\\ty\"") == 0 && !hs_json_str_plain(&D, 0, &p, &n) &&
	          hs_json_str_eq(&D, 0, "x\ty", 3) &&
	          !hs_json_str_eq(&D, 0, "x\\ty", 4),
	      "escaped string: not plain, str_eq by decoded value");
	CHECK(parse("\"caf\xc3\xa9\"") == 0 &&
	          hs_json_str_plain(&D, 0, &p, &n) && n == 5 &&
	          !memcmp(p, "caf\xc3\xa9", 5),
	      "plain string content between the quotes");
	hs_buf_reset(&b);
	hs_buf_adds(&b, "keep:");
	parse("\"\\n\"");
	hs_json_str_decode(&D, 0, &b);
	CHECK(!strcmp(b.data, "keep:\n"), "decode appends to the buffer");
	hs_buf_release(&b);
}

static void test_equal(void)
{
	CHECK(eq("1", "1.0") == 1 && eq("1", "10e-1") == 1 &&
	          eq("-0", "0") == 1,
	      "numbers equal by value: 1, 1.0, 10e-1; -0 and 0");
	CHECK(eq("12345678901234567890", "12345678901234567891") == 0,
	      "20-digit numbers differ");
	CHECK(eq("{\"a\":1,\"b\":[1,2]}", "{\"b\":[1,2.0],\"a\":1}") == 1,
	      "objects regardless of member order");
	CHECK(eq("[1,2]", "[2,1]") == 0 && eq("[1]", "[1,1]") == 0,
	      "arrays by position and length");
	CHECK(eq("\"\\u00e9\"", "\"\xc3\xa9\"") == 1 &&
	          eq("\"a\"", "\"b\"") == 0,
	      "strings by decoded value");
	CHECK(eq("{\"\\u0061\":1}", "{\"a\":1}") == 1, "keys by decoded value");
	CHECK(eq("{\"a\":1}", "{\"a\":1,\"b\":2}") == 0 &&
	          eq("{\"a\":1,\"b\":2}", "{\"a\":1,\"c\":2}") == 0,
	      "different key sets differ");
	CHECK(eq("{\"a\":1,\"a\":2}", "{\"a\":2}") == 1 &&
	          eq("{\"a\":1,\"a\":2}", "{\"a\":1}") == 0,
	      "duplicate keys: last wins, as jq");
	CHECK(eq("null", "false") == 0 && eq("true", "true") == 1 &&
	          eq("[]", "{}") == 0 && eq("[[[[1]]]]", "[[[[1.0]]]]") == 1,
	      "types and nesting");
	{
		/* Wider than the on-stack work list. */
		struct hs_buf a = HS_BUF_INIT, c = HS_BUF_INIT;

		hs_buf_addc(&a, '[');
		hs_buf_addc(&c, '[');
		for (int i = 0; i < 300; i++) {
			hs_buf_addf(&a, "%s{\"k%d\":[%d]}", i ? "," : "", i, i);
			hs_buf_addf(&c, "%s{\"k%d\":[%d.0]}", i ? "," : "", i,
			            i);
		}
		hs_buf_addc(&a, ']');
		hs_buf_addc(&c, ']');
		CHECK(eq(a.data, c.data) == 1, "equal over 300 elements");
		c.data[c.len - 4] = '1'; /* 299.0 -> 299.1 */
		CHECK(eq(a.data, c.data) == 0, "last element differs");
		hs_buf_release(&a);
		hs_buf_release(&c);
	}
	{
		/* Large objects take the sorted path: order, escapes and
		 * duplicates must behave as on small ones. */
		struct hs_buf a = HS_BUF_INIT, c = HS_BUF_INIT;
		int n = 100000;

		hs_buf_addc(&a, '{');
		hs_buf_addc(&c, '{');
		for (int i = 0; i < n; i++) {
			hs_buf_addf(&a, "%s\"k%d\":%d", i ? "," : "", i, i);
			hs_buf_addf(&c, "%s\"\\u006b%d\":%d.0", i ? "," : "",
			            n - 1 - i, n - 1 - i);
		}
		hs_buf_adds(&a, ",\"k7\":\"dup\"}");
		hs_buf_adds(&c, "}");
		CHECK(eq(a.data, c.data) == 0,
		      "100000 members: a duplicate key overriding a value "
		      "differs");
		c.data[c.len - 1] = ',';
		hs_buf_adds(&c, "\"k7\":\"dup\"}");
		CHECK(eq(a.data, c.data) == 1,
		      "100000 members reversed, escaped keys, 1 vs 1.0, same "
		      "duplicate: equal");
		c.data[7] = 'c'; /* "\u006b99999" -> "\u006c99999": l99999 */
		CHECK(eq(a.data, c.data) == 0,
		      "100000 members, one key differs");
		hs_buf_release(&a);
		hs_buf_release(&c);
	}
	CHECK(eq("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,"
	         "\"h\":8,\"i\":9,"
	         "\"j\":10,\"k\":11,\"l\":12,\"m\":13,\"n\":14,\"o\":15,\"p\":"
	         "16,\"q\":17}",
	         "{\"q\":17,\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,"
	         "\"g\":7,\"h\":8,\"i\":9,"
	         "\"j\":10,\"k\":11,\"l\":12,\"m\":13,\"n\":14,\"o\":15,\"p\":"
	         "16}") == 1,
	      "17 members (sorted path) vs rotated order");
	CHECK(parse("{\"x\":[1,{\"y\":\"z\"}]}") == 0 &&
	          hs_json_equal(&D, 0, &D, 0) && hs_json_equal(&D, 2, &D, 2) &&
	          !hs_json_equal(&D, 2, &D, 0),
	      "equal within one document, on subtrees");
}

static void test_errors(void)
{
	bad("", HS_JSON_E_SYNTAX, 0, "expected a value");
	bad("   ", HS_JSON_E_SYNTAX, 3, "end of input");
	bad("{\"a\":1 \"b\":2}", HS_JSON_E_SYNTAX, 7,
	    "expected ',' or '}' after object member");
	bad("[1 2]", HS_JSON_E_SYNTAX, 3,
	    "expected ',' or ']' after array element");
	bad("{\"a\" 1}", HS_JSON_E_SYNTAX, 5, "expected ':' after object key");
	bad("{1:2}", HS_JSON_E_SYNTAX, 1, "begin an object key");
	bad("[1,]", HS_JSON_E_SYNTAX, 3, "expected a value");
	bad("[\"a\xc0\x80\"]", HS_JSON_E_UTF8, 3,
	    "invalid UTF-8 byte 0xC0 in string");
	bad("\"\xed\xa0\x80\"", HS_JSON_E_UTF8, 1, "invalid UTF-8 byte 0xED");
	bad("\"\xf4\x90\x80\x80\"", HS_JSON_E_UTF8, 1,
	    "invalid UTF-8 byte 0xF4");
	bad("\"\xe9t\xe9\"", HS_JSON_E_UTF8, 1, "invalid UTF-8 byte 0xE9");
	bad("\"\\ud800\"", HS_JSON_E_UTF8, 1, "unpaired surrogate");
	bad("\"\\udc00\\ud800\"", HS_JSON_E_UTF8, 1, "unpaired surrogate");
	bad("\"\\ud800\\u0041\"", HS_JSON_E_UTF8, 1, "unpaired surrogate");
	bad("\"\\x\"", HS_JSON_E_SYNTAX, 1, "invalid escape '\\x'");
	bad("\"\\u12G4\"", HS_JSON_E_SYNTAX, 1, "hex digits");
	bad("\"a\tb\"", HS_JSON_E_SYNTAX, 2, "control character 0x09");
	bad("\"abc", HS_JSON_E_SYNTAX, 0, "unterminated string");
	bad("012", HS_JSON_E_SYNTAX, 0, "leading zero");
	bad("-", HS_JSON_E_SYNTAX, 1, "expected digit after '-'");
	bad("1.", HS_JSON_E_SYNTAX, 2, "expected digit after '.'");
	bad("1e+", HS_JSON_E_SYNTAX, 3, "exponent");
	bad("tru", HS_JSON_E_SYNTAX, 0, "expected 'true'");
	bad("nul", HS_JSON_E_SYNTAX, 0, "expected 'null'");
	bad("{} x", HS_JSON_E_SYNTAX, 3, "end of input after the value");
	bad("\xef\xbb\xbf{}", HS_JSON_E_SYNTAX, 0, "byte order mark");
	bad("[1]\x0b", HS_JSON_E_SYNTAX, 3, "byte 0x0B");
	CHECK(
	    !strcmp(hs_json_error_reason(HS_JSON_E_SYNTAX), "invalid_json") &&
	        !strcmp(hs_json_error_reason(HS_JSON_E_UTF8), "invalid_utf8") &&
	        !strcmp(hs_json_error_reason(HS_JSON_E_DEPTH), "too_deep") &&
	        !strcmp(hs_json_error_reason(HS_JSON_E_TOOBIG), "too_large"),
	    "error reasons for dead letters");
	{
		/* Not NUL-terminated: the parser must stop at len. */
		char t[4] = {'[', '1', ']', '9'};

		CHECK(hs_json_parse(&D, t, 3) == 0 && D.n == 2,
		      "parse stops at len");
		CHECK(hs_json_parse(&D, t, 2) == -1, "truncated at len fails");
	}
}

static void test_depth(void)
{
	size_t deep = 100000;
	char *t = malloc(2 * deep + 1);

	for (size_t i = 0; i < deep; i++) {
		t[i] = '[';
		t[2 * deep - 1 - i] = ']';
	}
	CHECK(hs_json_parse(&D, t + deep - 512, 1024) == 0 && D.n == 512,
	      "512 nested arrays parse with the default limit");
	CHECK(hs_json_parse(&D, t + deep - 513, 2 * 513) == -1 &&
	          D.err_code == HS_JSON_E_DEPTH && D.err_off == 512 &&
	          !strcmp(D.err, "nesting deeper than 512 levels"),
	      "513 levels: too deep at offset 512 (\"%s\")", D.err);
	D.max_depth = 3;
	CHECK(parse("[{\"a\":[1]}]") == 0 && parse("[{\"a\":[[1]]}]") == -1 &&
	          D.err_code == HS_JSON_E_DEPTH,
	      "max_depth 3 allows 3 levels, not 4");
	D.max_depth = 0;
	CHECK(parse("7") == 0 && parse("[]") == -1,
	      "max_depth 0 allows only scalars");
	D.max_depth = 200000;
	CHECK(hs_json_parse(&D, t, 2 * deep) == -1 &&
	          D.err_code == HS_JSON_E_DEPTH && D.err_off == 65535,
	      "100000 levels stop at the 65535 cap, without recursion");
	D.max_depth = 65535;
	CHECK(hs_json_parse(&D, t + deep - 65535, 2 * 65535) == 0 &&
	          D.n == 65535 && D.nodes[65534].depth == 65534 &&
	          D.nodes[0].end == 65535,
	      "65535 levels parse, innermost at depth 65534");
	CHECK(hs_json_equal(&D, 0, &D, 0) == 1,
	      "equal on 65535 levels without recursion");
	D.max_depth = HS_JSON_MAX_DEPTH;
	t[2 * deep - 1] = '}';
	CHECK(hs_json_parse(&D, t, 2 * deep) == -1 &&
	          D.err_code == HS_JSON_E_DEPTH,
	      "100000 open brackets: depth error first");
	free(t);
}

static void test_reuse(void)
{
	struct hs_json_doc d;
	struct hs_json_node *first;
	uint32_t cap;

	hs_json_doc_init(&d);
	CHECK(d.max_depth == HS_JSON_MAX_DEPTH && d.n == 0,
	      "init sets the default depth");
	CHECK(hs_json_parse(&d, "[1,2,3,4,5,6,7,8,9]", 19) == 0 && d.n == 10,
	      "first parse");
	first = d.nodes;
	cap = d.cap;
	CHECK(hs_json_parse(&d, "{\"a\":\"b\"}", 9) == 0 && d.n == 3 &&
	          d.nodes == first && d.cap == cap &&
	          hs_json_obj_get(&d, 0, "a", 1) == 2,
	      "second parse reuses the node array");
	CHECK(hs_json_parse(&d, "[1,", 3) == -1 && d.n == 0 && d.nodes == first,
	      "failed parse leaves no nodes");
	CHECK(hs_json_parse(&d, "true", 4) == 0 && d.n == 1 &&
	          d.err_code == HS_JSON_OK && d.err[0] == '\0',
	      "parse after a failure clears the error");
	hs_json_doc_release(&d);
	CHECK(d.nodes == NULL && d.cap == 0, "release frees the nodes");
	hs_json_doc_release(&d);
}

static void test_numbers(void)
{
	int64_t v = 0;

	CHECK(parse("[1.5e3, 9223372036854775807, -9223372036854775808,"
	            " 9223372036854775808, 1.0, 1e2, 1.5, -0, 1e19, 12e-1]") ==
	          0,
	      "parse number array");
	CHECK(hs_json_num(&D, 1) == 1500.0, "hs_json_num 1.5e3");
	CHECK(hs_json_int64(&D, 2, &v) == 0 && v == INT64_MAX, "int64 max");
	CHECK(hs_json_int64(&D, 3, &v) == 0 && v == INT64_MIN, "int64 min");
	CHECK(hs_json_int64(&D, 4, &v) == -1, "int64 max + 1 is out of range");
	CHECK(hs_json_int64(&D, 5, &v) == 0 && v == 1 &&
	          hs_json_int64(&D, 6, &v) == 0 && v == 100,
	      "1.0 and 1e2 are integers");
	CHECK(hs_json_int64(&D, 7, &v) == -1 &&
	          hs_json_int64(&D, 9, &v) == -1 &&
	          hs_json_int64(&D, 10, &v) == -1,
	      "1.5, 1e19 and 12e-1 are not int64");
	CHECK(hs_json_int64(&D, 8, &v) == 0 && v == 0, "-0 is 0");
}

static void test_write_utf8(void)
{
	struct hs_buf b = HS_BUF_INIT;
	size_t off = 99;

	hs_json_write_str(&b, "a\"b\\c\n\t\x01\x1f\x7f\xc3\xa9/", 13);
	CHECK(!strcmp(b.data,
	              "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\\u007f\xc3\xa9/\""),
	      "write_str escapes quotes, controls and DEL, keeps UTF-8 (%s)",
	      b.data);
	CHECK(parse(b.data) == 0 &&
	          hs_json_str_eq(&D, 0, "a\"b\\c\n\t\x01\x1f\x7f\xc3\xa9/", 13),
	      "write_str output parses back to the same string");
	hs_buf_reset(&b);
	hs_json_write_str(&b, "x\0y", 3);
	CHECK(b.len == 10 && !memcmp(b.data, "\"x\\u0000y\"", 10),
	      "NUL byte escaped");

	CHECK(hs_utf8_valid("", 0, NULL) &&
	          hs_utf8_valid("abc\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 12,
	                        NULL),
	      "utf8_valid on ASCII, 2-, 3- and 4-byte sequences");
	CHECK(!hs_utf8_valid("ab\xc0\x80", 4, &off) && off == 2,
	      "overlong C0 80 at 2");
	off = 99;
	CHECK(!hs_utf8_valid("\xed\xa0\x80", 3, &off) && off == 0,
	      "UTF-8 surrogate ED A0 80");
	CHECK(!hs_utf8_valid("\xe0\x80\xaf", 3, NULL) &&
	          !hs_utf8_valid("\xf0\x80\x80\xaf", 4, NULL),
	      "overlong 3- and 4-byte forms");
	CHECK(!hs_utf8_valid("\xf4\x90\x80\x80", 4, NULL) &&
	          !hs_utf8_valid("\xf5\x80\x80\x80", 4, NULL),
	      "past U+10FFFF");
	CHECK(!hs_utf8_valid("a\xe2\x82", 3, &off) && off == 1,
	      "truncated sequence at 1");
	CHECK(!hs_utf8_valid("\x80", 1, NULL) &&
	          !hs_utf8_valid("\xff", 1, NULL),
	      "lone continuation byte, 0xFF");
	CHECK(hs_utf8_valid("\xf4\x8f\xbf\xbf\xef\xbf\xbf", 7, NULL),
	      "U+10FFFF and U+FFFF are valid");
	hs_buf_release(&b);
}

static void test_long_strings(void)
{
	/* Exercise the 16-byte scanner around every special byte position. */
	char t[80];
	int okc = 0, errs = 0;

	for (int pos = 1; pos < 70; pos++) {
		memset(t, 'a', sizeof(t));
		t[0] = '"';
		t[pos] = '"';
		if (hs_json_parse(&D, t, (size_t)pos + 1) == 0 &&
		    D.nodes[0].len == (uint32_t)pos + 1)
			okc++;
		t[pos] = '\x01';
		t[75] = '"';
		if (hs_json_parse(&D, t, 76) == -1 && D.err_off == (size_t)pos)
			errs++;
	}
	CHECK(okc == 69 && errs == 69,
	      "closing quote and control byte found at every offset (%d, %d)",
	      okc, errs);
}

/* ---- hs_json_parse_select() ---- */

/* Selectors: nothing, everything, members whose name starts with 'a'
 * (state 1 for them, so an 'a' member's own members are all kept). */
static uint32_t none_member(void *c, uint32_t st, const char *k, size_t n)
{
	return HS_JSON_NONE;
}
static int none_leaf(void *c, uint32_t st)
{
	return 1;
}
static uint32_t all_member(void *c, uint32_t st, const char *k, size_t n)
{
	return 0;
}
static int all_leaf(void *c, uint32_t st)
{
	return 0;
}
static uint32_t a_member(void *c, uint32_t st, const char *k, size_t n)
{
	return st == 1 ? 2 : n && k[0] == 'a' ? 1 : HS_JSON_NONE;
}
static int a_leaf(void *c, uint32_t st)
{
	return st == 2;
}
static const struct hs_json_select SEL_NONE = {none_member, none_leaf, NULL},
                                   SEL_ALL = {all_member, all_leaf, NULL},
                                   SEL_A = {a_member, a_leaf, NULL};

/*
 * 1 if the three selective parses of s accept it exactly when
 * hs_json_parse() does, refuse it with the same code, offset and message,
 * and the select-everything tape equals the full tape node for node.
 */
static int select_agrees(const char *s, size_t n)
{
	const struct hs_json_select *sels[] = {&SEL_NONE, &SEL_ALL, &SEL_A};
	struct hs_json_doc full, sd;
	int ok = 1, rc;

	hs_json_doc_init(&full);
	hs_json_doc_init(&sd);
	rc = hs_json_parse(&full, s, n);
	for (int i = 0; i < 3 && ok; i++) {
		int r = hs_json_parse_select(&sd, s, n, sels[i]);

		if (r != rc)
			ok = 0;
		else if (rc)
			ok = sd.err_code == full.err_code &&
			     sd.err_off == full.err_off &&
			     !strcmp(sd.err, full.err) && sd.n == 0;
		else if (sels[i] == &SEL_ALL)
			ok = sd.n == full.n &&
			     !memcmp(sd.nodes, full.nodes,
			             full.n * sizeof *full.nodes);
	}
	hs_json_doc_release(&full);
	hs_json_doc_release(&sd);
	return ok;
}

static void test_select(void)
{
	const char *t = "{\"b\":{\"a\":1},\"a\\u0062\":[1,{\"x\":[2]},\"s\"],"
	                "\"c\":[{\"a\":0}],\"a\":{\"q\":{\"r\":[true]}},"
	                "\"az\":null}";
	static const char *const good[] = {
	    "{}",
	    "[]",
	    "1",
	    "\"x\"",
	    "null",
	    " {\"a\" : [ ] } ",
	    "{\"a\":{\"b\":{\"c\":[[[{}]]]}},\"z\":[{\"a\":{}}]}",
	    "[{\"a\":1},{\"b\":2}]",
	    "{\"\\u0061\":-1.5e3,\"b\":\"\\u00e9\"}"};
	static const char *const badt[] = {"{\"b\":[1,2}",
	                                   "{\"b\":{\"x\" 1}}",
	                                   "{\"b\":tru}",
	                                   "{\"b\":01}",
	                                   "{\"b\":\"\\ud800\"}",
	                                   "{\"b\":[\"\xc0\x80\"]}",
	                                   "{\"b\":1,}",
	                                   "{\"a\":1,\"b\":{}} x",
	                                   "{\"b\":{\"c\":[1,]}}",
	                                   "{\"b\":-}",
	                                   "{\"a\":{\"q\":{\"r\":[tx]}}}",
	                                   "{\"b\":{\"x\":1,\"y\"}}",
	                                   "{\"b\":[1 2]}",
	                                   "{\"b\":\"\x01\"}",
	                                   "{\"b\":nul}",
	                                   "{\"b\"",
	                                   "{\"b\":",
	                                   "{\"b\":[",
	                                   "{\"b\":{",
	                                   "{\"b\":{\"",
	                                   "{\"a\":[",
	                                   "{\"b\":[{\"c\":1},]}"};
	uint32_t v, ab;
	struct hs_json_doc d;
	struct hs_buf b = HS_BUF_INIT;
	unsigned agree = 0;

	hs_json_doc_init(&d);
	CHECK(hs_json_parse_select(&d, t, strlen(t), &SEL_A) == 0 &&
	          d.nodes[0].count == 3,
	      "selected: the root keeps only the 3 members starting with 'a' "
	      "(%u)",
	      d.nodes[0].count);
	ab = hs_json_obj_get(&d, 0, "ab", 2);
	CHECK(ab != HS_JSON_NONE && hs_json_type(&d, ab) == HS_JSON_ARRAY &&
	          d.nodes[ab].count == 3,
	      "an escaped key is decoded for the selector, arrays keep every "
	      "element");
	v = hs_json_arr_at(&d, ab, 1);
	CHECK(v != HS_JSON_NONE && hs_json_type(&d, v) == HS_JSON_OBJECT &&
	          hs_json_obj_get(&d, v, "x", 1) != HS_JSON_NONE,
	      "objects in a kept array are selected in the array's state");
	CHECK(hs_json_obj_get(&d, 0, "b", 1) == HS_JSON_NONE &&
	          hs_json_obj_get(&d, 0, "c", 1) == HS_JSON_NONE,
	      "unselected members leave no nodes");
	v = hs_json_pointer(&d, 0, "/a/q", 4);
	CHECK(v != HS_JSON_NONE && hs_json_type(&d, v) == HS_JSON_OBJECT &&
	          d.nodes[v].count == 0 && d.nodes[v].end == v + 1 &&
	          d.nodes[v].len == strlen("{\"r\":[true]}") &&
	          d.nodes[v].depth == 2,
	      "an object in a leaf state is one childless node with its "
	      "full text");
	v = hs_json_obj_get(&d, 0, "az", 2);
	CHECK(v != HS_JSON_NONE && hs_json_type(&d, v) == HS_JSON_NULL &&
	          d.nodes[v].depth == 1,
	      "the last member is kept after skipped ones");
	CHECK(hs_json_parse_select(&d, t, strlen(t), &SEL_NONE) == 0 &&
	          d.n == 1 && d.nodes[0].len == strlen(t),
	      "select nothing: one node");
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		agree += (unsigned)select_agrees(good[i], strlen(good[i]));
	for (size_t i = 0; i < sizeof badt / sizeof badt[0]; i++)
		agree += (unsigned)select_agrees(badt[i], strlen(badt[i]));
	CHECK(agree ==
	          sizeof good / sizeof good[0] + sizeof badt / sizeof badt[0],
	      "selective and full parses agree on %u texts", agree);
	{
		/* depth: a skipped subtree deeper than max_depth */
		char deep[300];
		int k = snprintf(deep, sizeof deep, "{\"b\":");

		for (int i = 0; i < 100; i++)
			deep[k++] = '[';
		for (int i = 0; i < 100; i++)
			deep[k++] = ']';
		deep[k++] = '}';
		deep[k] = '\0';
		d.max_depth = D.max_depth = 50;
		CHECK(
		    hs_json_parse_select(&d, deep, (size_t)k, &SEL_A) == -1 &&
		        d.err_code == HS_JSON_E_DEPTH &&
		        hs_json_parse(&D, deep, (size_t)k) == -1 &&
		        d.err_off == D.err_off,
		    "a skipped subtree past max_depth is too_deep at the same "
		    "byte");
		d.max_depth = D.max_depth = HS_JSON_MAX_DEPTH;
	}
	hs_buf_release(&b);
	hs_json_doc_release(&d);
}

/*
 * JSONTestSuite (../shared, when present): every file is accepted or
 * refused by the selective parses exactly as by hs_json_parse().
 */
static void test_select_suite(void)
{
	const char *shared = getenv("HS_SHARED");
	char dir[4096], path[4096 + 256];
	struct dirent *de;
	DIR *dp;
	unsigned n = 0, agree = 0;

	if (!shared || !*shared) {
		CHECK(1, "# SKIP no ../shared for the selective suite run");
		return;
	}
	snprintf(dir, sizeof dir, "%s/conformance/json-test-suite/test_parsing",
	         shared);
	dp = opendir(dir);
	if (!dp) {
		CHECK(1, "# SKIP no %s", dir);
		return;
	}
	while ((de = readdir(dp))) {
		FILE *f;
		struct hs_buf b = HS_BUF_INIT;
		char chunk[4096];
		size_t got;

		if (de->d_name[0] == '.' || !strstr(de->d_name, ".json"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			hs_buf_add(&b, chunk, got);
		fclose(f);
		n++;
		if (select_agrees(b.data ? b.data : "", b.len))
			agree++;
		else
			CHECK(0, "selective parse disagrees on %s", de->d_name);
		hs_buf_release(&b);
	}
	closedir(dp);
	CHECK(n > 300 && agree == n,
	      "selective parses agree with hs_json_parse on %u of %u "
	      "JSONTestSuite files",
	      agree, n);
}

int main(void)
{
	hs_json_doc_init(&D);
	test_tape();
	test_lookup();
	test_decode();
	test_equal();
	test_errors();
	test_depth();
	test_reuse();
	test_numbers();
	test_write_utf8();
	test_long_strings();
	test_select();
	test_select_suite();
	hs_json_doc_release(&D);
	return check_done();
}

#include "banned.h"
