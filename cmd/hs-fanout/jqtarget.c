/*
 * jqtarget.c: a target's jq program, through jqrun.h (the native
 * evaluator where it can, libjq where it gives up; ~/.jq keeps libjq).
 * Programs run on the reading thread, where route() builds every
 * target's payload: libjq states and jv values count references with
 * plain integers, so nothing jv ever crosses to a worker; workers get the
 * printed text.  One event context per reading thread: the libjq input
 * value is built lazily once per event and shared by its jq targets.
 *
 * The semantics are hs-transform's, from the same code: an output equal
 * to the input is the original line byte for byte; a number libjq cannot
 * hold exactly dead-letters (lossy_number) unless --allow-lossy-numbers;
 * a runtime error or halt_error dead-letters (jq_error); several outputs
 * are several deliveries; none is a filter.  libjq runs bounded
 * (--jq-timeout, --jq-memory: jqjail.h); past a bound the event
 * dead-letters for that target (jq_limit), as when libjq crashes
 * (jq_crash).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "fanout.h"
#include "jqrun.h"
#include "json.h"
#include "banned.h"

struct fo_jq {
	struct hs_jqrun run;
};

struct fo_jqrun {
	struct hs_jqrun_ev ev;
	struct hs_buf outs;
};

/*
 * jq's messages (errs holds each ended by '\0'), "jq: error: ..." and
 * "jq: 1 compile error", as one line for errbuf: joined by "; ", without
 * the repeated "jq: ", inner newlines as spaces.
 */
static void compile_error(const struct hs_buf *errs, char *errbuf,
                          size_t errlen)
{
	struct hs_buf m = HS_BUF_INIT;

	for (size_t i = 0; i < errs->len;) {
		const char *p = errs->data + i;
		size_t n = strlen(p);

		i += n + 1;
		if (n > 4 && !strncmp(p, "jq: ", 4)) {
			p += 4;
			n -= 4;
		}
		while (n && p[n - 1] == '\n')
			n--;
		if (!n)
			continue;
		if (m.len)
			hs_buf_adds(&m, "; ");
		for (size_t k = 0; k < n; k++)
			hs_buf_addc(&m, p[k] == '\n' ? ' ' : p[k]);
	}
	hs_seterr(errbuf, errlen, "jq program: %s",
	          m.len ? m.data : "does not compile");
	hs_buf_release(&m);
}

/* --jq-timeout and --jq-memory, set once by main() before any rule. */
static double jq_secs = HS_JQ_SECS_DEFAULT;
static uint64_t jq_mem = HS_JQ_MEM_DEFAULT;

void fo_jq_limits(double secs, uint64_t mem)
{
	jq_secs = secs;
	jq_mem = mem;
}

struct fo_jq *fo_jq_compile(const char *program, char *errbuf, size_t errlen)
{
	struct fo_jq *q = hs_xcalloc(1, sizeof *q);
	struct hs_jqrun_opts o = {program, jv_invalid(), jv_invalid(), NULL,
	                          0,       jq_secs,      jq_mem};

	if (hs_jqrun_init(&q->run, &o) < 0) {
		if (!q->run.jq)
			hs_seterr(errbuf, errlen, "cannot initialize libjq");
		else
			compile_error(&q->run.errs, errbuf, errlen);
		fo_jq_free(q);
		return NULL;
	}
	return q;
}

void fo_jq_free(struct fo_jq *q)
{
	if (!q)
		return;
	hs_jqrun_release(&q->run);
	free(q);
}

struct fo_jqrun *fo_jqrun_new(int allow_lossy)
{
	struct fo_jqrun *r = hs_xcalloc(1, sizeof *r);

	hs_jqrun_ev_init(&r->ev, allow_lossy);
	hs_buf_init(&r->outs);
	return r;
}

void fo_jqrun_event(struct fo_jqrun *r, const struct hs_json_doc *d,
                    const char *line, size_t len)
{
	hs_jqrun_ev_set(&r->ev, d, line, len);
}

void fo_jqrun_free(struct fo_jqrun *r)
{
	if (!r)
		return;
	hs_jqrun_ev_release(&r->ev);
	hs_buf_release(&r->outs);
	free(r);
}

int fo_jq_eval(struct fo_jq *q, struct fo_jqrun *r, const char **out,
               size_t *outlen, const char **reason, const char **msg,
               const char **details)
{
	int n;

	hs_buf_reset(&r->outs);
	n = hs_jqrun_run(&q->run, &r->ev, &r->outs);
	if (n < 0) {
		*reason = q->run.reason;
		*msg = q->run.msg.data;
		*details = q->run.details.len ? q->run.details.data : NULL;
		return -1;
	}
	*out = r->outs.data;
	*outlen = r->outs.len;
	return n;
}
