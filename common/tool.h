/*
 * tool.h: the frame every filter shares.  It owns the input reader, the
 * buffered stdout, the dead-letter file and the counters, so a tool's
 * main() is options, then
 *
 *	if (hs_tool_start(&t, &opts, files, nfiles) < 0) goto out;
 *	while (hs_tool_next(&t, &line, &len) > 0) {
 *		... decide ...
 *		hs_tool_pass(&t, line, len);         written unchanged
 *		hs_tool_reject(&t, "reason", NULL, "message %d", x);
 *		hs_tool_filter(&t);                  dropped on purpose
 *	}
 *	rc = hs_tool_finish(&t);
 *
 * Each event must end exactly once through pass/emit+done/reject/filter,
 * which are thin calls into the frame's sink (sink.h);
 * the counters then add up (in = out + dlq + filtered).  With --ack,
 * rejected and filtered events are reported to hs-consume as finished
 * (ack.h); events written on are finished by a later stage.  Oversize lines
 * are dead-lettered by hs_tool_next() itself.  The exit status follows
 * hs(7): 1 when any event was rejected, 3 on an I/O failure, 128+n after
 * signal n, and a quiet 141 (128+SIGPIPE) when stdout's reader went away.
 */
#ifndef HS_TOOL_H
#define HS_TOOL_H

#include <stddef.h>
#include <stdint.h>

#include "ack.h"
#include "dlq.h"
#include "lineio.h"
#include "opts.h"
#include "out.h"
#include "sink.h"
#include "stats.h"

struct hs_json_doc;

struct hs_tool {
	struct hs_opts *opts; /* not owned */
	struct hs_lineio in;
	struct hs_out out;
	struct hs_dlq dlq;
	struct hs_stats stats;
	struct hs_ack ack; /* --ack: finished events reported upstream */
	const char *line;  /* the current event, valid until the next call */
	size_t len;
	int rc;     /* exit status so far */
	int failed; /* a fatal I/O failure happened; stop reading */
	char errbuf[512];
	struct hs_sink sink;   /* where events end, bound to the above */
	struct hs_sink_ev cur; /* the current event as the tool knows it */
};

/*
 * Install signal handlers, open the dead-letter file and set up input
 * (files[0..nfiles), or stdin) and stdout.  Returns 0, or -1 after
 * printing why (t->rc is then the exit status).
 */
int hs_tool_start(struct hs_tool *t, struct hs_opts *opts, char **files,
                  int nfiles);

/*
 * Next event line into *line and *len.  Returns 1, or 0 at the end of input,
 * on a stop signal, or after a fatal failure.
 */
int hs_tool_next(struct hs_tool *t, const char **line, size_t *len);

/*
 * The tool parsed the current event whole into d (which stays unchanged
 * until the event ends): its acknowledgement and dead letter use d instead
 * of parsing the line again.
 */
void hs_tool_event_doc(struct hs_tool *t, const struct hs_json_doc *d);

/* Write the current event unchanged and end it as written. */
int hs_tool_pass(struct hs_tool *t, const char *line, size_t len);
/* Write one output line (an event may produce several); then end the
 * event with hs_tool_done(t, HS_END_OUT) (or FILTER if none was written). */
int hs_tool_emit(struct hs_tool *t, const char *p, size_t n);
/* hs_tool_emit() for output that is not one line: p[0..n) exactly as it
 * is, its terminator (if any) included (hs-transform's jq output flags). */
int hs_tool_write(struct hs_tool *t, const char *p, size_t n);
void hs_tool_done(struct hs_tool *t, enum hs_end how);
/* End the current event as filtered out. */
void hs_tool_filter(struct hs_tool *t);

/*
 * With --ack: the current event is about to become n outputs (n >= 2;
 * tell hs-consume before writing them).  With n == 0 nothing is sent.
 */
void hs_tool_split(struct hs_tool *t, int n);

/*
 * Dead-letter the current event with reason (a short code) and a
 * printf-style message; details is raw JSON or NULL.  Sets the exit
 * status to at least 1.  A failure to write the record is fatal (I/O).
 */
void hs_tool_reject(struct hs_tool *t, const char *reason, const char *details,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Dead-letter the current event for d's parse failure: the reason from
 * hs_json_error_reason(), the message from hs_json_error_text(). */
void hs_tool_reject_parse(struct hs_tool *t, const struct hs_json_doc *d);

/* Same for an explicit record (threads, asynchronous targets); the
 * current event when r->event is its line. */
void hs_tool_reject_rec(struct hs_tool *t, const struct hs_dlq_rec *r);

/* Flush stdout now (the reader also calls this when input goes idle). */
int hs_tool_flush(struct hs_tool *t);

/*
 * Without waiting: 1 when the reader of stdout has gone while nothing was
 * written (hs_out_gone); stdout then fails as on EPIPE, quietly, with the
 * exit status of SIGPIPE.  The reader checks it whenever input is idle.
 */
int hs_tool_out_gone(struct hs_tool *t);

/*
 * Flush, print --stats (extra appended to the line, may be NULL), close
 * and release everything.  Returns the exit status.
 */
int hs_tool_finish(struct hs_tool *t, const char *extra);

#endif
