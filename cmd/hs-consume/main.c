/*
 * hs-consume: read Kafka topics and write one event per line, storing a
 * record's offset for commit only after its line reached stdout.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "consume.h"
#include "err.h"
#include "exit.h"
#include "kafkaconf.h"
#include "opts.h"
#include "sig.h"
#include "stats.h"
#include "tool.h"
#include "banned.h"

#define FLUSH_EVERY_SECS 0.2
#define BATCH 1024

static const char synopsis[] =
    "usage: hs-consume [-ehqu] -b BROKERS -t TOPIC [-t TOPIC ...] [-G GROUP]\n"
    "                  [-p PARTITION ...] [-o OFFSET] [-c COUNT]\n"
    "                  [-F FILE ...] [-X KEY=VALUE ...] [--envelope MODE]\n"
    "                  [--timeout DURATION] [--ack FIFO [--ack-timeout "
    "DURATION]]\n"
    "                  [--dlq FILE] [--stats]\n";

enum { OPT_ENVELOPE = HS_OPT_FIRST_TOOL, OPT_ACK_TIMEOUT, OPT_TIMEOUT };

static void usage(void)
{
	printf("%s", synopsis);
	printf("\nRead Kafka topics and write one event per line.\n\n"
	       "Options:\n"
	       "  -t, --topic TOPIC          topic to read; ^REGEX with -G\n"
	       "  -G, --group GROUP          consumer group: balanced, offsets "
	       "committed\n"
	       "  -p, --partition N          read only partition N (no -G)\n"
	       "  -o, --offset OFFSET        beginning, end, stored, N, -N, "
	       "s@TIME, e@TIME\n"
	       "  -c, --count N              stop after N records\n"
	       "  -e, --exit-at-end          stop when every partition is at "
	       "its end\n" HS_KAFKA_HELP
	       "      --envelope MODE        event (default), record or "
	       "value\n"
	       "      --timeout DURATION     exit 75 when the cluster stays "
	       "unreachable that long\n"
	       "      --ack FIFO             commit an offset only when the "
	       "stages given\n"
	       "                             --ack FIFO have finished every "
	       "event up to it\n"
	       "      --ack-timeout DURATION with --ack, wait that long for "
	       "acks at exit (5s)\n" HS_OPTS_HELP
	       "\nExit status: 0 ok, 1 some records dead-lettered, 2 usage, "
	       "3 I/O failure,\n75 Kafka unreachable.\n");
}

struct args {
	char **topics;
	int ntopics;
	int32_t *parts;
	int nparts;
	struct hs_kafka_opts kafka; /* -b, -F, -X */
	const char *group;
	long long count;
	enum envelope envelope;
	int have_start;
};

/* Handle the record in hand: format, write or dead-letter, account. */
static void handle(struct consumer *c, struct envelope_ctx *e,
                   const rd_kafka_message_t *m)
{
	struct hs_tool *t = c->tool;
	struct part *p = part_get(c, rd_kafka_topic_name(m->rkt), m->partition);
	struct hs_dlq_rec r = HS_DLQ_REC_INIT;
	rd_kafka_timestamp_type_t tstype;
	struct hs_buf details = HS_BUF_INIT;
	enum verdict v;

	/* Fetched before a revoke that a callback in this batch handled:
	 * the partition's new owner reads it from the committed offset. */
	if ((c->group && !p->assigned) || p->done)
		return;
	if (p->seeking) {
		if (rd_kafka_message_timestamp(m, &tstype) < c->start_val)
			return;
		p->seeking = 0;
	}
	if (c->end_ts >= 0 &&
	    rd_kafka_message_timestamp(m, &tstype) >= c->end_ts) {
		part_finish(c, m, p);
		return;
	}
	p->eof = 0;
	hs_stats_in(&t->stats, m->len);
	switch ((v = envelope_format(e, m))) {
	case V_OUT:
		/* In the ledger before it can reach a stage (a full buffer
		 * is written at once), so its ack always finds it. */
		if (c->ack)
			acker_add(c->ack, rd_kafka_topic_name(m->rkt),
			          m->partition, m->offset, 1);
		hs_tool_emit(t, e->line.data, e->line.len);
		hs_tool_done(t, HS_END_OUT);
		p->out++;
		break;
	case V_FILTER:
		hs_tool_filter(t);
		p->filtered++;
		break;
	case V_DLQ:
		envelope_details(e, m, &details);
		r.reason = e->reason;
		r.message = e->msg;
		r.topic = rd_kafka_topic_name(m->rkt);
		r.partition = m->partition;
		r.offset = m->offset;
		r.details = details.data;
		r.details_len = details.len;
		r.event = m->payload;
		r.event_len = m->len;
		r.event_is_json = e->value_is_json;
		hs_tool_reject_rec(t, &r);
		hs_buf_release(&details);
		p->dlq++;
		break;
	}
	if (c->ack && v != V_OUT)
		acker_add(c->ack, rd_kafka_topic_name(m->rkt), m->partition,
		          m->offset, 0);
	p->pending = p->next = m->offset + 1;
}

static void on_error(struct consumer *c, const rd_kafka_message_t *m)
{
	struct part *p;

	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		p = part_get(c, rd_kafka_topic_name(m->rkt), m->partition);
		p->eof = 1;
		return;
	}
	if (m->rkt)
		hs_err("kafka: topic '%s' partition %" PRId32 ": %s",
		       rd_kafka_topic_name(m->rkt), m->partition,
		       rd_kafka_message_errstr(m));
	else
		hs_err("kafka: %s", rd_kafka_message_errstr(m));
	if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
	    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
	    m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
		c->fatal_rc = HS_EXIT_USAGE;
		c->stop = 1;
	}
}

/*
 * Take records in batches from the consumer queue: one lock round per
 * batch instead of per record.  Rebalance callbacks run inside the batch
 * call; handle() drops records of partitions revoked meanwhile.
 */
static void run(struct consumer *c, struct envelope_ctx *e, long long count)
{
	struct hs_tool *t = c->tool;
	rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(c->rk);
	rd_kafka_message_t *batch[BATCH];
	double next_flush = hs_now() + FLUSH_EVERY_SECS;
	long long seen = 0;
	int idle = 0;

	while (!hs_sig_stop && !c->stop && !t->failed) {
		size_t want = BATCH;
		ssize_t n, i;

		if (count > 0 && count - seen < (long long)want)
			want = (size_t)(count - seen);
		/* A batch call with a timeout waits for a full batch; when
		 * idle, wait for one record instead and answer at once. */
		if (idle) {
			batch[0] = rd_kafka_consumer_poll(c->rk, 100);
			n = batch[0] != NULL;
		} else {
			n = rd_kafka_consume_batch_queue(q, 0, batch, want);
		}
		if (n <= 0) {
			/* Nothing waiting: hand what we have downstream. */
			flush_and_store(c);
			next_flush = hs_now() + FLUSH_EVERY_SECS;
			idle = 1;
			check_reachable(c);
			/* A reader that left shows only on a write; while
			 * idle nothing is written, so look. */
			if (hs_tool_out_gone(t))
				break;
			if (all_done(c) && finish_group(c))
				break;
			continue;
		}
		idle = 0;
		c->down_since = 0;
		for (i = 0; i < n; i++) {
			rd_kafka_message_t *m = batch[i];

			/* After a stop, -c's end or a failure the rest of the
			 * batch is neither written nor stored: a restart
			 * reads it again. */
			if (hs_sig_stop || c->stop || t->failed ||
			    (count > 0 && seen == count)) {
			} else if (m->err) {
				on_error(c, m);
			} else {
				handle(c, e, m);
				seen++;
			}
			rd_kafka_message_destroy(m);
		}
		if ((count > 0 && seen == count) ||
		    (all_done(c) && finish_group(c)))
			break;
		if (hs_now() >= next_flush) {
			flush_and_store(c);
			hs_stats_tick(&t->stats);
			next_flush = hs_now() + FLUSH_EVERY_SECS;
		}
	}
	rd_kafka_queue_destroy(q);
}

static int parse_args(int argc, char **argv, struct args *a, struct hs_opts *o,
                      struct consumer *c)
{
	static const struct option longopts[] = {
	    {"count", required_argument, NULL, 'c'},
	    {"exit-at-end", no_argument, NULL, 'e'},
	    {"group", required_argument, NULL, 'G'},
	    {"offset", required_argument, NULL, 'o'},
	    {"partition", required_argument, NULL, 'p'},
	    {"topic", required_argument, NULL, 't'},
	    HS_KAFKA_LONG,
	    {"envelope", required_argument, NULL, OPT_ENVELOPE},
	    {"ack-timeout", required_argument, NULL, OPT_ACK_TIMEOUT},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {NULL, 0, NULL, 0}};
	static const int repeatable[] = {'t', 'p', 'F', 'X', 'o', 0};
	static const struct hs_optspec spec = {
	    "G:c:eo:p:t:" HS_KAFKA_SHORT, longopts, repeatable, HS_OPTS_ACK};
	const char *errstr;
	char err[512];
	int ch, r;

	while ((ch = hs_getopt(argc, argv, &spec)) != -1) {
		if (hs_kafka_opt(&a->kafka, ch, optarg))
			continue;
		switch (ch) {
		case 'G':
			a->group = optarg;
			break;
		case 'c':
			a->count = hs_strtonum(optarg, 1, INT64_MAX, &errstr);
			if (errstr)
				return hs_usage_error(synopsis,
				                      "count '%s' is %s",
				                      optarg, errstr);
			break;
		case 'e':
			c->exit_at_end = 1;
			break;
		case 'o': {
			/* -o twice: one start and one e@ end, never two of
			 * either (hs-consume(1)) */
			int end = strncmp(optarg, "e@", 2) == 0;

			if (end ? c->end_ts >= 0 : a->have_start)
				return hs_usage_error(
				    synopsis,
				    "-o takes one start and one e@ end");
			if (parse_offset(c, optarg, err, sizeof(err)) < 0)
				return hs_usage_error(synopsis, "%s", err);
			if (!end)
				a->have_start = 1;
			break;
		}
		case 'p':
			a->parts =
			    hs_xrealloc(a->parts, (size_t)(a->nparts + 1) *
			                              sizeof(*a->parts));
			a->parts[a->nparts++] =
			    (int32_t)hs_strtonum(optarg, 0, INT32_MAX, &errstr);
			if (errstr)
				return hs_usage_error(synopsis,
				                      "partition '%s' is %s",
				                      optarg, errstr);
			break;
		case 't':
			a->topics[a->ntopics++] = optarg;
			break;
		case OPT_ENVELOPE:
			if (strcmp(optarg, "event") == 0)
				a->envelope = ENV_EVENT;
			else if (strcmp(optarg, "record") == 0)
				a->envelope = ENV_RECORD;
			else if (strcmp(optarg, "value") == 0)
				a->envelope = ENV_VALUE;
			else
				return hs_usage_error(
				    synopsis,
				    "envelope '%s' is not event, record or "
				    "value",
				    optarg);
			break;
		case OPT_ACK_TIMEOUT:
		case OPT_TIMEOUT:
			if (hs_parse_duration(optarg, ch == OPT_TIMEOUT
			                                  ? &c->timeout
			                                  : &c->ack_timeout) <
			    0)
				return hs_usage_error(
				    synopsis, "bad duration '%s'", optarg);
			break;
		default:
			r = hs_opts_common(o, ch, optarg);
			if (r < 0)
				return HS_EXIT_USAGE;
			if (r == 0)
				return hs_opts_bad(synopsis, ch, argv);
		}
	}
	return -1;
}

/* The option combinations; returns an exit status or -1 when fine. */
static int check_args(int argc, struct args *a, const struct hs_opts *o,
                      struct consumer *c, rd_kafka_conf_t *conf)
{
	char err[512];
	size_t n = 0;

	if (optind != argc)
		return hs_usage_error(synopsis, "unexpected argument");
	if (a->ntopics == 0)
		return hs_usage_error(synopsis, "no topic (-t)");
	if (hs_kafkaconf_apply(conf, &a->kafka, err, sizeof(err)) < 0)
		return hs_usage_error(synopsis, "%s", err);
	if (rd_kafka_conf_get(conf, "bootstrap.servers", NULL, &n) !=
	        RD_KAFKA_CONF_OK ||
	    n <= 1)
		return hs_usage_error(synopsis, "no brokers (-b)");
	if (o->ack && (!a->group || a->envelope != ENV_EVENT))
		return hs_usage_error(synopsis,
		                      "--ack needs -G and --envelope event (a "
		                      "stage acks by the event's hs.kafka)");
	if (a->group) {
		if (a->nparts)
			return hs_usage_error(synopsis,
			                      "-p needs direct assignment "
			                      "(no -G)");
		if (a->have_start && c->start != START_BEGINNING &&
		    c->start != START_END && c->start != START_STORED)
			return hs_usage_error(
			    synopsis, "with -G, -o is beginning, end or "
			              "stored (where a partition without "
			              "a committed offset starts)");
		if (rd_kafka_conf_set(conf, "group.id", a->group, err,
		                      sizeof(err)))
			return hs_usage_error(synopsis, "%s", err);
		c->group = 1;
	} else {
		for (int i = 0; i < a->ntopics; i++)
			if (a->topics[i][0] == '^')
				return hs_usage_error(synopsis,
				                      "a topic regex needs -G");
		if (c->start == START_STORED &&
		    (rd_kafka_conf_get(conf, "group.id", NULL, &n) !=
		         RD_KAFKA_CONF_OK ||
		     n <= 1))
			return hs_usage_error(synopsis,
			                      "-o stored needs a group");
		/* librdkafka's consumer wants a group.id even for assign();
		 * without -G nothing joins it and nothing is committed. */
		if (rd_kafka_conf_get(conf, "group.id", NULL, &n) !=
		        RD_KAFKA_CONF_OK ||
		    n <= 1)
			rd_kafka_conf_set(conf, "group.id", "hs-consume", err,
			                  sizeof(err));
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct hs_opts opts;
	struct hs_tool t;
	struct consumer c = {.end_ts = -1, .ack_timeout = 5};
	struct acker ack;
	const char *ack_path;
	struct envelope_ctx e;
	struct args a = {.envelope = ENV_EVENT};
	rd_kafka_conf_t *conf;
	char err[512], extra[64] = "";
	int rc;

	hs_prog_set("hs-consume");
	hs_opts_init(&opts);
	conf = rd_kafka_conf_new();
	a.topics = hs_xcalloc((size_t)argc + 1, sizeof(*a.topics));
	rc = parse_args(argc, argv, &a, &opts, &c);
	if (rc < 0 && !opts.help && !opts.version)
		rc = check_args(argc, &a, &opts, &c, conf);
	if (rc >= 0 || opts.help || opts.version) {
		if (rc < 0 && opts.help)
			usage();
		else if (rc < 0)
			hs_print_version();
		rd_kafka_conf_destroy(conf);
		free(a.topics);
		free(a.parts);
		hs_kafka_opts_free(&a.kafka);
		return rc < 0 ? hs_opts_stdout_done() : rc;
	}
	c.quiet = opts.quiet;
	/* We are the FIFO's reader: the tool frame must not open it as a
	 * stage would. */
	ack_path = opts.ack;
	opts.ack = NULL;

	envelope_init(&e, a.envelope, opts.max_depth);
	if (hs_tool_start(&t, &opts, NULL, 0) < 0) {
		rd_kafka_conf_destroy(conf);
		goto out;
	}
	c.tool = &t;
	if (ack_path) {
		if (acker_open(&ack, ack_path, err, sizeof(err)) < 0) {
			hs_err("%s", err);
			rd_kafka_conf_destroy(conf);
			c.fatal_rc = HS_EXIT_USAGE;
			goto out;
		}
		c.ack = &ack;
	}
	if (consumer_new(&c, conf, err, sizeof(err)) < 0 ||
	    consumer_start(&c, a.topics, a.ntopics, a.parts, a.nparts, err,
	                   sizeof(err)) < 0) {
		hs_err("%s", err);
		if (!c.fatal_rc)
			c.fatal_rc = HS_EXIT_USAGE;
	} else {
		run(&c, &e, a.count);
	}
	if (c.rk && consumer_close(&c) < 0 && !c.fatal_rc && !t.failed)
		c.fatal_rc = HS_EXIT_TEMPFAIL;
	if (opts.stats)
		consumer_stats(&c);
	snprintf(extra, sizeof(extra), "tombstones=%" PRIu64, e.tombstones);
out:
	rc = hs_tool_finish(&t, opts.stats ? extra : NULL);
	rc = hs_exit_worse(rc, c.fatal_rc);
	consumer_free(&c);
	if (c.ack)
		acker_close(c.ack);
	envelope_release(&e);
	free(a.topics);
	free(a.parts);
	hs_kafka_opts_free(&a.kafka);
	return rc;
}
