/*
 * hs-validate: check that every line is one well-formed JSON document
 * (and, with a schema, that it conforms), passing valid events through
 * byte-identical and dead-lettering the rest.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "exit.h"
#include "json.h"
#include "opts.h"
#include "tool.h"
#include "banned.h"

static const char synopsis[] =
	"usage: hs-validate [-hqu] [--dlq FILE] [--stats] [--max-event-size SIZE]\n"
	"                   [FILE ...]\n";

static void usage(void)
{
	printf("%s", synopsis);
	printf("\nPass through every line that is one well-formed JSON "
	       "document; dead-letter the rest.\n\n"
	       "Options:\n" HS_OPTS_HELP
	       "\nExit status: 0 all valid, 1 some rejected, 2 usage, "
	       "3 I/O failure.\n");
}

static void check_line(struct hs_tool *t, struct hs_json_doc *doc,
                       const char *line, size_t len)
{
	if (hs_json_parse(doc, line, len) < 0) {
		hs_tool_reject(t, hs_json_error_reason(doc->err_code), NULL,
		               "byte %zu: %s", doc->err_off + 1, doc->err);
		return;
	}
	hs_tool_pass(t, line, len);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = { HS_OPTS_LONG,
		                                  { NULL, 0, NULL, 0 } };
	struct hs_opts opts;
	struct hs_tool t;
	struct hs_json_doc doc;
	const char *line;
	size_t len;
	int c, r, rc;

	hs_prog_set("hs-validate");
	hs_opts_init(&opts);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" HS_OPTS_SHORT, longopts,
	                        NULL)) != -1) {
		r = hs_opts_common(&opts, c, optarg);
		if (r < 0)
			return HS_EXIT_USAGE;
		if (r == 0)
			return hs_opts_bad(synopsis, c, argv);
	}
	if (opts.help) {
		usage();
		return HS_EXIT_OK;
	}
	if (opts.version) {
		hs_print_version();
		return HS_EXIT_OK;
	}

	if (hs_tool_start(&t, &opts, argv + optind, argc - optind) < 0)
		return hs_tool_finish(&t, NULL);
	hs_json_doc_init(&doc);
	doc.max_depth = opts.max_depth;
	while (hs_tool_next(&t, &line, &len) > 0)
		check_line(&t, &doc, line, len);
	hs_json_doc_release(&doc);
	rc = hs_tool_finish(&t, NULL);
	return rc;
}
