/*
 * jqrun.c: one jq program on parsed events, the native evaluator first
 * and libjq where it gives up, with the rules jqrun.h states.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "jqrun.h"
#include "json.h"
#include "banned.h"

static void on_jq_error(void *ctx, jv msg)
{
	struct hs_jqrun *r = ctx;

	/* Runtime messages come back from jq_next(): keep only compile's. */
	if (!r->compiling) {
		jv_free(msg);
		return;
	}
	msg = jq_format_error(msg);
	hs_buf_add(&r->errs, jv_string_value(msg),
	           (size_t)jv_string_length_bytes(jv_copy(msg)));
	hs_buf_addc(&r->errs, '\0');
	jv_free(msg);
}

/*
 * A deep copy of v (not consumed) sharing nothing with it.  A value two
 * programs hold (the --arg values compiled into each) would otherwise be
 * counted from two threads at once.  Printing and parsing back is exact:
 * libjq prints each number with the digits that read back.
 */
static jv private_copy(jv v)
{
	jv text = jv_dump_string(jv_copy(v), 0);
	jv r = jv_parse_sized(jv_string_value(text),
	                      jv_string_length_bytes(jv_copy(text)));

	jv_free(text);
	return r;
}

/*
 * libjq 1.6 imports ~/.jq when it exists, and its definitions may
 * replace builtins: then only libjq knows what the program means.
 */
static int home_jq(void)
{
	const char *home = getenv("HOME");
	struct hs_buf path = HS_BUF_INIT;
	struct stat st;
	int r;

	if (!home || !*home)
		return 1;
	hs_buf_addf(&path, "%s/.jq", home);
	r = stat(path.data, &st) == 0;
	hs_buf_release(&path);
	return r;
}

static int jailed(void *ctx, const char *line, size_t len, struct hs_buf *out,
                  struct hs_buf *msg, struct hs_buf *details, int *reason);

int hs_jqrun_init(struct hs_jqrun *r, const struct hs_jqrun_opts *o)
{
	int ok;

	memset(r, 0, sizeof(*r));
	hs_buf_init(&r->errs);
	hs_buf_init(&r->msg);
	hs_buf_init(&r->details);
	r->jq = jq_init();
	if (!r->jq) {
		hs_buf_adds(&r->errs, "cannot initialize libjq");
		hs_buf_addc(&r->errs, '\0');
		return -1;
	}
	r->compiling = 1;
	jq_set_error_cb(r->jq, on_jq_error, r);
	if (jv_is_valid(o->libdirs))
		jq_set_attr(r->jq, jv_string("JQ_LIBRARY_PATH"),
		            private_copy(o->libdirs));
	if (o->origin)
		jq_set_attr(r->jq, jv_string("PROGRAM_ORIGIN"),
		            jv_string(o->origin));
	ok = jq_compile_args(r->jq, o->program,
	                     jv_is_valid(o->args) ? private_copy(o->args)
	                                          : jv_object());
	r->compiling = 0;
	if (!ok)
		return -1;
	if (!o->engine_jq && !home_jq()) {
		char why[160];

		/* Outside the subset: libjq alone, as with --engine jq. */
		r->jqn = hs_jqn_compile(
		    o->program, jv_is_valid(o->args) ? o->args : jv_null(), why,
		    sizeof(why));
		if (r->jqn)
			r->jqs = hs_jqn_state_new();
	}
	if (o->jq_secs > 0 || o->jq_mem > 0)
		r->jail = hs_jqjail_new(jailed, r, o->jq_secs, o->jq_mem);
	return 0;
}

void hs_jqrun_release(struct hs_jqrun *r)
{
	hs_jqjail_free(r->jail);
	r->jail = NULL;
	if (r->jq)
		jq_teardown(&r->jq);
	hs_jqn_free(r->jqn);
	hs_jqn_state_free(r->jqs);
	r->jqn = NULL;
	r->jqs = NULL;
	hs_buf_release(&r->errs);
	hs_buf_release(&r->msg);
	hs_buf_release(&r->details);
}

void hs_jqrun_ev_init(struct hs_jqrun_ev *x, int allow_lossy)
{
	memset(x, 0, sizeof(*x));
	x->allow_lossy = allow_lossy;
	x->bad = HS_JSON_NONE;
	hs_buf_init(&x->scratch);
}

void hs_jqrun_ev_set(struct hs_jqrun_ev *x, const struct hs_json_doc *d,
                     const char *line, size_t len)
{
	if (x->have_in)
		jv_free(x->in);
	x->have_in = 0;
	x->checked = 0;
	x->bad = HS_JSON_NONE;
	x->d = d;
	x->line = line;
	x->len = len;
}

void hs_jqrun_ev_release(struct hs_jqrun_ev *x)
{
	hs_jqrun_ev_set(x, NULL, NULL, 0);
	hs_jq_keys_release(&x->keys);
	hs_buf_release(&x->scratch);
}

/* 1 when an output other than the input must not be made: lossy. */
static int lossy_event(struct hs_jqrun_ev *x)
{
	if (!x->allow_lossy && !x->checked) {
		x->bad = hs_jq_lossy(x->d, 0);
		x->checked = 1;
	}
	return x->bad != HS_JSON_NONE;
}

/* RFC 6901 pointer from the root to node k, appended to out. */
static void pointer_of(const struct hs_json_doc *d, uint32_t k,
                       struct hs_buf *out)
{
	uint32_t cur = 0;

	while (cur != k) {
		uint32_t next = HS_JSON_NONE, idx = 0;

		if (d->nodes[cur].type == HS_JSON_OBJECT) {
			HS_JSON_FOREACH_MEMBER(d, cur, m)
			{
				if (k >= m + 1 && k < d->nodes[m + 1].end) {
					struct hs_buf key = HS_BUF_INIT;

					hs_json_str_decode(d, m, &key);
					hs_buf_addc(out, '/');
					for (size_t i = 0; i < key.len; i++)
						if (key.data[i] == '~')
							hs_buf_adds(out, "~0");
						else if (key.data[i] == '/')
							hs_buf_adds(out, "~1");
						else
							hs_buf_addc(
							    out, key.data[i]);
					hs_buf_release(&key);
					next = m + 1;
					break;
				}
			}
		} else {
			HS_JSON_FOREACH_ELEM(d, cur, el)
			{
				if (k >= el && k < d->nodes[el].end) {
					hs_buf_addf(out, "/%u", idx);
					next = el;
					break;
				}
				idx++;
			}
		}
		if (next == HS_JSON_NONE)
			return;
		cur = next;
	}
}

/* The lossy_number failure for x's first lossy number. */
static int lossy(struct hs_jqrun *r, struct hs_jqrun_ev *x)
{
	const struct hs_json_doc *d = x->d;
	uint32_t k = x->bad;
	const char *lit = hs_json_raw(d, k);
	int n = (int)d->nodes[k].len;
	struct hs_buf ptr = HS_BUF_INIT, held = HS_BUF_INIT;

	pointer_of(d, k, &ptr);
	hs_jq_dump(jv_number(hs_jq_num(lit, (size_t)n)), &held);
	hs_buf_addf(&r->msg,
	            "byte %u: number %.*s at '%s' would become %s in libjq "
	            "(--allow-lossy-numbers lets it through changed)",
	            d->nodes[k].off + 1, n > 64 ? 64 : n, lit, ptr.data,
	            held.data);
	hs_buf_adds(&r->details, "{\"literal\":");
	hs_json_write_str(&r->details, lit, (size_t)n);
	hs_buf_adds(&r->details, ",\"pointer\":");
	hs_json_write_str(&r->details, ptr.data, ptr.len);
	hs_buf_addf(&r->details, ",\"byte\":%u,\"libjq\":%s}",
	            d->nodes[k].off + 1, held.data);
	hs_buf_release(&ptr);
	hs_buf_release(&held);
	r->reason = "lossy_number";
	return -1;
}

/* The jq_error failure with jq's message msg (consumed). */
static int failed(struct hs_jqrun *r, const char *what, jv msg)
{
	hs_buf_adds(&r->msg, what);
	hs_jq_errmsg(msg, &r->msg);
	r->reason = "jq_error";
	return -1;
}

static int run_jq(struct hs_jqrun *r, struct hs_jqrun_ev *x, struct hs_buf *out)
{
	int nout = 0;
	jv o;

	if (!x->have_in) {
		x->in = hs_jq_from_doc_keys(x->d, 0, &x->scratch, &x->keys);
		x->have_in = 1;
	}
	jq_start(r->jq, jv_copy(x->in), 0);
	while (jv_is_valid(o = jq_next(r->jq))) {
		/*
		 * An output that is the input value unchanged is written as
		 * the original line: same bytes, numbers as they were spelled.
		 */
		if (jv_identical(jv_copy(o), jv_copy(x->in)) ||
		    hs_jq_same(o, x->d, 0, &x->scratch)) {
			jv_free(o);
			hs_buf_add(out, x->line, x->len);
		} else {
			if (lossy_event(x)) {
				jv_free(o);
				return lossy(r, x);
			}
			hs_jq_dump(o, out);
		}
		hs_buf_addc(out, '\n');
		nout++;
	}
	if (jv_invalid_has_msg(jv_copy(o)))
		return failed(r, "", jv_invalid_get_msg(o));
	jv_free(o);
	if (jq_halted(r->jq)) {
		/* halt keeps what was written; halt_error dead-letters. */
		jv m = jq_get_error_message(r->jq);

		if (jv_is_valid(m) && jv_get_kind(m) != JV_KIND_NULL)
			return failed(r, "halt_error: ", m);
		jv_free(m);
	}
	return nout;
}

/* Reason codes across the jail (0: none). */
static const char *const jail_reasons[] = {NULL, "jq_error", "lossy_number"};

/*
 * In the jail's child: run_jq() on one event line, parsed afresh (the
 * parent parsed it already, so any depth it accepted is accepted here).
 */
static int jailed(void *ctx, const char *line, size_t len, struct hs_buf *out,
                  struct hs_buf *msg, struct hs_buf *details, int *reason)
{
	struct hs_jqrun *r = ctx;
	int n;

	if (!r->cdoc) {
		r->cdoc = hs_xcalloc(1, sizeof(*r->cdoc));
		hs_json_doc_init(r->cdoc);
		r->cdoc->max_depth = 65535;
		r->cev = hs_xcalloc(1, sizeof(*r->cev));
		hs_jqrun_ev_init(r->cev, r->lossy_ok);
	}
	if (hs_json_parse(r->cdoc, line, len) < 0) {
		hs_buf_adds(msg, "the event does not parse again");
		*reason = 1;
		return -1;
	}
	hs_jqrun_ev_set(r->cev, r->cdoc, line, len);
	hs_buf_reset(&r->msg);
	hs_buf_reset(&r->details);
	n = run_jq(r, r->cev, out);
	*reason = 0;
	for (int i = 1; n < 0 && i < 3; i++)
		if (r->reason && !strcmp(r->reason, jail_reasons[i]))
			*reason = i;
	hs_buf_add(msg, r->msg.data, r->msg.len);
	hs_buf_add(details, r->details.data, r->details.len);
	return n;
}

/* run_jq() in the jail: its result, or jq_limit / jq_crash. */
static int run_jailed(struct hs_jqrun *r, struct hs_jqrun_ev *x,
                      struct hs_buf *out)
{
	int reason = 0;
	int n;

	r->lossy_ok = x->allow_lossy;
	n = hs_jqjail_run(r->jail, x->line, x->len, out, &r->msg, &r->details,
	                  &reason);
	if (n == HS_JQJAIL_LIMIT || n == HS_JQJAIL_CRASH) {
		hs_buf_reset(&r->details);
		r->reason = n == HS_JQJAIL_LIMIT ? "jq_limit" : "jq_crash";
		return -1;
	}
	if (n < 0)
		r->reason = reason > 0 && reason < 3 ? jail_reasons[reason]
		                                     : "jq_error";
	return n;
}

struct native_out {
	struct hs_jqrun_ev *x;
	struct hs_buf *out;
	int nout;
};

/* run_jq()'s rules for one output, from the native evaluator. */
static int native_emit(void *ctx, int same, const char *json, size_t n)
{
	struct native_out *o = ctx;

	if (same) {
		hs_buf_add(o->out, o->x->line, o->x->len);
	} else {
		if (lossy_event(o->x))
			return 1; /* dead-letter as lossy_number */
		hs_buf_add(o->out, json, n);
	}
	hs_buf_addc(o->out, '\n');
	o->nout++;
	return 0;
}

int hs_jqrun_run(struct hs_jqrun *r, struct hs_jqrun_ev *x, struct hs_buf *out)
{
	size_t at = out->len;
	int n;

	hs_buf_reset(&r->msg);
	hs_buf_reset(&r->details);
	r->reason = NULL;
	r->ran = HS_JQRUN_JQ;
	if (r->jqn) {
		struct native_out o = {x, out, 0};
		int rc = hs_jqn_run(r->jqn, r->jqs, x->d, native_emit, &o);

		if (rc != HS_JQN_PUNT) {
			r->ran = HS_JQRUN_NATIVE;
			n = rc ? lossy(r, x) : o.nout;
			goto done;
		}
		/* Whatever it wrote goes: libjq starts the event afresh. */
		hs_buf_setlen(out, at);
	}
	n = r->jail ? run_jailed(r, x, out) : run_jq(r, x, out);
done:
	if (n < 0)
		hs_buf_setlen(out, at);
	return n;
}
