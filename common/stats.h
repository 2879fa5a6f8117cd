/*
 * stats.h: the one place where the end of every event is accounted.
 * Each input event ends exactly once: written (out), dead-lettered (dlq)
 * or filtered; in == out + dlq + filtered once the queue is drained.
 * --stats prints the counters; --ack and other later features hook into
 * hs_stats_end() through the hook below.
 */
#ifndef HS_STATS_H
#define HS_STATS_H

#include <stdint.h>
#include <stdio.h>

enum hs_end { HS_END_OUT = 0, HS_END_DLQ, HS_END_FILTER };

struct hs_stats {
	uint64_t in, out, dlq, filtered, blank;
	uint64_t bytes_in, bytes_out, lines_out;
	double t0;       /* start, CLOCK_MONOTONIC seconds */
	double interval; /* --stats-interval, 0 = off */
	double next_report;
	/* Called for every ended event, after the counters move. */
	void (*hook)(void *ctx, enum hs_end how);
	void *hook_ctx;
};

void hs_stats_init(struct hs_stats *s);
double hs_now(void); /* CLOCK_MONOTONIC in seconds */

/* An input event of n bytes arrived. */
static inline void hs_stats_in(struct hs_stats *s, uint64_t n)
{
	s->in++;
	s->bytes_in += n;
}
/* An input event ended as how. */
void hs_stats_end(struct hs_stats *s, enum hs_end how);

/*
 * One line on f: "PROG: stats in=N out=N dlq=N filtered=N blank=N
 * bytes_in=N bytes_out=N seconds=S rate=R/s".  extra, when not NULL, is
 * appended (tools add their own counters).
 */
void hs_stats_print(const struct hs_stats *s, FILE *f, const char *extra);

/* Print if --stats-interval is set and due; cheap to call per event. */
void hs_stats_tick(struct hs_stats *s);

#endif
