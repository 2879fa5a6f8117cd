/*
 * replay-produce.c: produce records with chosen partitions and
 * timestamps, which kcat cannot set, for hs-replay's Kafka tests.
 *
 *	replay-produce BROKERS TOPIC < lines
 *
 * Each input line is "PARTITION TIMESTAMP_MS VALUE"; VALUE is the rest of
 * the line, and a VALUE of \N alone makes a tombstone (a null value).  Exits 0 once every record is acknowledged, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rdkafka.h>

#include "banned.h"

static int failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m,
                        void *opaque)
{
	(void)rk;
	(void)opaque;
	if (m->err) {
		fprintf(stderr, "replay-produce: %s\n",
		        rd_kafka_err2str(m->err));
		failed = 1;
	}
}

int main(int argc, char **argv)
{
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	char err[512], line[65536];

	if (argc != 3) {
		fprintf(stderr, "usage: replay-produce BROKERS TOPIC\n");
		return 2;
	}
	conf = rd_kafka_conf_new();
	if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err,
	                      sizeof(err)) != RD_KAFKA_CONF_OK) {
		fprintf(stderr, "replay-produce: %s\n", err);
		return 2;
	}
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	if (!rk) {
		fprintf(stderr, "replay-produce: %s\n", err);
		return 2;
	}
	while (fgets(line, sizeof(line), stdin)) {
		char *p = line, *end;
		long part;
		long long ts;
		size_t n;
		int tomb;
		char *val;
		rd_kafka_resp_err_t e;

		part = strtol(p, &end, 10);
		ts = strtoll(end, &p, 10);
		if (*p == ' ')
			p++;
		n = strlen(p);
		if (n && p[n - 1] == '\n')
			n--;
		tomb = n == 2 && memcmp(p, "\\N", 2) == 0;
		if (tomb)
			n = 0;
		val = tomb ? NULL : p;
		do {
			e = rd_kafka_producev(
			    rk, RD_KAFKA_V_TOPIC(argv[2]),
			    RD_KAFKA_V_PARTITION((int32_t)part),
			    RD_KAFKA_V_TIMESTAMP((int64_t)ts),
			    RD_KAFKA_V_VALUE(val, n),
			    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			    RD_KAFKA_V_END);
			if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
				rd_kafka_poll(rk, 100);
		} while (e == RD_KAFKA_RESP_ERR__QUEUE_FULL);
		if (e) {
			fprintf(stderr, "replay-produce: %s\n",
			        rd_kafka_err2str(e));
			failed = 1;
			break;
		}
		rd_kafka_poll(rk, 0);
	}
	if (rd_kafka_flush(rk, 30000))
		failed = 1;
	rd_kafka_destroy(rk);
	return failed;
}
