/*
 * pattern-filter.c: the bench driver of scripts/bench.d/pattern.sh.  A
 * filter like hs-fanout --pattern (matching lines to stdout, byte for
 * byte), deciding each line either from a full parse (--dom) or from the
 * raw line with hs_pattern_match_line() (--line), so the two can be
 * timed and measured side by side until hs-fanout uses the line path.
 *
 *	pattern-filter --dom|--line PATTERN|@FILE <events >matches
 *
 * @FILE holds one pattern a line; a line matching any of them is written.
 *
 * Built by pattern.sh against the build's libhs.a; not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pattern.h"
#include "banned.h"

int main(int argc, char **argv)
{
	struct hs_pattern *p;
	struct hs_pattern_match m;
	struct hs_json_doc d;
	char err[256], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int dom, bad = 0;

	if (argc != 3 ||
	    (strcmp(argv[1], "--dom") && strcmp(argv[1], "--line"))) {
		fprintf(stderr, "usage: pattern-filter --dom|--line PATTERN\n");
		return 2;
	}
	dom = !strcmp(argv[1], "--dom");
	p = hs_pattern_new();
	if (argv[2][0] == '@') {
		FILE *f = fopen(argv[2] + 1, "r");

		if (!f) {
			perror(argv[2] + 1);
			hs_pattern_free(p);
			return 2;
		}
		while ((n = getline(&line, &cap, f)) > 1)
			if (hs_pattern_add(p, line, (size_t)n - 1, NULL, err,
			                   sizeof err))
				bad = 1;
		fclose(f);
	} else if (hs_pattern_add(p, argv[2], strlen(argv[2]), NULL, err,
	                          sizeof err))
		bad = 1;
	if (bad) {
		fprintf(stderr, "pattern-filter: %s\n", err);
		free(line);
		hs_pattern_free(p);
		return 2;
	}
	hs_pattern_match_init(&m, p);
	hs_json_doc_init(&d);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		size_t len = (size_t)n - (line[n - 1] == '\n');
		int r;

		if (dom)
			r = hs_json_parse(&d, line, len) < 0
			        ? -1
			        : (int)hs_pattern_match(p, &m, &d, 0);
		else
			r = hs_pattern_match_line(p, &m, &d, line, len);
		if (r < 0)
			bad++;
		else if (r > 0)
			fwrite(line, 1, (size_t)n, stdout);
	}
	if (bad)
		fprintf(stderr, "pattern-filter: %d invalid lines\n", bad);
	free(line);
	hs_json_doc_release(&d);
	hs_pattern_match_release(&m);
	hs_pattern_free(p);
	return 0;
}
