/*
 * tool.c: the frame every filter shares (tool.h): taking input lines one by one
 * (oversize lines become dead letters), buffered stdout with the quiet
 * rule for a reader that left, the end of each event (pass, filter,
 * split, reject) handed to its sink, and the exit status at
 * hs_tool_finish().  It does not own line reading (lineio.c), output
 * buffers (out.c), what an event's end does (sink.c: dead letters,
 * acknowledgements, counters, status precedence), signals (sig.c) or any
 * tool's decision on an event.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "exit.h"
#include "json.h"
#include "sig.h"
#include "tool.h"
#include "banned.h"

static void raise_rc(struct hs_tool *t, int rc)
{
	hs_sink_raise(&t->sink, rc);
}

/* A failed write to stdout: quiet when the reader left, loud otherwise. */
static void out_failed(struct hs_tool *t)
{
	if (t->failed)
		return;
	t->failed = 1;
	if (t->out.err == EPIPE) {
		raise_rc(t, HS_EXIT_SIGNAL + SIGPIPE);
		return;
	}
	hs_err("write error on stdout: %s", strerror(t->out.err));
	raise_rc(t, HS_EXIT_IO);
}

int hs_tool_flush(struct hs_tool *t)
{
	if (hs_out_flush(&t->out) < 0) {
		out_failed(t);
		return -1;
	}
	return 0;
}

int hs_tool_out_gone(struct hs_tool *t)
{
	if (!hs_out_gone(&t->out))
		return 0;
	out_failed(t);
	return 1;
}

static void on_idle(void *ctx)
{
	struct hs_tool *t = ctx;

	hs_tool_flush(t);
	hs_stats_tick(&t->stats);
}

int hs_tool_start(struct hs_tool *t, struct hs_opts *opts, char **files,
                  int nfiles)
{
	memset(t, 0, sizeof(*t));
	t->opts = opts;
	t->ack.fd = -1;
	hs_sink_init(&t->sink, &t->dlq, &t->stats, &t->ack, &t->rc, &t->failed,
	             opts->quiet);
	hs_sig_init();
	hs_stats_init(&t->stats);
	t->stats.interval = opts->stats_interval;
	hs_out_init(&t->out, STDOUT_FILENO, 0);
	t->out.unbuffered = opts->unbuffered;
	hs_pipe_grow(STDOUT_FILENO);
	hs_lineio_init(&t->in, files, nfiles, opts->max_event_size);
	t->in.idle = on_idle;
	t->in.idle_ctx = t;
	t->in.watch_fd = STDOUT_FILENO;
	t->in.stop = &hs_sig_stop;
	t->in.drain_secs = opts->drain_timeout;
	if (hs_dlq_open(&t->dlq, opts->dlq, t->errbuf, sizeof(t->errbuf)) < 0) {
		hs_err("%s", t->errbuf);
		t->rc = HS_EXIT_IO;
		return -1;
	}
	if (opts->ack && hs_ack_open(&t->ack, opts->ack, 30000, t->errbuf,
	                             sizeof(t->errbuf)) < 0) {
		hs_err("%s", t->errbuf);
		t->rc = HS_EXIT_USAGE;
		return -1;
	}
	return 0;
}

static void reject_oversize(struct hs_tool *t)
{
	struct hs_dlq_rec r = HS_DLQ_REC_INIT;
	char msg[128];

	snprintf(msg, sizeof(msg),
	         "line longer than --max-event-size (%zu bytes)",
	         t->opts->max_event_size);
	r.reason = "too_large";
	r.message = msg;
	r.file = t->in.name;
	r.line = t->in.lineno;
	r.event = t->line;
	r.event_len = t->len;
	r.event_is_json = 0;
	hs_sink_reject_stream(&t->sink, &r, hs_dlq_lineio_rest, &t->in, t->len);
}

int hs_tool_next(struct hs_tool *t, const char **line, size_t *len)
{
	for (;;) {
		int r;

		/* A stop signal ends reading in the reader: at once for files,
		 * after draining a pipe (lineio.h). */
		if (t->failed)
			return 0;
		r = hs_lineio_next(&t->in, &t->line, &t->len, t->errbuf,
		                   sizeof(t->errbuf));
		t->stats.blank = t->in.blank;
		switch (r) {
		case HS_LINEIO_LINE:
			/* the report comes before this event is counted in,
			 * so its counts add up: every event in it has ended */
			hs_stats_tick(&t->stats);
			t->cur = HS_SINK_EV(t->line, t->len);
			hs_stats_in(&t->stats, t->len + 1);
			*line = t->line;
			*len = t->len;
			return 1;
		case HS_LINEIO_TOOBIG:
			reject_oversize(t);
			continue;
		case HS_LINEIO_ERR:
			hs_err("%s", t->errbuf);
			raise_rc(t, HS_EXIT_IO);
			if (t->in.open_failed) {
				t->in.open_failed = 0;
				continue; /* go on with the next file */
			}
			t->failed = 1;
			return 0;
		default:
			/* Reading ended because stdout's reader left. */
			if (t->in.watch_gone)
				hs_tool_out_gone(t);
			return 0;
		}
	}
}

int hs_tool_emit(struct hs_tool *t, const char *p, size_t n)
{
	if (hs_out_line(&t->out, p, n) < 0) {
		out_failed(t);
		return -1;
	}
	t->stats.lines_out++;
	t->stats.bytes_out += n + 1;
	return 0;
}

int hs_tool_write(struct hs_tool *t, const char *p, size_t n)
{
	if (hs_out_write(&t->out, p, n) < 0 ||
	    (t->out.unbuffered && hs_out_flush(&t->out) < 0)) {
		out_failed(t);
		return -1;
	}
	t->out.lines++;
	t->stats.lines_out++;
	t->stats.bytes_out += n;
	return 0;
}

void hs_tool_done(struct hs_tool *t, enum hs_end how)
{
	switch (how) {
	case HS_END_OUT:
		hs_sink_written(&t->sink);
		break;
	case HS_END_FILTER:
		hs_tool_filter(t);
		break;
	case HS_END_DLQ:
		/* counted only, as before the sink: a dead letter with a
		 * record goes through hs_tool_reject() */
		hs_stats_end(&t->stats, HS_END_DLQ);
		break;
	}
}

void hs_tool_event_doc(struct hs_tool *t, const struct hs_json_doc *d)
{
	t->cur.doc = d;
}

int hs_tool_pass(struct hs_tool *t, const char *line, size_t len)
{
	int r = hs_tool_emit(t, line, len);

	/* Even when stdout failed the event was handed on as far as it could
	 * go; the exit status says what happened. */
	hs_sink_written(&t->sink);
	return r;
}

void hs_tool_filter(struct hs_tool *t)
{
	hs_sink_filter(&t->sink, &t->cur);
}

void hs_tool_split(struct hs_tool *t, int n)
{
	hs_sink_split(&t->sink, &t->cur, n);
}

void hs_tool_reject_rec(struct hs_tool *t, const struct hs_dlq_rec *r)
{
	int cur = r->event == t->cur.line && r->event_len == t->cur.len;

	hs_sink_reject(&t->sink, cur ? &t->cur : NULL, r);
}

void hs_tool_reject(struct hs_tool *t, const char *reason, const char *details,
                    const char *fmt, ...)
{
	struct hs_dlq_rec r = HS_DLQ_REC_INIT;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r.reason = reason;
	r.message = msg;
	r.file = t->in.name;
	r.line = t->in.lineno;
	r.details = details;
	r.details_len = details ? strlen(details) : 0;
	r.event = t->line;
	r.event_len = t->len;
	hs_tool_reject_rec(t, &r);
}

void hs_tool_reject_parse(struct hs_tool *t, const struct hs_json_doc *d)
{
	char msg[256];

	hs_json_error_text(d, msg, sizeof msg);
	hs_tool_reject(t, hs_json_error_reason(d->err_code), NULL, "%s", msg);
}

int hs_tool_finish(struct hs_tool *t, const char *extra)
{
	if (!t->failed)
		hs_tool_flush(t);
	if (t->opts->stats)
		hs_stats_print(&t->stats, stderr, extra);
	hs_lineio_release(&t->in);
	hs_out_release(&t->out);
	hs_dlq_close(&t->dlq);
	hs_ack_close(&t->ack);
	if (hs_sig_stop)
		raise_rc(t, HS_EXIT_SIGNAL + hs_sig_stop);
	hs_sink_release(&t->sink);
	return t->rc;
}
