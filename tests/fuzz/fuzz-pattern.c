/*
 * fuzz-pattern.c: the pattern compiler and matcher.  Input: a pattern,
 * a newline, then events one a line.  A pattern that compiles is matched
 * against each event that parses, and each match explained; nothing may
 * crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "pattern.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nl, *end = s + size;
	struct hs_pattern *p = hs_pattern_new();
	struct hs_pattern_match m;
	struct hs_json_doc d;
	struct hs_buf out = HS_BUF_INIT;
	char err[256];

	nl = memchr(s, '\n', size);
	if (!nl)
		nl = end;
	if (hs_pattern_add(p, s, (size_t)(nl - s), NULL, err, sizeof err) < 0) {
		hs_pattern_free(p);
		return 0;
	}
	/* the same pattern twice: shared trie nodes and index entries */
	hs_pattern_add(p, s, (size_t)(nl - s), NULL, err, sizeof err);
	hs_pattern_match_init(&m, p);
	hs_json_doc_init(&d);
	while (nl < end) {
		const char *line = nl + 1,
		           *e = memchr(line, '\n', (size_t)(end - line));

		if (!e)
			e = end;
		if (hs_json_parse(&d, line, (size_t)(e - line)) == 0) {
			hs_pattern_match(p, &m, &d, 0);
			if (hs_pattern_hit(&m, 0) != hs_pattern_hit(&m, 1))
				__builtin_trap();
			for (unsigned i = 0; i < m.nhits; i++)
				hs_pattern_explain(p, &m, m.hits[i], &out);
		}
		nl = e;
	}
	hs_buf_release(&out);
	hs_json_doc_release(&d);
	hs_pattern_match_release(&m);
	hs_pattern_free(p);
	return 0;
}
