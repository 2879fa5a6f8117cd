/*
 * kafka.c: kafka://TOPIC targets, one librdkafka producer per target
 * (idempotent, acks=all, Java-compatible murmur2 partitioner so a key's
 * partition equals its hs-fanout cell).  A payload in hs-consume's
 * "record" shape is produced with its own key, headers, timestamp and
 * value, so a topic copies losslessly; other payloads are the value, keyed
 * by the target's key pointer.  librdkafka retries on its own within
 * message.timeout.ms (the target's maximum age); what its delivery report
 * fails is dead-lettered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <librdkafka/rdkafka.h>

#include "alloc.h"
#include "base64.h"
#include "buf.h"
#include "err.h"
#include "fanout.h"
#include "json.h"
#include "stats.h"
#include "banned.h"

struct kafkat {
	rd_kafka_t *rk;
	char *topic;
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

int kafka_open(struct fo_target *t, char *errbuf, size_t errlen)
{
	struct kafkat *k = hs_xcalloc(1, sizeof *k);
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char err[512], tmo[32];

	t->impl = k;
	k->topic = hs_xstrdup(t->uri + 8);
	snprintf(tmo, sizeof tmo, "%ld", (long)(t->max_age * 1000));
	if (rd_kafka_conf_set(conf, "enable.idempotence", "true", err,
	                      sizeof err) != RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "acks", "all", err, sizeof err) !=
	        RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "partitioner", "murmur2_random", err,
	                      sizeof err) != RD_KAFKA_CONF_OK ||
	    rd_kafka_conf_set(conf, "message.timeout.ms", tmo, err,
	                      sizeof err) != RD_KAFKA_CONF_OK)
		goto bad;
	for (size_t i = 0; i < t->sh->nkafka_props; i++) {
		const char *kv = t->sh->kafka_props[i];
		const char *eq = strchr(kv, '=');
		char key[256];

		if (!eq || (size_t)(eq - kv) >= sizeof key) {
			snprintf(err, sizeof err,
			         "property '%s' is not NAME=VALUE", kv);
			goto bad;
		}
		memcpy(key, kv, (size_t)(eq - kv));
		key[eq - kv] = '\0';
		if (rd_kafka_conf_set(conf, key, eq + 1, err, sizeof err) !=
		    RD_KAFKA_CONF_OK)
			goto bad;
	}
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, t);
	k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
	if (!k->rk)
		return hs_seterr(errbuf, errlen, "target '%s': %s", t->id, err);
	return 0;
bad:
	rd_kafka_conf_destroy(conf);
	return hs_seterr(errbuf, errlen, "target '%s': %s", t->id, err);
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
	int64_t ts = 0;
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

		rec = 1;
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

void kafka_run(struct fo_target *t)
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

void kafka_close(struct fo_target *t)
{
	struct kafkat *k = t->impl;

	if (!k)
		return;
	if (k->rk)
		rd_kafka_destroy(k->rk);
	free(k->topic);
	free(k);
	t->impl = NULL;
}
