/*
 * fuzz-pattern.c: the pattern compiler and matcher.  Input: a pattern,
 * a newline, then events one a line.  A pattern that compiles is matched
 * against each event that parses, and each match explained; nothing may
 * crash, leak or read out of bounds.  Each event line is also decided
 * from the raw text by hs_pattern_match_line() (no full DOM): it must
 * refuse exactly the lines hs_json_parse() refuses, with the same error,
 * and otherwise give the same hits.
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
	struct hs_pattern_match m, ml;
	struct hs_json_doc d, dl;
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
	hs_pattern_match_init(&ml, p);
	hs_json_doc_init(&d);
	hs_json_doc_init(&dl);
	while (nl < end) {
		const char *line = nl + 1,
		           *e = memchr(line, '\n', (size_t)(end - line));
		int rl;

		if (!e)
			e = end;
		rl = hs_pattern_match_line(p, &ml, &dl, line,
		                           (size_t)(e - line));

		if (hs_json_parse(&d, line, (size_t)(e - line)) < 0) {
			if (rl != -1 || dl.err_code != d.err_code ||
			    dl.err_off != d.err_off || strcmp(dl.err, d.err))
				__builtin_trap();
		} else {
			hs_pattern_match(p, &m, &d, 0);
			if (rl != (int)m.nhits ||
			    memcmp(ml.hits, m.hits, m.nhits * sizeof *m.hits))
				__builtin_trap();
			if (hs_pattern_hit(&m, 0) != hs_pattern_hit(&m, 1))
				__builtin_trap();
			for (unsigned i = 0; i < m.nhits; i++)
				hs_pattern_explain(p, &m, m.hits[i], &out);
		}
		nl = e;
	}
	hs_buf_release(&out);
	hs_json_doc_release(&d);
	hs_json_doc_release(&dl);
	hs_pattern_match_release(&m);
	hs_pattern_match_release(&ml);
	hs_pattern_free(p);
	return 0;
}
