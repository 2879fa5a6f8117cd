/*
 * jqrun.h: one jq program run on parsed events with hs's rules, the one
 * place hs-transform and hs-fanout share them.
 *
 * A program is compiled by libjq first (so compile errors keep jq's
 * wording), then offered to the native evaluator (jqnative.h) unless the
 * caller asks for libjq alone or ~/.jq exists (libjq 1.6 imports it, and
 * its definitions may replace builtins).  Per event the native evaluator
 * answers when it can; where it gives up, libjq runs the event afresh.
 * The rules for outputs, whichever engine answers: an output equal to the
 * input is written as the original line; when any other output is made,
 * a number libjq cannot hold exactly dead-letters the event
 * (lossy_number) unless lossy numbers are allowed; a runtime error or
 * halt_error dead-letters it (jq_error, jq's message); halt keeps what
 * was written.
 *
 * Bounds: with a time or memory bound (jq_secs, jq_mem), libjq runs in
 * a child process (jqjail.h); an event it cannot finish within them, or
 * past a stop signal, dead-letters (jq_limit), and one it crashes on
 * dead-letters too (jq_crash) while the next event gets a fresh child.
 * The native evaluator needs no bound: its subset has no loop, recursion
 * or generator beyond the input's own members, so its time and memory
 * follow the event's size and the program's length.
 *
 * Threads: libjq's reference counts are plain integers, so a struct
 * hs_jqrun, a struct hs_jqrun_ev and every jv they hold belong to one
 * thread.  Compile programs one at a time (hs_jqrun_init() touches the
 * reference counts of the caller's args and libdirs).
 *
 * Ownership: libjq's rule for jv arguments (jqbridge.h); the jv fields of
 * struct hs_jqrun_opts are not consumed.
 */
#ifndef HS_JQRUN_H
#define HS_JQRUN_H

#include <stddef.h>
#include <stdint.h>

#include <jq.h>

#include "buf.h"
#include "jqbridge.h"
#include "jqjail.h"
#include "jqnative.h"

struct hs_json_doc;

/*
 * The tools' default bounds for libjq (--jq-timeout, --jq-memory): none,
 * so libjq runs in-process.  A bound moves libjq into a child process,
 * one pipe round trip per event: about 4.5 times slower on a libjq
 * program today (hs-transform(1)), until events go over in batches.
 */
#define HS_JQ_SECS_DEFAULT 0.0
#define HS_JQ_MEM_DEFAULT 0ull

/* What to compile.  Nothing here is kept after hs_jqrun_init(). */
struct hs_jqrun_opts {
	const char *program;
	jv args;            /* named arguments object, or jv_invalid(): none */
	jv libdirs;         /* JQ_LIBRARY_PATH array, or jv_invalid(): unset */
	const char *origin; /* PROGRAM_ORIGIN directory, or NULL: unset */
	int engine_jq;      /* 1: libjq for every event (--engine jq) */
	double jq_secs;     /* > 0: libjq's time per event (--jq-timeout) */
	uint64_t jq_mem;    /* > 0: libjq's memory (--jq-memory), bytes */
};

/* Which engine answered the last hs_jqrun_run(). */
enum hs_jqrun_ran { HS_JQRUN_NONE, HS_JQRUN_NATIVE, HS_JQRUN_JQ };

/*
 * One thread's current event, shared by every program that thread runs
 * on it: the libjq input value is built at most once per event, and only
 * when libjq runs; the lossy-number check runs at most once per event.
 * Fields are private to jqrun.c.
 */
struct hs_jqrun_ev {
	const struct hs_json_doc *d;
	const char *line;
	size_t len;
	int allow_lossy;
	jv in; /* valid when have_in */
	int have_in, checked;
	uint32_t bad; /* first lossy number once checked, or HS_JSON_NONE */
	struct hs_jq_keys keys; /* event keys as jv strings, this thread's */
	struct hs_buf scratch;
};

/*
 * Start an empty event context; allow_lossy 1 lets numbers libjq changes
 * through (--allow-lossy-numbers).  Release with hs_jqrun_ev_release().
 */
void hs_jqrun_ev_init(struct hs_jqrun_ev *x, int allow_lossy);
/*
 * Make d (node 0 the event) and its original line[0..len) the current
 * event.  Both are borrowed and must stay unchanged until the next call.
 */
void hs_jqrun_ev_set(struct hs_jqrun_ev *x, const struct hs_json_doc *d,
                     const char *line, size_t len);
void hs_jqrun_ev_release(struct hs_jqrun_ev *x);

/* One compiled program for one thread.  Read the public fields only. */
struct hs_jqrun {
	jq_state *jq;       /* NULL only when libjq could not start */
	struct hs_jqn *jqn; /* the program natively, or NULL */
	struct hs_jqn_state *jqs;
	int compiling;         /* the error callback collects messages */
	struct hs_buf errs;    /* compile messages, each ending in '\0' */
	const char *reason;    /* of the last failed run */
	struct hs_buf msg;     /* its message */
	struct hs_buf details; /* its details JSON (lossy_number), or empty */
	enum hs_jqrun_ran ran;
	struct hs_jqjail *jail; /* libjq's bounded process, or NULL */
	/* in the jail's child only: its parse and event context */
	struct hs_json_doc *cdoc;
	struct hs_jqrun_ev *cev;
	int lossy_ok; /* allow_lossy of the events the child sees */
};

/*
 * Compile o->program into r.  Returns 0, or -1 with libjq's formatted
 * messages ("jq: error: ...", possibly several lines each) in r->errs as
 * consecutive NUL-terminated strings (r->jq NULL: libjq did not start).
 * Either way the caller releases r with hs_jqrun_release().
 */
int hs_jqrun_init(struct hs_jqrun *r, const struct hs_jqrun_opts *o);
void hs_jqrun_release(struct hs_jqrun *r);

/*
 * Run r on x's current event, appending each output and a '\n' to out.
 * Returns the number of outputs (0: the event is filtered), or -1 with
 * out restored to its length on entry, r->reason "jq_error",
 * "lossy_number", "jq_limit" or "jq_crash", r->msg.data the message and, for lossy_number,
 * r->details the details JSON {literal, pointer, byte, libjq}.  r->ran
 * says which engine answered.
 */
int hs_jqrun_run(struct hs_jqrun *r, struct hs_jqrun_ev *x, struct hs_buf *out);

#endif
