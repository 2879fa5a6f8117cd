/*
 * jqjail.h: one event's libjq evaluation in a child process, bounded in
 * time and memory, so that an event on which libjq 1.6 loops, grows
 * without end or crashes (SIGABRT on `.[nan:1]`, `.[999999999] = 0`)
 * costs that event and never the pipe.
 *
 * libjq has no interrupt and its allocator is not replaceable, so the
 * bound is the process: the child is forked on first use (inheriting the
 * compiled program untouched), lives across events, runs under
 * RLIMIT_AS (its size at fork plus the memory bound), and is killed past
 * the time bound or 0.1 s after a stop signal (hs_sig_stop) in the
 * parent; a dead child is forked again for the next event.  What the
 * evaluation means is the caller's (the run callback, jqrun.c): this file
 * only carries an event's line to the child and the callback's results
 * back.  Owns no jq semantics and no jv.
 *
 * Threads: a jail belongs to one thread at a time.
 */
#ifndef HS_JQJAIL_H
#define HS_JQJAIL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* hs_jqjail_run(): the evaluation was cut; why is in msg. */
#define HS_JQJAIL_LIMIT (-100) /* time or memory bound, or a stop signal */
#define HS_JQJAIL_CRASH (-101) /* the child died (libjq crashed) */

/*
 * What the child does with one event line[0..len): outputs to out, a
 * failure's message and details to msg and details, a small reason code
 * (the caller's) to *reason.  Returns what hs_jqjail_run() returns.
 */
typedef int (*hs_jqjail_fn)(void *ctx, const char *line, size_t len,
                            struct hs_buf *out, struct hs_buf *msg,
                            struct hs_buf *details, int *reason);

struct hs_jqjail;

/*
 * A jail running fn(ctx, ...) in its child; secs > 0 bounds each event's
 * time, mem > 0 the child's memory growth in bytes.
 */
struct hs_jqjail *hs_jqjail_new(hs_jqjail_fn fn, void *ctx, double secs,
                                uint64_t mem);
/* Kill and reap the child, if any, and free j (NULL: nothing). */
void hs_jqjail_free(struct hs_jqjail *j);

/*
 * Evaluate one event in the child.  Returns fn's result (msg, details
 * and *reason as fn left them, outputs appended to out), or
 * HS_JQJAIL_LIMIT / HS_JQJAIL_CRASH with the reason in words in msg and
 * nothing appended to out.
 */
int hs_jqjail_run(struct hs_jqjail *j, const char *line, size_t len,
                  struct hs_buf *out, struct hs_buf *msg,
                  struct hs_buf *details, int *reason);

#endif
