/*
 * hs-fanout: EventBridge rules and event patterns over NDJSON.  Filter
 * mode (--pattern) writes the matching lines byte-identical; rules mode
 * (--rules) delivers each event to the targets of every rule it matches,
 * each target behind its own queue and worker thread.
 */
#include <errno.h>
#include <getopt.h>
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "evcoord.h"
#include "exit.h"
#include "fanout.h"
#include "inputxform.h"
#include "jqrun.h"
#include "json.h"
#include "opts.h"
#include "pattern.h"
#include "sig.h"
#include "stats.h"
#include "tool.h"
#include "banned.h"

static const char synopsis[] =
    "usage: hs-fanout [-hqu] [--invert] [--explain[=FILE]] [--dlq FILE]\n"
    "                 [--stats] [--max-event-size SIZE] --pattern JSON|@FILE\n"
    "                 [FILE ...]\n"
    "       hs-fanout [-hqu] [-b BROKERS] [-F FILE ...] [-X KEY=VALUE ...]\n"
    "                 [--allow-lossy-numbers] [--arn-map FILE]\n"
    "                 [--endpoint-url URL]\n"
    "                 [--jq-timeout DURATION] [--jq-memory SIZE]\n"
    "                 [--cells N --cell-key POINTER]\n"
    "                 [--drain-timeout SECS] [--explain[=FILE]] [--dlq FILE]\n"
    "                 [--stats] --rules FILE [FILE ...]\n";

enum {
	OPT_PATTERN = HS_OPT_FIRST_TOOL,
	OPT_INVERT,
	OPT_RULES,
	OPT_ARN_MAP,
	OPT_CELLS,
	OPT_CELL_KEY,
	OPT_EXPLAIN,
	OPT_ALLOW_LOSSY,
	OPT_ENDPOINT_URL,
	OPT_JQ_TIMEOUT,
	OPT_JQ_MEMORY
};

static void usage(void)
{
	printf("%s", synopsis);
	printf(
	    "\nMatch events against EventBridge event patterns: filter them, "
	    "or route them\nto the targets of every matching rule.\n\n"
	    "Options:\n"
	    "      --pattern JSON|@FILE   filter mode: write matching lines\n"
	    "      --invert               filter mode: write the others\n"
	    "      --rules FILE           rules mode (hs or AWS CLI shape)\n"
	    "      --arn-map FILE         JSON object mapping ARNs to local "
	    "targets\n"
	    "      --allow-lossy-numbers  jq targets: pass numbers libjq "
	    "cannot hold\n"
	    "      --endpoint-url URL     AWS targets: this endpoint, not "
	    "AWS's\n"
	    "      --jq-timeout DURATION  jq targets: libjq's time per event "
	    "(0: none)\n"
	    "      --jq-memory SIZE       jq targets: libjq's memory (0: "
	    "none)\n"
	    "Kafka options (kafka:// targets):\n" HS_KAFKA_HELP
	    "      --cells N              make {cell} targets N times\n"
	    "      --cell-key POINTER     JSON pointer choosing the cell\n"
	    "      --explain[=FILE]       say which rules and fields "
	    "matched\n" HS_OPTS_HELP_ACK HS_OPTS_HELP
	    "\nTargets: -, file:PATH, exec:COMMAND, http(s)://..., "
	    "kafka://TOPIC,\neventbridge://BUS or an event bus ARN.\n"
	    "A file PATH may name {source}, {detail-type}, {account}, "
	    "{region},\n{id} and {time:FMT} of the event.\n"
	    "A target may carry a jq program (\"jq\", or \"HsJq\" in the "
	    "AWS shape).\n"
	    "Exit status: 0 ok, 1 some events dead-lettered, 2 usage or "
	    "bad rules,\n3 I/O failure.\n");
}

struct fanout {
	struct hs_tool t;
	struct hs_pattern *pat;
	struct hs_pattern_match m;
	struct hs_json_doc doc;
	struct fo_rules rules;
	struct fo_shared sh;
	const char *pattern_arg, *rules_path, *arn_map, *cell_key;
	const char *explain_path;
	int explain, invert, ncells;
	int whole_doc; /* something past the match reads the event */
	size_t nput;   /* items put since the last targets_flush() */
	double drain;
	FILE *explain_f;
	struct hs_buf scratch, key, msgs;
	struct pend *pend; /* route(): this event's payloads */
	size_t npend, pendcap;
	struct fo_jqrun *jqrun;
	int allow_lossy;
	double jq_secs;  /* --jq-timeout */
	uint64_t jq_mem; /* --jq-memory */
	int jq_bounds;   /* either was given */
	int curl;
};

static void explain(struct fanout *f)
{
	struct hs_buf *b = &f->scratch;

	hs_buf_reset(b);
	hs_buf_adds(b, "{\"input\":");
	hs_json_write_str(b, f->t.in.name, strlen(f->t.in.name));
	hs_buf_addf(b, ",\"line\":%llu,\"matched\":[",
	            (unsigned long long)f->t.in.lineno);
	for (unsigned i = 0; i < f->m.nhits; i++) {
		const char *name =
		    f->rules.n ? f->rules.r[f->m.hits[i]].name : "pattern";

		if (i)
			hs_buf_addc(b, ',');
		hs_buf_adds(b, "{\"rule\":");
		hs_json_write_str(b, name, strlen(name));
		hs_buf_adds(b, ",\"fields\":");
		hs_pattern_explain(f->pat, &f->m, f->m.hits[i], b);
		hs_buf_addc(b, '}');
	}
	hs_buf_adds(b, "]}\n");
	fwrite(b->data, 1, b->len, f->explain_f);
}

/* The cell key's bytes: a string's content, any other value's JSON. */
static int key_of(struct fanout *f, const char *ptr, struct hs_buf *out)
{
	uint32_t v = hs_json_pointer(&f->doc, 0, ptr, strlen(ptr));

	hs_buf_reset(out);
	if (v == HS_JSON_NONE)
		return -1;
	if (hs_json_type(&f->doc, v) == HS_JSON_STRING)
		hs_json_str_decode(&f->doc, v, out);
	else
		hs_buf_add(out, hs_json_raw(&f->doc, v), f->doc.nodes[v].len);
	return 0;
}

/* Report the current event upstream ('-', or '+' n more units); c NULL:
 * it has no coordinates. */
static void frame_ack(struct fanout *f, const struct hs_evcoord *c, int n)
{
	hs_sink_ack(&f->t.sink, c, n);
}

/*
 * The completion count of an event with coordinates c going to nother
 * targets that finish here, or NULL when --ack is off or the event has no
 * hs.kafka coordinates (c NULL: nothing to acknowledge).
 */
static struct fo_ev *ev_new(struct fanout *f, const struct hs_evcoord *c,
                            size_t nother)
{
	struct fo_ev *ev;

	if (f->t.ack.fd < 0 || !nother)
		return NULL;
	if (!c) {
		hs_sink_ack(&f->t.sink, NULL, 0); /* counted as lost */
		return NULL;
	}
	ev = hs_xmalloc(sizeof *ev + c->topiclen);
	atomic_init(&ev->refs, (int)nother + 1);
	atomic_init(&ev->failed, 0);
	ev->partition = c->partition;
	ev->offset = c->offset;
	ev->topiclen = c->topiclen;
	memcpy(ev->topic, c->topic, c->topiclen);
	return ev;
}

/* One payload for a target, or one failure of its jq program. */
struct pend {
	struct fo_target *t;
	struct fo_item *it;
	const char *reason; /* jq_error, lossy_number: dead-letter it */
	size_t msg_off;     /* the message, in fanout.msgs */
	size_t det_off;     /* its details object in fanout.msgs, or SIZE_MAX */
};

static void pend_add(struct fanout *f, struct fo_rule *r, struct fo_target *t,
                     const char *p, size_t n, const char *line, size_t len)
{
	struct fo_item *it = target_item_new(t, n);
	struct pend *pd;

	it->rule = r->name;
	it->t0 = hs_now();
	it->len = n;
	memcpy(it->data, p, n);
	it->data[n] = '\0';
	/* the payload is the line itself (no input, path or transformer):
	 * the dead letter's event bytes are the payload's */
	it->event = p == line ? it->data : hs_xmemdup(line, len);
	it->event_len = len;
	if (t->key_ptr && key_of(f, t->key_ptr, &f->key) == 0) {
		it->key = hs_xmemdup(f->key.data, f->key.len);
		it->key_len = f->key.len;
	}
	it->path = target_item_path(t, &f->doc);
	f->pend = hs_xgrow(f->pend, sizeof *f->pend, f->npend + 1, &f->pendcap);
	pd = &f->pend[f->npend++];
	pd->t = t;
	pd->it = it;
	pd->reason = NULL;
	pd->det_off = SIZE_MAX;
}

/* Run t's jq program: a payload per output, or one failure; none is a
 * filter for t alone. */
static void jq_payloads(struct fanout *f, struct fo_rule *r,
                        struct fo_target *t, const char *line, size_t len)
{
	const char *out, *reason, *msg, *det, *nl;
	size_t outlen;
	int n = fo_jq_eval(t->jq, f->jqrun, &out, &outlen, &reason, &msg, &det);

	if (n < 0) {
		size_t at = f->msgs.len, dat = SIZE_MAX;

		hs_buf_adds(&f->msgs, msg);
		hs_buf_addc(&f->msgs, '\0');
		if (det) {
			dat = f->msgs.len;
			hs_buf_adds(&f->msgs, det);
			hs_buf_addc(&f->msgs, '\0');
		}
		pend_add(f, r, t, "", 0, line, len);
		f->pend[f->npend - 1].reason = reason;
		f->pend[f->npend - 1].msg_off = at;
		f->pend[f->npend - 1].det_off = dat;
		return;
	}
	if (n == 0) {
		pthread_mutex_lock(&t->mu);
		t->filtered++;
		pthread_mutex_unlock(&t->mu);
		return;
	}
	for (const char *p = out; p < out + outlen; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(out + outlen - p));
		pend_add(f, r, t, p, (size_t)(nl - p), line, len);
	}
}

/* Every matching rule's targets' payloads, into f->pend. */
static void payloads(struct fanout *f, int cell, const char *line, size_t len)
{
	struct hs_buf *b = &f->scratch;

	f->npend = 0;
	hs_buf_reset(&f->msgs);
	fo_jqrun_event(f->jqrun, &f->doc, line, len);
	for (unsigned i = 0; i < f->m.nhits; i++) {
		struct fo_rule *r = &f->rules.r[f->m.hits[i]];

		r->matched++;
		for (size_t j = 0; j < r->ntargets; j++) {
			struct fo_target *t =
			    r->targets[j][r->tcells[j] > 1 ? cell : 0];

			hs_buf_reset(b);
			if (t->jq) {
				jq_payloads(f, r, t, line, len);
				continue;
			}
			if (t->input)
				hs_buf_adds(b, t->input);
			else if (t->input_path) {
				uint32_t v =
				    hs_json_pointer(&f->doc, 0, t->input_path,
				                    strlen(t->input_path));

				if (v == HS_JSON_NONE)
					hs_buf_adds(b, "null");
				else
					hs_buf_add(b, hs_json_raw(&f->doc, v),
					           f->doc.nodes[v].len);
			} else if (t->xf)
				hs_inputxform_apply(t->xf, &f->doc, r->name, b);
			else {
				pend_add(f, r, t, line, len, line, len);
				continue;
			}
			pend_add(f, r, t, b->data, b->len, line, len);
		}
	}
}

/*
 * Queue the event to the targets of every matching rule.  With --ack it is
 * finished here once every target but stdout finished it; each copy
 * written to stdout is a unit the next stage finishes, so hs-consume is
 * told of the extra units ('+') before any copy can reach that stage.
 * A jq program decides how many copies a target gets, so all payloads are
 * made before anything is counted or queued.
 */
static void route(struct fanout *f, const char *line, size_t len)
{
	int cell = 0, units;
	size_t nstdout = 0, nother = 0;
	struct hs_evcoord c;
	const struct hs_evcoord *coord = NULL;
	struct fo_ev *ev;

	if (f->ncells > 1 && key_of(f, f->cell_key, &f->key) == 0)
		cell = (int)(fo_murmur2(f->key.data, f->key.len) %
		             (uint32_t)f->ncells);
	payloads(f, cell, line, len);
	for (size_t i = 0; i < f->npend; i++) {
		if (target_is_stdout(f->pend[i].t) && !f->pend[i].reason)
			nstdout++;
		else
			nother++;
	}
	units = (int)nstdout + (nother > 0);
	/* with --ack the event was parsed whole (main): its coordinates,
	 * found once, serve every acknowledgement of it */
	if (f->t.ack.fd >= 0)
		coord = hs_evcoord_doc(&f->doc, &c) == 0 ? &c : NULL;
	if (units == 0)
		frame_ack(f, coord, 0);
	else if (units > 1)
		frame_ack(f, coord, units - 1);
	ev = ev_new(f, coord, nother);
	for (size_t i = 0; i < f->npend; i++) {
		struct pend *pd = &f->pend[i];

		if (!target_is_stdout(pd->t) || pd->reason)
			pd->it->ev = ev;
		if (pd->reason)
			target_reject(pd->t, pd->it, pd->reason,
			              f->msgs.data + pd->msg_off,
			              pd->det_off == SIZE_MAX
			                  ? NULL
			                  : f->msgs.data + pd->det_off);
		else
			target_put(pd->t, pd->it);
	}
	/* staged items reach their queues every few hundred */
	f->nput += f->npend;
	if (f->nput >= 256) {
		targets_flush(&f->sh);
		f->nput = 0;
	}
	f->npend = 0;
	fo_ev_release(&f->sh, ev, 1);
}

/* Input went idle: what is staged goes to its targets, stdout is flushed. */
static void on_idle(void *ctx)
{
	struct fanout *f = ctx;

	targets_flush(&f->sh);
	f->nput = 0;
	hs_tool_flush(&f->t);
	hs_stats_tick(&f->t.stats);
}

static void one_event(struct fanout *f, const char *line, size_t len)
{
	int hit, r;

	/*
	 * Where nothing after the match reads the event, the line is decided
	 * with tape nodes for the pattern's fields only (every other subtree
	 * validated and skipped); else parsed whole.  Both refuse exactly
	 * the same lines, with the same reason and byte.
	 */
	if (f->whole_doc) {
		r = hs_json_parse(&f->doc, line, len);
		if (r == 0)
			hs_pattern_match(f->pat, &f->m, &f->doc, 0);
	} else {
		r = hs_pattern_match_line(f->pat, &f->m, &f->doc, line, len);
	}
	if (r < 0) {
		hs_tool_reject_parse(&f->t, &f->doc);
		return;
	}
	if (f->whole_doc)
		hs_tool_event_doc(&f->t, &f->doc); /* acks need no parse */
	if (f->explain_f)
		explain(f);
	if (!f->rules.n) {
		hit = f->m.nhits > 0;
		if (hit != f->invert)
			hs_tool_pass(&f->t, line, len);
		else
			hs_tool_filter(&f->t);
		return;
	}
	if (!f->m.nhits) {
		hs_tool_filter(&f->t);
		return;
	}
	route(f, line, len);
	hs_tool_done(&f->t, HS_END_OUT);
}

static void for_each_target(struct fanout *f,
                            void (*fn)(struct fanout *, struct fo_rule *,
                                       struct fo_target *))
{
	for (size_t i = 0; i < f->rules.n; i++) {
		struct fo_rule *r = &f->rules.r[i];

		for (size_t j = 0; j < r->ntargets; j++)
			for (int k = 0; k < r->tcells[j]; k++)
				fn(f, r, r->targets[j][k]);
	}
}

static void reads_one(struct fanout *f, struct fo_rule *r, struct fo_target *t)
{
	(void)r;
	if (target_reads_event(t))
		f->whole_doc = 1;
}

static void finish_one(struct fanout *f, struct fo_rule *r, struct fo_target *t)
{
	(void)f;
	(void)r;
	target_finish(t);
}

static void stats_one(struct fanout *f, struct fo_rule *r, struct fo_target *t)
{
	uint64_t q, d, x;

	(void)r;
	target_counts(t, &q, &d, &x);
	hs_buf_addf(&f->key, " target:%s=%llu/%llu/%llu", t->shown,
	            (unsigned long long)q, (unsigned long long)d,
	            (unsigned long long)x);
	/* a jq target also counts the events its program dropped */
	if (t->jq)
		hs_buf_addf(&f->key, "/%llu", (unsigned long long)t->filtered);
}

/* Options; returns -1 to go on, else the exit status. */
static int parse_args(struct fanout *f, int argc, char **argv,
                      struct hs_opts *o)
{
	static const struct option longopts[] = {
	    {"pattern", required_argument, NULL, OPT_PATTERN},
	    {"invert", no_argument, NULL, OPT_INVERT},
	    {"rules", required_argument, NULL, OPT_RULES},
	    {"arn-map", required_argument, NULL, OPT_ARN_MAP},
	    HS_KAFKA_LONG,
	    {"cells", required_argument, NULL, OPT_CELLS},
	    {"cell-key", required_argument, NULL, OPT_CELL_KEY},
	    {"explain", optional_argument, NULL, OPT_EXPLAIN},
	    {"allow-lossy-numbers", no_argument, NULL, OPT_ALLOW_LOSSY},
	    {"endpoint-url", required_argument, NULL, OPT_ENDPOINT_URL},
	    {"jq-timeout", required_argument, NULL, OPT_JQ_TIMEOUT},
	    {"jq-memory", required_argument, NULL, OPT_JQ_MEMORY},
	    {NULL, 0, NULL, 0}};
	static const int repeatable[] = {'F', 'X', 0};
	static const struct hs_optspec spec = {HS_KAFKA_SHORT, longopts,
	                                       repeatable, HS_OPTS_ACK};
	const char *errstr;
	int c, r;

	while ((c = hs_getopt(argc, argv, &spec)) != -1) {
		if (hs_kafka_opt(&f->sh.kafka, c, optarg))
			continue;
		switch (c) {
		case OPT_PATTERN:
			f->pattern_arg = optarg;
			continue;
		case OPT_INVERT:
			f->invert = 1;
			continue;
		case OPT_RULES:
			f->rules_path = optarg;
			continue;
		case OPT_ARN_MAP:
			f->arn_map = optarg;
			continue;
		case OPT_CELLS:
			f->ncells =
			    (int)hs_strtonum(optarg, 1, 100000, &errstr);
			if (errstr)
				return hs_usage_error(synopsis,
				                      "--cells '%s' is %s",
				                      optarg, errstr);
			continue;
		case OPT_CELL_KEY:
			f->cell_key = optarg;
			continue;
		case OPT_EXPLAIN:
			f->explain = 1;
			f->explain_path = optarg;
			continue;
		case OPT_ALLOW_LOSSY:
			f->allow_lossy = 1;
			continue;
		case OPT_ENDPOINT_URL:
			f->sh.endpoint_url = optarg;
			continue;
		case OPT_JQ_TIMEOUT:
			if (hs_parse_duration(optarg, &f->jq_secs) < 0)
				return hs_usage_error(
				    synopsis, "--jq-timeout '%s': a duration",
				    optarg);
			f->jq_bounds = 1;
			continue;
		case OPT_JQ_MEMORY:
			if (hs_parse_size(optarg, &f->jq_mem) < 0)
				return hs_usage_error(
				    synopsis, "--jq-memory '%s': a size",
				    optarg);
			f->jq_bounds = 1;
			continue;
		}
		r = hs_opts_common(o, c, optarg);
		if (r < 0)
			return HS_EXIT_USAGE;
		if (r == 0)
			return hs_opts_bad(synopsis, c, argv);
	}
	if (o->help) {
		usage();
		return hs_opts_stdout_done();
	}
	if (o->version) {
		hs_print_version();
		return hs_opts_stdout_done();
	}
	if (!f->pattern_arg == !f->rules_path)
		return hs_usage_error(
		    synopsis, "give exactly one of --pattern and --rules");
	if (f->invert && !f->pattern_arg)
		return hs_usage_error(synopsis, "--invert needs --pattern");
	if ((f->ncells > 0) != (f->cell_key != NULL) ||
	    (f->ncells && !f->rules_path))
		return hs_usage_error(synopsis, "--cells and --cell-key go "
		                                "together, with --rules");
	if (f->cell_key && f->cell_key[0] && f->cell_key[0] != '/')
		return hs_usage_error(synopsis,
		                      "--cell-key takes a JSON pointer such as "
		                      "/detail/id");
	if (f->pattern_arg && (f->arn_map || hs_kafka_given(&f->sh.kafka) ||
	                       f->allow_lossy || f->jq_bounds))
		return hs_usage_error(synopsis,
		                      "--arn-map, --allow-lossy-numbers, "
		                      "--jq-timeout, --jq-memory, "
		                      "-b, -F and -X go with --rules");
	if (f->pattern_arg && f->sh.endpoint_url)
		return hs_usage_error(synopsis,
		                      "--endpoint-url goes with --rules");
	fo_jq_limits(f->jq_secs, f->jq_mem);
	return -1;
}

/* Compile the pattern or load the rules and start the targets. */
static int setup(struct fanout *f, struct hs_opts *o)
{
	char err[1024];

	f->pat = hs_pattern_new();
	if (f->pattern_arg) {
		const char *text = f->pattern_arg;
		struct hs_buf file = HS_BUF_INIT;
		size_t n = strlen(text);
		int rc;

		if (text[0] == '@') {
			if (hs_buf_read_file(&file, text + 1, err, sizeof err) <
			    0) {
				hs_err("%s", err);
				hs_buf_release(&file);
				return HS_EXIT_USAGE;
			}
			text = file.data;
			n = file.len;
		}
		rc = hs_pattern_add(f->pat, text, n, NULL, err, sizeof err);
		hs_buf_release(&file);
		if (rc < 0) {
			hs_err("invalid pattern: %s", err);
			return HS_EXIT_USAGE;
		}
	} else {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		f->curl = 1;
		if (rules_load(&f->rules, f->rules_path, f->arn_map, f->pat,
		               f->ncells ? f->ncells : 1, &f->sh, err,
		               sizeof err) < 0) {
			hs_err("%s", err);
			return HS_EXIT_USAGE;
		}
		for (size_t i = 0; i < f->rules.n; i++) {
			struct fo_rule *r = &f->rules.r[i];

			for (size_t j = 0; j < r->ntargets; j++)
				for (int k = 0; k < r->tcells[j]; k++)
					if (target_start(r->targets[j][k], err,
					                 sizeof err) < 0) {
						hs_err("%s", err);
						return HS_EXIT_IO;
					}
		}
	}
	if (f->explain) {
		f->explain_f = stderr;
		if (f->explain_path) {
			f->explain_f = fopen(f->explain_path, "a");
			if (!f->explain_f) {
				hs_errno("cannot open '%s'", f->explain_path);
				return HS_EXIT_IO;
			}
		}
	}
	(void)o;
	hs_pattern_match_init(&f->m, f->pat);
	return -1;
}

int main(int argc, char **argv)
{
	struct hs_opts opts;
	struct fanout f;
	const char *line;
	size_t len;
	int rc, started = 0;

	hs_prog_set("hs-fanout");
	hs_opts_init(&opts);
	memset(&f, 0, sizeof f);
	f.jq_secs = HS_JQ_SECS_DEFAULT;
	f.jq_mem = HS_JQ_MEM_DEFAULT;
	hs_buf_init(&f.scratch);
	hs_buf_init(&f.key);
	hs_buf_init(&f.msgs);
	hs_json_doc_init(&f.doc);
	pthread_mutex_init(&f.sh.drain_mu, NULL);
	f.sh.sink = &f.t.sink;
	rc = parse_args(&f, argc, argv, &opts);
	if (rc >= 0)
		goto out;
	f.sh.quiet = opts.quiet;
	f.jqrun = fo_jqrun_new(f.allow_lossy);
	f.sh.drain_secs = opts.drain_timeout;
	f.doc.max_depth = opts.max_depth;
	rc = setup(&f, &opts);
	if (rc >= 0)
		goto out;
	if (hs_tool_start(&f.t, &opts, argv + optind, argc - optind) < 0) {
		rc = hs_tool_finish(&f.t, NULL);
		goto out;
	}
	started = 1;
	f.whole_doc = f.rules.n && (f.t.ack.fd >= 0 || f.ncells > 1);
	for_each_target(&f, reads_one);
	f.t.in.idle = on_idle;
	f.t.in.idle_ctx = &f;
	while (!f.sh.epipe && hs_tool_next(&f.t, &line, &len) > 0)
		one_event(&f, line, len);
	targets_flush(&f.sh);
	fo_out_of_time(&f.sh); /* starts the drain clock after a signal */
	for_each_target(&f, finish_one);
	hs_buf_reset(&f.key);
	for (size_t i = 0; i < f.rules.n; i++)
		hs_buf_addf(&f.key, " rule:%s=%llu", f.rules.r[i].name,
		            (unsigned long long)f.rules.r[i].matched);
	for_each_target(&f, stats_one);
	if (f.sh.dlq_records)
		hs_buf_addf(&f.key, " target_dlq=%llu",
		            (unsigned long long)f.sh.dlq_records);
	/* every worker has ended its events in the frame's sink, which
	 * raised the status for their dead letters, 75 and EPIPE */
	rc = hs_tool_finish(&f.t, f.key.len ? f.key.data + 1 : NULL);
out:
	(void)started;
	rules_free(&f.rules);
	if (f.explain_f && f.explain_f != stderr)
		fclose(f.explain_f);
	if (f.pat) {
		if (f.m.hits)
			hs_pattern_match_release(&f.m);
		hs_pattern_free(f.pat);
	}
	hs_json_doc_release(&f.doc);
	hs_buf_release(&f.scratch);
	hs_buf_release(&f.key);
	hs_buf_release(&f.msgs);
	free(f.pend);
	fo_jqrun_free(f.jqrun);
	hs_kafka_opts_free(&f.sh.kafka);
	pthread_mutex_destroy(&f.sh.drain_mu);
	free(f.sh.staged);
	if (f.curl)
		curl_global_cleanup();
	return rc;
}
