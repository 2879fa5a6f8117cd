/*
 * replay.h: what hs-replay's files share.  main.c parses options and
 * picks the source; archive.c lists, orders and reads archive files
 * (plain NDJSON or zstd frames); kafka.c reads a topic's time window;
 * event.c decides each event's fate (window, pattern, pacing, marking)
 * and writes it; ckpt.c holds the lock and the checkpoint file.
 */
#ifndef HS_REPLAY_H
#define HS_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include <zstd.h>

#include "buf.h"
#include "json.h"
#include "kafkaconf.h"
#include "tool.h"

#define NO_TIME INT64_MIN

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

/* One archive file, in replay order. */
struct arc_file {
	char *path;        /* owned */
	char *series;      /* the rotated series it is in (seqname.h), owned */
	unsigned long seq; /* its number in that series */
	int zst;           /* name ends in .zst */
	int64_t key_ms;    /* first usable event time, or mtime */
	int64_t mtime_ms;
	int timed_key; /* key_ms is an event time */
	uint64_t size;
	uint64_t dev, ino;
	int regular;  /* a regular file (pipes are not peeked at) */
	int is_stdin; /* "-": path is "<stdin>", the name in messages */
};

/* A reader of one archive file: lines out of plain or zstd data. */
struct arc_reader {
	const char *path; /* not owned */
	int fd;
	int zst;
	ZSTD_DCtx *dctx;    /* owned */
	unsigned char *zin; /* compressed input, owned */
	size_t zcap, zlen, zpos;
	uint64_t zoff; /* file offset of zin[0] */
	int mid_frame; /* the decoder is inside a frame */
	int resync;    /* after corrupt data: looking for a frame */
	struct {
		uint64_t z, u;
	} * marks; /* frame starts not yet passed */
	size_t nmarks, capmarks;
	/* Decompressed data: buf is the reader's own buffer (own, cap
	 * bytes), or with a thread, the queued chunk it points into
	 * (zmode), so most lines are never copied. */
	char *buf;
	char *own; /* owned */
	size_t cap, start, scan, end;
	int zmode;
	uint64_t uoff; /* uncompressed offset of buf[0] */
	uint64_t skip; /* bytes still to drop after a resume */
	uint64_t lineno;
	uint64_t blank;
	size_t max;
	int eof;
	int toobig;         /* an oversize line was returned: arc_rest() next */
	int damage_pending; /* damage met inside an oversize line */
	/* set by arc_next() for the line it returns */
	uint64_t line_end;  /* uncompressed offset just past its newline */
	int nl;             /* the line is followed by '\n' in the buffer */
	uint64_t damaged;   /* truncated or corrupt frames met */
	struct zthread *th; /* decompressing thread, or NULL; owned */
	/* Called before memory holding lines already returned is moved,
	 * reused or freed (a caller holding such lines writes them out). */
	void (*moving)(void *ctx);
	void *moving_ctx;
	/* Input that may block (pipe, socket, terminal): before a read that
	 * would block, idle() runs (the caller flushes there); it returns
	 * how many ms to wait for input before calling it again, -1 to wait
	 * without it, or -2 to end reading (the run failed: stdout gone).
	 * A stop signal (hs_sig_stop) ends reading at once for files, and
	 * for a pipe or socket once it ends or drain_secs have passed (as
	 * common/lineio.h does). */
	int (*idle)(void *ctx);
	void *idle_ctx;
	double drain_secs;
	double drain_deadline; /* set at the first stop seen */
	int live;              /* not a regular file */
	int drainable;         /* a pipe or socket */
	char errbuf[256];
};

enum {
	ARC_ERR = -1,
	ARC_END = 0,
	ARC_LINE = 1,
	ARC_TOOBIG = 2,
	ARC_DAMAGE = 3
};

/*
 * Open f for reading at pos (NULL: from the start).  With threaded, a
 * zstd regular file is decompressed by a second thread, ahead of the
 * line scanning and parsing of this one.  Returns 0, or -1 with
 * r->errbuf set.
 */
int arc_open(struct arc_reader *r, const struct arc_file *f, size_t max,
             const struct position *pos, int threaded);
/*
 * Next line.  ARC_LINE: *line and *len hold it (no newline), valid until the
 * next call.  ARC_TOOBIG: the first max bytes of a longer line; arc_rest()
 * then streams the whole line (the next arc_next() drops it otherwise).  ARC_DAMAGE: a truncated or corrupt frame; r->errbuf says
 * where, and *line, *len hold the partial line cut by it (may be empty).
 * ARC_END, or ARC_ERR with r->errbuf.
 */
int arc_next(struct arc_reader *r, const char **line, size_t *len);
/*
 * After ARC_TOOBIG: consume that whole line from its first byte, passing
 * it to fn in chunks (fn may be NULL).  Returns its length; -1 on a
 * read error (r->errbuf set), -3 when a stop signal ended reading inside
 * it (the position stays before it).  Damage inside it ends the line
 * there, and the next arc_next() returns it as ARC_DAMAGE (empty).
 */
long long arc_rest(struct arc_reader *r,
                   void (*fn)(void *ctx, const char *p, size_t n), void *ctx);
/* The frame start to resume at for a checkpoint at r->line_end. */
void arc_frame_of(const struct arc_reader *r, uint64_t *z, uint64_t *u);
void arc_close(struct arc_reader *r);
/* Free the decoding buffers arc_close() keeps for the next file. */
void arc_pool_release(void);

/*
 * Expand paths (files and directories of *.ndjson, *.json, *.jsonl and
 * their .zst forms) and sort them into replay order (see the man page):
 * by first usable event time, else mtime, then by name.  Returns the
 * number of files (*out owned by the caller: arc_files_free()), or -1
 * after printing why.
 */
int arc_list(char **paths, int npaths, size_t max, struct arc_file **out);
void arc_files_free(struct arc_file *f, int n);

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
	 * (arc_reader.moving), before a checkpoint and at the end. */
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
/* Dead-letter the oversize line r just returned (ARC_TOOBIG), streaming
 * it whole from r into "event_base64".  Returns what arc_rest() does. */
long long replay_reject_oversize(struct replay *rp, struct arc_reader *r,
                                 const struct origin *o);
/* The reader's idle callback (arc_reader.idle): flush, checkpoint when
 * due. */
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
