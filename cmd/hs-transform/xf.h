/*
 * xf.h: hs-transform's pieces.  engine.c turns one event into its outputs
 * (a jq program through jqrun.h, or the input transformer); pool.c runs
 * engines on worker threads over batches of events and hands results back
 * in input order, so that each event ends (stdout, then the frame's sink:
 * dead letters, acknowledgements, counters) in the main thread, in input
 * order.  An event is parsed once, by its engine.
 */
#ifndef HS_XF_H
#define HS_XF_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "evcoord.h"
#include "jqrun.h"
#include "json.h"

struct hs_inputxform;
struct hs_tool;

/*
 * jq 1.6's output flags (fmt.c): -r, -j (raw and no newline), -a, -S,
 * --tab/--indent (dumpopts holds libjq's JV_PRINT_* indent flags), --seq.
 */
struct xf_fmt {
	int raw, join, ascii, sort, seq;
	int dumpopts; /* JV_PRINT_INDENT_FLAGS(n) or TAB|PRETTY, 0 compact */
	int on;       /* any of the above: outputs are framed (xf_batch) */
};

/* What the engines share, set up once by main(). */
struct xf_conf {
	const char *program;      /* jq program text, or NULL */
	jv args;                  /* named arguments object, owned */
	jv libdirs;               /* JQ_LIBRARY_PATH array, owned */
	const char *origin;       /* PROGRAM_ORIGIN directory */
	struct hs_inputxform *ix; /* or the input transformer, owned */
	const char *rule_name;
	int allow_lossy;
	int engine_jq;   /* --engine jq: libjq for every event */
	double jq_secs;  /* --jq-timeout, 0: none */
	uint64_t jq_mem; /* --jq-memory, 0: none */
	int ack;         /* --ack: engines find each event's coordinates */
	unsigned max_depth;
	struct xf_fmt fmt;
};

enum xf_kind { XF_OUT, XF_FILTER, XF_DLQ };
/* Which engine answered an event (none: not JSON, or the template). */
enum xf_ran { XF_RAN_NONE, XF_RAN_NATIVE, XF_RAN_JQ };

/* One event's result; texts are ranges of the batch's buffers. */
struct xf_ev {
	size_t line_off, line_len; /* the input line in batch->lines */
	uint64_t lineno;
	const char *file;
	enum xf_kind kind;
	/* outputs, each ended by '\n', or framed (xf_batch.framed) */
	size_t out_off, out_len;
	uint32_t nout;
	int falsy; /* the last output is false or null (-e) */
	const char *reason;
	size_t msg_off, msg_len; /* in batch->msgs */
	size_t det_off, det_len; /* details JSON in batch->msgs, or 0 */
	int is_json;
	int ran; /* XF_RAN_*: which engine answered */
	/* with --ack, found by the engine from its parse (topic points
	 * into batch->lines): has_coord 1 found, -1 none, 0 not looked */
	struct hs_evcoord coord;
	int has_coord;
	/* with --ack, outputs of an event with coordinates that carry none
	 * (later stages cannot acknowledge them) */
	uint32_t unacked;
};

struct xf_batch {
	struct hs_buf lines, outs, msgs;
	struct xf_ev *ev;
	size_t n, cap;
	int done; /* set by the worker under the pool's lock */
	/* outputs are framed by xf_fmt_outputs(): each a size_t length
	 * (unaligned, memcpy) and its bytes, terminator included */
	int framed;
};

/* What the main thread counts while it ends events, in input order. */
struct xf_tally {
	uint64_t native, jq; /* events answered by each engine */
	/* jq -e's status from the last event: 0 its last output neither
	 * false nor null, 1 it was, 4 the event gave no output (jq 1.6);
	 * 0 before any event */
	int last;
	/* --ack: outputs without hs.kafka made from events that had it,
	 * and whether the warning about them was printed */
	uint64_t unacked;
	int warned;
};

/* One worker's private state. */
struct xf_engine {
	const struct xf_conf *conf;
	struct hs_jqrun run; /* the jq program, when has_run */
	int has_run;
	struct hs_jqrun_ev ev; /* the current event, for run */
	struct hs_json_doc doc;
	struct hs_buf scratch;
	struct hs_buf errs; /* jq's compile messages, each ending in '\n' */
	struct hs_buf fmt;  /* fmt.c's framed outputs, then copied back */
	struct hs_json_doc fdoc; /* fmt.c's parse of one output */
};

/*
 * fmt.c: rewrite the nout '\n'-ended outputs in outs[from..] as jq 1.6
 * prints them under c->fmt, framed (see xf_batch.framed).  Returns 0, or
 * -1 leaving outs as it was with *reason ("raw_newline",
 * "lossy_number") and the message appended to msg.
 */
int xf_fmt_outputs(struct xf_engine *e, struct hs_buf *outs, size_t from,
                   uint32_t nout, const char **reason, struct hs_buf *msg);

/*
 * Prepare e (compiling the program in its own jq_state).  Returns 0, or
 * -1 with jq's messages in e->errs.
 */
int xf_engine_init(struct xf_engine *e, const struct xf_conf *c);
void xf_engine_release(struct xf_engine *e);

/* Run every event of b, filling its results. */
void xf_engine_batch(struct xf_engine *e, struct xf_batch *b);

/* Append one input line to b. */
void xf_batch_add(struct xf_batch *b, const char *line, size_t len,
                  const char *file, uint64_t lineno);
void xf_batch_reset(struct xf_batch *b);
void xf_batch_release(struct xf_batch *b);
/*
 * End each event of b through the tool frame's stdout and sink, in order
 * (with --ack, a split into several outputs is announced first), and
 * count them into *tally.
 */
void xf_batch_account(struct xf_batch *b, struct hs_tool *t,
                      struct xf_tally *tally);

/* The thread pool: nthreads engines, a ring of batches. */
struct xf_pool;
struct xf_pool *xf_pool_new(const struct xf_conf *c, int nthreads,
                            struct hs_buf *errs);
/* The batch to fill next (never NULL; may first account the oldest). */
struct xf_batch *xf_pool_current(struct xf_pool *p, struct hs_tool *t);
/* Hand the current batch over (no-op when empty). */
void xf_pool_submit(struct xf_pool *p, struct hs_tool *t);
/* Submit and account everything outstanding. */
void xf_pool_drain(struct xf_pool *p, struct hs_tool *t);
void xf_pool_free(struct xf_pool *p);
/* What the accounted events counted so far. */
const struct xf_tally *xf_pool_tally(const struct xf_pool *p);

#endif
