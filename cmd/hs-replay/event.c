/*
 * event.c: the fate of one event, whatever its source, and the batches,
 * pacing and progress line around it.
 *
 * Every event read ends exactly once (hs_stats): written, dead-lettered
 * (not JSON, not an object) or filtered (outside the window, untimed with
 * --untimed skip, not matching --pattern).  Written events are the input
 * bytes unchanged, or with "replay-name" set textually, so everything
 * else stays byte-identical.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "exit.h"
#include "sig.h"
#include "timeutil.h"
#include "replay.h"
#include "banned.h"

#define BATCH_SECS 0.5 /* longest time between two checkpoints */
#define DRAW_SECS 0.25 /* progress redraw period */
#define MAX_LAG 0.05   /* --rate: catch up at most this far behind */

int replay_stopped(const struct replay *rp)
{
	return rp->t.failed || hs_sig_stop;
}

/* Sleep until monotonic time t, or until a stop signal. */
static void sleep_until(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (!hs_sig_stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
	                                       &ts, NULL) == EINTR)
		;
}

/* Wait until the event may go: --rate spaces events evenly (a bucket of
 * one token, so a stall is not followed by a burst), --speed keeps the
 * spacing of event times scaled. */
static void pace(struct replay *rp, int64_t ms)
{
	double now = hs_now(), due = now;

	if (rp->rate > 0) {
		if (rp->due < now - MAX_LAG)
			rp->due = now;
		if (rp->due > due)
			due = rp->due;
		rp->due += 1.0 / rp->rate;
	}
	if (rp->speed > 0 && ms != NO_TIME) {
		if (rp->speed_t0 == 0) {
			rp->speed_t0 = now;
			rp->speed_ev0 = rp->speed_max = ms;
		}
		if (ms > rp->speed_max)
			rp->speed_max = ms;
		double d =
		    rp->speed_t0 + (double)(rp->speed_max - rp->speed_ev0) /
		                       1000.0 / rp->speed;
		if (d > due)
			due = d;
	}
	if (due <= now)
		return;
	/* the consumer sees events when they are due, not a buffer later */
	replay_flush_span(rp);
	hs_tool_flush(&rp->t);
	if (due - now >= BATCH_SECS)
		replay_batch(rp, 1);
	replay_progress(rp, 0, 0);
	sleep_until(due);
}

/* The event's time: Kafka's, or its "time" member (RFC 3339). */
static int64_t event_time(struct replay *rp, int64_t ts)
{
	struct hs_json_doc *d = &rp->doc;
	const char *s;
	size_t n;
	uint32_t v;
	int64_t ms;

	if (ts != NO_TIME)
		return ts >= 0 ? ts : NO_TIME;
	v = hs_json_obj_get(d, 0, "time", 4);
	if (v == HS_JSON_NONE || hs_json_type(d, v) != HS_JSON_STRING)
		return NO_TIME;
	if (!hs_json_str_plain(d, v, &s, &n)) {
		hs_buf_reset(&rp->line);
		hs_json_str_decode(d, v, &rp->line);
		s = rp->line.data;
		n = rp->line.len;
	}
	if (hs_time_parse_rfc3339(s, n, &ms) < 0)
		return NO_TIME;
	return ms;
}

/* The line with "replay-name" set: replaced in place when present,
 * otherwise inserted just before the closing brace. */
static void mark_name(struct replay *rp, const char *line, size_t len)
{
	struct hs_json_doc *d = &rp->doc;
	uint32_t v = hs_json_obj_get(d, 0, "replay-name", 11);
	struct hs_buf *b = &rp->line;

	hs_buf_reset(b);
	if (v != HS_JSON_NONE) {
		size_t off = d->nodes[v].off, end = off + d->nodes[v].len;

		hs_buf_add(b, line, off);
		hs_buf_add(b, rp->name_json.data, rp->name_json.len);
		hs_buf_add(b, line + end, len - end);
		return;
	}
	size_t close = d->nodes[0].off + d->nodes[0].len - 1;

	hs_buf_add(b, line, close);
	hs_buf_adds(b, d->nodes[0].count ? ",\"replay-name\":"
	                                 : "\"replay-name\":");
	hs_buf_add(b, rp->name_json.data, rp->name_json.len);
	hs_buf_add(b, line + close, len - close);
}

static void reject(struct replay *rp, const char *reason, const char *msg,
                   const char *p, size_t n, int is_json, const struct origin *o)
{
	struct hs_dlq_rec r = HS_DLQ_REC_INIT;

	r.reason = reason;
	r.message = msg;
	r.file = o->file;
	r.line = o->line;
	r.topic = o->topic;
	r.partition = o->topic ? o->partition : -1;
	r.offset = o->topic ? o->offset : -1;
	r.event = p;
	r.event_len = n;
	r.event_is_json = is_json;
	hs_tool_reject_rec(&rp->t, &r);
}

void replay_reject_raw(struct replay *rp, const char *reason, const char *msg,
                       const char *p, size_t n, const struct origin *o)
{
	hs_stats_in(&rp->t.stats, n);
	reject(rp, reason, msg, p, n, 0, o);
}

/*
 * The dead letter of an oversize line, the same record as any tool's
 * (hs_dlq_write_stream() through the sink), with the line read whole into
 * "event_base64" as rest() streams it.
 */
long long replay_reject_oversize(
    struct replay *rp,
    long long (*rest)(void *src, void (*fn)(void *ctx, const char *p, size_t n),
                      void *ctx),
    void *src, const struct origin *o)
{
	struct hs_dlq_rec rec = HS_DLQ_REC_INIT;
	char msg[128];

	snprintf(msg, sizeof(msg),
	         "line longer than --max-event-size (%zu bytes)",
	         rp->opts.max_event_size);
	rec.reason = "too_large";
	rec.message = msg;
	rec.file = o->file;
	rec.line = o->line;
	rec.event_is_json = 0;
	return hs_sink_reject_stream(&rp->t.sink, &rec, rest, src, 0);
}

int replay_idle(void *ctx)
{
	struct replay *rp = ctx;
	double left;

	replay_flush_span(rp);
	hs_tool_flush(&rp->t);
	hs_stats_tick(&rp->t.stats);
	replay_batch(rp, 0);
	replay_progress(rp, 0, 0);
	if (rp->t.failed)
		return -2;
	if (!rp->ckpt || !rp->dirty)
		return -1;
	left = rp->last_ckpt + BATCH_SECS - hs_now();
	return left > 0 ? (int)(left * 1000) + 1 : 0;
}

void replay_event(struct replay *rp, const char *line, size_t len, int64_t ts,
                  const struct origin *o)
{
	struct hs_json_doc *d = &rp->doc;
	char msg[256];
	int64_t ms;

	hs_stats_in(&rp->t.stats, len + 1);
	rp->dirty = 1;
	if (hs_json_parse(d, line, len) < 0) {
		hs_json_error_text(d, msg, sizeof msg);
		reject(rp, hs_json_error_reason(d->err_code), msg, line, len, 0,
		       o);
		return;
	}
	if (hs_json_type(d, 0) != HS_JSON_OBJECT) {
		reject(rp, "not_object", "an event must be a JSON object", line,
		       len, 1, o);
		return;
	}
	ms = event_time(rp, ts);
	if (ms == NO_TIME) {
		rp->untimed++;
		if (!rp->untimed_include) {
			hs_tool_filter(&rp->t);
			return;
		}
	} else {
		rp->last_ms = ms;
		if ((rp->from != NO_TIME && ms < rp->from) ||
		    (rp->to != NO_TIME && ms >= rp->to)) {
			rp->outside++;
			hs_tool_filter(&rp->t);
			return;
		}
	}
	if (rp->pattern && !replay_match(rp)) {
		rp->unmatched++;
		hs_tool_filter(&rp->t);
		return;
	}
	if (rp->rate > 0 || rp->speed > 0)
		pace(rp, ms);
	if (rp->spans && o->nl) {
		/* written unchanged: extend the span, or start a new one */
		if (rp->span && rp->span + rp->span_len != line)
			replay_flush_span(rp);
		if (!rp->span)
			rp->span = line;
		rp->span_len += len + 1;
		rp->span_lines++;
		rp->t.stats.lines_out++;
		rp->t.stats.bytes_out += len + 1;
		hs_stats_end(&rp->t.stats, HS_END_OUT);
		return;
	}
	replay_flush_span(rp);
	if (rp->name) {
		mark_name(rp, line, len);
		hs_tool_pass(&rp->t, rp->line.data, rp->line.len);
	} else {
		hs_tool_pass(&rp->t, line, len);
	}
}

void replay_flush_span(struct replay *rp)
{
	if (!rp->span)
		return;
	/* a failed write is reported (and the run stopped) by the flush */
	if (hs_out_write(&rp->t.out, rp->span, rp->span_len) < 0)
		hs_tool_flush(&rp->t);
	rp->t.out.lines += rp->span_lines;
	rp->span = NULL;
	rp->span_len = 0;
	rp->span_lines = 0;
}

int replay_batch(struct replay *rp, int force)
{
	double now;

	if (!rp->ckpt || !rp->dirty || rp->t.failed)
		return rp->t.failed ? -1 : 0;
	now = hs_now();
	if (!force && now - rp->last_ckpt < BATCH_SECS)
		return 0;
	replay_flush_span(rp);
	if (hs_tool_flush(&rp->t) < 0)
		return -1;
	rp->last_ckpt = now;
	rp->dirty = 0;
	if (ckpt_save(rp) < 0) {
		hs_sink_fail(&rp->t.sink, HS_EXIT_IO);
		return -1;
	}
	return 0;
}

static void fmt_secs(char *buf, size_t n, double s)
{
	long v = (long)(s + 0.5);

	if (v >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", v / 3600, v / 60 % 60,
		         v % 60);
	else
		snprintf(buf, n, "%ld:%02ld", v / 60, v % 60);
}

void replay_progress(struct replay *rp, int force, int last)
{
	const struct hs_stats *s = &rp->t.stats;
	double now, el, frac = -1;
	char pct[16] = "", eta[32] = "", line[160];
	int n;

	if (!rp->progress)
		return;
	now = hs_now();
	if (!force && now < rp->next_draw)
		return;
	rp->next_draw = now + DRAW_SECS;
	el = now - s->t0;
	if (rp->from != NO_TIME && rp->to != NO_TIME && rp->to > rp->from &&
	    rp->last_ms != NO_TIME) {
		frac = (double)(rp->last_ms - rp->from) /
		       (double)(rp->to - rp->from);
	} else if (rp->pos_total > 0) {
		frac = (double)rp->pos_done / (double)rp->pos_total;
	}
	if (frac > 1 || (last && frac >= 0 && !replay_stopped(rp)))
		frac = 1; /* a run that ended by itself covered it all */
	if (frac >= 0) {
		snprintf(pct, sizeof(pct), " %.1f%%", frac * 100);
		if (frac > 0.001 && !last) {
			char t[24];

			fmt_secs(t, sizeof(t), el * (1 - frac) / frac);
			snprintf(eta, sizeof(eta), " eta %s", t);
		}
	}
	n = snprintf(line, sizeof(line),
	             "%s: %" PRIu64 " events, %" PRIu64 " written, %.1f MB,%s "
	             "%.0f/s%s",
	             hs_prog(), s->in, s->out, (double)s->bytes_in / 1e6, pct,
	             el > 0 ? (double)s->in / el : 0.0, eta);
	if (n < 0)
		return;
	/* pad over what a longer previous line left on screen */
	fprintf(stderr, "\r%-*s%s", rp->drawn > n ? rp->drawn : n, line,
	        last ? "\n" : "");
	fflush(stderr);
	rp->drawn = last ? 0 : n;
}
