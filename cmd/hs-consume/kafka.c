/*
 * kafka.c: hs-consume's librdkafka side.
 *
 * At least once: with -G, enable.auto.offset.store is off.  A record's
 * offset is only noted as pending in its partition entry when the record
 * ends (written to the stdout buffer, dead-lettered or filtered); the
 * pending offsets are stored for commit only after the buffer has been
 * flushed to stdout with success.  The auto-commit then commits what was
 * stored, and closing commits the rest.  A revoke flushes, stores and
 * commits synchronously before the partitions are given up.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "consume.h"
#include "err.h"
#include "exit.h"
#include "stats.h"
#include "timeutil.h"
#include "banned.h"

#define META_TIMEOUT_MS 10000
/* After --timeout gave up: how long the last commit and the close may
 * take before the handle is destroyed without them. */
#define GONE_COMMIT_MS 1000
#define GONE_CLOSE_MS 1000
#define GONE_DESTROY_MS 1000
/* -e with -G: retry the final commit this often while the group
 * rebalances. */
#define RECOMMIT_SECS 0.2

int parse_offset(struct consumer *c, const char *s, char *errbuf, size_t errlen)
{
	char *end;
	long long v;

	if (strncmp(s, "e@", 2) == 0 || strncmp(s, "s@", 2) == 0) {
		int64_t ms;

		if (hs_time_parse(s + 2, strlen(s + 2), &ms) < 0)
			return hs_seterr(errbuf, errlen,
			                 "bad timestamp in offset '%s'", s);
		if (s[0] == 'e') {
			c->end_ts = ms;
		} else {
			c->start = START_TIME;
			c->start_val = ms;
		}
		return 0;
	}
	if (strcmp(s, "beginning") == 0) {
		c->start = START_BEGINNING;
		return 0;
	}
	if (strcmp(s, "end") == 0) {
		c->start = START_END;
		return 0;
	}
	if (strcmp(s, "stored") == 0) {
		c->start = START_STORED;
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno)
		return hs_seterr(errbuf, errlen, "bad offset '%s'", s);
	if (s[0] == '-') {
		if (v == 0)
			return hs_seterr(errbuf, errlen, "bad offset '%s'", s);
		c->start = START_TAIL;
		c->start_val = -v;
	} else {
		c->start = START_ABS;
		c->start_val = v;
	}
	return 0;
}

struct part *part_get(struct consumer *c, const char *topic, int32_t partition)
{
	struct topic *t = NULL;

	for (int i = 0; i < c->ntopics; i++)
		if (c->topics[i].name == topic ||
		    strcmp(c->topics[i].name, topic) == 0) {
			t = &c->topics[i];
			break;
		}
	if (!t) {
		c->topics = hs_xrealloc(c->topics, (size_t)(c->ntopics + 1) *
		                                       sizeof(*c->topics));
		t = &c->topics[c->ntopics++];
		memset(t, 0, sizeof(*t));
		t->name = hs_xstrdup(topic);
	}
	if (partition >= t->nparts) {
		int n = partition + 1;

		t->parts = hs_xrealloc(t->parts, (size_t)n * sizeof(*t->parts));
		for (int i = t->nparts; i < n; i++) {
			memset(&t->parts[i], 0, sizeof(t->parts[i]));
			t->parts[i].pending = -1;
			t->parts[i].next = -1;
			t->parts[i].stored = -1;
		}
		t->nparts = n;
	}
	return &t->parts[partition];
}

static void mark(struct consumer *c, const rd_kafka_topic_partition_list_t *l,
                 int assigned)
{
	for (int i = 0; i < l->cnt; i++) {
		struct part *p =
		    part_get(c, l->elems[i].topic, l->elems[i].partition);

		if (assigned && !p->assigned)
			c->nassigned++;
		else if (!assigned && p->assigned)
			c->nassigned--;
		p->assigned = assigned;
		p->eof = 0;
		p->done = 0;
		p->stored = -1;
		if (!assigned)
			p->pending = -1;
		/* Outstanding events of a revoked partition are the next
		 * owner's to read again; late acks for them are ignored. */
		if (c->ack)
			acker_forget(c->ack, l->elems[i].topic,
			             l->elems[i].partition);
	}
}

/*
 * Commit what was stored.  A synchronous commit waits for the coordinator
 * without end; once the cluster is gone (c->gone) the result is awaited
 * GONE_COMMIT_MS at most.
 */
static rd_kafka_resp_err_t commit_stored(struct consumer *c)
{
	rd_kafka_queue_t *q;
	rd_kafka_event_t *ev = NULL;
	rd_kafka_resp_err_t err;
	double until = hs_now() + GONE_COMMIT_MS / 1000.0;

	if (!c->gone)
		return rd_kafka_commit(c->rk, NULL, 0);
	q = rd_kafka_queue_new(c->rk);
	err = rd_kafka_commit_queue(c->rk, NULL, q, NULL, NULL);
	while (!err && !ev && hs_now() < until)
		ev = rd_kafka_queue_poll(q, 100);
	if (!err)
		err = ev ? rd_kafka_event_error(ev)
		         : RD_KAFKA_RESP_ERR__TIMED_OUT;
	if (ev)
		rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(q);
	return err;
}

/*
 * Eager rebalance: every partition is revoked, then the settled group
 * assigns.  A partition we held until that revoke was nobody else's
 * meanwhile, and every record before p->next was written and flushed:
 * resume there, and store it for commit, instead of at the committed
 * offset, which lags when the revoke's commit was refused (a broker
 * refuses commits while the group rebalances).  Not with --ack, where
 * written is not yet finished.
 */
static void resume_held(struct consumer *c,
                        rd_kafka_topic_partition_list_t *parts)
{
	for (int i = 0; i < parts->cnt; i++) {
		struct part *p = part_get(c, parts->elems[i].topic,
		                          parts->elems[i].partition);

		if (p->held && p->next >= 0) {
			parts->elems[i].offset = p->next;
			p->pending = p->next;
		}
	}
	for (int i = 0; i < c->ntopics; i++)
		for (int j = 0; j < c->topics[i].nparts; j++)
			c->topics[i].parts[j].held = 0;
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	struct consumer *c = opaque;
	int coop = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
	rd_kafka_error_t *e = NULL;
	rd_kafka_resp_err_t r = 0;

	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		mark(c, parts, 1);
		if (!coop && !c->ack)
			resume_held(c, parts);
		if (coop)
			e = rd_kafka_incremental_assign(rk, parts);
		else
			r = rd_kafka_assign(rk, parts);
	} else {
		/* Whatever was written is stored and committed before the
		 * partitions go to another member, so it starts right
		 * after our last written record. */
		if (flush_and_store(c) == 0 && !rd_kafka_assignment_lost(rk)) {
			commit_stored(c);
			for (int i = 0; !coop && i < parts->cnt; i++)
				part_get(c, parts->elems[i].topic,
				         parts->elems[i].partition)
				    ->held = 1;
		}
		mark(c, parts, 0);
		if (coop)
			e = rd_kafka_incremental_unassign(rk, parts);
		else
			r = rd_kafka_assign(rk, NULL);
	}
	if (e) {
		hs_err("kafka: rebalance: %s", rd_kafka_error_string(e));
		rd_kafka_error_destroy(e);
	} else if (r) {
		hs_err("kafka: rebalance: %s", rd_kafka_err2str(r));
	}
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf)
{
	struct consumer *c = rd_kafka_opaque(rk);

	/* A broker failure ("FAIL") also reaches error_cb: say it once. */
	if (level <= 4 && !(c && c->quiet) && strcmp(fac, "FAIL") != 0)
		hs_err("kafka: %s", buf);
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct consumer *c = opaque;

	if (rd_kafka_fatal_error(rk, NULL, 0)) {
		hs_err("kafka: fatal: %s", reason);
		c->fatal_rc = HS_EXIT_TEMPFAIL;
		c->stop = 1;
		return;
	}
	/* Transient: librdkafka reconnects and retries by itself. */
	if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && c->down_since == 0)
		c->down_since = hs_now();
	if (!c->quiet)
		hs_err("kafka: %s", reason);
}

int consumer_new(struct consumer *c, rd_kafka_conf_t *conf, char *errbuf,
                 size_t errlen)
{
	char err[512];
	const char *kv[][2] = {
	    {"enable.partition.eof", c->exit_at_end ? "true" : "false"},
	    {"enable.auto.offset.store", "false"},
	    {"enable.auto.commit", c->group ? "true" : "false"},
	};

	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		if (rd_kafka_conf_set(conf, kv[i][0], kv[i][1], err,
		                      sizeof(err)) != RD_KAFKA_CONF_OK) {
			rd_kafka_conf_destroy(conf);
			return hs_seterr(errbuf, errlen, "%s", err);
		}
	if (c->group &&
	    (c->start == START_BEGINNING || c->start == START_END)) {
		rd_kafka_conf_set(conf, "auto.offset.reset",
		                  c->start == START_END ? "end" : "beginning",
		                  err, sizeof(err));
	}
	rd_kafka_conf_set_opaque(conf, c);
	rd_kafka_conf_set_log_cb(conf, log_cb);
	rd_kafka_conf_set_error_cb(conf, error_cb);
	if (c->group)
		rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
	c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
	if (!c->rk) {
		rd_kafka_conf_destroy(conf);
		return hs_seterr(errbuf, errlen, "%s", err);
	}
	rd_kafka_poll_set_consumer(c->rk);
	return 0;
}

/* Every partition of topic (or only parts[]) into l. */
static int add_partitions(struct consumer *c, const char *topic,
                          const int32_t *parts, int nparts,
                          rd_kafka_topic_partition_list_t *l, char *errbuf,
                          size_t errlen)
{
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(c->rk, topic, NULL);
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t err;
	int rc = 0;

	err = rd_kafka_metadata(c->rk, 0, rkt, &md,
	                        c->timeout > 0 &&
	                                c->timeout * 1000 < META_TIMEOUT_MS
	                            ? (int)(c->timeout * 1000)
	                            : META_TIMEOUT_MS);
	if (err) {
		c->fatal_rc = HS_EXIT_TEMPFAIL;
		rc = hs_seterr(errbuf, errlen, "topic '%s': %s", topic,
		               rd_kafka_err2str(err));
	} else if (md->topic_cnt != 1 || md->topics[0].err) {
		c->fatal_rc = HS_EXIT_USAGE;
		rc = hs_seterr(
		    errbuf, errlen, "topic '%s': %s", topic,
		    rd_kafka_err2str(md->topic_cnt
		                         ? md->topics[0].err
		                         : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
	} else if (nparts) {
		for (int i = 0; i < nparts; i++) {
			if (parts[i] >= md->topics[0].partition_cnt) {
				c->fatal_rc = HS_EXIT_USAGE;
				rc = hs_seterr(
				    errbuf, errlen,
				    "topic '%s' has no partition %" PRId32,
				    topic, parts[i]);
				break;
			}
			rd_kafka_topic_partition_list_add(l, topic, parts[i]);
		}
	} else {
		for (int i = 0; i < md->topics[0].partition_cnt; i++)
			rd_kafka_topic_partition_list_add(
			    l, topic, md->topics[0].partitions[i].id);
	}
	if (md)
		rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(rkt);
	return rc;
}

static int assign_direct(struct consumer *c, char **topics, int ntopics,
                         const int32_t *parts, int nparts, char *errbuf,
                         size_t errlen)
{
	rd_kafka_topic_partition_list_t *l =
	    rd_kafka_topic_partition_list_new(16);
	rd_kafka_resp_err_t err;
	int rc = -1;

	for (int i = 0; i < ntopics; i++)
		if (add_partitions(c, topics[i], parts, nparts, l, errbuf,
		                   errlen) < 0)
			goto out;
	for (int i = 0; i < l->cnt; i++) {
		int64_t *o = &l->elems[i].offset;

		switch (c->start) {
		case START_BEGINNING:
			*o = RD_KAFKA_OFFSET_BEGINNING;
			break;
		case START_END:
			*o = RD_KAFKA_OFFSET_END;
			break;
		case START_STORED:
			*o = RD_KAFKA_OFFSET_STORED;
			break;
		case START_ABS:
			*o = c->start_val;
			break;
		case START_TAIL:
			*o = RD_KAFKA_OFFSET_TAIL(c->start_val);
			break;
		case START_TIME:
			*o = c->start_val;
			break;
		}
	}
	if (c->start == START_TIME) {
		err = rd_kafka_offsets_for_times(c->rk, l, META_TIMEOUT_MS);
		if (err) {
			c->fatal_rc = HS_EXIT_TEMPFAIL;
			hs_seterr(errbuf, errlen, "cannot look up offsets: %s",
			          rd_kafka_err2str(err));
			goto out;
		}
		/* -1 is "no record at or after the time" from Kafka, but
		 * also all librdkafka's mock cluster ever answers: read from
		 * the beginning and skip what is older, which gives the same
		 * first record either way. */
		for (int i = 0; i < l->cnt; i++)
			if (l->elems[i].offset < 0)
				l->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
	}
	mark(c, l, 1);
	for (int i = 0; c->start == START_TIME && i < l->cnt; i++)
		part_get(c, l->elems[i].topic, l->elems[i].partition)->seeking =
		    l->elems[i].offset == RD_KAFKA_OFFSET_BEGINNING;
	if ((err = rd_kafka_assign(c->rk, l))) {
		c->fatal_rc = HS_EXIT_IO;
		hs_seterr(errbuf, errlen, "cannot assign partitions: %s",
		          rd_kafka_err2str(err));
		goto out;
	}
	rc = 0;
out:
	rd_kafka_topic_partition_list_destroy(l);
	return rc;
}

int consumer_start(struct consumer *c, char **topics, int ntopics,
                   const int32_t *parts, int nparts, char *errbuf,
                   size_t errlen)
{
	rd_kafka_topic_partition_list_t *l;
	rd_kafka_resp_err_t err;

	if (!c->group)
		return assign_direct(c, topics, ntopics, parts, nparts, errbuf,
		                     errlen);
	l = rd_kafka_topic_partition_list_new(ntopics);
	for (int i = 0; i < ntopics; i++)
		rd_kafka_topic_partition_list_add(l, topics[i],
		                                  RD_KAFKA_PARTITION_UA);
	err = rd_kafka_subscribe(c->rk, l);
	rd_kafka_topic_partition_list_destroy(l);
	if (err) {
		c->fatal_rc = HS_EXIT_USAGE;
		return hs_seterr(errbuf, errlen, "cannot subscribe: %s",
		                 rd_kafka_err2str(err));
	}
	return 0;
}

/* --ack: the offsets up to which the pipe finished every event. */
static void store_acked(struct consumer *c)
{
	rd_kafka_topic_partition_list_t *l = NULL;

	for (int i = 0; i < c->ntopics; i++) {
		struct topic *t = &c->topics[i];

		for (int j = 0; j < t->nparts; j++) {
			struct part *p = &t->parts[j];
			int64_t o;

			if (!p->assigned)
				continue;
			o = acker_done_upto(c->ack, t->name, j);
			if (o <= p->stored)
				continue;
			if (!l)
				l = rd_kafka_topic_partition_list_new(8);
			rd_kafka_topic_partition_list_add(l, t->name, j)
			    ->offset = o;
			p->stored = o;
		}
	}
	if (l) {
		rd_kafka_offsets_store(c->rk, l);
		rd_kafka_topic_partition_list_destroy(l);
	}
}

int flush_and_store(struct consumer *c)
{
	rd_kafka_topic_partition_list_t *l = NULL;

	if (hs_tool_flush(c->tool) < 0) {
		c->stop = 1;
		/* Acked events were finished downstream whatever became
		 * of stdout since. */
		if (c->ack && c->group)
			store_acked(c);
		return -1;
	}
	if (c->ack) {
		if (c->group)
			store_acked(c);
		return 0;
	}
	for (int i = 0; i < c->ntopics; i++) {
		struct topic *t = &c->topics[i];

		for (int j = 0; j < t->nparts; j++) {
			if (t->parts[j].pending < 0)
				continue;
			if (c->group && t->parts[j].assigned) {
				if (!l)
					l = rd_kafka_topic_partition_list_new(
					    8);
				rd_kafka_topic_partition_list_add(l, t->name, j)
				    ->offset = t->parts[j].pending;
			}
			t->parts[j].pending = -1;
		}
	}
	if (l) {
		/* Per-partition errors (a partition revoked meanwhile) only
		 * mean that one is no longer ours to commit. */
		rd_kafka_offsets_store(c->rk, l);
		rd_kafka_topic_partition_list_destroy(l);
	}
	return 0;
}

/*
 * --ack at exit: end our stdout so the stages finish and drain what they
 * hold, then give their acks up to --ack-timeout to arrive.
 */
static void wait_acks(struct consumer *c)
{
	uint64_t left;
	int fd;

	hs_tool_flush(c->tool);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	left = acker_wait(c->ack, c->ack_timeout);
	if (left > 0)
		hs_err("--ack: %" PRIu64 " event%s not acknowledged after "
		       "%gs; read again from the first of them next time",
		       left, left == 1 ? "" : "s", c->ack_timeout);
}

void part_finish(struct consumer *c, const rd_kafka_message_t *m,
                 struct part *p)
{
	rd_kafka_topic_partition_list_t *l;

	if (p->done)
		return;
	p->done = 1;
	l = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(l, rd_kafka_topic_name(m->rkt),
	                                  m->partition);
	rd_kafka_pause_partitions(c->rk, l);
	rd_kafka_topic_partition_list_destroy(l);
}

void check_reachable(struct consumer *c)
{
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t err;

	if (c->timeout <= 0 || c->down_since == 0 ||
	    hs_now() - c->down_since < c->timeout)
		return;
	/* Down long enough; one last look before giving up. */
	err = rd_kafka_metadata(c->rk, 0, NULL, &md, 1000);
	if (md)
		rd_kafka_metadata_destroy(md);
	if (!err) {
		c->down_since = 0;
		return;
	}
	hs_err("kafka: cluster unreachable for %gs: %s", c->timeout,
	       rd_kafka_err2str(err));
	c->fatal_rc = HS_EXIT_TEMPFAIL;
	c->stop = 1;
	c->gone = 1;
}

int all_done(const struct consumer *c)
{
	if (!c->exit_at_end && c->end_ts < 0)
		return 0;
	if (c->nassigned == 0)
		return 0;
	for (int i = 0; i < c->ntopics; i++) {
		const struct topic *t = &c->topics[i];

		for (int j = 0; j < t->nparts; j++) {
			const struct part *p = &t->parts[j];

			if (p->assigned && !p->done &&
			    !(c->exit_at_end && p->eof))
				return 0;
		}
	}
	return 1;
}

/*
 * rd_kafka_consumer_close() waits for the group coordinator; once the
 * cluster is gone, serve an asynchronous close for GONE_CLOSE_MS and
 * leave the rest to consumer_free(), which then destroys the handle
 * without closing the consumer again.
 */
static int close_bounded(struct consumer *c)
{
	rd_kafka_queue_t *q = rd_kafka_queue_new(c->rk);
	rd_kafka_error_t *e = rd_kafka_consumer_close_queue(c->rk, q);
	double until = hs_now() + GONE_CLOSE_MS / 1000.0;

	if (e) {
		hs_err("kafka: closing the consumer: %s",
		       rd_kafka_error_string(e));
		rd_kafka_error_destroy(e);
	}
	while (!e && !rd_kafka_consumer_closed(c->rk) && hs_now() < until)
		rd_kafka_queue_poll_callback(q, 100);
	rd_kafka_queue_destroy(q);
	return e ? -1 : 0;
}

int finish_group(struct consumer *c)
{
	rd_kafka_resp_err_t err;

	if (!c->group || c->ack || c->gone)
		return 1;
	if (hs_now() < c->recommit_at)
		return 0;
	if (flush_and_store(c) < 0)
		return 1;
	err = commit_stored(c);
	if (err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ||
	    err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION) {
		c->recommit_at = hs_now() + RECOMMIT_SECS;
		return 0;
	}
	/* Any other failure is consumer_close's to report. */
	c->committed = !err || err == RD_KAFKA_RESP_ERR__NO_OFFSET;
	return 1;
}

int consumer_close(struct consumer *c)
{
	rd_kafka_resp_err_t err;
	int rc;

	if (c->ack)
		wait_acks(c);
	rc = flush_and_store(c);
	if (c->ack && c->tool->failed && rc < 0)
		rc = 0; /* the acked part was stored all the same */

	/* After finish_group's commit nothing was handled: a rebalance
	 * starting now must not fail the run. */
	if (c->group && rc == 0 && !c->committed) {
		err = commit_stored(c);
		if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
			hs_err("kafka: cannot commit offsets: %s",
			       rd_kafka_err2str(err));
			rc = -1;
		}
	}
	/* Leaves the group; the rebalance callback's revoke commits
	 * again, harmlessly. */
	if (c->gone)
		return close_bounded(c) < 0 ? -1 : rc;
	err = rd_kafka_consumer_close(c->rk);
	if (err) {
		hs_err("kafka: closing the consumer: %s",
		       rd_kafka_err2str(err));
		rc = -1;
	}
	return rc;
}

void consumer_stats(struct consumer *c)
{
	for (int i = 0; i < c->ntopics; i++) {
		struct topic *t = &c->topics[i];

		for (int j = 0; j < t->nparts; j++) {
			struct part *p = &t->parts[j];
			int64_t lo = -1, hi = -1;

			if (!p->assigned && p->next < 0)
				continue;
			rd_kafka_get_watermark_offsets(c->rk, t->name, j, &lo,
			                               &hi);
			fprintf(stderr,
			        "%s: stats topic=%s partition=%d out=%" PRIu64
			        " dlq=%" PRIu64 " filtered=%" PRIu64,
			        hs_prog(), t->name, j, p->out, p->dlq,
			        p->filtered);
			if (p->next >= 0)
				fprintf(stderr, " next_offset=%" PRId64,
				        p->next);
			if (hi >= 0)
				fprintf(stderr, " high=%" PRId64, hi);
			if (hi >= 0 && p->next >= 0)
				fprintf(stderr, " lag=%" PRId64,
				        hi > p->next ? hi - p->next : 0);
			fputc('\n', stderr);
		}
	}
}

struct destroyer {
	rd_kafka_t *rk;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done, abandoned; /* guarded by mu */
};

static void *destroy_main(void *arg)
{
	struct destroyer *d = arg;
	int abandoned;

	rd_kafka_destroy_flags(d->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	pthread_mutex_lock(&d->mu);
	d->done = 1;
	abandoned = d->abandoned;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	if (abandoned)
		free(d);
	return NULL;
}

/*
 * Once the cluster is gone librdkafka's destroy still waits up to
 * session.timeout.ms for the commits it deferred until a coordinator
 * answers.  Destroy in a thread and wait GONE_DESTROY_MS for it; past
 * that the process exits with the handle still being torn down (the only
 * path that leaves memory to the exit).
 */
static void destroy_bounded(rd_kafka_t *rk)
{
	struct destroyer *d = hs_xcalloc(1, sizeof(*d));
	struct timespec until;
	pthread_t th;
	int done;

	d->rk = rk;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	if (pthread_create(&th, NULL, destroy_main, d) != 0) {
		free(d);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += GONE_DESTROY_MS / 1000;
	pthread_mutex_lock(&d->mu);
	while (!d->done && pthread_cond_timedwait(&d->cv, &d->mu, &until) == 0)
		;
	done = d->done;
	d->abandoned = !done;
	pthread_mutex_unlock(&d->mu);
	if (!done) {
		pthread_detach(th);
		return;
	}
	pthread_join(th, NULL);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
}

void consumer_free(struct consumer *c)
{
	if (c->rk && c->gone)
		destroy_bounded(c->rk);
	else if (c->rk)
		rd_kafka_destroy(c->rk);
	for (int i = 0; i < c->ntopics; i++) {
		free(c->topics[i].name);
		free(c->topics[i].parts);
	}
	free(c->topics);
}
