/*
 * archive.h: the NDJSON archive format, its one owner.  hs-fanout's file
 * targets write it (hs_arc_writer_*, archive-write.c), hs-replay reads it
 * (hs_arc_open() ... hs_arc_close(), archive-read.c; hs_arc_list(),
 * archive-list.c).  Rotation names are common/seqname.h's; what to do
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
 * flush, so a crash can only leave the last frame short.  A reader:
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
int hs_arc_writer_open(struct hs_arc_writer *w, const char *path,
                       char *errbuf, size_t errlen);
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
 * stay pending then.
 */
long long hs_arc_writer_flush_to(struct hs_arc_writer *w, int fd,
                                 const char *name, char *errbuf,
                                 size_t errlen);
/* hs_arc_writer_flush_to() the writer's own file. */
long long hs_arc_writer_flush(struct hs_arc_writer *w, char *errbuf,
                              size_t errlen);
/* Flush (when a file is open) and close the writer's file, and free its
 * buffers.  Returns 0, or -1 with errbuf set (everything freed anyway). */
int hs_arc_writer_close(struct hs_arc_writer *w, char *errbuf, size_t errlen);
/* Free the buffers and close an owned file, without flushing. */
void hs_arc_writer_release(struct hs_arc_writer *w);

#endif
