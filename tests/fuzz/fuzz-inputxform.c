/*
 * fuzz-inputxform.c: the EventBridge input transformer (inputxform.h).
 * Input: an InputPathsMap, a NUL byte, then an InputTemplate (no NUL:
 * the whole input is the template, with no paths map).  A transformer
 * that compiles is applied to fixed events (a typical EventBridge event,
 * one with escapes, arrays and big numbers, a non-object), with and
 * without a rule name.  When the template is itself well-formed JSON,
 * every placeholder sits inside a string literal, where values go in
 * escaped: the result must then be well-formed JSON too.  Nothing may
 * crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "inputxform.h"
#include "json.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const events[] = {
    "{\"version\":\"0\",\"id\":\"6a7e8feb-b491-4cf7-a9f1-bf3703467718\","
    "\"detail-type\":\"EC2 Instance State-change Notification\","
    "\"source\":\"aws.ec2\",\"account\":\"111122223333\","
    "\"time\":\"2017-12-22T18:43:48Z\",\"region\":\"us-west-1\","
    "\"resources\":[\"arn:aws:ec2:us-west-1:123456789012:instance/"
    "i-1234567890abcdef0\"],\"detail\":{\"instance-id\":"
    "\"i-1234567890abcdef0\",\"state\":\"terminated\"}}",
    "{\"detail\":{\"s\":\"q\\\"uote\\\\ \\u00e9 \\ud83d\\ude00 <x>\","
    "\"n\":123456789012345678901234567890.5e-3,\"a\":[1,[2,{\"b\":null}],"
    "true],\"e\":{},\"z\":[]},\"resources\":[],\"region\":7}",
    "[1,2,3]",
    "\"just a string\"",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	char *map = NULL, *tmpl;
	struct hs_inputxform *x;
	struct hs_json_doc ev, check;
	struct hs_buf out = HS_BUF_INIT;
	char err[256];

	/* Both are C strings for the API: copy and terminate them. */
	if (nul) {
		size_t ml = (size_t)(nul - (const char *)data);

		map = malloc(ml + 1);
		tmpl = malloc(size - ml);
		if (!map || !tmpl)
			abort();
		memcpy(map, data, ml);
		map[ml] = '\0';
		memcpy(tmpl, nul + 1, size - ml - 1);
		tmpl[size - ml - 1] = '\0';
	} else {
		tmpl = malloc(size + 1);
		if (!tmpl)
			abort();
		memcpy(tmpl, data, size);
		tmpl[size] = '\0';
	}
	x = hs_inputxform_compile(map, tmpl, err, sizeof(err));
	if (x) {
		int json_tmpl;

		hs_json_doc_init(&ev);
		hs_json_doc_init(&check);
		json_tmpl = hs_inputxform_is_json(x) &&
		            hs_json_parse(&check, tmpl, strlen(tmpl)) == 0;
		for (size_t i = 0; i < sizeof(events) / sizeof(events[0]);
		     i++) {
			if (hs_json_parse(&ev, events[i], strlen(events[i])) <
			    0)
				abort();
			hs_buf_reset(&out);
			hs_inputxform_apply(x, &ev, i & 1 ? "r\"ule" : NULL,
			                    &out);
			if (json_tmpl &&
			    hs_json_parse(&check, out.data, out.len) < 0)
				__builtin_trap();
		}
		hs_json_doc_release(&check);
		hs_json_doc_release(&ev);
		hs_inputxform_free(x);
	}
	hs_buf_release(&out);
	free(map);
	free(tmpl);
	return 0;
}
