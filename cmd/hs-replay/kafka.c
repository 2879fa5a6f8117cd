/*
 * kafka.c: kafka://TOPIC sources.
 *
 * The window is found per partition with offsets-for-times: a partition
 * is read from the first offset whose timestamp is at or after --from
 * (the low watermark without --from) up to, not including, the first
 * offset at or after --to (the high watermark seen at the start without
 * --to), so a replay is bounded even while producers go on.  Partitions
 * are read with the simple consumer API (no group, nothing committed)
 * and merged by timestamp, lowest partition first on ties, so the output
 * is in time order.  A checkpoint holds each partition's next offset.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rdkafka.h>

#include "alloc.h"
#include "err.h"
#include "exit.h"
#include "kafkaconf.h"
#include "sig.h"
#include "replay.h"
#include "banned.h"

#define META_TIMEOUT_MS 10000
#define STALL_SECS 30.0 /* no record for this long below the end: give up */

struct kpart {
	int64_t start, end, next;
	rd_kafka_message_t *head; /* the next record to merge, owned */
	int started, done;
};

static rd_kafka_t *kafka_connect(struct replay *rp, char *errbuf, size_t errlen)
{
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;

	conf = hs_kafkaconf_new(&rp->kafka, errbuf, errlen);
	if (!conf)
		return NULL;
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errbuf, errlen);
	if (!rk)
		rd_kafka_conf_destroy(conf);
	return rk;
}

/* Offsets of the first records at or after ms in every partition; -1
 * where there is none. */
static rd_kafka_resp_err_t offsets_at(rd_kafka_t *rk, const char *topic, int n,
                                      int64_t ms, int64_t *out)
{
	rd_kafka_topic_partition_list_t *l =
	    rd_kafka_topic_partition_list_new(n);
	rd_kafka_resp_err_t err;

	for (int i = 0; i < n; i++)
		rd_kafka_topic_partition_list_add(l, topic, i)->offset = ms;
	err = rd_kafka_offsets_for_times(rk, l, META_TIMEOUT_MS);
	for (int i = 0; !err && i < l->cnt; i++) {
		if (l->elems[i].err) {
			err = l->elems[i].err;
			break;
		}
		out[l->elems[i].partition] = l->elems[i].offset;
	}
	rd_kafka_topic_partition_list_destroy(l);
	return err;
}

/*
 * -1 from offsets-for-times means no record at or after the time, or a
 * broker that cannot look up by time (librdkafka's mock cluster): tell
 * them apart by the last record's timestamp.  1 when the partition ends
 * before ms.  When unsure, 0: the partition is read from its start and
 * the window filters records one by one.
 */
static int last_before(rd_kafka_topic_t *rkt, int i, int64_t end, int64_t ms)
{
	rd_kafka_message_t *m;
	double t0 = hs_now();
	int before = 0;

	if (end <= 0 || rd_kafka_consume_start(rkt, i, end - 1) < 0)
		return end <= 0;
	while (!hs_sig_stop && hs_now() - t0 < META_TIMEOUT_MS / 1000.0) {
		m = rd_kafka_consume(rkt, i, 200);
		if (!m)
			continue;
		rd_kafka_resp_err_t err = m->err;

		if (!err)
			before = rd_kafka_message_timestamp(m, NULL) < ms;
		rd_kafka_message_destroy(m);
		if (err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
			break;
	}
	rd_kafka_consume_stop(rkt, i);
	return before;
}

/* Work out [start, end) of every partition.  Returns 0 or an exit
 * status after printing why. */
static int plan(struct replay *rp, rd_kafka_t *rk, rd_kafka_topic_t *rkt,
                const char *topic, struct kpart **out, int *nout)
{
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t err;
	struct kpart *v;
	int64_t *at;
	int n;

	err = rd_kafka_metadata(rk, 0, rkt, &md, META_TIMEOUT_MS);
	if (err || md->topic_cnt != 1 || md->topics[0].err) {
		hs_err("kafka://%s: cannot read metadata: %s", topic,
		       rd_kafka_err2str(
		           err             ? err
		           : md->topic_cnt ? md->topics[0].err
		                           : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC));
		if (md)
			rd_kafka_metadata_destroy(md);
		return err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
		               (!err && md && md->topic_cnt)
		           ? HS_EXIT_USAGE
		           : HS_EXIT_TEMPFAIL;
	}
	n = md->topics[0].partition_cnt;
	rd_kafka_metadata_destroy(md);
	v = hs_xcalloc((size_t)n ? (size_t)n : 1, sizeof(*v));
	at = hs_xcalloc((size_t)n ? (size_t)n : 1, sizeof(*at));
	for (int i = 0; i < n; i++) {
		int64_t lo, hi;

		err = rd_kafka_query_watermark_offsets(rk, topic, i, &lo, &hi,
		                                       META_TIMEOUT_MS);
		if (err)
			goto fail;
		v[i].start = lo;
		v[i].end = hi;
	}
	if (rp->from != NO_TIME) {
		if ((err = offsets_at(rk, topic, n, rp->from, at)))
			goto fail;
		for (int i = 0; i < n; i++) {
			if (at[i] >= 0)
				v[i].start = at[i];
			else if (last_before(rkt, i, v[i].end, rp->from))
				v[i].start = v[i].end;
		}
	}
	if (rp->to != NO_TIME) {
		if ((err = offsets_at(rk, topic, n, rp->to, at)))
			goto fail;
		for (int i = 0; i < n; i++)
			if (at[i] >= 0 && at[i] < v[i].end)
				v[i].end = at[i];
	}
	free(at);
	*out = v;
	*nout = n;
	return 0;
fail:
	hs_err("kafka://%s: cannot look up offsets: %s", topic,
	       rd_kafka_err2str(err));
	free(at);
	free(v);
	return HS_EXIT_TEMPFAIL;
}

/* Resume from the checkpoint: each partition starts at the later of
 * its window start and its checkpointed next offset. */
static int resume(struct replay *rp, const char *topic, struct kpart *v, int n)
{
	struct position *p = &rp->pos;

	if (p->file || (p->topic && strcmp(p->topic, topic) != 0)) {
		hs_err("checkpoint '%s' is for %s '%s' (--reset starts over)",
		       rp->ckpt, p->file ? "archive" : "topic",
		       p->file ? p->file : p->topic);
		return -1;
	}
	for (int i = 0; i < n && i < p->nparts; i++)
		if (p->next[i] > v[i].start)
			v[i].start = p->next[i];
	free(p->topic);
	p->topic = hs_xstrdup(topic);
	p->next = hs_xrealloc(p->next, (size_t)(n ? n : 1) * sizeof(*p->next));
	for (int i = p->nparts; i < n; i++)
		p->next[i] = -1;
	p->nparts = n;
	for (int i = 0; i < n; i++) {
		if (v[i].start > p->next[i])
			p->next[i] = v[i].start;
		v[i].next = v[i].start;
		v[i].done = v[i].start >= v[i].end;
		rp->pos_total +=
		    (uint64_t)(v[i].done ? 0 : v[i].end - v[i].start);
	}
	return 0;
}

/* Get partition i's next record into v[i].head, or mark it done.
 * Returns 0, or an exit status. */
static int fetch(rd_kafka_topic_t *rkt, int i, struct kpart *k, int64_t to)
{
	double t0 = hs_now();

	while (!k->head && !k->done) {
		rd_kafka_message_t *m;

		if (k->next >= k->end) {
			k->done = 1;
			break;
		}

		if (hs_sig_stop)
			return 0;
		m = rd_kafka_consume(rkt, i, 200);
		if (!m) {
			if (hs_now() - t0 > STALL_SECS) {
				hs_err("kafka://%s: partition %d: no record "
				       "at offset %" PRId64 " for %.0f s",
				       rd_kafka_topic_name(rkt), i, k->next,
				       STALL_SECS);
				return HS_EXIT_TEMPFAIL;
			}
			continue;
		}
		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			rd_kafka_message_destroy(m);
			continue;
		}
		if (m->err) {
			hs_err("kafka://%s: partition %d: %s",
			       rd_kafka_topic_name(rkt), i,
			       rd_kafka_message_errstr(m));
			rd_kafka_message_destroy(m);
			return HS_EXIT_TEMPFAIL;
		}
		/* the first record at or after --to ends the partition */
		if (m->offset >= k->end ||
		    (to != NO_TIME &&
		     rd_kafka_message_timestamp(m, NULL) >= to)) {
			rd_kafka_message_destroy(m);
			k->done = 1;
			break;
		}
		k->head = m;
	}
	return 0;
}

/* The merge: the partition whose head has the lowest timestamp. */
static int earliest(struct kpart *v, int n)
{
	int best = -1;
	int64_t bt = 0;

	for (int i = 0; i < n; i++) {
		rd_kafka_timestamp_type_t tt;
		int64_t t;

		if (!v[i].head)
			continue;
		t = rd_kafka_message_timestamp(v[i].head, &tt);
		if (best < 0 || t < bt) {
			best = i;
			bt = t;
		}
	}
	return best;
}

static int merge(struct replay *rp, rd_kafka_topic_t *rkt, struct kpart *v,
                 int n)
{
	struct origin o = {.topic = rd_kafka_topic_name(rkt)};
	int rc = 0;

	for (;;) {
		rd_kafka_message_t *m;
		rd_kafka_timestamp_type_t tt;
		int64_t ts;
		int i;

		for (i = 0; i < n && rc == 0; i++)
			rc = fetch(rkt, i, &v[i], rp->to);
		if (rc || replay_stopped(rp) || (i = earliest(v, n)) < 0)
			break;
		m = v[i].head;
		v[i].head = NULL;
		o.partition = i;
		o.offset = m->offset;
		ts = rd_kafka_message_timestamp(m, &tt);
		if (!m->payload) {
			/* a tombstone carries no event */
			hs_stats_in(&rp->t.stats, 0);
			hs_tool_filter(&rp->t);
		} else {
			replay_event(rp, m->payload, m->len, ts < 0 ? -1 : ts,
			             &o);
		}
		rp->pos.next[i] = v[i].next = m->offset + 1;
		rp->pos_done++;
		rd_kafka_message_destroy(m);
		replay_batch(rp, 0);
		replay_progress(rp, 0, 0);
	}
	return rc;
}

int replay_kafka(struct replay *rp, const char *topic)
{
	char errbuf[512];
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt = NULL;
	struct kpart *v = NULL;
	int n = 0, rc;

	rk = kafka_connect(rp, errbuf, sizeof(errbuf));
	if (!rk) {
		hs_err("%s", errbuf);
		hs_sink_raise(&rp->t.sink, HS_EXIT_USAGE);
		return rp->t.rc;
	}
	rkt = rd_kafka_topic_new(rk, topic, NULL);
	rc = plan(rp, rk, rkt, topic, &v, &n);
	if (rc == 0 && resume(rp, topic, v, n) < 0)
		rc = HS_EXIT_USAGE;
	for (int i = 0; rc == 0 && i < n; i++) {
		if (v[i].done)
			continue;
		if (rd_kafka_consume_start(rkt, i, v[i].start) < 0) {
			hs_err("kafka://%s: partition %d: cannot start: %s",
			       topic, i,
			       rd_kafka_err2str(rd_kafka_last_error()));
			rc = HS_EXIT_TEMPFAIL;
			break;
		}
		v[i].started = 1;
	}
	if (rc == 0)
		rc = merge(rp, rkt, v, n);
	for (int i = 0; i < n; i++) {
		if (v[i].head)
			rd_kafka_message_destroy(v[i].head);
		if (v[i].started)
			rd_kafka_consume_stop(rkt, i);
	}
	free(v);
	rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
	hs_sink_raise(&rp->t.sink, rc);
	return rp->t.rc;
}
