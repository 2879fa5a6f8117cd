/*
 * archive.h: the NDJSON archive format, its one owner.  hs-fanout's file
 * targets write it (hs_arc_writer_*, archive-write.c), hs-replay reads it
 * (hs_arc_open() ... hs_arc_close(), archive-read.c; hs_arc_list(),
 * archive-list.c); where a file's whole lines or frames end, and cutting
 * a torn tail, is archive-tail.c's.  Rotation names are common/seqname.h's; what to do
 * with the lines (a replay's window, dead letters, checkpoints) is the
 * tools' business, not this module's.
 *
 * The format.  An archive file holds NDJSON lines, one event per line,
 * each ended by '\n'.  A name ending in ".zst" marks the zstd form: a
 * sequence of zstd frames (each starting with HS_ARC_ZSTD_MAGIC), one
 * frame per writer flush, each frame holding whole lines only; every
 * other name is plain NDJSON, appended as is.  Frames are independent,
 * so a reader can start at any frame start: a resume position names the
 * frame holding it (its compressed and uncompressed offsets) and the
 * byte offset of the position itself (struct hs_arc_pos).
 *
 * The crash rule (the one place it is written; both sides follow it).
 * A writer appends a whole frame (or a whole batch of plain lines) per
 * flush, so a crash can only leave the last frame short.  A write that
 * fails or stops short (a full disk: ENOSPC, EFBIG, EIO) is cut back to
 * the file's size before it (hs_arc_writer_flush_to()), so no torn bytes
 * stay after a failed write.  Before appending to an existing file, a
 * writer cuts a torn tail (hs_arc_repair_tail()): a plain file must end
 * in '\n' (else it is cut after its last '\n'), a zstd file at the end
 * of a whole frame (a frame cut short, or zeros, after the last whole
 * frame is cut; other bytes that are no frame are corrupt data, kept for
 * the reader's resync), so what it appends starts a line or a frame.
 * Those bytes were never reported written (their write failed, or the
 * writer died before it could say so).  A reader:
 *   - torn frame: end of file inside a frame ends the file there; the
 *     complete lines decoded from it are read, the partial line it cuts
 *     is handed back as HS_ARC_DAMAGE (then HS_ARC_END);
 *   - corrupt data: a frame the decoder refuses is abandoned and the
 *     reader resyncs to the next HS_ARC_ZSTD_MAGIC after that frame's
 *     start; the lines decoded before the error are read, the partial
 *     line is handed back as HS_ARC_DAMAGE, and reading goes on there.
 * A plain file has no frames: its last line without a newline is a line.
 */
#ifndef HS_ARCHIVE_H
#define HS_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include <zstd.h>

#include "buf.h"

/* The magic number every zstd frame starts with (RFC 8878). */
#define HS_ARC_ZSTD_MAGIC "\x28\xb5\x2f\xfd"
/* The zstd level the writer compresses each frame with. */
#define HS_ARC_ZSTD_LEVEL 3
/* "No usable event time" in struct hs_arc_file.key_ms. */
#define HS_ARC_NO_TIME INT64_MIN

/* ---- writer ---- */

/*
 * Lines gathered for one flush, then written as one zstd frame (zst) or
 * as they are (plain).  The writer owns no rotation: the caller opens
 * the files (common/seqname.h names a series) and says where to flush.
 */
struct hs_arc_writer {
	int fd;     /* from hs_arc_writer_open(), owned; -1 otherwise */
	char *path; /* its name, owned; NULL otherwise */
	int zst;    /* write zstd frames */
	struct hs_buf lines; /* pending lines, each with its '\n' */
	struct hs_buf frame; /* the compressed frame being written */
};

/* An empty writer of zstd frames (zst) or plain lines, with no file. */
void hs_arc_writer_init(struct hs_arc_writer *w, int zst);
/* Init, then open path for appending (created 0644), zst when its name
 * ends in ".zst".  Returns 0, or -1 with errbuf set (w stays
 * releasable). */
int hs_arc_writer_open(struct hs_arc_writer *w, const char *path, char *errbuf,
                       size_t errlen);
/* Append one line (without its newline; the writer adds it). */
void hs_arc_writer_add(struct hs_arc_writer *w, const char *line, size_t len);
/* Bytes of lines pending (uncompressed, newlines included). */
size_t hs_arc_writer_pending(const struct hs_arc_writer *w);
/* Drop the pending lines. */
void hs_arc_writer_discard(struct hs_arc_writer *w);
/*
 * Write the pending lines to fd (called name in messages) as one whole
 * frame (zst) or as they are, and drop them.  Nothing pending writes
 * nothing.  Returns the bytes written to fd (>= 0), or -1 with errbuf
 * set and errno kept (as write(2) set it; 0 for a zstd error); the lines
 * stay pending then, and when fd is a regular file what the failed write
 * left is cut off again (the crash rule above; errbuf says when that
 * failed too).
 */
long long hs_arc_writer_flush_to(struct hs_arc_writer *w, int fd,
                                 const char *name, char *errbuf, size_t errlen);
/* hs_arc_writer_flush_to() the writer's own file. */
long long hs_arc_writer_flush(struct hs_arc_writer *w, char *errbuf,
                              size_t errlen);
/* Flush (when a file is open) and close the writer's file, and free its
 * buffers.  Returns 0, or -1 with errbuf set (everything freed anyway). */
int hs_arc_writer_close(struct hs_arc_writer *w, char *errbuf, size_t errlen);
/* Free the buffers and close an owned file, without flushing. */
void hs_arc_writer_release(struct hs_arc_writer *w);

/* ---- the tail of a file (archive-tail.c) ---- */

/* The first HS_ARC_ZSTD_MAGIC in p[0..n), or NULL. */
const unsigned char *hs_arc_find_magic(const unsigned char *p, size_t n);
/*
 * The file open as fd (readable), plain or zstd (zst): *size its size,
 * *whole the bytes of it that the crash rule keeps (whole lines up to
 * its last '\n'; whole frames, and corrupt data followed by one).  Not a
 * regular file: both 0.  Returns 0, or -1 with errbuf set.
 */
int hs_arc_whole_size(int fd, int zst, uint64_t *whole, uint64_t *size,
                      char *errbuf, size_t errlen);
/*
 * Cut the torn tail of the file open as fd (readable and writable) as
 * the crash rule says, before appending to it; *cut gets the bytes cut
 * (0: it ended whole, or is not a regular file).  The caller says so
 * when *cut > 0.  Returns 0, or -1 with errbuf set (nothing cut).
 */
int hs_arc_repair_tail(int fd, int zst, uint64_t *cut, char *errbuf,
                       size_t errlen);

/* ---- reader ---- */

/* One archive file, in replay order (hs_arc_list()). */
struct hs_arc_file {
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

/* A position in one archive file: where to resume reading. */
struct hs_arc_pos {
	uint64_t offset;  /* uncompressed offset just past the last line */
	uint64_t frame_z; /* compressed offset of the zstd frame holding */
	uint64_t frame_u; /* offset, and its uncompressed offset */
	uint64_t line;    /* line number of the last line */
};

struct hs_arc_mark {
	uint64_t z, u; /* a frame start: compressed, uncompressed offset */
};

/* A reader of one archive file: lines out of plain or zstd data.  The
 * fields are the reader's; callers read path, zst, zoff, zpos, lineno,
 * blank, nl, line_end and errbuf, and set the callbacks after open. */
struct hs_arc_reader {
	const char *path; /* not owned */
	int fd;
	int zst;
	ZSTD_DCtx *dctx;    /* owned */
	unsigned char *zin; /* compressed input, owned */
	size_t zcap, zlen, zpos;
	uint64_t zoff;             /* file offset of zin[0] */
	int mid_frame;             /* the decoder is inside a frame */
	int resync;                /* after corrupt data: looking for a frame */
	struct hs_arc_mark *marks; /* frame starts not yet passed */
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
	int toobig;         /* an oversize line was returned: rest() next */
	int damage_pending; /* damage met inside an oversize line */
	/* set by hs_arc_next() for the line it returns */
	uint64_t line_end; /* uncompressed offset just past its newline */
	int nl;            /* the line is followed by '\n' in the buffer */
	uint64_t damaged;  /* truncated or corrupt frames met */
	struct hs_arc_zthread *th; /* decompressing thread, or NULL; owned */
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
	HS_ARC_ERR = -1,
	HS_ARC_END = 0,
	HS_ARC_LINE = 1,
	HS_ARC_TOOBIG = 2,
	HS_ARC_DAMAGE = 3
};

/*
 * Open f for reading at pos (NULL: from the start); lines longer than
 * max are HS_ARC_TOOBIG.  With threaded, a zstd regular file is
 * decompressed by a second thread, ahead of the line scanning and
 * parsing of this one.  Returns 0, or -1 with r->errbuf set; call
 * hs_arc_close() either way.
 */
int hs_arc_open(struct hs_arc_reader *r, const struct hs_arc_file *f,
                size_t max, const struct hs_arc_pos *pos, int threaded);
/*
 * Next line.  HS_ARC_LINE: *line and *len hold it (no newline), valid
 * until the next call.  HS_ARC_TOOBIG: the first max bytes of a longer
 * line; hs_arc_rest() then streams the whole line (the next hs_arc_next()
 * drops it otherwise).  HS_ARC_DAMAGE: a torn or corrupt frame (the
 * crash rule above); r->errbuf says where, and *line, *len hold the
 * partial line cut by it (may be empty).  HS_ARC_END, or HS_ARC_ERR with
 * r->errbuf.
 */
int hs_arc_next(struct hs_arc_reader *r, const char **line, size_t *len);
/*
 * After HS_ARC_TOOBIG: consume that whole line from its first byte,
 * passing it to fn in chunks (fn may be NULL).  Returns its length; -1
 * on a read error (r->errbuf set), -3 when a stop signal ended reading
 * inside it (the position stays before it).  Damage inside it ends the
 * line there, and the next hs_arc_next() returns it as HS_ARC_DAMAGE
 * (empty).
 */
long long hs_arc_rest(struct hs_arc_reader *r,
                      void (*fn)(void *ctx, const char *p, size_t n),
                      void *ctx);
/* The position just past the line hs_arc_next() last returned, with the
 * frame to resume at (for hs_arc_open()'s pos). */
void hs_arc_tell(const struct hs_arc_reader *r, struct hs_arc_pos *pos);
void hs_arc_close(struct hs_arc_reader *r);
/* Free the decoding buffers hs_arc_close() keeps for the next file. */
void hs_arc_pool_release(void);

/*
 * Expand paths ("-" for standard input; files and directories of
 * *.ndjson, *.json, *.jsonl and their .zst forms) and sort them into
 * replay order (see hs-replay(1)): by first usable event time (read from
 * at most the first 64 lines, each up to max bytes), else mtime, then by
 * series and number in it, then by name.  Returns the number of files
 * (*out owned by the caller: hs_arc_files_free()), or -1 after printing
 * why.
 */
int hs_arc_list(char **paths, int npaths, size_t max, struct hs_arc_file **out);
void hs_arc_files_free(struct hs_arc_file *f, int n);

#endif
