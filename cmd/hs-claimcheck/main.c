/*
 * hs-claimcheck: the claim check pattern.  put moves large payloads into
 * an object store and leaves a verified reference; get puts them back;
 * gc expires old objects of a directory store.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "claim.h"
#include "err.h"
#include "exit.h"
#include "opts.h"
#include "tool.h"
#include "banned.h"

/* The synopsis, as the man page's SYNOPSIS shows it. */
/* clang-format off */
static const char synopsis[] =
	"usage: hs-claimcheck put --store STORE [--threshold SIZE] [--path POINTER]\n"
	"                     [--keep POINTER]... [--level N] [options] [FILE ...]\n"
	"       hs-claimcheck get --store STORE... [--refs-only] [options] [FILE ...]\n"
	"       hs-claimcheck gc --store file:DIR --older-than DURATION [--dry-run]\n";
/* clang-format on */

enum {
	OPT_STORE = HS_OPT_FIRST_TOOL,
	OPT_THRESHOLD,
	OPT_PATH,
	OPT_KEEP,
	OPT_LEVEL,
	OPT_FORMAT,
	OPT_ENDPOINT,
	OPT_REGION,
	OPT_TIMEOUT,
	OPT_OBJECT_TIMEOUT,
	OPT_RETRIES,
	OPT_REFS_ONLY,
	OPT_OLDER_THAN,
	OPT_DRY_RUN,
	OPT_PARALLEL
};

static void usage(void)
{
	printf("%s", synopsis);
	printf(
	    "\nOffload large event payloads to an object store (put), restore "
	    "them (get),\nexpire old objects (gc).\n\n"
	    "Options:\n"
	    "      --store STORE          file:DIR or s3://BUCKET[/PREFIX]\n"
	    "      --threshold SIZE       offload lines over SIZE (default "
	    "256KiB)\n"
	    "      --path POINTER         payload to offload (default "
	    "/detail)\n"
	    "      --keep POINTER         copy this field beside the "
	    "reference\n"
	    "      --level N              zstd level (default 1)\n"
	    "      --format FORMAT        native, sqs-extended or cloudevents\n"
	    "      --endpoint URL         S3-compatible server, path-style\n"
	    "      --region REGION        S3 region (default $AWS_REGION)\n"
	    "      --object-timeout DURATION\n"
	    "                             per object, retries included "
	    "(default 60s)\n"
	    "      --timeout DURATION     deprecated: use --object-timeout\n"
	    "      --retries N            retries on 5xx, 429, timeouts "
	    "(default 4)\n"
	    "      --parallel N           S3 transfers in flight (default 4)\n"
	    "      --refs-only            get: check references, change "
	    "nothing\n"
	    "      --older-than DURATION  gc: remove objects older than this\n"
	    "      --dry-run              gc: count, remove "
	    "nothing\n" HS_OPTS_HELP_ACK HS_OPTS_HELP
	    "\nExit status: 0 ok, 1 some rejected, 2 usage, 3 I/O failure,\n"
	    "75 store unavailable (retry later).\n");
}

struct cfg {
	const char *mode;
	const char *stores[CLAIM_MAX_STORES];
	int nstores;
	struct hs_store_opts so;
};

/* Options of this tool; 0 ok, else an exit status. */
static int tool_opt(struct claim *c, struct cfg *g, int opt, const char *arg)
{
	const char *errstr = NULL;
	uint64_t size;

	switch (opt) {
	case OPT_STORE:
		if (g->nstores == CLAIM_MAX_STORES)
			return hs_usage_error(synopsis,
			                      "too many --store options");
		g->stores[g->nstores++] = arg;
		return 0;
	case OPT_THRESHOLD:
		if (hs_parse_size(arg, &size) < 0 || size < 1024)
			return hs_usage_error(
			    synopsis, "bad --threshold '%s' (at least 1KiB)",
			    arg);
		c->threshold = size;
		return 0;
	case OPT_PATH:
		if (*arg != '\0' && *arg != '/')
			return hs_usage_error(
			    synopsis,
			    "bad --path '%s' (a JSON pointer: /detail)", arg);
		c->path = arg;
		return 0;
	case OPT_KEEP:
		if (c->nkeep == CLAIM_MAX_KEEP)
			return hs_usage_error(synopsis,
			                      "too many --keep options");
		c->keep[c->nkeep++] = arg;
		return 0;
	case OPT_LEVEL:
		c->level = (int)hs_strtonum(arg, 1, ZSTD_maxCLevel(), &errstr);
		if (errstr)
			return hs_usage_error(synopsis, "--level '%s' is %s",
			                      arg, errstr);
		return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "native") == 0)
			c->format = FORMAT_NATIVE;
		else if (strcmp(arg, "sqs-extended") == 0)
			c->format = FORMAT_SQS;
		else if (strcmp(arg, "cloudevents") == 0)
			c->format = FORMAT_CLOUDEVENTS;
		else
			return hs_usage_error(synopsis,
			                      "unknown --format '%s' (native, "
			                      "sqs-extended, cloudevents)",
			                      arg);
		return 0;
	case OPT_ENDPOINT:
		g->so.endpoint = arg;
		return 0;
	case OPT_REGION:
		g->so.region = arg;
		return 0;
	case OPT_TIMEOUT:
		hs_err("--timeout is deprecated: use --object-timeout");
		/* fall through */
	case OPT_OBJECT_TIMEOUT:
		if (hs_parse_duration(arg, &g->so.timeout) < 0 ||
		    g->so.timeout <= 0)
			return hs_usage_error(synopsis,
			                      "bad --object-timeout '%s'", arg);
		return 0;
	case OPT_RETRIES:
		g->so.retries = (int)hs_strtonum(arg, 0, 20, &errstr);
		if (errstr)
			return hs_usage_error(synopsis, "--retries '%s' is %s",
			                      arg, errstr);
		return 0;
	case OPT_PARALLEL:
		c->parallel =
		    (int)hs_strtonum(arg, 1, CLAIM_MAX_PARALLEL, &errstr);
		if (errstr)
			return hs_usage_error(synopsis, "--parallel '%s' is %s",
			                      arg, errstr);
		return 0;
	case OPT_REFS_ONLY:
		c->refs_only = 1;
		return 0;
	case OPT_OLDER_THAN:
		if (hs_parse_duration(arg, &c->older_than) < 0 ||
		    c->older_than <= 0)
			return hs_usage_error(synopsis, "bad --older-than '%s'",
			                      arg);
		return 0;
	case OPT_DRY_RUN:
		c->dry_run = 1;
		return 0;
	}
	return -1;
}

/* The combinations each mode accepts; 0 or an exit status. */
static int check_cfg(struct claim *c, struct cfg *g)
{
	int put = strcmp(g->mode, "put") == 0,
	    get = strcmp(g->mode, "get") == 0;
	int gc = strcmp(g->mode, "gc") == 0;
	size_t pl = strlen(c->path);

	if (!put && !get && !gc)
		return hs_usage_error(
		    synopsis, "unknown mode '%s' (put, get, gc)", g->mode);
	if (g->nstores == 0)
		return hs_usage_error(synopsis, "%s needs --store", g->mode);
	if ((put || gc) && g->nstores > 1)
		return hs_usage_error(synopsis, "%s takes one --store",
		                      g->mode);
	if (gc &&
	    (c->older_than <= 0 || strncmp(g->stores[0], "file:", 5) != 0))
		return hs_usage_error(
		    synopsis, "gc needs --store file:DIR and --older-than");
	if (!gc && (c->older_than > 0 || c->dry_run))
		return hs_usage_error(synopsis,
		                      "--older-than and --dry-run are for gc");
	if (!get && c->refs_only)
		return hs_usage_error(synopsis, "--refs-only is for get");
	if (c->format == FORMAT_SQS) {
		for (int i = 0; i < g->nstores; i++)
			if (strncmp(g->stores[i], "s3://", 5) != 0)
				return hs_usage_error(
				    synopsis,
				    "--format sqs-extended needs s3:// "
				    "stores");
		if (c->nkeep)
			return hs_usage_error(
			    synopsis, "--keep does not apply to sqs-extended");
	}
	if (c->format == FORMAT_CLOUDEVENTS && c->nkeep)
		return hs_usage_error(synopsis,
		                      "--keep does not apply to cloudevents");
	/* A kept field sits beside the reference: one level below --path. */
	for (int i = 0; i < c->nkeep; i++) {
		const char *k = c->keep[i];
		if (!put || strncmp(k, c->path, pl) != 0 || k[pl] != '/' ||
		    k[pl + 1] == '\0' || strchr(k + pl + 1, '/') != NULL ||
		    strcmp(k + pl + 1, "hs-claim") == 0)
			return hs_usage_error(
			    synopsis,
			    "--keep '%s' must name a field directly "
			    "under --path '%s' (put only)",
			    k, c->path);
	}
	return 0;
}

static int open_stores(struct claim *c, struct cfg *g)
{
	char err[512];

	for (int i = 0; i < g->nstores; i++) {
		c->stores[i] =
		    hs_store_open(g->stores[i], &g->so, err, sizeof(err));
		if (c->stores[i] == NULL) {
			hs_err("%s", err);
			return HS_EXIT_USAGE;
		}
		c->nstores++;
	}
	return 0;
}

struct idle {
	struct claim *c;
	struct hs_tool *t;
	int put;
};

/* Input went quiet: pending events must not wait for the next one. */
static void on_idle(void *ctx)
{
	struct idle *i = ctx;

	if (i->put)
		claim_put_drain(i->c, i->t);
	else
		claim_get_drain(i->c, i->t);
	hs_tool_flush(i->t);
	hs_stats_tick(&i->t->stats);
}

static int run_filter(struct claim *c, struct cfg *g, struct hs_opts *opts,
                      char **files, int nfiles)
{
	struct hs_tool t;
	struct hs_buf extra = HS_BUF_INIT;
	const char *line;
	size_t len;
	int put = strcmp(g->mode, "put") == 0, rc;
	struct idle idle = {c, &t, put};

	if (hs_tool_start(&t, opts, files, nfiles) < 0)
		return hs_tool_finish(&t, NULL);
	c->doc.max_depth = opts->max_depth;
	t.in.idle = on_idle;
	t.in.idle_ctx = &idle;
	while (hs_tool_next(&t, &line, &len) > 0) {
		if (put)
			claim_put(c, &t, line, len);
		else
			claim_get(c, &t, line, len);
	}
	/* End of input, a stop signal or a broken stdout: the transfers in
	 * flight finish (their objects are stored or their events
	 * dead-lettered) before anything is released. */
	if (put)
		claim_put_drain(c, &t);
	else
		claim_get_drain(c, &t);
	/* Dead letters from an unreachable store: cron should retry. */
	if (c->tempfail)
		hs_sink_raise(&t.sink, HS_EXIT_TEMPFAIL);
	claim_stats(c, &extra);
	rc = hs_tool_finish(&t, extra.data);
	hs_buf_release(&extra);
	return rc;
}

void claim_stats(const struct claim *c, struct hs_buf *out)
{
	uint64_t req = 0, retries = 0;

	for (int i = 0; i < c->nstores; i++) {
		struct hs_store_counts n;
		hs_store_counts(c->stores[i], &n);
		req += n.requests;
		retries += n.retries;
	}
	hs_buf_addf(
	    out,
	    "offloaded=%llu restored=%llu checked=%llu reused=%llu "
	    "payload_bytes=%llu stored_bytes=%llu requests=%llu "
	    "retries=%llu",
	    (unsigned long long)c->offloaded, (unsigned long long)c->restored,
	    (unsigned long long)c->checked, (unsigned long long)c->reused,
	    (unsigned long long)c->bytes_orig,
	    (unsigned long long)c->bytes_stored, (unsigned long long)req,
	    (unsigned long long)retries);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"store", required_argument, NULL, OPT_STORE},
	    {"threshold", required_argument, NULL, OPT_THRESHOLD},
	    {"path", required_argument, NULL, OPT_PATH},
	    {"keep", required_argument, NULL, OPT_KEEP},
	    {"level", required_argument, NULL, OPT_LEVEL},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
	    {"region", required_argument, NULL, OPT_REGION},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"object-timeout", required_argument, NULL, OPT_OBJECT_TIMEOUT},
	    {"retries", required_argument, NULL, OPT_RETRIES},
	    {"refs-only", no_argument, NULL, OPT_REFS_ONLY},
	    {"older-than", required_argument, NULL, OPT_OLDER_THAN},
	    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
	    {"parallel", required_argument, NULL, OPT_PARALLEL},
	    {NULL, 0, NULL, 0}};
	static const int repeatable[] = {OPT_STORE, OPT_KEEP, 0};
	static const struct hs_optspec spec = {"", longopts, repeatable,
	                                       HS_OPTS_ACK};
	struct claim c = {.threshold = 256 << 10,
	                  .path = "/detail",
	                  .level = 1,
	                  .parallel = 4};
	struct cfg g = {.so = {.retries = -1}};
	struct hs_opts opts;
	int ch, r, rc;

	hs_prog_set("hs-claimcheck");
	hs_opts_init(&opts);
	/* The mode comes first; "hs-claimcheck --help" needs none. */
	if (argc > 1 && argv[1][0] != '-') {
		g.mode = argv[1];
		argv[1] = argv[0];
		argc--, argv++;
	}
	while ((ch = hs_getopt(argc, argv, &spec)) != -1) {
		r = hs_opts_common(&opts, ch, optarg);
		if (r < 0)
			return HS_EXIT_USAGE;
		if (r > 0)
			continue;
		r = tool_opt(&c, &g, ch, optarg);
		if (r < 0)
			return hs_opts_bad(synopsis, ch, argv);
		if (r > 0)
			return r;
	}
	if (opts.help) {
		usage();
		return hs_opts_stdout_done();
	}
	if (opts.version) {
		hs_print_version();
		return hs_opts_stdout_done();
	}
	if (g.mode == NULL)
		return hs_usage_error(synopsis, "missing mode (put, get, gc)");
	if ((rc = check_cfg(&c, &g)) != 0)
		return rc;
	if (strcmp(g.mode, "gc") == 0 && optind < argc)
		return hs_usage_error(synopsis, "gc reads no input");

	hs_json_doc_init(&c.doc);
	hs_buf_init(&c.obj);
	hs_buf_init(&c.line);
	hs_buf_init(&c.tmp);
	hs_buf_init(&c.zout);
	hs_store_writer_init(&c.writer);
	for (int i = 0; i < CLAIM_MAX_PARALLEL; i++) {
		hs_buf_init(&c.slots[i].obj);
		hs_buf_init(&c.slots[i].out);
		hs_buf_init(&c.slots[i].held);
		hs_buf_init(&c.slots[i].pre);
	}
	c.cctx = ZSTD_createCCtx();
	c.dctx = ZSTD_createDCtx();
	if (c.cctx == NULL || c.dctx == NULL) {
		hs_err("cannot create zstd contexts");
		rc = HS_EXIT_IO;
		goto out;
	}
	ZSTD_CCtx_setParameter(c.cctx, ZSTD_c_compressionLevel, c.level);
	if ((rc = open_stores(&c, &g)) != 0)
		goto out;
	if (strcmp(g.mode, "gc") == 0)
		rc = claim_gc(&c, opts.stats);
	else
		rc = run_filter(&c, &g, &opts, argv + optind, argc - optind);
out:
	hs_store_writer_release(&c.writer);
	for (int i = 0; i < CLAIM_MAX_PARALLEL; i++) {
		hs_store_op_free(c.slots[i].op);
		hs_buf_release(&c.slots[i].obj);
		hs_buf_release(&c.slots[i].out);
		hs_buf_release(&c.slots[i].held);
		hs_buf_release(&c.slots[i].pre);
	}
	hs_buf_release(&c.zout);
	for (int i = 0; i < c.nstores; i++)
		hs_store_free(c.stores[i]);
	ZSTD_freeCCtx(c.cctx);
	ZSTD_freeDCtx(c.dctx);
	hs_buf_release(&c.tmp);
	hs_buf_release(&c.line);
	hs_buf_release(&c.obj);
	hs_json_doc_release(&c.doc);
	return rc;
}
