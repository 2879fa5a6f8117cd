/* Unit tests for common/sink: ends from several threads into one sink add
 * up, dead letters are whole lines, and the status follows precedence. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ack.h"
#include "check.h"
#include "dlq.h"
#include "err.h"
#include "exit.h"
#include "sink.h"
#include "stats.h"
#include "banned.h"

#define PER 600

static struct hs_sink sink;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < PER; i++) {
		static const char ev[] = "{\"a\":1}";
		struct hs_sink_ev e = HS_SINK_EV(ev, sizeof(ev) - 1);
		struct hs_dlq_rec r = HS_DLQ_REC_INIT;

		switch (i % 3) {
		case 0:
			hs_sink_written(&sink);
			break;
		case 1:
			hs_sink_filter(&sink, &e);
			break;
		default:
			r.reason = "test";
			r.message = "m";
			r.event = ev;
			r.event_len = sizeof(ev) - 1;
			hs_sink_reject(&sink, &e, &r);
			break;
		}
	}
	return NULL;
}

int main(void)
{
	struct hs_dlq dlq;
	struct hs_stats st;
	struct hs_ack ack = {-1, 0, 0};
	int rc = 0, failed = 0, lines = 0, bad = 0;
	char path[] = "/tmp/hs-test-sink.XXXXXX", errbuf[256], buf[512];
	const char *head =
	    "{\"hs-dlq\":1,\"tool\":\"test-sink\",\"reason\":\"test\",";
	pthread_t th[4];
	FILE *f;
	int fd = mkstemp(path);

	hs_prog_set("test-sink");
	CHECK(fd >= 0, "temporary file");
	close(fd);
	CHECK(hs_dlq_open(&dlq, path, errbuf, sizeof errbuf) == 0, "open dlq");
	hs_stats_init(&st);
	hs_sink_init(&sink, &dlq, &st, &ack, &rc, &failed, 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK(st.out == 4 * PER / 3 && st.filtered == 4 * PER / 3 &&
	          st.dlq == 4 * PER / 3,
	      "every end counted once (out %llu filtered %llu dlq %llu)",
	      (unsigned long long)st.out, (unsigned long long)st.filtered,
	      (unsigned long long)st.dlq);
	CHECK(rc == HS_EXIT_REJECT && !failed, "status 1 after rejects");
	{
		struct hs_dlq_rec r = HS_DLQ_REC_INIT;
		struct hs_evcoord c = {"tp", 2, 3, 44};
		uint64_t dlq0 = st.dlq;
		char got[64] = "";
		int p[2];

		r.reason = "test";
		r.message = "m";
		r.event = "{\"a\":1}";
		r.event_len = 7;
		hs_sink_record(&sink, &r);
		CHECK(st.dlq == dlq0, "a record for an ended event moves no "
		                      "counter");
		if (pipe(p) == 0) {
			ack.fd = p[1];
			hs_sink_ack(&sink, &c, 0);
			hs_sink_ack(&sink, NULL, 0);
			CHECK(ack.lost == 1 && ack.sent == 1,
			      "ack sent once, one lost");
			hs_ack_close(&ack);
			if (read(p[0], got, sizeof got - 1) < 0)
				got[0] = '\0';
			close(p[0]);
			CHECK(strcmp(got, "- tp 3 44\n") == 0, "ack '%s'", got);
		}
	}
	hs_sink_raise(&sink, HS_EXIT_IO);
	hs_sink_raise(&sink, HS_EXIT_REJECT);
	CHECK(rc == HS_EXIT_IO, "a graver status stays");
	hs_sink_fail(&sink, HS_EXIT_SIGNAL + 13);
	CHECK(rc == HS_EXIT_SIGNAL + 13 && failed, "a failure sets failed");
	hs_dlq_close(&dlq);
	f = fopen(path, "r");
	while (f && fgets(buf, sizeof buf, f)) {
		lines++;
		bad += strncmp(buf, head, strlen(head)) != 0 ||
		       !strstr(buf, ",\"event\":{\"a\":1}}\n");
	}
	if (f)
		fclose(f);
	CHECK(lines == 4 * PER / 3 + 1 && bad == 0,
	      "%d whole dead letters (%d malformed)", lines, bad);
	hs_sink_release(&sink);
	unlink(path);
	return check_done();
}
