/*
 * stats.c: the counters that account for the end of every event and the
 * --stats line (stats.h).  The end-of-event policy itself (dead letters,
 * acknowledgements, exit status) is not here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "stats.h"
#include "banned.h"

double hs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void hs_stats_init(struct hs_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->t0 = hs_now();
}

void hs_stats_end(struct hs_stats *s, enum hs_end how)
{
	switch (how) {
	case HS_END_OUT:
		s->out++;
		break;
	case HS_END_DLQ:
		s->dlq++;
		break;
	case HS_END_FILTER:
		s->filtered++;
		break;
	}
	if (s->hook)
		s->hook(s->hook_ctx, how);
}

void hs_stats_print(const struct hs_stats *s, FILE *f, const char *extra)
{
	double secs = hs_now() - s->t0;
	uint64_t ended = s->out + s->dlq + s->filtered;
	char inflight[48] = "";

	/* a report during the run may find events read but not yet ended
	 * (a worker pool, transfers in flight): it names them, so the counts
	 * still add up; at exit there are none */
	if (s->in > ended)
		snprintf(inflight, sizeof(inflight), " inflight=%" PRIu64,
		         s->in - ended);
	fprintf(f,
	        "%s: stats in=%" PRIu64 " out=%" PRIu64 " dlq=%" PRIu64
	        " filtered=%" PRIu64 "%s blank=%" PRIu64 " bytes_in=%" PRIu64
	        " bytes_out=%" PRIu64 " seconds=%.3f rate=%.0f/s%s%s\n",
	        hs_prog(), s->in, s->out, s->dlq, s->filtered, inflight,
	        s->blank, s->bytes_in, s->bytes_out, secs,
	        secs > 0 ? (double)s->in / secs : 0.0, extra ? " " : "",
	        extra ? extra : "");
	fflush(f);
}

void hs_stats_tick(struct hs_stats *s)
{
	double now;

	if (s->interval <= 0)
		return;
	now = hs_now();
	if (now < s->next_report)
		return;
	if (s->next_report > 0)
		hs_stats_print(s, stderr, NULL);
	s->next_report = now + s->interval;
}
