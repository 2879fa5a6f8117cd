/*
 * test-jqbridge.c: tape -> jv conversion agrees with libjq's own parser,
 * lossy-number detection, the "unchanged" comparison and jq -c's printing.
 * Also times both conversions on EventBridge-shaped events and prints the
 * figures as TAP comments.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "jqbridge.h"
#include "json.h"
#include "../unit/check.h"

static struct hs_buf scratch = HS_BUF_INIT;

static const char *const docs[] = {
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1.5",
    "\"\"",
    "[]",
    "{}",
    "{\"a\":1,\"b\":[1,2,{\"c\":\"d\\n\\u00e9\"}],\"e\":{}}",
    "[[[[[[[[1]]]]]]]]",
    "{\"z\":1,\"a\":2,\"m\":{\"y\":[true,false,null]}}",
    "[0.1,1e300,-2.5e-300,123456789012345,1e22,1e23,4.35,0.000001]",
    "{\"s\":\"\\ud83d\\ude00 \\\" \\\\ \\/ \\b\\f\\r\\t\"}",
    "{\"dup\":1,\"dup\":2}",
    "[1e400,-1e400,1e-400,12345678901234567890,9007199254740993]",
};

static int conv_agrees(const char *text)
{
	struct hs_json_doc d;
	jv a, b;
	int ok;

	hs_json_doc_init(&d);
	if (hs_json_parse(&d, text, strlen(text)) < 0) {
		hs_json_doc_release(&d);
		return 0;
	}
	a = hs_jq_from_doc(&d, 0, &scratch);
	b = jv_parse(text);
	/* Same value and same printed text (key order included). */
	ok = jv_equal(jv_copy(a), jv_copy(b));
	struct hs_buf ta = HS_BUF_INIT, tb = HS_BUF_INIT;
	hs_jq_dump(a, &ta);
	hs_jq_dump(b, &tb);
	ok = ok && strcmp(ta.data, tb.data) == 0;
	hs_buf_release(&ta);
	hs_buf_release(&tb);
	hs_json_doc_release(&d);
	return ok;
}

static void check_num(const char *lit)
{
	double want = strtod(lit, NULL), got = hs_jq_num(lit, strlen(lit));

	CHECK(memcmp(&want, &got, sizeof(want)) == 0,
	      "number %s converts as strtod", lit);
}

static const char *dump_of(const char *text, struct hs_buf *out)
{
	hs_buf_reset(out);
	hs_jq_dump(jv_parse(text), out);
	return out->data;
}

static const char *lossy_at(const char *text, char *buf, size_t n)
{
	struct hs_json_doc d;
	uint32_t k;

	hs_json_doc_init(&d);
	hs_json_parse(&d, text, strlen(text));
	k = hs_jq_lossy(&d, 0);
	if (k == HS_JSON_NONE)
		snprintf(buf, n, "none");
	else
		snprintf(buf, n, "%.*s", (int)d.nodes[k].len,
		         hs_json_raw(&d, k));
	hs_json_doc_release(&d);
	return buf;
}

static int same_as(const char *in, const char *prog_out)
{
	struct hs_json_doc d;
	jv v = jv_parse(prog_out);
	int r;

	hs_json_doc_init(&d);
	hs_json_parse(&d, in, strlen(in));
	r = hs_jq_same(v, &d, 0, &scratch);
	jv_free(v);
	hs_json_doc_release(&d);
	return r;
}

/* Our printer against libjq's jv_dump_string() (what jq -c prints). */
static int dump_agrees(jv v, struct hs_buf *out)
{
	jv s = jv_dump_string(jv_copy(v), 0);
	int ok;

	hs_buf_reset(out);
	hs_jq_dump(v, out);
	ok = strcmp(out->data, jv_string_value(s)) == 0;
	if (!ok)
		printf("# ours %s, libjq %s\n", out->data, jv_string_value(s));
	jv_free(s);
	return ok;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * Doubles of every shape: random bit patterns, every power of two (where
 * the gap below is half the gap above), powers of ten and their
 * neighbours, integers around 2^53, short decimals and subnormals.
 */
static void check_dump_numbers(struct hs_buf *out)
{
	int bad = 0, n = 0;
	double x;

	for (int i = 0; i < 200000; i++, n++) {
		uint64_t u = rng();

		memcpy(&x, &u, sizeof(x));
		bad += !dump_agrees(jv_number(x), out);
	}
	for (int e = -1074; e <= 1023; e++, n += 3) {
		x = ldexp(1.0, e);
		bad += !dump_agrees(jv_number(x), out);
		bad += !dump_agrees(jv_number(nextafter(x, 0)), out);
		bad += !dump_agrees(jv_number(-nextafter(x, INFINITY)), out);
	}
	for (int e = -330; e <= 310; e++, n += 3) {
		char lit[32];

		snprintf(lit, sizeof(lit), "1e%d", e);
		x = strtod(lit, NULL);
		bad += !dump_agrees(jv_number(x), out);
		bad += !dump_agrees(jv_number(nextafter(x, 0)), out);
		bad += !dump_agrees(jv_number(nextafter(x, INFINITY)), out);
	}
	for (int i = 0; i < 100000; i++, n += 2) {
		char lit[48];

		snprintf(lit, sizeof(lit), "%llu.%02llue%d",
		         (unsigned long long)(rng() % 100000000),
		         (unsigned long long)(rng() % 100),
		         (int)(rng() % 50) - 25);
		bad += !dump_agrees(jv_number(strtod(lit, NULL)), out);
		x = (double)(int64_t)(rng() >> (rng() % 64)) *
		    (rng() % 2 ? 1 : -1);
		bad += !dump_agrees(jv_number(x), out);
	}
	bad += !dump_agrees(jv_number(0.0), out);
	bad += !dump_agrees(jv_number(-0.0), out);
	bad += !dump_agrees(jv_number(NAN), out);
	bad += !dump_agrees(jv_number(INFINITY), out);
	bad += !dump_agrees(jv_number(-INFINITY), out);
	bad += !dump_agrees(jv_number(9007199254740992.0), out);
	bad += !dump_agrees(jv_number(9007199254740993.0), out);
	bad += !dump_agrees(jv_number(4.9406564584124654e-324), out);
	CHECK(bad == 0, "%d of %d numbers print as libjq prints them", bad,
	      n + 8);
}

/* Strings with every byte that jq escapes, and multibyte UTF-8. */
static void check_dump_strings(struct hs_buf *out)
{
	int bad = 0;
	char s[128];

	for (int c = 0; c < 128; c++) {
		s[0] = 'a';
		s[1] = (char)c;
		s[2] = 'z';
		bad += !dump_agrees(jv_string_sized(s, 3), out);
	}
	bad +=
	    !dump_agrees(jv_string("\xc3\xa9 / \xe6\x9d\xb1 \xf0\x9f\x98\x80 "
	                           "\xef\xbf\xbf \xe2\x80\xa8"),
	                 out);
	bad += !dump_agrees(jv_string("bad \xff utf8 \xc3"), out);
	bad += !dump_agrees(jv_parse("{\"\\u0000k\":[[],{},[{}],\"\\u001f\","
	                             "{\"a\":{\"b\":[null,true,false]}}]}"),
	                    out);
	CHECK(bad == 0, "strings and containers print as libjq prints them");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bench(void)
{
	const char *ev =
	    "{\"version\":\"0\",\"id\":\"6a7e8feb-b491-4cf7-a9f1-"
	    "bf3703467718\","
	    "\"detail-type\":\"OrderPlaced\",\"source\":\"com.shop.orders\","
	    "\"account\":\"123456789012\",\"time\":\"2024-05-03T12:34:56Z\","
	    "\"region\":\"eu-west-1\",\"resources\":[\"arn:aws:ec2:eu-west-1:1:"
	    "i-1\"],"
	    "\"detail\":{\"orderId\":100001,\"customer\":{\"id\":\"c-1\","
	    "\"name\":\"Zo\\u00eb O'Brien\",\"email\":\"c1@example.com\","
	    "\"tier\":\"gold\",\"address\":{\"street\":\"1 Main St\",\"city\":"
	    "\"Berlin\",\"zip\":\"10115\",\"country\":\"DE\"}},\"items\":[{"
	    "\"sku\":"
	    "\"SKU-1\",\"qty\":2,\"price\":19.99,\"tags\":[\"new\",\"sale\"]},"
	    "{\"sku\":\"SKU-2\",\"qty\":1,\"price\":5.5,\"tags\":[]}],"
	    "\"total\":45.48,"
	    "\"currency\":\"EUR\",\"paid\":true,\"coupon\":null,\"shipping\":"
	    "{\"method\":\"express\",\"eta_days\":2,\"tracking\":"
	    "\"TRK0000000001\"},"
	    "\"metadata\":{\"trace\":\"00f067aa0ba902b7\",\"retries\":0,"
	    "\"flags\":[1,2,3],\"ratio\":-0.125e-3}}}";
	size_t n = strlen(ev);
	struct hs_json_doc d;
	const int rounds = 20000;
	double t0, t1, t2;

	hs_json_doc_init(&d);
	t0 = now();
	for (int i = 0; i < rounds; i++) {
		hs_json_parse(&d, ev, n);
		jv_free(hs_jq_from_doc(&d, 0, &scratch));
	}
	t1 = now();
	for (int i = 0; i < rounds; i++)
		jv_free(jv_parse_sized(ev, (int)n));
	t2 = now();
	hs_json_doc_release(&d);
	printf("# %zu-byte event: hs_json_parse+hs_jq_from_doc %.0f ns, "
	       "jv_parse_sized %.0f ns (%.2fx)\n",
	       n, (t1 - t0) / rounds * 1e9, (t2 - t1) / rounds * 1e9,
	       (t2 - t1) / (t1 - t0));
}

int main(void)
{
	struct hs_buf out = HS_BUF_INIT;
	char buf[64];

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		CHECK(conv_agrees(docs[i]),
		      "tape conversion agrees with jv_parse: %s", docs[i]);

	/* A deep document needs no recursion in the converter. */
	{
		size_t depth = 5000;
		char *deep = malloc(2 * depth + 2);
		struct hs_json_doc d;

		memset(deep, '[', depth);
		memset(deep + depth, ']', depth);
		deep[2 * depth] = '\0';
		hs_json_doc_init(&d);
		d.max_depth = 10000;
		CHECK(hs_json_parse(&d, deep, 2 * depth) == 0,
		      "deep array parses");
		jv v = hs_jq_from_doc(&d, 0, &scratch);
		CHECK(jv_get_kind(v) == JV_KIND_ARRAY, "deep array converts");
		jv_free(v);
		hs_json_doc_release(&d);
		free(deep);
	}

	check_num("0");
	check_num("-0");
	check_num("0.1");
	check_num("123456789012345");
	check_num("1234567890123456");
	check_num("9007199254740993");
	check_num("4.35");
	check_num("1e22");
	check_num("1e23");
	check_num("-2.5E-5");
	check_num("0.000000000000000000000000001");
	check_num("1e400");
	check_num("12345.678e-10");
	check_num("100e-2");

	/* What jq 1.6 -c prints. */
	CHECK(strcmp(dump_of("1.0", &out), "1") == 0, "1.0 prints 1: %s",
	      out.data);
	CHECK(strcmp(dump_of("1e1000", &out), "1.7976931348623157e+308") == 0,
	      "1e1000 prints DBL_MAX: %s", out.data);
	CHECK(strcmp(dump_of("100000000000000000000", &out), "1e+20") == 0,
	      "1e20 prints 1e+20: %s", out.data);
	CHECK(strcmp(dump_of("12345678901234567890", &out),
	             "12345678901234567000") == 0,
	      "64-bit id loses digits: %s", out.data);
	CHECK(strcmp(dump_of("{\"b\":1,\"a\":{\"\\u007f\":0.00001}}", &out),
	             "{\"b\":1,\"a\":{\"\\u007f\":1e-05}}") == 0,
	      "insertion order, escapes, exponent: %s", out.data);
	CHECK(hs_jq_dump(jv_invalid(), &out) == -1,
	      "invalid jv is not printed");

	CHECK(strcmp(lossy_at("{\"a\":1.0,\"b\":[0.1,3.14]}", buf, sizeof(buf)),
	             "none") == 0,
	      "short numbers fit: %s", buf);
	CHECK(strcmp(lossy_at("{\"a\":1,\"b\":{\"id\":12345678901234567890}}",
	                      buf, sizeof(buf)),
	             "12345678901234567890") == 0,
	      "64-bit id is lossy: %s", buf);
	CHECK(strcmp(lossy_at("[1e1000]", buf, sizeof(buf)), "1e1000") == 0,
	      "overflow is lossy: %s", buf);
	CHECK(strcmp(lossy_at("[1e-400]", buf, sizeof(buf)), "1e-400") == 0,
	      "underflow is lossy: %s", buf);
	CHECK(strcmp(lossy_at("[9007199254740992,9007199254740993]", buf,
	                      sizeof(buf)),
	             "9007199254740993") == 0,
	      "2^53+1 is lossy, 2^53 is not: %s", buf);
	CHECK(
	    strcmp(lossy_at("[0.30000000000000004,1e2,1E+2]", buf, sizeof(buf)),
	           "none") == 0,
	    "shortest round-trip literals fit: %s", buf);

	CHECK(same_as("{\"a\": 1.0, \"b\": [1, \"x\"]}",
	              "{\"a\":1,\"b\":[1,\"x\"]}"),
	      "same value, other spelling: unchanged");
	CHECK(!same_as("{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}"),
	      "reordered keys: changed");
	CHECK(!same_as("{\"a\":1}", "{\"a\":2}"), "other number: changed");
	CHECK(!same_as("{\"a\":0}", "{\"a\":-0}"), "-0 against 0: changed");
	CHECK(!same_as("{\"a\":1,\"a\":1}", "{\"a\":1}"),
	      "duplicate keys: changed");
	CHECK(same_as("\"\\u00e9\"", "\"\xc3\xa9\""),
	      "escaped string against plain: unchanged");
	CHECK(!same_as("[1,2]", "[1,2,3]"), "longer array: changed");
	CHECK(!same_as("{\"a\":\"x\"}", "{\"a\":\"y\"}"),
	      "other string: changed");
	CHECK(!same_as("[null]", "[false]"), "null against false: changed");

	{
		jv e = jv_parse("{\"code\":7}");
		hs_buf_reset(&out);
		hs_jq_errmsg(e, &out);
		CHECK(strcmp(out.data, "(not a string): {\"code\":7}") == 0,
		      "non-string error message: %s", out.data);
	}

	check_dump_numbers(&out);
	check_dump_strings(&out);
	{
		/* Deeper than our printer goes: libjq's printer takes over. */
		jv deep = jv_number(1);

		for (int i = 0; i < 600; i++)
			deep = JV_ARRAY(deep);
		CHECK(dump_agrees(deep, &out), "600 nested arrays print");
	}

	bench();
	hs_buf_release(&out);
	hs_buf_release(&scratch);
	return check_done();
}
