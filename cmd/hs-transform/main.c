/*
 * hs-transform: run a jq program (through libjq) or an EventBridge input
 * transformer over every event, with per-event error isolation, number
 * fidelity, dead letters and worker threads that keep input order.
 */
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jq.h>

#include "alloc.h"
#include "err.h"
#include "exit.h"
#include "inputxform.h"
#include "opts.h"
#include "tool.h"
#include "xf.h"
#include "banned.h"

static const char synopsis[] =
    "usage: hs-transform [-hqu] [-j N] [-L DIR] [--arg NAME VALUE]\n"
    "                    [--argjson NAME JSON] [--slurpfile NAME FILE]\n"
    "                    [--rawfile NAME FILE] [--allow-lossy-numbers]\n"
    "                    [--engine auto | jq]\n"
    "                    [--dlq FILE] [--stats] [--max-event-size SIZE]\n"
    "                    PROGRAM | -f FILE [FILE ...]\n"
    "       hs-transform [options] PROGRAM --args | --jsonargs [ARG ...]\n"
    "       hs-transform [options] --input-template TEXT\n"
    "                    [--input-paths-map JSON] [--rule-name NAME] [FILE "
    "...]\n";

enum {
	OPT_ALLOW_LOSSY = HS_OPT_FIRST_TOOL,
	OPT_ENGINE,
	OPT_PATHS_MAP,
	OPT_TEMPLATE,
	OPT_RULE_NAME
};

/* Batches close at this many events or bytes, whichever comes first. */
#define BATCH_EVENTS 64
#define BATCH_BYTES (256u << 10)

static void usage(void)
{
	printf("%s", synopsis);
	printf(
	    "\nRun a jq program over every event; write each result as one "
	    "compact line.\n\n"
	    "Options:\n"
	    "  -f FILE                    read the program from FILE\n"
	    "      --arg NAME VALUE       $NAME is the string VALUE\n"
	    "      --argjson NAME JSON    $NAME is the JSON value\n"
	    "      --slurpfile NAME FILE  $NAME is an array of FILE's JSON "
	    "values\n"
	    "      --rawfile NAME FILE    $NAME is FILE's text\n"
	    "      --args                 later operands are strings in "
	    "$ARGS.positional\n"
	    "      --jsonargs             later operands are JSON in "
	    "$ARGS.positional\n"
	    "  -L DIR                     search DIR for jq modules\n"
	    "  -j N                       N worker threads (default: cores)\n"
	    "      --allow-lossy-numbers  pass numbers libjq cannot hold "
	    "exactly\n"
	    "      --engine auto|jq       auto: common programs natively, "
	    "else libjq;\n"
	    "                             jq: libjq for every event\n"
	    "      --input-template TEXT  EventBridge InputTemplate instead of "
	    "jq\n"
	    "      --input-paths-map JSON EventBridge InputPathsMap\n"
	    "      --rule-name NAME       <aws.events.rule-name> (a name or an "
	    "ARN)\n" HS_OPTS_HELP_ACK HS_OPTS_HELP
	    "\nExit status: 0 ok, 1 some events dead-lettered, 2 usage or a "
	    "program that\ndoes not compile, 3 I/O failure.\n");
}

struct cli {
	struct hs_opts opts;
	struct xf_conf conf;
	jv named, positional;
	int argmode; /* 0, 1 --args, 2 --jsonargs */
	const char *progfile, *paths_map, *template;
	char *progtext; /* owned */
	char origin[PATH_MAX];
	int nthreads;
};

static int two_arg_opt(struct cli *c, const char *opt, const char *name,
                       const char *val)
{
	jv v;

	if (strcmp(opt, "--arg") == 0) {
		v = jv_string(val);
	} else if (strcmp(opt, "--argjson") == 0) {
		v = jv_parse(val);
		if (!jv_is_valid(v)) {
			jv_free(v);
			return hs_usage_error(synopsis,
			                      "--argjson %s: invalid JSON text "
			                      "'%s'",
			                      name, val);
		}
	} else {
		v = jv_load_file(val, strcmp(opt, "--rawfile") == 0);
		if (!jv_is_valid(v)) {
			jv m = jv_invalid_get_msg(v);

			hs_err("%s %s: cannot read '%s': %s", opt, name, val,
			       jv_get_kind(m) == JV_KIND_STRING
			           ? jv_string_value(m)
			           : "error");
			jv_free(m);
			return HS_EXIT_USAGE;
		}
	}
	c->named = jv_object_set(c->named, jv_string(name), v);
	return 0;
}

/*
 * jq's two-value options (--arg NAME VALUE ...) do not fit getopt: take
 * them, and --args/--jsonargs, out of argv first.  Returns 0 or an exit
 * status.
 */
static int prescan(struct cli *c, int *argc, char **argv)
{
	static const char *const valued[] = {"-f",
	                                     "-j",
	                                     "-L",
	                                     "--dlq",
	                                     "--stats-interval",
	                                     "--max-event-size",
	                                     "--max-depth",
	                                     "--engine",
	                                     "--input-paths-map",
	                                     "--input-template",
	                                     "--rule-name",
	                                     NULL};
	int i, o = 1, rc;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--arg") == 0 || strcmp(a, "--argjson") == 0 ||
		    strcmp(a, "--slurpfile") == 0 ||
		    strcmp(a, "--rawfile") == 0) {
			if (i + 2 >= *argc)
				return hs_usage_error(
				    synopsis,
				    "option '%s' needs a name "
				    "and a value",
				    a);
			rc = two_arg_opt(c, a, argv[i + 1], argv[i + 2]);
			if (rc)
				return rc;
			i += 2;
			continue;
		}
		if (strcmp(a, "--args") == 0 || strcmp(a, "--jsonargs") == 0) {
			c->argmode = a[2] == 'a' ? 1 : 2;
			continue;
		}
		argv[o++] = argv[i];
		for (int k = 0; valued[k]; k++)
			if (strcmp(a, valued[k]) == 0 && i + 1 < *argc) {
				argv[o++] = argv[++i];
				break;
			}
	}
	for (; i < *argc; i++)
		argv[o++] = argv[i];
	argv[o] = NULL;
	*argc = o;
	return 0;
}

static int parse(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"allow-lossy-numbers", no_argument, NULL, OPT_ALLOW_LOSSY},
	    {"engine", required_argument, NULL, OPT_ENGINE},
	    {"input-paths-map", required_argument, NULL, OPT_PATHS_MAP},
	    {"input-template", required_argument, NULL, OPT_TEMPLATE},
	    {"rule-name", required_argument, NULL, OPT_RULE_NAME},
	    {NULL, 0, NULL, 0}};
	static const int repeatable[] = {'L', 0};
	static const struct hs_optspec spec = {"L:f:j:", longopts, repeatable,
	                                       HS_OPTS_ACK};
	const char *errstr;
	int ch, r;

	while ((ch = hs_getopt(argc, argv, &spec)) != -1) {
		switch (ch) {
		case 'L':
			c->conf.libdirs =
			    jv_array_append(c->conf.libdirs, jv_string(optarg));
			continue;
		case 'f':
			c->progfile = optarg;
			continue;
		case 'j':
			c->nthreads = (int)hs_strtonum(optarg, 1, 256, &errstr);
			if (errstr)
				return hs_usage_error(
				    synopsis, "-j '%s' is %s (1 to 256)",
				    optarg, errstr);
			continue;
		case OPT_ALLOW_LOSSY:
			c->conf.allow_lossy = 1;
			continue;
		case OPT_ENGINE:
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "jq") != 0)
				return hs_usage_error(
				    synopsis, "--engine '%s': auto or jq",
				    optarg);
			c->conf.engine_jq = optarg[0] == 'j';
			continue;
		case OPT_PATHS_MAP:
			c->paths_map = optarg;
			continue;
		case OPT_TEMPLATE:
			c->template = optarg;
			continue;
		case OPT_RULE_NAME:
			c->conf.rule_name = optarg;
			continue;
		}
		r = hs_opts_common(&c->opts, ch, optarg);
		if (r < 0)
			return HS_EXIT_USAGE;
		if (r == 0)
			return hs_opts_bad(synopsis, ch, argv);
	}
	return 0;
}

/* Program, arguments and transformer into c->conf; optind at the files. */
static int setup(struct cli *c, int argc, char **argv)
{
	char err[512];
	jv args;

	if (c->template && (c->progfile || c->argmode))
		return hs_usage_error(synopsis, "--input-template replaces the "
		                                "jq program");
	if (c->paths_map && !c->template)
		return hs_usage_error(synopsis, "--input-paths-map needs "
		                                "--input-template");
	if (c->template) {
		c->conf.ix = hs_inputxform_compile(c->paths_map, c->template,
		                                   err, sizeof(err));
		if (!c->conf.ix) {
			hs_err("%s", err);
			return HS_EXIT_USAGE;
		}
		return 0;
	}
	if (c->progfile) {
		jv text = jv_load_file(c->progfile, 1);

		if (!jv_is_valid(text)) {
			jv_free(text);
			hs_errno("cannot read '%s'", c->progfile);
			return HS_EXIT_USAGE;
		}
		c->progtext = hs_xstrdup(jv_string_value(text));
		jv_free(text);
		if (!realpath(c->progfile, c->origin))
			snprintf(c->origin, sizeof(c->origin), ".");
		else
			snprintf(c->origin, sizeof(c->origin), "%s",
			         dirname(c->origin));
	} else {
		if (optind >= argc)
			return hs_usage_error(synopsis, "no program given");
		c->progtext = hs_xstrdup(argv[optind++]);
		if (!getcwd(c->origin, sizeof(c->origin)))
			snprintf(c->origin, sizeof(c->origin), ".");
	}
	/* --args: the remaining operands are arguments, input is stdin. */
	for (; c->argmode && optind < argc; optind++) {
		jv v = c->argmode == 1 ? jv_string(argv[optind])
		                       : jv_parse(argv[optind]);

		if (!jv_is_valid(v)) {
			jv_free(v);
			return hs_usage_error(
			    synopsis, "--jsonargs: invalid JSON text '%s'",
			    argv[optind]);
		}
		c->positional = jv_array_append(c->positional, v);
	}
	args = JV_OBJECT(jv_string("positional"), jv_copy(c->positional),
	                 jv_string("named"), jv_copy(c->named));
	c->conf.args =
	    jv_object_set(jv_copy(c->named), jv_string("ARGS"), args);
	c->conf.program = c->progtext;
	c->conf.origin = c->origin;
	if (jv_array_length(jv_copy(c->conf.libdirs)) == 0)
		c->conf.libdirs =
		    jv_array_append(c->conf.libdirs, jv_string("~/.jq"));
	return 0;
}

struct run {
	struct hs_tool t;
	struct xf_pool *pool;
};

/* Input went idle: finish what is in flight, then flush. */
static void on_idle(void *ctx)
{
	struct run *r = ctx;

	xf_pool_drain(r->pool, &r->t);
	hs_tool_flush(&r->t);
	hs_stats_tick(&r->t.stats);
}

static int run(struct cli *c, int argc, char **argv)
{
	struct run r;
	struct hs_buf errs = HS_BUF_INIT;
	const char *line;
	size_t len;
	char extra[64] = "";

	if (hs_tool_start(&r.t, &c->opts, argv + optind, argc - optind) < 0)
		return hs_tool_finish(&r.t, NULL);
	r.pool = xf_pool_new(&c->conf, c->nthreads, &errs);
	if (!r.pool) {
		/* jq's own messages, each "jq: error: ..." line, as ours. */
		for (char *p = errs.data, *nl; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (nl)
				*nl = '\0';
			hs_err("%s", strncmp(p, "jq: ", 4) == 0 ? p + 4 : p);
			if (!nl)
				break;
		}
		hs_buf_release(&errs);
		hs_tool_finish(&r.t, NULL);
		return HS_EXIT_USAGE;
	}
	r.t.in.idle = on_idle;
	r.t.in.idle_ctx = &r;
	while (hs_tool_next(&r.t, &line, &len) > 0) {
		struct xf_batch *b = xf_pool_current(r.pool, &r.t);

		xf_batch_add(b, line, len, r.t.in.name, r.t.in.lineno);
		if (b->n >= BATCH_EVENTS || b->lines.len >= BATCH_BYTES ||
		    c->opts.unbuffered)
			xf_pool_submit(r.pool, &r.t);
	}
	xf_pool_drain(r.pool, &r.t);
	if (!c->conf.ix) {
		/* --stats: which engine answered how many events. */
		uint64_t native, jq;

		xf_pool_counts(r.pool, &native, &jq);
		snprintf(extra, sizeof(extra), "native=%" PRIu64 " jq=%" PRIu64,
		         native, jq);
	}
	xf_pool_free(r.pool);
	hs_buf_release(&errs);
	return hs_tool_finish(&r.t, extra[0] ? extra : NULL);
}

int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	hs_prog_set("hs-transform");
	memset(&c, 0, sizeof(c));
	hs_opts_init(&c.opts);
	c.named = jv_object();
	c.positional = jv_array();
	c.conf.args = jv_null();
	c.conf.libdirs = jv_array();
	c.conf.rule_name = "hs-transform";
	c.conf.max_depth = c.opts.max_depth;
	rc = prescan(&c, &argc, argv);
	if (!rc)
		rc = parse(&c, argc, argv);
	if (rc)
		goto out;
	if (c.opts.help || c.opts.version) {
		if (c.opts.help)
			usage();
		else
			hs_print_version();
		rc = hs_opts_stdout_done();
		goto out;
	}
	if (!c.nthreads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		c.nthreads = n < 1 ? 1 : n > 256 ? 256 : (int)n;
	}
	c.conf.max_depth = c.opts.max_depth;
	c.conf.ack = c.opts.ack != NULL;
	rc = setup(&c, argc, argv);
	if (!rc)
		rc = run(&c, argc, argv);
out:
	hs_inputxform_free(c.conf.ix);
	jv_free(c.conf.args);
	jv_free(c.conf.libdirs);
	jv_free(c.named);
	jv_free(c.positional);
	free(c.progtext);
	return rc;
}
