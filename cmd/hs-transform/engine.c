/*
 * engine.c: one event through jq (or the input transformer) into its
 * outputs or its dead-letter reason.  Runs on worker threads: it touches
 * only its engine and its batch.  A jq program runs through jqrun.h
 * (natively where it can, libjq where the native evaluator gives up), the
 * rules hs-fanout's jq targets share.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dlq.h"
#include "err.h"
#include "inputxform.h"
#include "tool.h"
#include "xf.h"
#include "banned.h"

int xf_engine_init(struct xf_engine *e, const struct xf_conf *c)
{
	struct hs_jqrun_opts o;

	memset(e, 0, sizeof(*e));
	e->conf = c;
	hs_json_doc_init(&e->doc);
	e->doc.max_depth = c->max_depth;
	hs_buf_init(&e->scratch);
	hs_buf_init(&e->errs);
	hs_buf_init(&e->fmt);
	hs_json_doc_init(&e->fdoc);
	e->fdoc.max_depth = c->max_depth;
	hs_jqrun_ev_init(&e->ev, c->allow_lossy);
	if (!c->program)
		return 0;
	o.program = c->program;
	o.args = c->args;
	o.libdirs = c->libdirs;
	o.origin = c->origin;
	o.engine_jq = c->engine_jq;
	o.jq_secs = c->jq_secs;
	o.jq_mem = c->jq_mem;
	e->has_run = 1;
	if (hs_jqrun_init(&e->run, &o) == 0)
		return 0;
	/* jq's messages, each ended by a newline, as main() prints them. */
	for (size_t i = 0; i < e->run.errs.len;) {
		size_t n = strlen(e->run.errs.data + i);

		hs_buf_add(&e->errs, e->run.errs.data + i, n);
		hs_buf_addc(&e->errs, '\n');
		i += n + 1;
	}
	return -1;
}

void xf_engine_release(struct xf_engine *e)
{
	if (e->has_run)
		hs_jqrun_release(&e->run);
	hs_jqrun_ev_release(&e->ev);
	hs_json_doc_release(&e->doc);
	hs_buf_release(&e->scratch);
	hs_buf_release(&e->errs);
	hs_buf_release(&e->fmt);
	hs_json_doc_release(&e->fdoc);
}

/* Turn event ev into a dead letter: outputs so far are dropped. */
static void dead(struct xf_batch *b, struct xf_ev *ev, const char *reason,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void dead(struct xf_batch *b, struct xf_ev *ev, const char *reason,
                 const char *fmt, ...)
{
	va_list ap;

	hs_buf_setlen(&b->outs, ev->out_off);
	ev->nout = 0;
	ev->unacked = 0;
	ev->out_len = 0;
	ev->kind = XF_DLQ;
	ev->reason = reason;
	ev->msg_off = b->msgs.len;
	va_start(ap, fmt);
	hs_buf_vaddf(&b->msgs, fmt, ap);
	va_end(ap);
	ev->msg_len = b->msgs.len - ev->msg_off;
	hs_buf_addc(&b->msgs, '\0');
}

/* The program on ev: its outputs, or its dead letter. */
static void run_program(struct xf_engine *e, struct xf_batch *b,
                        struct xf_ev *ev, const char *line, size_t len)
{
	int n;

	hs_jqrun_ev_set(&e->ev, &e->doc, line, len);
	n = hs_jqrun_run(&e->run, &e->ev, &b->outs);
	ev->ran = e->run.ran == HS_JQRUN_NATIVE ? XF_RAN_NATIVE : XF_RAN_JQ;
	if (n >= 0) {
		ev->nout = (uint32_t)n;
		return;
	}
	dead(b, ev, e->run.reason, "%s", e->run.msg.data);
	if (e->run.details.len) {
		/* Details JSON after the message (NUL-terminated too). */
		ev->det_off = b->msgs.len;
		hs_buf_add(&b->msgs, e->run.details.data, e->run.details.len);
		ev->det_len = e->run.details.len;
		hs_buf_addc(&b->msgs, '\0');
	}
}

static void run_template(struct xf_engine *e, struct xf_batch *b,
                         struct xf_ev *ev)
{
	const struct xf_conf *c = e->conf;
	size_t at = b->outs.len;

	hs_inputxform_apply(c->ix, &e->doc, c->rule_name, &b->outs);
	if (!hs_inputxform_is_json(c->ix)) {
		/* stdout carries JSON: plain text becomes a JSON string. */
		hs_buf_reset(&e->scratch);
		hs_json_write_str(&e->scratch, b->outs.data + at,
		                  b->outs.len - at);
		hs_buf_setlen(&b->outs, at);
		hs_buf_add(&b->outs, e->scratch.data, e->scratch.len);
	} else if (hs_json_parse(&e->doc, b->outs.data + at, b->outs.len - at) <
	           0) {
		dead(b, ev, "template",
		     "the filled input template is not JSON: byte %zu: %s",
		     e->doc.err_off + 1, e->doc.err);
		return;
	}
	hs_buf_addc(&b->outs, '\n');
	ev->nout = 1;
}

/*
 * --ack: count ev's outputs (lines in outs, before any formatting) that
 * lack the hs.kafka coordinates its input had.  No later stage can
 * acknowledge such an output, so the input event stays outstanding in
 * hs-consume's book and its partition commits no further (hs(7)).
 */
static void count_unacked(struct xf_engine *e, struct xf_batch *b,
                          struct xf_ev *ev)
{
	const char *p = b->outs.data + ev->out_off,
	           *end = b->outs.data + b->outs.len;
	struct hs_evcoord c;

	ev->unacked = 0;
	for (const char *nl; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (hs_evcoord_line(&e->fdoc, p, (size_t)(nl - p), &c) < 0)
			ev->unacked++;
	}
}

/* 1 when the output text p[0..n) is false or null (jq -e). */
static int falsy(const char *p, size_t n)
{
	while (n && strchr(" \t\r", p[0])) {
		p++;
		n--;
	}
	while (n && strchr(" \t\r", p[n - 1]))
		n--;
	return (n == 5 && memcmp(p, "false", 5) == 0) ||
	       (n == 4 && memcmp(p, "null", 4) == 0);
}

/* After a run: -e's view of the last output, then jq's output flags. */
static void finish_outputs(struct xf_engine *e, struct xf_batch *b,
                           struct xf_ev *ev)
{
	const char *reason = NULL, *last;
	size_t n = b->outs.len - ev->out_off;

	if (ev->nout) {
		/* outs ends in '\n': the last output starts after the one
		 * before it */
		last = b->outs.data + ev->out_off;
		for (size_t i = n - 1; i-- > 0;)
			if (last[i] == '\n') {
				last += i + 1;
				break;
			}
		ev->falsy = falsy(
		    last, (size_t)(b->outs.data + b->outs.len - last - 1));
	}
	if (!e->conf->fmt.on || !ev->nout)
		return;
	hs_buf_reset(&e->scratch);
	if (xf_fmt_outputs(e, &b->outs, ev->out_off, ev->nout, &reason,
	                   &e->scratch) == 0)
		return;
	dead(b, ev, reason, "%s", e->scratch.data);
}

void xf_engine_batch(struct xf_engine *e, struct xf_batch *b)
{
	b->framed = e->conf->fmt.on;
	for (size_t i = 0; i < b->n; i++) {
		struct xf_ev *ev = &b->ev[i];
		const char *line = b->lines.data + ev->line_off;
		ev->kind = XF_OUT;
		ev->nout = 0;
		ev->out_off = b->outs.len;
		ev->det_len = 0;
		if (hs_json_parse(&e->doc, line, ev->line_len) < 0) {
			char msg[256];

			ev->is_json = 0;
			hs_json_error_text(&e->doc, msg, sizeof msg);
			dead(b, ev, hs_json_error_reason(e->doc.err_code), "%s",
			     msg);
			continue;
		}
		ev->is_json = 1;
		ev->ran = XF_RAN_NONE;
		if (e->conf->ack)
			ev->has_coord =
			    hs_evcoord_doc(&e->doc, &ev->coord) == 0 ? 1 : -1;
		if (e->has_run)
			run_program(e, b, ev, line, ev->line_len);
		else
			run_template(e, b, ev);
		if (ev->kind == XF_OUT && ev->has_coord == 1)
			count_unacked(e, b, ev);
		if (ev->kind == XF_OUT)
			finish_outputs(e, b, ev);
		if (ev->kind == XF_OUT) {
			ev->out_len = b->outs.len - ev->out_off;
			if (ev->nout == 0)
				ev->kind = XF_FILTER;
		}
	}
}

void xf_batch_add(struct xf_batch *b, const char *line, size_t len,
                  const char *file, uint64_t lineno)
{
	struct xf_ev *ev;

	b->ev = hs_xgrow(b->ev, sizeof(*b->ev), b->n + 1, &b->cap);
	ev = &b->ev[b->n++];
	memset(ev, 0, sizeof(*ev));
	ev->line_off = b->lines.len;
	ev->line_len = len;
	ev->file = file;
	ev->lineno = lineno;
	hs_buf_add(&b->lines, line, len);
}

void xf_batch_reset(struct xf_batch *b)
{
	b->n = 0;
	b->done = 0;
	hs_buf_reset(&b->lines);
	hs_buf_reset(&b->outs);
	hs_buf_reset(&b->msgs);
}

void xf_batch_release(struct xf_batch *b)
{
	hs_buf_release(&b->lines);
	hs_buf_release(&b->outs);
	hs_buf_release(&b->msgs);
	free(b->ev);
	b->ev = NULL;
	b->n = b->cap = 0;
}

/* Write event ev's outputs: lines, or fmt.c's framed texts as they are. */
static void write_outputs(const struct xf_batch *b, const struct xf_ev *ev,
                          struct hs_tool *t)
{
	const char *p = b->outs.data + ev->out_off, *end = p + ev->out_len, *nl;
	size_t n;

	for (; p < end && b->framed; p += n) {
		memcpy(&n, p, sizeof(n));
		p += sizeof(n);
		hs_tool_write(t, p, n);
	}
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		hs_tool_emit(t, p, (size_t)(nl - p));
	}
}

void xf_batch_account(struct xf_batch *b, struct hs_tool *t,
                      struct xf_tally *tally)
{
	struct hs_sink *s = &t->sink;

	for (size_t i = 0; i < b->n; i++) {
		const struct xf_ev *ev = &b->ev[i];
		struct hs_sink_ev sev =
		    HS_SINK_EV(b->lines.data + ev->line_off, ev->line_len);
		struct hs_dlq_rec r = HS_DLQ_REC_INIT;

		sev.coord = ev->coord;
		sev.has_coord = ev->has_coord;
		tally->native += ev->ran == XF_RAN_NATIVE;
		tally->jq += ev->ran == XF_RAN_JQ;
		tally->last = ev->kind == XF_FILTER ? 4 : ev->falsy;
		switch (ev->kind) {
		case XF_FILTER:
			hs_sink_filter(s, &sev);
			break;
		case XF_OUT:
			tally->unacked += ev->unacked;
			if (ev->unacked && !tally->warned) {
				/* once, whatever -q says: every commit after
				 * this event is held back */
				tally->warned = 1;
				hs_err(
				    "--ack: the program's output has no "
				    "hs.kafka member; later stages cannot "
				    "acknowledge these events, so hs-consume "
				    "will not commit past them");
			}
			hs_sink_split(s, &sev, (int)ev->nout);
			write_outputs(b, ev, t);
			hs_sink_written(s);
			break;
		case XF_DLQ:
			r.reason = ev->reason;
			r.message = b->msgs.data + ev->msg_off;
			r.file = ev->file;
			r.line = ev->lineno;
			r.details =
			    ev->det_len ? b->msgs.data + ev->det_off : NULL;
			r.details_len = ev->det_len;
			r.event = sev.line;
			r.event_len = sev.len;
			r.event_is_json = ev->is_json;
			hs_sink_reject(s, &sev, &r);
			break;
		}
	}
}
