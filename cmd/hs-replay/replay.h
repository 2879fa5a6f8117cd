/*
 * replay.h: what hs-replay's files share.  main.c parses options and
 * picks the source; archive.c replays archive files, which
 * common/archive.h lists, orders and reads; kafka.c reads a topic's time window;
 * event.c decides each event's fate (window, pattern, pacing, marking)
 * and writes it; ckpt.c holds the lock and the checkpoint file.
 */
#ifndef HS_REPLAY_H
#define HS_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "kafkaconf.h"
#include "tool.h"

#define NO_TIME INT64_MIN /* common/archive.h's HS_ARC_NO_TIME too */

/* Where a replay stands, saved to --checkpoint after each batch. */
struct position {
	/* archives */
	char *file;        /* owned; NULL before the first event */
	uint64_t dev, ino; /* identity of file, survives a rename */
	uint64_t offset;   /* uncompressed offset just past the last event */
	uint64_t frame_z;  /* compressed offset of the zstd frame holding */
	uint64_t frame_u;  /* offset, and its uncompressed offset */
	uint64_t line;     /* line number of the last event */
	/* Kafka: next offset of each partition, -1 when not read yet */
	char *topic;   /* owned */
	int64_t *next; /* owned, nparts entries */
	int nparts;
};

void position_release(struct position *p);

/* Options and state of one run. */
struct replay {
	struct hs_tool t;
	struct hs_opts opts;
	int64_t from, to; /* window [from, to), NO_TIME when open */
	int untimed_include;
	const char *name;        /* --name, or NULL */
	struct hs_buf name_json; /* "replay-name":"NAME" ready to insert */
	double rate;             /* events per second, 0 = unpaced */
	double speed;            /* time scale, 0 = unpaced */
	const char *ckpt;        /* --checkpoint FILE, or NULL */
	int reset;
	int progress;               /* 1 draw the progress line */
	void *pattern;              /* struct hs_pattern *, or NULL */
	struct hs_buf pattern_text; /* its JSON, kept for the checkpoint */
	/* Kafka */
	struct hs_kafka_opts kafka; /* -b, -F, -X */

	struct hs_json_doc doc;
	struct hs_buf line; /* an event with --name applied */
	/* Accepted lines left as they are and lying one after another in
	 * the reader's buffer are written as one span, not copied line by
	 * line; the span is written before the reader moves that memory
	 * (hs_arc_reader.moving), before a checkpoint and at the end. */
	int spans;        /* allowed: no --name, pacing or --unbuffered */
	const char *span; /* not owned */
	size_t span_len;
	uint64_t span_lines;
	struct position pos;
	int lock_fd;
	/* pacing */
	double due;      /* --rate: when the next event may go */
	double speed_t0; /* --speed: monotonic time of the first event */
	int64_t speed_ev0, speed_max;
	/* batches and progress */
	double last_ckpt;
	int dirty; /* events ended since the last checkpoint */
	double next_draw;
	uint64_t untimed, outside, unmatched, damaged;
	uint64_t pos_done, pos_total; /* bytes or offsets, for progress */
	int64_t last_ms;
	int drawn;
};

/* Where the current event came from, for dead-letter records. */
struct origin {
	const char *file;
	uint64_t line;
	const char *topic;
	int32_t partition;
	int64_t offset;
	int nl; /* the line is followed by '\n' and stays in place until
	           replay_flush_span() */
};

/*
 * One event: count it, parse it, apply the window, --untimed and
 * --pattern, pace, mark and write it.  ts is the Kafka timestamp or
 * NO_TIME to use the event's "time" member.  The caller updates the
 * position after it returns, then calls replay_batch().
 */
void replay_event(struct replay *rp, const char *line, size_t len, int64_t ts,
                  const struct origin *o);
/* 1 when the parsed event (rp->doc) matches --pattern (match.c). */
int replay_match(struct replay *rp);
/* Compile --pattern's JSON|@FILE into rp->pattern; -1 after printing
 * why. */
int replay_pattern_compile(struct replay *rp, const char *arg);
void replay_pattern_free(struct replay *rp);
/*
 * Dead-letter an oversize line, streaming it whole into "event_base64":
 * rest(src, fn, ctx) passes the line from its first byte to fn in
 * chunks (fn may be NULL) and returns its length, or -1 (read error) or
 * -3 (stopped inside it), as hs_arc_rest() does.  Returns what rest()
 * does.
 */
long long replay_reject_oversize(
    struct replay *rp,
    long long (*rest)(void *src, void (*fn)(void *ctx, const char *p, size_t n),
                      void *ctx),
    void *src, const struct origin *o);
/* The reader's idle callback (hs_arc_reader.idle): flush, checkpoint
 * when due. */
int replay_idle(void *ctx);
/* Dead-letter a damaged piece of input. */
void replay_reject_raw(struct replay *rp, const char *reason, const char *msg,
                       const char *p, size_t n, const struct origin *o);
/* Write the gathered span of accepted lines (see struct replay). */
void replay_flush_span(struct replay *rp);
/* End a batch when one is due (force: now): flush and checkpoint.
 * Returns 0, or -1 on a failure that stops the run. */
int replay_batch(struct replay *rp, int force);
/* Redraw the progress line when due (force: now; last: end it). */
void replay_progress(struct replay *rp, int force, int last);
/* 1 when the run must stop (signal, stdout gone, fatal failure). */
int replay_stopped(const struct replay *rp);

/* ckpt.c: -1 after printing why; lock returns HS_EXIT_LOCKED's cause as
 * -2.  load: 0 loaded, 1 no checkpoint yet. */
int ckpt_lock(struct replay *rp);
int ckpt_load(struct replay *rp);
int ckpt_save(struct replay *rp);
void ckpt_unlock(struct replay *rp);

/* Sources.  Return the exit status so far. */
int replay_archives(struct replay *rp, char **paths, int npaths);
int replay_kafka(struct replay *rp, const char *topic);

#endif
