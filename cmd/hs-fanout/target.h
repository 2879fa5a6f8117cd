/*
 * target.h: what a kind of target implements and what it may call.
 *
 * Every kind (stdout and file in target-file.c, exec in target-exec.c,
 * http in http.c, kafka in kafka.c, eventbridge in eventbridge.c) is one struct target_ops and one row
 * of fo_kinds[] (kinds.c); target.c finds a URI's kind in that table and
 * runs its operations, and never names a kind.  A kind calls back only
 * the worker-side API below (queue.c): popping its queue, finishing each
 * item (delivered, dead-lettered or dropped), the retry backoff and the
 * failing flag.  So the arrows run one way: target.c -> kinds.c -> each
 * kind -> queue.c.  It does not own the target object (fanout.h) nor the
 * reading side (target_put, targets_flush in target.c).
 */
#ifndef HS_FANOUT_TARGET_H
#define HS_FANOUT_TARGET_H

#include "fanout.h"

struct hs_json_doc;

/* One kind of target.  Only run and close are required. */
struct target_ops {
	const char *name; /* "file", "http", ... */
	/*
	 * At target_new(): check uri (the whole of it) and set up t->impl;
	 * 0, or -1 with errbuf set (close still releases what was made).
	 */
	int (*parse)(struct fo_target *t, const char *uri, char *errbuf,
	             size_t errlen);
	/* At target_start(): open what t writes to; 0 or -1 with errbuf. */
	int (*open)(struct fo_target *t, char *errbuf, size_t errlen);
	/*
	 * The worker thread: pop items (target_pop, target_pop_timed) until
	 * the queue is closed and empty, deliver them with t's retry policy
	 * (batching and the retryable errors are the kind's own), and finish
	 * every item: target_done() and target_item_done(), target_dead()
	 * and target_item_done(), or target_item_drop().
	 */
	void (*run)(struct fo_target *t);
	/* Release t->impl (NULL, half made, or after run); drop items held. */
	void (*close)(struct fo_target *t);
	/* 1 if delivering reads fields of the event (NULL: never). */
	int (*reads_event)(const struct fo_target *t);
	/* The item's path for event d, caller frees (NULL: not a path). */
	char *(*item_path)(struct fo_target *t, const struct hs_json_doc *d);
	unsigned flags; /* FO_OPS_* */
};

/* A copy written to stdout: the next stage finishes it (--ack). */
#define FO_OPS_STDOUT 1u
/* The target takes HttpParameters (headers and query parameters). */
#define FO_OPS_HTTP_PARAMS 2u

/* A row of the kinds table: a URI of this scheme is of kind ops. */
struct fo_kind {
	const char *scheme; /* prefix of the URI, or the whole URI if exact */
	int exact;
	const struct target_ops *ops;
};

/* kinds.c: every kind, in the order the usage message lists them. */
extern const struct fo_kind fo_kinds[];
extern const size_t fo_nkinds;

extern const struct target_ops fo_stdout_ops, fo_file_ops; /* target-file.c */
extern const struct target_ops fo_exec_ops;                /* target-exec.c */
extern const struct target_ops fo_http_ops;                /* http.c */
extern const struct target_ops fo_kafka_ops;               /* kafka.c */
extern const struct target_ops fo_eventbridge_ops;         /* eventbridge.c */

/* ---- queue.c: the worker-side API a kind calls ---- */

/* Pop up to max items (waits), NULL at the end. */
struct fo_item *target_pop(struct fo_target *t, size_t max, size_t *n);
/* The same waiting at most secs: NULL with *closed 0 when time ran out. */
struct fo_item *target_pop_timed(struct fo_target *t, size_t max, size_t *n,
                                 double secs, int *closed);
/* Count delivered items of t. */
void target_done(struct fo_target *t, uint64_t delivered);
/* Free an item that t delivered or dead-lettered (releases its event
 * reference as finished), or one that is dropped unfinished. */
void target_item_done(struct fo_target *t, struct fo_item *it);
void target_item_drop(struct fo_target *t, struct fo_item *it);
/* Dead-letter one item for t (thread-safe); the caller then frees it. */
void target_dead(struct fo_target *t, const struct fo_item *it,
                 const char *code, const char *message, const char *exhausted,
                 int attempts);
/*
 * Dead-letter one item that t refuses to send (reason "too_large"): not
 * a failed delivery, so it never makes the run end 75.
 */
void target_dead_as(struct fo_target *t, const struct fo_item *it,
                    const char *reason, const char *code, const char *message,
                    const char *exhausted, int attempts);
/*
 * The wait before retry number attempt (1, 2, ...): exponential from
 * 0.1 s, capped at 10 s, with equal jitter (half fixed, half random), at
 * least floor_secs (a Retry-After).  target_backoff() sleeps it, cut
 * short by the drain deadline.
 */
double target_backoff_secs(int attempt, double floor_secs);
void target_backoff(struct fo_target *t, int attempt, double floor_secs);
/*
 * The retry policy after a retryable failure of attempt number attempt
 * of an item (or batch) queued at t0, the next try at least wait seconds
 * away: why to stop ("MaximumRetryAttempts", "MaximumEventAgeInSeconds",
 * "shutdown" past the drain deadline), or NULL to retry.  A kind
 * dead-letters a failure it knows is not retryable without asking.
 */
const char *target_exhausted(struct fo_target *t, int attempt, double t0,
                             double wait);
/*
 * Mark t failing (on: a full queue then dead-letters new items instead of
 * holding the reading thread) or healthy again.
 */
void target_set_failing(struct fo_target *t, int on);

#endif
