/*
 * fuzz-schema.c: hs_schema_new() on arbitrary bytes as a schema, then
 * validation of a fixed set of instances against whatever compiled.  A
 * failed compile must leave a message; validation must return one of the
 * three results, with basic output that is itself valid JSON when the
 * instance is not valid.  The loader serves one remote document so
 * references across documents get exercised too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "schema.h"

#define REQUIRE(c)                                                            \
	do {                                                                  \
		if (!(c)) {                                                   \
			fprintf(stderr, "fuzz-schema: %s:%d: %s\n", __FILE__, \
			        __LINE__, #c);                                \
			abort();                                              \
		}                                                             \
	} while (0)

static const char *const instances[] = {
    "null",
    "true",
    "0",
    "-1.5e3",
    "18446744073709551616",
    "\"\"",
    "\"a\\u00e9\xe2\x9c\x93 aaaaaaaaaaaaaaaaaaaaaaaa!\"",
    "[]",
    "[1,\"a\",[null],{\"a\":1},1.0,1]",
    "{}",
    "{\"a\":1,\"b\":\"x\",\"c\":[1,2],\"d\":{\"e\":null},\"a/b~\":0}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
    "]]]]]]]",
};

static int load(void *ctx, const char *uri, struct hs_buf *out, char *errbuf,
                size_t errlen)
{
	(void)ctx;
	if (!strcmp(uri, "http://x/r.json")) {
		hs_buf_adds(out,
		            "{\"$defs\":{\"a\":{\"$anchor\":\"a\",\"type\":"
		            "\"string\"}},\"items\":{\"$ref\":\"#\"}}");
		return 0;
	}
	snprintf(errbuf, errlen, "no");
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hs_schema_opts o = {load, NULL, (int)(size & 1), 3};
	struct hs_schema_result r;
	struct hs_json_doc d, out;
	struct hs_schema *s;
	char eb[256];

	eb[0] = '\0';
	s = hs_schema_new((const char *)data, size, "http://x/s.json", &o, eb,
	                  sizeof(eb));
	if (!s) {
		REQUIRE(eb[0] != '\0');
		return 0;
	}
	hs_schema_result_init(&r);
	hs_json_doc_init(&d);
	hs_json_doc_init(&out);
	for (size_t i = 0; i < sizeof(instances) / sizeof(instances[0]); i++) {
		int v;

		REQUIRE(hs_json_parse(&d, instances[i], strlen(instances[i])) ==
		        0);
		v = hs_schema_validate(s, &d, 0, "/p", &r);
		REQUIRE(v == HS_SCHEMA_VALID || v == HS_SCHEMA_INVALID ||
		        v == HS_SCHEMA_LIMIT);
		if (v != HS_SCHEMA_VALID)
			REQUIRE(hs_json_parse(&out, r.out.data, r.out.len) ==
			        0);
		if (v == HS_SCHEMA_INVALID)
			REQUIRE(r.nerrors > 0);
	}
	hs_json_doc_release(&out);
	hs_json_doc_release(&d);
	hs_schema_result_release(&r);
	hs_schema_free(s);
	return 0;
}
