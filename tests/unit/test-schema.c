/*
 * test-schema.c: core behaviours of common/schema (the conformance suite
 * covers the keywords one by one): exact numbers, code-point lengths,
 * the basic output shape, references through the loader, unevaluated
 * properties, compile errors, the regex limit, and common/format.
 */
#include <stdio.h>
#include <string.h>

#include "../unit/check.h"
#include "buf.h"
#include "format.h"
#include "json.h"
#include "regex.h"
#include "schema-int.h"
#include "schema.h"
#include "banned.h"

static int loads;

static int load(void *ctx, const char *uri, struct hs_buf *out, char *errbuf,
                size_t errlen)
{
	(void)ctx;
	loads++;
	if (!strcmp(uri, "https://example.com/pos.json")) {
		hs_buf_adds(out,
		            "{\"type\":\"integer\",\"exclusiveMinimum\":0}");
		return 0;
	}
	snprintf(errbuf, errlen, "not here");
	return -1;
}

/* Validate text against schema: 1 valid, 0 invalid, -1 limit, -2 the
 * schema did not compile.  res gets the output when given. */
static int run(const char *schema, const char *text,
               struct hs_schema_result *res)
{
	struct hs_schema_opts o = {load, NULL, 1, 5};
	struct hs_schema_result own;
	struct hs_json_doc d;
	struct hs_schema *s;
	char eb[256];
	int rc;

	s = hs_schema_new(schema, strlen(schema), "https://example.com/s.json",
	                  &o, eb, sizeof(eb));
	if (!s)
		return -2;
	hs_json_doc_init(&d);
	if (hs_json_parse(&d, text, strlen(text)) < 0) {
		hs_json_doc_release(&d);
		hs_schema_free(s);
		return -3;
	}
	if (!res)
		hs_schema_result_init(&own);
	rc = hs_schema_validate(s, &d, 0, NULL, res ? res : &own);
	if (!res)
		hs_schema_result_release(&own);
	hs_json_doc_release(&d);
	hs_schema_free(s);
	return rc;
}

/* The keyword table is sorted (bsearch needs it) and finds each row. */
static void keyword_table(void)
{
	size_t i, bad = 0;

	for (i = 1; i < hs_schema_nkws; i++)
		if (strcmp(hs_schema_kws[i - 1].name, hs_schema_kws[i].name) >=
		    0) {
			printf("# '%s' is not before '%s'\n",
			       hs_schema_kws[i - 1].name,
			       hs_schema_kws[i].name);
			bad++;
		}
	CHECK(bad == 0, "the keyword table is sorted by name");
	for (i = 0, bad = 0; i < hs_schema_nkws; i++) {
		const char *n = hs_schema_kws[i].name;

		if (hs_schema_kw_find(n, strlen(n)) != &hs_schema_kws[i])
			bad++;
	}
	CHECK(bad == 0, "every keyword is found by name");
	CHECK(!hs_schema_kw_find("max", 3) && !hs_schema_kw_find("not\0x", 5) &&
	          !hs_schema_kw_find("", 0),
	      "a prefix, a name with a NUL, the empty name are no keywords");
}

int main(void)
{
	struct hs_schema_result r;
	char eb[256];
	struct hs_schema *s;

	keyword_table();
	CHECK(run("{\"m\\u0061ximum\":1}", "5", NULL) == 1,
	      "an escaped keyword name is no keyword");
	CHECK(run("{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
	          "\"prefixItems\":[false]}",
	          "[1]", NULL) == 1,
	      "prefixItems is no draft-07 keyword");
	CHECK(run("{\"prefixItems\":[false]}", "[1]", NULL) == 0,
	      "but is a draft 2020-12 one");

	CHECK(run("{\"maximum\":18446744073709551615}", "18446744073709551615",
	          NULL) == 1,
	      "a 20-digit integer at the maximum is valid");
	CHECK(run("{\"maximum\":18446744073709551615}", "18446744073709551616",
	          NULL) == 0,
	      "one more is not (a double cannot tell them apart)");
	CHECK(run("{\"const\":1}", "1.0", NULL) == 1, "1.0 equals const 1");
	CHECK(run("{\"enum\":[{\"a\":[1,2]}]}", "{\"a\":[1,2.00]}", NULL) == 1,
	      "enum compares structures by value");
	CHECK(run("{\"multipleOf\":0.01}", "0.07", NULL) == 1,
	      "0.07 is a multiple of 0.01 (exact decimals)");
	CHECK(run("{\"multipleOf\":0.01}", "0.075", NULL) == 0, "0.075 is not");
	CHECK(run("{\"type\":\"integer\"}", "1e2", NULL) == 1,
	      "1e2 is an integer");
	CHECK(run("{\"maxLength\":2}", "\"\\u00e9\\ud83d\\ude00\"", NULL) == 1,
	      "maxLength counts code points, escaped");
	CHECK(run("{\"minLength\":3}", "\"\xc3\xa9\xc3\xa9\"", NULL) == 0,
	      "minLength counts code points, raw UTF-8");
	CHECK(run("{\"$ref\":\"pos.json\"}", "3", NULL) == 1 && loads == 1,
	      "a relative $ref loads through the callback");
	CHECK(run("{\"$ref\":\"pos.json\"}", "0", NULL) == 0,
	      "and its keywords apply");
	CHECK(run("{\"$ref\":\"missing.json\"}", "0", NULL) == -2,
	      "an unloadable $ref fails compilation");
	CHECK(run("{\"allOf\":[{\"properties\":{\"a\":true}}],"
	          "\"unevaluatedProperties\":false}",
	          "{\"a\":1}", NULL) == 1,
	      "properties seen through allOf are evaluated");
	CHECK(run("{\"allOf\":[{\"properties\":{\"a\":true}}],"
	          "\"unevaluatedProperties\":false}",
	          "{\"a\":1,\"b\":2}", NULL) == 0,
	      "others are not");
	CHECK(run("{\"format\":\"ipv4\"}", "\"1.2.3.999\"", NULL) == 0,
	      "format asserts when asked");

	hs_schema_result_init(&r);
	CHECK(run("{\"properties\":{\"a/b\":{\"type\":\"string\"}}}",
	          "{\"a/b\":1}", &r) == 0,
	      "a wrong type is invalid");
	CHECK(strstr(r.out.data, "\"instanceLocation\":\"/a~1b\"") != NULL,
	      "instanceLocation escapes '/': %s", r.out.data);
	CHECK(strstr(r.out.data,
	             "\"keywordLocation\":\"/properties/a~1b/type\"") != NULL,
	      "keywordLocation");
	CHECK(strstr(r.out.data,
	             "\"absoluteKeywordLocation\":\"https://example.com/"
	             "s.json#/properties/a~1b/type\"") != NULL,
	      "absoluteKeywordLocation");
	CHECK(r.nerrors == 1 &&
	          !strcmp(r.first_kw.data, "/properties/a~1b/type"),
	      "first error kept for messages");
	CHECK(run("{\"items\":{\"type\":\"string\"}}", "[1,2,3,4,5,6,7]", &r) ==
	              0 &&
	          r.nerrors == 7,
	      "all errors counted");
	{
		int n = 0;

		for (const char *p = r.out.data; (p = strstr(p, "\"error\""));
		     p++)
			n++;
		CHECK(n == 5, "but only max_errors kept (%d)", n);
	}
	CHECK(run("{\"pattern\":\"^(a+)+$\"}",
	          "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"", &r) == -1 &&
	          r.limit && !strcmp(r.limit, "regex_limit"),
	      "a catastrophic pattern hits the match limit");
	CHECK(run("{\"$ref\":\"#\"}", "1", &r) == -1 && r.limit &&
	          !strcmp(r.limit, "too_deep"),
	      "endless $ref recursion is cut off");
	hs_schema_result_release(&r);

	s = hs_schema_new("{\"type\":\"whatever\"}", 19, NULL, NULL, eb,
	                  sizeof(eb));
	CHECK(!s && strstr(eb, "unknown type"), "bad type: %s", eb);
	s = hs_schema_new("{\"$schema\":\"https://example.com/x\"}", 35, NULL,
	                  NULL, eb, sizeof(eb));
	CHECK(!s && strstr(eb, "unknown dialect"), "unknown dialect: %s", eb);
	s = hs_schema_new("[1]", 3, NULL, NULL, eb, sizeof(eb));
	CHECK(!s, "an array is not a schema: %s", eb);

	CHECK(hs_format_check("date-time", "2026-02-29T00:00:00Z", 20) == 0,
	      "2026 has no February 29");
	CHECK(hs_format_check("date-time", "2024-02-29T23:59:60Z", 20) == 1,
	      "leap day, leap second");
	CHECK(hs_format_check("ipv6", "::ffff:1.2.3.4", 14) == 1,
	      "ipv6 with an embedded ipv4");
	CHECK(hs_format_check("duration", "P1W2D", 5) == 0,
	      "weeks do not mix with days");
	CHECK(hs_format_check("no-such-format", "x", 1) == -1,
	      "unknown formats are unknown");
	CHECK(hs_regex_valid("\\d+\\p{Letter}", 13) == 1 &&
	          hs_regex_valid("(", 1) == 0,
	      "regex validity");
	return check_done();
}
