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
#include "sig.h"
#include "tool.h"
#include "xf.h"
#include "banned.h"

static const char synopsis[] =
    "usage: hs-transform [-aehjnqRrSsu] [--threads N] [-L DIR] [--tab]\n"
    "                    [--indent N] [--seq] [--arg NAME VALUE]\n"
    "                    [--argjson NAME JSON] [--slurpfile NAME FILE]\n"
    "                    [--rawfile NAME FILE] [--allow-lossy-numbers]\n"
    "                    [--engine auto | jq] [--jq-timeout DURATION]\n"
    "                    [--jq-memory SIZE]\n"
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
	OPT_RULE_NAME,
	OPT_INDENT,
	OPT_SEQ,
	OPT_TAB,
	OPT_THREADS,
	OPT_JQ_TIMEOUT,
	OPT_JQ_MEMORY
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
	    "      --threads N            N worker threads (default: cores)\n"
	    "\njq 1.6's flags (hs-transform(1) says where NDJSON ends):\n"
	    "  -r, --raw-output           write strings without quotes\n"
	    "  -j, --join-output          -r, and no newline after outputs\n"
	    "  -a, --ascii-output         escape every non-ASCII character\n"
	    "  -S, --sort-keys            write object keys sorted\n"
	    "      --tab                  pretty-print, indented by tabs\n"
	    "      --indent N             pretty-print, N spaces (0-7; 0: "
	    "compact)\n"
	    "      --seq                  RS before each output (RFC 7464)\n"
	    "  -e, --exit-status          exit status from the last output\n"
	    "  -n, --null-input           run once on null; read no input\n"
	    "  -R, --raw-input            each input line is a string\n"
	    "  -s, --slurp                all input as one array (-R: one "
	    "string),\n"
	    "                             at most --max-event-size\n\n"
	    "      --allow-lossy-numbers  pass numbers libjq cannot hold "
	    "exactly\n"
	    "      --engine auto|jq       auto: common programs natively, "
	    "else libjq;\n"
	    "                             jq: libjq for every event\n"
	    "      --jq-timeout DURATION  libjq's time per event (default 0: "
	    "none)\n"
	    "      --jq-memory SIZE       libjq's memory (default 0: none)\n"
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
	const char *old_j; /* "-j N": the old spelling of --threads N */
	int exit_status, null_input, raw_input, slurp;
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

/* 1 when s is a positive decimal integer (the old "-j N"). */
static int positive(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && s[n] == '\0' && strspn(s, "0") < n;
}

/*
 * jq's two-value options (--arg NAME VALUE ...) do not fit getopt: take
 * them, and --args/--jsonargs, out of argv first.  Returns 0 or an exit
 * status.
 */
static int prescan(struct cli *c, int *argc, char **argv)
{
	static const char *const valued[] = {"-f",
	                                     "--threads",
	                                     "--indent",
	                                     "-L",
	                                     "--dlq",
	                                     "--stats-interval",
	                                     "--max-event-size",
	                                     "--max-depth",
	                                     "--engine",
	                                     "--input-paths-map",
	                                     "--input-template",
	                                     "--rule-name",
	                                     "--jq-timeout",
	                                     "--jq-memory",
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
		/*
		 * jq's -j takes no value; "-j N" followed by more operands is
		 * the old spelling of --threads N (kept one release).
		 */
		if (strcmp(a, "-j") == 0 && i + 2 < *argc &&
		    positive(argv[i + 1])) {
			if (c->old_j)
				return hs_usage_error(synopsis,
				                      "-j may be given once");
			c->old_j = argv[++i];
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

/* --threads N, or the old -j N (opt names which, for the message). */
static int threads(struct cli *c, const char *opt, const char *arg)
{
	const char *errstr;

	c->nthreads = (int)hs_strtonum(arg, 1, 256, &errstr);
	if (errstr)
		return hs_usage_error(synopsis, "%s '%s' is %s (1 to 256)", opt,
		                      arg, errstr);
	return 0;
}

/* jq's flags: 1 taken, 0 not one of them, or an exit status + 2. */
static int jq_flag(struct cli *c, int ch, const char *arg)
{
	struct xf_fmt *f = &c->conf.fmt;
	const char *errstr;

	switch (ch) {
	case 'R':
		c->raw_input = 1;
		return 1;
	case 'S':
		f->sort = 1;
		return 1;
	case 'a':
		f->ascii = 1;
		return 1;
	case 'e':
		c->exit_status = 1;
		return 1;
	case 'j':
		f->join = 1; /* jq's -j is -r without newlines */
		f->raw = 1;
		return 1;
	case 'r':
		f->raw = 1;
		return 1;
	case 'n':
		c->null_input = 1;
		return 1;
	case 's':
		c->slurp = 1;
		return 1;
	case OPT_SEQ:
		f->seq = 1;
		return 1;
	case OPT_TAB:
		/* as jq: the later of --tab and --indent wins */
		f->dumpopts = JV_PRINT_TAB | JV_PRINT_PRETTY;
		return 1;
	case OPT_INDENT:
		f->dumpopts =
		    JV_PRINT_INDENT_FLAGS((int)hs_strtonum(arg, 0, 7, &errstr));
		if (errstr)
			return 2 + hs_usage_error(
			               synopsis, "--indent '%s' is %s (0 to 7)",
			               arg, errstr);
		return 1;
	}
	return 0;
}

static int parse(struct cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"allow-lossy-numbers", no_argument, NULL, OPT_ALLOW_LOSSY},
	    {"ascii-output", no_argument, NULL, 'a'},
	    {"engine", required_argument, NULL, OPT_ENGINE},
	    {"exit-status", no_argument, NULL, 'e'},
	    {"indent", required_argument, NULL, OPT_INDENT},
	    {"input-paths-map", required_argument, NULL, OPT_PATHS_MAP},
	    {"input-template", required_argument, NULL, OPT_TEMPLATE},
	    {"jq-memory", required_argument, NULL, OPT_JQ_MEMORY},
	    {"jq-timeout", required_argument, NULL, OPT_JQ_TIMEOUT},
	    {"join-output", no_argument, NULL, 'j'},
	    {"null-input", no_argument, NULL, 'n'},
	    {"raw-input", no_argument, NULL, 'R'},
	    {"raw-output", no_argument, NULL, 'r'},
	    {"rule-name", required_argument, NULL, OPT_RULE_NAME},
	    {"seq", no_argument, NULL, OPT_SEQ},
	    {"slurp", no_argument, NULL, 's'},
	    {"sort-keys", no_argument, NULL, 'S'},
	    {"tab", no_argument, NULL, OPT_TAB},
	    {"threads", required_argument, NULL, OPT_THREADS},
	    {NULL, 0, NULL, 0}};
	static const int repeatable[] = {'L', 0};
	static const struct hs_optspec spec = {"L:RSaef:jnrs", longopts,
	                                       repeatable, HS_OPTS_ACK};
	int ch, r;

	while ((ch = hs_getopt(argc, argv, &spec)) != -1) {
		r = jq_flag(c, ch, optarg);
		if (r > 1)
			return r - 2;
		if (r)
			continue;
		switch (ch) {
		case 'L':
			c->conf.libdirs =
			    jv_array_append(c->conf.libdirs, jv_string(optarg));
			continue;
		case 'f':
			c->progfile = optarg;
			continue;
		case OPT_THREADS:
			if (c->old_j)
				return hs_usage_error(
				    synopsis, "--threads may be given once");
			r = threads(c, "--threads", optarg);
			if (r)
				return r;
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
		case OPT_JQ_TIMEOUT:
			if (hs_parse_duration(optarg, &c->conf.jq_secs) < 0)
				return hs_usage_error(
				    synopsis, "--jq-timeout '%s': a duration",
				    optarg);
			continue;
		case OPT_JQ_MEMORY:
			if (hs_parse_size(optarg, &c->conf.jq_mem) < 0)
				return hs_usage_error(
				    synopsis, "--jq-memory '%s': a size",
				    optarg);
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
	if (c->old_j) {
		r = threads(c, "-j", c->old_j);
		if (r)
			return r;
		hs_err("-j N is deprecated: use --threads N");
	}
	c->conf.fmt.on = c->conf.fmt.raw || c->conf.fmt.ascii ||
	                 c->conf.fmt.sort || c->conf.fmt.seq ||
	                 c->conf.fmt.dumpopts;
	if (c->slurp && c->opts.ack)
		return hs_usage_error(synopsis, "-s and --ack: a slurped "
		                                "array is no one event of "
		                                "hs-consume's");
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

/* One input line as the event (or -s's part) it stands for: -R, --seq. */
static void input_event(const struct cli *c, const char **line, size_t *len,
                        struct hs_buf *tmp)
{
	/* --seq: RFC 7464 input (RS before each text), NDJSON too. */
	if (c->conf.fmt.seq && *len && (*line)[0] == '\036') {
		(*line)++;
		(*len)--;
	}
	if (!c->raw_input || c->slurp)
		return; /* -Rs slurps the lines' text */
	hs_buf_reset(tmp);
	hs_json_write_str(tmp, *line, *len);
	*line = tmp->data;
	*len = tmp->len;
}

/*
 * -s: add one line to the slurp (a JSON array's elements, or -R's raw
 * text).  Returns 0, or -1 once the slurp is over --max-event-size.
 */
static int slurp_add(const struct cli *c, struct hs_buf *acc, const char *line,
                     size_t len)
{
	if (c->raw_input) {
		hs_buf_add(acc, line, len);
		hs_buf_addc(acc, '\n');
	} else if (len > strspn(line, " \t\r")) {
		/* jq skips whitespace between texts; so does the array */
		hs_buf_addc(acc, acc->len ? ',' : '[');
		hs_buf_add(acc, line, len);
	}
	if (acc->len + 1 <= c->opts.max_event_size)
		return 0;
	hs_err("-s: the slurped input is over --max-event-size (%zu bytes)",
	       c->opts.max_event_size);
	return -1;
}

/* Read every event into batches: lines, -n's one null, or -s's slurp. */
static void read_events(struct cli *c, struct run *r)
{
	struct hs_buf tmp = HS_BUF_INIT, acc = HS_BUF_INIT;
	const char *line;
	size_t len;

	while (!c->null_input && hs_tool_next(&r->t, &line, &len) > 0) {
		struct xf_batch *b;

		input_event(c, &line, &len, &tmp);
		if (c->slurp) {
			if (slurp_add(c, &acc, line, len) == 0)
				continue;
			hs_sink_raise(&r->t.sink, HS_EXIT_REJECT);
			goto out;
		}
		b = xf_pool_current(r->pool, &r->t);
		xf_batch_add(b, line, len, r->t.in.name, r->t.in.lineno);
		if (b->n >= BATCH_EVENTS || b->lines.len >= BATCH_BYTES ||
		    c->opts.unbuffered)
			xf_pool_submit(r->pool, &r->t);
	}
	if (c->null_input) {
		hs_buf_adds(&tmp, "null");
	} else if (c->slurp && c->raw_input) {
		hs_buf_reset(&tmp);
		hs_json_write_str(&tmp, acc.data ? acc.data : "", acc.len);
	} else if (c->slurp) {
		hs_buf_reset(&tmp);
		hs_buf_add(&tmp, acc.len ? acc.data : "[",
		           acc.len ? acc.len : 1);
		hs_buf_addc(&tmp, ']');
	}
	if ((c->null_input || c->slurp) && !hs_sig_stop)
		xf_batch_add(xf_pool_current(r->pool, &r->t), tmp.data, tmp.len,
		             c->null_input ? "<null>" : r->t.in.name, 1);
out:
	hs_buf_release(&tmp);
	hs_buf_release(&acc);
}

static int run(struct cli *c, int argc, char **argv)
{
	struct run r;
	struct hs_buf errs = HS_BUF_INIT;
	const struct xf_tally *tally;
	char extra[96] = "";
	int rc, last;

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
	read_events(c, &r);
	xf_pool_drain(r.pool, &r.t);
	tally = xf_pool_tally(r.pool);
	if (!c->conf.ix)
		/* --stats: which engine answered how many events. */
		snprintf(extra, sizeof(extra), "native=%" PRIu64 " jq=%" PRIu64,
		         tally->native, tally->jq);
	if (c->conf.ack)
		/* --ack: outputs no later stage can acknowledge */
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
		         "%sunacked=%" PRIu64, extra[0] ? " " : "",
		         tally->unacked);
	last = tally->last;
	xf_pool_free(r.pool);
	hs_buf_release(&errs);
	rc = hs_tool_finish(&r.t, extra[0] ? extra : NULL);
	/* -e: jq 1.6's status from the last event, unless hs has a worse */
	return rc == HS_EXIT_OK && c->exit_status ? last : rc;
}

int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	hs_prog_set("hs-transform");
	memset(&c, 0, sizeof(c));
	c.conf.jq_secs = HS_JQ_SECS_DEFAULT;
	c.conf.jq_mem = HS_JQ_MEM_DEFAULT;
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
