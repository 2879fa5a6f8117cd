/*
 * hs-validate: check that every line is one well-formed JSON document
 * and, with --schema or --registry, that it conforms to its JSON Schema;
 * pass valid events through byte-identical and dead-letter the rest with
 * the errors in JSON Schema's "basic" output shape.
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
#include "validate.h"
#include "banned.h"

static const char synopsis[] =
    "usage: hs-validate [-hqu] [--schema FILE | --registry DIR] [--at "
    "POINTER]\n"
    "                   [--ref-map PREFIX=DIR] [--assert-format] [--max-size "
    "SIZE]\n"
    "                   [--max-errors N] [--unique POINTER] [--unique-window "
    "N|TIME]\n"
    "                   [--drop-duplicates] [--on-unknown reject|pass] "
    "[--summary]\n"
    "                   [--fail-fast] [--dlq FILE] [--stats] [FILE ...]\n";

enum {
	OPT_SCHEMA = HS_OPT_FIRST_TOOL,
	OPT_REGISTRY,
	OPT_AT,
	OPT_REF_MAP,
	OPT_ASSERT_FORMAT,
	OPT_MAX_SIZE,
	OPT_MAX_ERRORS,
	OPT_UNIQUE,
	OPT_UNIQUE_WINDOW,
	OPT_DROP_DUPLICATES,
	OPT_ON_UNKNOWN,
	OPT_SUMMARY,
	OPT_FAIL_FAST
};

struct config {
	const char *schema, *registry, *at, *unique;
	struct refmap refs;
	int assert_format, drop_duplicates, summary, fail_fast;
	int unknown_pass;
	uint64_t max_size;
	unsigned max_errors;
	size_t window_count;
	double window_secs;
};

struct run {
	struct config *cf;
	struct hs_tool *t;
	struct registry reg;
	struct hs_json_doc doc;
	struct hs_schema_result res;
	struct unique uniq;
	struct summary sum;
	struct hs_buf scratch;
	int have_schema;
	int stop;
};

static void usage(void)
{
	printf("%s", synopsis);
	printf(
	    "\nPass through every line that is one well-formed JSON document "
	    "conforming to its\nJSON Schema (draft 2020-12, 2019-09 or "
	    "draft-07); dead-letter the rest.\n\n"
	    "Options:\n"
	    "      --schema FILE          validate every event against FILE\n"
	    "      --registry DIR         DIR/SOURCE/DETAIL-TYPE.json per "
	    "event, else DIR/default.json\n"
	    "      --on-unknown ACTION    no schema fits: reject (default) or "
	    "pass\n"
	    "      --at POINTER           validate the value at this JSON "
	    "Pointer (e.g. /detail)\n"
	    "      --ref-map PREFIX=DIR   read $ref URIs starting with PREFIX "
	    "from DIR (repeatable)\n"
	    "      --assert-format        treat \"format\" as an assertion\n"
	    "      --max-size SIZE        reject events larger than SIZE "
	    "(reason too_large)\n"
	    "      --max-errors N         errors kept per event (default "
	    "10)\n"
	    "      --unique POINTER       reject events whose value there was "
	    "seen (reason duplicate)\n"
	    "      --unique-window N|TIME the last N events (default 100000) "
	    "or e.g. 10m\n"
	    "      --drop-duplicates      count duplicates as filtered "
	    "instead\n"
	    "      --summary              report failures by "
	    "source/detail-type "
	    "at exit\n"
	    "      --fail-fast            stop at the first invalid "
	    "event\n" HS_OPTS_HELP_ACK HS_OPTS_HELP
	    "\nExit status: 0 all valid, 1 some invalid, 2 usage or bad "
	    "schema, 3 I/O failure.\n");
}

/* A member's string value, or NULL. */
static const char *member_str(struct run *r, const char *key, size_t *n)
{
	uint32_t v = hs_json_obj_get(&r->doc, 0, key, strlen(key));

	if (v == HS_JSON_NONE || hs_json_type(&r->doc, v) != HS_JSON_STRING)
		return NULL;
	if (hs_json_str_plain(&r->doc, v, &key, n))
		return key;
	return NULL; /* escaped names never match a file name anyway */
}

static void count_failure(struct run *r, const char *kwloc, const char *msg)
{
	const char *src, *dt;
	size_t sn = 0, dn = 0;
	struct hs_buf g = HS_BUF_INIT, ex = HS_BUF_INIT;

	if (!r->cf->summary)
		return;
	src = r->doc.n ? member_str(r, "source", &sn) : NULL;
	dt = r->doc.n ? member_str(r, "detail-type", &dn) : NULL;
	if (!src)
		src = "-", sn = 1;
	if (!dt)
		dt = "-", dn = 1;
	hs_buf_addf(&g, "%.*s/%.*s", (int)sn, src, (int)dn, dt);
	hs_buf_addf(&ex, "%s:%llu: %s", r->t->in.name,
	            (unsigned long long)r->t->in.lineno, msg);
	summary_add(&r->sum, g.data, kwloc, ex.data);
	hs_buf_release(&g);
	hs_buf_release(&ex);
}

/* Dead-letter the current event and keep the summary. */
static void reject(struct run *r, const char *reason, const char *kwloc,
                   const char *details, const char *msg)
{
	hs_tool_reject(r->t, reason, details, "%s", msg);
	count_failure(r, kwloc, msg);
	if (r->cf->fail_fast)
		r->stop = 1;
}

/* A valid event: pass it, unless --unique has seen its value already. */
static void pass_unique(struct run *r, const char *line, size_t len)
{
	uint32_t u = HS_JSON_NONE;
	struct hs_buf *m = &r->scratch;
	size_t n;

	if (r->cf->unique)
		u = hs_json_pointer(&r->doc, 0, r->cf->unique,
		                    strlen(r->cf->unique));
	if (u == HS_JSON_NONE) {
		hs_tool_pass(r->t, line, len);
		return;
	}
	n = r->doc.nodes[u].len;
	if (!unique_seen(&r->uniq, hs_json_raw(&r->doc, u), n)) {
		hs_tool_pass(r->t, line, len);
		return;
	}
	if (r->cf->drop_duplicates) {
		hs_tool_filter(r->t);
		return;
	}
	hs_buf_reset(m);
	hs_buf_addf(m, "duplicate %s %.*s", r->cf->unique,
	            (int)(n > 200 ? 200 : n), hs_json_raw(&r->doc, u));
	reject(r, "duplicate", "(duplicate)", NULL, m->data);
}

static void check_schema(struct run *r, const char *line, size_t len)
{
	struct hs_schema *s;
	uint32_t at = 0;
	size_t sn = 0, dn = 0;
	const char *src = NULL, *dt = NULL;
	struct hs_buf *m = &r->scratch;
	int v;

	if (r->cf->registry) {
		src = member_str(r, "source", &sn);
		dt = member_str(r, "detail-type", &dn);
	}
	s = registry_find(&r->reg, src, sn, dt, dn);
	if (!s) {
		if (r->cf->unknown_pass) {
			hs_tool_pass(r->t, line, len);
			return;
		}
		hs_buf_reset(m);
		hs_buf_addf(m, "no schema for source '%.*s' detail-type '%.*s'",
		            (int)sn, src ? src : "", (int)dn, dt ? dt : "");
		reject(r, "no_schema", "(no_schema)", NULL, m->data);
		return;
	}
	if (r->cf->at) {
		at = hs_json_pointer(&r->doc, 0, r->cf->at, strlen(r->cf->at));
		if (at == HS_JSON_NONE) {
			hs_buf_reset(m);
			hs_buf_addf(m, "no value at '%s'", r->cf->at);
			reject(r, "schema", "(missing --at value)", NULL,
			       m->data);
			return;
		}
	}
	v = hs_schema_validate(s, &r->doc, at, r->cf->at, &r->res);
	if (v == HS_SCHEMA_VALID) {
		pass_unique(r, line, len);
		return;
	}
	hs_buf_reset(m);
	if (v == HS_SCHEMA_LIMIT)
		hs_buf_addf(m, "%s: %s", r->res.limit,
		            r->res.first_msg.len ? r->res.first_msg.data
		                                 : "validation limit reached");
	else
		hs_buf_addf(m, "%s (at '%s', %u error%s)",
		            r->res.first_msg.data, r->res.first_kw.data,
		            r->res.nerrors, r->res.nerrors == 1 ? "" : "s");
	reject(r, v == HS_SCHEMA_LIMIT ? r->res.limit : "schema",
	       r->res.first_kw.data, r->res.out.data, m->data);
}

static void check_line(struct run *r, const char *line, size_t len)
{
	char msg[256];

	r->sum.events++;
	r->doc.n = 0;
	if (r->cf->max_size && len > r->cf->max_size) {
		snprintf(msg, sizeof(msg),
		         "event of %zu bytes is larger than "
		         "--max-size %llu",
		         len, (unsigned long long)r->cf->max_size);
		reject(r, "too_large", "(too_large)", NULL, msg);
		return;
	}
	if (hs_json_parse(&r->doc, line, len) < 0) {
		hs_json_error_text(&r->doc, msg, sizeof msg);
		reject(r, hs_json_error_reason(r->doc.err_code),
		       "(invalid_json)", NULL, msg);
		return;
	}
	/* the event ends before the next parse: its acknowledgement and
	 * dead letter read this document instead of parsing the line again */
	hs_tool_event_doc(r->t, &r->doc);
	if (r->have_schema)
		check_schema(r, line, len);
	else
		pass_unique(r, line, len);
}

static int pointer_ok(const char *p)
{
	return p[0] == '\0' || p[0] == '/';
}

/* One tool option; returns 0, or an exit status. */
static int tool_opt(struct config *cf, int c, const char *arg)
{
	const char *e = NULL;
	char eb[256];
	double secs;
	uint64_t sz;

	switch (c) {
	case OPT_SCHEMA:
		cf->schema = arg;
		break;
	case OPT_REGISTRY:
		cf->registry = arg;
		break;
	case OPT_AT:
		if (!pointer_ok(arg))
			return hs_usage_error(synopsis,
			                      "--at wants a JSON "
			                      "Pointer like /detail, not '%s'",
			                      arg);
		cf->at = arg;
		break;
	case OPT_REF_MAP:
		if (refmap_add(&cf->refs, arg, eb, sizeof(eb)) < 0)
			return hs_usage_error(synopsis, "%s", eb);
		break;
	case OPT_ASSERT_FORMAT:
		cf->assert_format = 1;
		break;
	case OPT_MAX_SIZE:
		if (hs_parse_size(arg, &sz) < 0 || sz == 0)
			return hs_usage_error(synopsis, "bad --max-size '%s'",
			                      arg);
		cf->max_size = sz;
		break;
	case OPT_MAX_ERRORS:
		cf->max_errors = (unsigned)hs_strtonum(arg, 1, 100000, &e);
		if (e)
			return hs_usage_error(
			    synopsis, "--max-errors is %s: '%s'", e, arg);
		break;
	case OPT_UNIQUE:
		if (!pointer_ok(arg))
			return hs_usage_error(synopsis,
			                      "--unique wants a JSON "
			                      "Pointer like /id, not '%s'",
			                      arg);
		cf->unique = arg;
		break;
	case OPT_UNIQUE_WINDOW:
		if (strspn(arg, "0123456789") == strlen(arg)) {
			cf->window_count =
			    (size_t)hs_strtonum(arg, 1, 100000000, &e);
			if (e)
				return hs_usage_error(synopsis,
				                      "--unique-window "
				                      "is %s: '%s'",
				                      e, arg);
		} else if (hs_parse_duration(arg, &secs) == 0 && secs > 0) {
			cf->window_secs = secs;
		} else {
			return hs_usage_error(synopsis,
			                      "bad --unique-window "
			                      "'%s'",
			                      arg);
		}
		break;
	case OPT_DROP_DUPLICATES:
		cf->drop_duplicates = 1;
		break;
	case OPT_ON_UNKNOWN:
		if (!strcmp(arg, "pass"))
			cf->unknown_pass = 1;
		else if (strcmp(arg, "reject"))
			return hs_usage_error(synopsis,
			                      "--on-unknown is reject "
			                      "or pass, not '%s'",
			                      arg);
		break;
	case OPT_SUMMARY:
		cf->summary = 1;
		break;
	case OPT_FAIL_FAST:
		cf->fail_fast = 1;
		break;
	default:
		return -1;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct hs_opts *opts,
                      struct config *cf)
{
	static const struct option longopts[] = {
	    {"assert-format", no_argument, NULL, OPT_ASSERT_FORMAT},
	    {"at", required_argument, NULL, OPT_AT},
	    {"drop-duplicates", no_argument, NULL, OPT_DROP_DUPLICATES},
	    {"fail-fast", no_argument, NULL, OPT_FAIL_FAST},
	    {"max-errors", required_argument, NULL, OPT_MAX_ERRORS},
	    {"max-size", required_argument, NULL, OPT_MAX_SIZE},
	    {"on-unknown", required_argument, NULL, OPT_ON_UNKNOWN},
	    {"ref-map", required_argument, NULL, OPT_REF_MAP},
	    {"registry", required_argument, NULL, OPT_REGISTRY},
	    {"schema", required_argument, NULL, OPT_SCHEMA},
	    {"summary", no_argument, NULL, OPT_SUMMARY},
	    {"unique", required_argument, NULL, OPT_UNIQUE},
	    {"unique-window", required_argument, NULL, OPT_UNIQUE_WINDOW},
	    {NULL, 0, NULL, 0}};
	static const int repeatable[] = {OPT_REF_MAP, 0};
	static const struct hs_optspec spec = {"", longopts, repeatable,
	                                       HS_OPTS_ACK};
	int c, r;

	while ((c = hs_getopt(argc, argv, &spec)) != -1) {
		r = tool_opt(cf, c, optarg);
		if (r > 0)
			return r;
		if (r == 0)
			continue;
		r = hs_opts_common(opts, c, optarg);
		if (r < 0)
			return HS_EXIT_USAGE;
		if (r == 0)
			return hs_opts_bad(synopsis, c, argv);
	}
	if (opts->help || opts->version)
		return 0;
	if (cf->schema && cf->registry)
		return hs_usage_error(synopsis, "--schema and --registry "
		                                "exclude each other");
	if ((cf->window_count || cf->window_secs > 0) && !cf->unique)
		return hs_usage_error(synopsis,
		                      "--unique-window needs --unique");
	if (cf->drop_duplicates && !cf->unique)
		return hs_usage_error(synopsis, "--drop-duplicates needs "
		                                "--unique");
	if (cf->at && !cf->schema && !cf->registry)
		return hs_usage_error(synopsis, "--at needs --schema or "
		                                "--registry");
	return 0;
}

/* Compile the schemas; returns 0 or an exit status. */
static int load_schemas(struct run *r)
{
	struct hs_schema_opts so = {0};
	char eb[1024];
	int rc = 0;

	so.load = refmap_load;
	so.load_ctx = &r->cf->refs;
	so.assert_format = r->cf->assert_format;
	so.max_errors = r->cf->max_errors;
	if (r->cf->schema)
		rc = registry_one(&r->reg, r->cf->schema, &so, eb, sizeof(eb));
	else if (r->cf->registry)
		rc =
		    registry_dir(&r->reg, r->cf->registry, &so, eb, sizeof(eb));
	else
		return 0;
	if (rc < 0) {
		hs_err("%s", eb);
		return HS_EXIT_USAGE;
	}
	r->have_schema = 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct hs_opts opts;
	struct config cf;
	struct hs_tool t;
	struct run r;
	const char *line;
	size_t len;
	int rc;

	hs_prog_set("hs-validate");
	hs_opts_init(&opts);
	memset(&cf, 0, sizeof(cf));
	memset(&r, 0, sizeof(r));
	r.cf = &cf;
	r.t = &t;
	rc = parse_args(argc, argv, &opts, &cf);
	if (rc || opts.help || opts.version) {
		if (!rc && opts.help)
			usage();
		else if (!rc)
			hs_print_version();
		if (!rc)
			rc = hs_opts_stdout_done();
		refmap_release(&cf.refs);
		return rc;
	}
	rc = load_schemas(&r);
	if (rc)
		goto out_reg; /* a registry may be half loaded */
	if (hs_tool_start(&t, &opts, argv + optind, argc - optind) < 0) {
		rc = hs_tool_finish(&t, NULL);
		goto out_reg;
	}
	hs_json_doc_init(&r.doc);
	r.doc.max_depth = opts.max_depth;
	hs_schema_result_init(&r.res);
	hs_buf_init(&r.scratch);
	unique_init(&r.uniq, cf.window_count ? cf.window_count : 100000,
	            cf.window_secs);
	while (!r.stop && hs_tool_next(&t, &line, &len) > 0)
		check_line(&r, line, len);
	if (cf.summary)
		summary_print(&r.sum, stderr);
	rc = hs_tool_finish(&t, NULL);
	summary_release(&r.sum);
	unique_release(&r.uniq);
	hs_buf_release(&r.scratch);
	hs_schema_result_release(&r.res);
	hs_json_doc_release(&r.doc);
out_reg:
	registry_release(&r.reg);
	refmap_release(&cf.refs);
	return rc;
}
