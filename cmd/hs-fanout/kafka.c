/*
 * kafka.c: kafka://TOPIC[?partition=source|key] targets, one librdkafka
 * producer per target (idempotent, acks=all, Java-compatible murmur2
 * partitioner so a key's partition equals its hs-fanout cell).  A payload
 * in hs-consume's "record" shape is produced with its own key, headers,
 * timestamp and value, and (partition=source, the default) to its own
 * partition number when the target topic has that partition, so a topic
 * copies losslessly; other payloads are the value, keyed by the target's
 * key pointer.  librdkafka retries on its own within message.timeout.ms
 * (the target's maximum age); what its delivery report fails is
 * dead-lettered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "alloc.h"
#include "base64.h"
#include "buf.h"
#include "err.h"
#include "json.h"
#include "kafkaconf.h"
#include "stats.h"
#include "target.h"
#include "banned.h"

uint32_t fo_murmur2(const void *key, size_t len)
{
	const unsigned char *d = key;
	const uint32_t m = 0x5bd1e995;
	uint32_t h = 0x9747b28c ^ (uint32_t)len;
	size_t i = 0;

	for (; i + 4 <= len; i += 4) {
		uint32_t k = (uint32_t)d[i] | (uint32_t)d[i + 1] << 8 |
		             (uint32_t)d[i + 2] << 16 |
		             (uint32_t)d[i + 3] << 24;

		k *= m;
		k ^= k >> 24;
		k *= m;
		h *= m;
		h ^= k;
	}
	switch (len & 3) {
	case 3:
		h ^= (uint32_t)d[i + 2] << 16;
		/* fall through */
	case 2:
		h ^= (uint32_t)d[i + 1] << 8;
		/* fall through */
	case 1:
		h ^= d[i];
		h *= m;
	}
	h ^= h >> 13;
	h *= m;
	h ^= h >> 15;
	return h & 0x7fffffff;
}

struct kafkat {
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt; /* for the partition count */
	char *topic;
	int by_source;   /* partition=source (default) */
	int nparts;      /* the topic's partitions, 0 unknown */
	double parts_at; /* when nparts was looked up (hs_now) */
	int warned;
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
                        void *opaque)
{
	struct fo_target *t = opaque;
	struct fo_item *it = m->_private;

	(void)rk;
	if (!it)
		return;
	if (m->err) {
		char code[64];

		snprintf(code, sizeof code, "kafka_%d", (int)m->err);
		target_dead(t, it, code, rd_kafka_err2str(m->err),
		            m->err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT
		                ? "MaximumEventAgeInSeconds"
		                : "delivery_failed",
		            1);
	} else
		target_done(t, 1);
	target_item_done(t, it);
}

/* Our defaults first, so that -F, -b and -X (in that order) override them. */
static rd_kafka_conf_t *conf_new(struct fo_target *t, char *err, size_t errlen)
{
	static const char *const defaults[][2] = {
	    {"enable.idempotence", "true"},
	    {"acks", "all"},
	    {"partitioner", "murmur2_random"},
	};
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	struct fo_shared *sh = t->sh;
	char tmo[32];

	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		if (rd_kafka_conf_set(conf, defaults[i][0], defaults[i][1], err,
		                      errlen) != RD_KAFKA_CONF_OK)
			goto bad;
	snprintf(tmo, sizeof tmo, "%ld", (long)(t->max_age * 1000));
	if (rd_kafka_conf_set(conf, "message.timeout.ms", tmo, err, errlen) !=
	    RD_KAFKA_CONF_OK)
		goto bad;
	if (hs_kafkaconf_apply(conf, &sh->kafka, err, errlen) < 0)
		goto bad;
	return conf;
bad:
	rd_kafka_conf_destroy(conf);
	return NULL;
}

/* 1 if s is a name Kafka accepts for a topic (its Topic.validate()). */
static int legal_topic(const char *s)
{
	size_t n = strlen(s);

	if (n > 249 || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "0123456789._-") == n;
}

static int kafka_uri(const char *uri, char **topic, int *by_source,
                     char *errbuf, size_t errlen)
{
	const char *name = uri + 8, *q = strchr(name, '?');
	size_t n = q ? (size_t)(q - name) : strlen(name);
	char *tp = hs_xstrndup(name, n);

	if (!tp[0]) {
		free(tp);
		return hs_seterr(errbuf, errlen,
		                 "kafka target without a topic");
	}
	if (!legal_topic(tp)) {
		hs_seterr(errbuf, errlen,
		          "'%s' is not a Kafka topic name (at most 249 of a-z "
		          "A-Z 0-9 . _ -; a kafka:// target takes no {field} "
		          "but {cell})",
		          tp);
		free(tp);
		return -1;
	}
	if (q && strcmp(q, "?partition=key") &&
	    strcmp(q, "?partition=source")) {
		free(tp);
		return hs_seterr(errbuf, errlen,
		                 "unknown kafka option '%s' (want "
		                 "partition=source or partition=key)",
		                 q + 1);
	}
	if (by_source)
		*by_source = !(q && !strcmp(q, "?partition=key"));
	if (topic)
		*topic = tp;
	else
		free(tp);
	return 0;
}

static int kafka_open(struct fo_target *t, char *errbuf, size_t errlen)
{
	struct kafkat *k = hs_xcalloc(1, sizeof *k);
	rd_kafka_conf_t *conf;
	char err[512];

	t->impl = k;
	if (kafka_uri(t->uri, &k->topic, &k->by_source, err, sizeof err) < 0)
		return hs_seterr(errbuf, errlen, "target '%s': %s", t->id, err);
	conf = conf_new(t, err, sizeof err);
	if (!conf)
		return hs_seterr(errbuf, errlen, "target '%s': %s", t->id, err);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, t);
	k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
	if (!k->rk) {
		rd_kafka_conf_destroy(conf);
		return hs_seterr(errbuf, errlen, "target '%s': %s", t->id, err);
	}
	k->rkt = rd_kafka_topic_new(k->rk, k->topic, NULL);
	if (!k->rkt)
		return hs_seterr(errbuf, errlen, "target '%s': %s", t->id,
		                 rd_kafka_err2str(rd_kafka_last_error()));
	return 0;
}

/*
 * The target topic's partition count, looked up again every 30 s (a topic
 * may grow); 0 while unknown (metadata not answered within 5 s).
 */
static int partitions(struct fo_target *t)
{
	struct kafkat *k = t->impl;
	const struct rd_kafka_metadata *md;

	if (k->parts_at && hs_now() - k->parts_at < (k->nparts ? 30 : 1))
		return k->nparts;
	if (rd_kafka_metadata(k->rk, 0, k->rkt, &md, 5000) ==
	    RD_KAFKA_RESP_ERR_NO_ERROR) {
		if (md->topic_cnt == 1 && !md->topics[0].err)
			k->nparts = md->topics[0].partition_cnt;
		rd_kafka_metadata_destroy(md);
	}
	k->parts_at = hs_now();
	if (!k->nparts && !k->warned++)
		hs_err("target '%s': partition count of '%s' unknown; record "
		       "lines keyed by the murmur2 partitioner meanwhile",
		       t->id, k->topic);
	return k->nparts;
}

/* Bytes of a record member: string decoded, {"base64":...}, JSON text. */
static int member_bytes(const struct hs_json_doc *d, uint32_t v,
                        struct hs_buf *out, int *isnull)
{
	*isnull = 0;
	hs_buf_reset(out);
	switch (hs_json_type(d, v)) {
	case HS_JSON_NULL:
		*isnull = 1;
		return 0;
	case HS_JSON_STRING:
		return hs_json_str_decode(d, v, out);
	case HS_JSON_OBJECT:
		if (d->nodes[v].count == 1 &&
		    hs_json_str_eq(d, v + 1, "base64", 6)) {
			struct hs_buf s = HS_BUF_INIT;
			int r;

			hs_json_str_decode(d, v + 2, &s);
			r = hs_base64_decode(out, s.data, s.len);
			hs_buf_release(&s);
			return r;
		}
		/* fall through */
	default:
		hs_buf_add(out, hs_json_raw(d, v), d->nodes[v].len);
		return 0;
	}
}

/* Produce one item; 0 queued, -1 dead-lettered here. */
static int produce(struct fo_target *t, struct fo_item *it,
                   struct hs_json_doc *d)
{
	struct kafkat *k = t->impl;
	struct hs_buf val = HS_BUF_INIT, key = HS_BUF_INIT;
	rd_kafka_headers_t *hdrs = NULL;
	int64_t ts = 0, part = RD_KAFKA_PARTITION_UA;
	int vnull = 0, knull = 1, rec = 0;
	rd_kafka_resp_err_t err;

	if (hs_json_parse(d, it->data, it->len) == 0 &&
	    hs_json_type(d, 0) == HS_JSON_OBJECT &&
	    hs_json_obj_get(d, 0, "topic", 5) != HS_JSON_NONE &&
	    hs_json_obj_get(d, 0, "partition", 9) != HS_JSON_NONE &&
	    hs_json_obj_get(d, 0, "value", 5) != HS_JSON_NONE) {
		uint32_t v = hs_json_obj_get(d, 0, "value", 5);
		uint32_t kk = hs_json_obj_get(d, 0, "key", 3);
		uint32_t h = hs_json_obj_get(d, 0, "headers", 7);
		uint32_t tsn = hs_json_obj_get(d, 0, "timestamp", 9);
		uint32_t pn = hs_json_obj_get(d, 0, "partition", 9);
		int64_t sp;

		rec = 1;
		/* the same partition number keeps a copy's per-partition
		 * order and its null-key records where they were */
		if (k->by_source && hs_json_int64(d, pn, &sp) == 0 && sp >= 0 &&
		    sp < partitions(t))
			part = (int32_t)sp;
		member_bytes(d, v, &val, &vnull);
		if (kk != HS_JSON_NONE)
			member_bytes(d, kk, &key, &knull);
		if (tsn != HS_JSON_NONE &&
		    hs_json_type(d, tsn) == HS_JSON_NUMBER)
			hs_json_int64(d, tsn, &ts);
		if (h != HS_JSON_NONE && hs_json_type(d, h) == HS_JSON_ARRAY) {
			struct hs_buf hn = HS_BUF_INIT, hv = HS_BUF_INIT;

			hdrs = rd_kafka_headers_new(8);
			HS_JSON_FOREACH_ELEM(d, h, e)
			{
				int hnull = 0, dummy;

				if (hs_json_type(d, e) != HS_JSON_ARRAY ||
				    d->nodes[e].count != 2)
					continue;
				member_bytes(d, e + 1, &hn, &dummy);
				member_bytes(d, d->nodes[e + 1].end, &hv,
				             &hnull);
				rd_kafka_header_add(
				    hdrs, hn.data, (ssize_t)hn.len,
				    hnull ? NULL : hv.data,
				    hnull ? 0 : (ssize_t)hv.len);
			}
			hs_buf_release(&hn);
			hs_buf_release(&hv);
		}
	}
	if (!rec) {
		hs_buf_add(&val, it->data, it->len);
		if (it->key) {
			hs_buf_add(&key, it->key, it->key_len);
			knull = 0;
		}
	}
	for (;;) {
		err = rd_kafka_producev(
		    k->rk, RD_KAFKA_V_TOPIC(k->topic),
		    RD_KAFKA_V_PARTITION((int32_t)part),
		    RD_KAFKA_V_VALUE(vnull ? NULL : val.data,
		                     vnull ? 0 : val.len),
		    RD_KAFKA_V_KEY(knull ? NULL : key.data,
		                   knull ? 0 : key.len),
		    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		    RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_HEADERS(hdrs),
		    RD_KAFKA_V_OPAQUE(it), RD_KAFKA_V_END);
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
			break;
		rd_kafka_poll(k->rk, 100);
	}
	hs_buf_release(&val);
	hs_buf_release(&key);
	if (err) {
		if (hdrs)
			rd_kafka_headers_destroy(hdrs);
		target_dead(t, it, "produce_failed", rd_kafka_err2str(err),
		            "not_retryable", 1);
		return -1;
	}
	return 0;
}

static void kafka_run(struct fo_target *t)
{
	struct kafkat *k = t->impl;
	struct hs_json_doc d;
	struct fo_item *it;
	size_t n;

	hs_json_doc_init(&d);
	while ((it = target_pop(t, 1, &n))) {
		if (produce(t, it, &d) < 0)
			target_item_done(t, it);
		rd_kafka_poll(k->rk, 0);
	}
	hs_json_doc_release(&d);
	/* drain: wait for delivery reports until the age limit or the
	 * SIGTERM deadline, then purge so the rest is dead-lettered */
	for (;;) {
		double left = t->max_age;

		if (fo_out_of_time(t->sh))
			left = 0;
		else if (t->sh->stopping)
			left = t->sh->drain_deadline - hs_now();
		if (rd_kafka_outq_len(k->rk) == 0 || left <= 0)
			break;
		rd_kafka_flush(k->rk, left > 0.2 ? 200 : (int)(left * 1000));
	}
	rd_kafka_purge(k->rk,
	               RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
	rd_kafka_poll(k->rk, 0);
}

static void kafka_close(struct fo_target *t)
{
	struct kafkat *k = t->impl;

	if (!k)
		return;
	if (k->rkt)
		rd_kafka_topic_destroy(k->rkt);
	if (k->rk)
		rd_kafka_destroy(k->rk);
	free(k->topic);
	free(k);
	t->impl = NULL;
}

static int kafka_new(struct fo_target *t, const char *uri, char *errbuf,
                     size_t errlen)
{
	(void)t;
	return kafka_uri(uri, NULL, NULL, errbuf, errlen);
}

const struct target_ops fo_kafka_ops = {
    .name = "kafka",
    .parse = kafka_new,
    .open = kafka_open,
    .run = kafka_run,
    .close = kafka_close,
};
