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
	hs_jqrun_ev_init(&e->ev, c->allow_lossy);
	if (!c->program)
		return 0;
	o.program = c->program;
	o.args = c->args;
	o.libdirs = c->libdirs;
	o.origin = c->origin;
	o.engine_jq = c->engine_jq;
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

void xf_engine_batch(struct xf_engine *e, struct xf_batch *b)
{
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

void xf_batch_account(struct xf_batch *b, struct hs_tool *t, uint64_t *native,
                      uint64_t *jq)
{
	struct hs_sink *s = &t->sink;

	for (size_t i = 0; i < b->n; i++) {
		const struct xf_ev *ev = &b->ev[i];
		struct hs_sink_ev sev =
		    HS_SINK_EV(b->lines.data + ev->line_off, ev->line_len);
		struct hs_dlq_rec r = HS_DLQ_REC_INIT;
		const char *p, *end, *nl;

		sev.coord = ev->coord;
		sev.has_coord = ev->has_coord;
		*native += ev->ran == XF_RAN_NATIVE;
		*jq += ev->ran == XF_RAN_JQ;
		switch (ev->kind) {
		case XF_FILTER:
			hs_sink_filter(s, &sev);
			break;
		case XF_OUT:
			hs_sink_split(s, &sev, (int)ev->nout);
			p = b->outs.data + ev->out_off;
			end = p + ev->out_len;
			for (; p < end; p = nl + 1) {
				nl = memchr(p, '\n', (size_t)(end - p));
				hs_tool_emit(t, p, (size_t)(nl - p));
			}
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
