/*
 * ackbook.h: hs-consume's ledger of events handed to a pipeline and not
 * yet finished by it (ack.h describes the messages that finish them).
 *
 * Per Kafka partition the book keeps, in offset order, every event written
 * downstream with its count of outstanding units: 1 when written, +N when
 * a stage split it, -1 for each "-" message.  The offset a partition may
 * commit is that of its first event still outstanding, or, when none is,
 * the offset after the last record handed over.  Records hs-consume ends
 * itself (dead-lettered, tombstones) only move that end forward.
 *
 * The book is not thread-safe: a caller sharing it between threads holds
 * one lock around every call.  Topic names are copied; nothing the caller
 * passes is kept.
 */
#ifndef HS_ACKBOOK_H
#define HS_ACKBOOK_H

#include <stddef.h>
#include <stdint.h>

struct hs_ackbook;

/* A new, empty book; release with hs_ackbook_free().  Dies on OOM. */
struct hs_ackbook *hs_ackbook_new(void);
void hs_ackbook_free(struct hs_ackbook *b);

/*
 * The record at offset was written downstream as one event (one unit).
 * Offsets of a partition arrive in increasing order; an offset at or below
 * one already handed over means the partition was read again from an
 * earlier position (a seek, or a re-assignment after hs_ackbook_forget()
 * was not called), and the partition's ledger starts over from it.
 */
void hs_ackbook_add(struct hs_ackbook *b, const char *topic, size_t topiclen,
                    int32_t partition, int64_t offset);

/* The record at offset ended without going downstream (counts as done). */
void hs_ackbook_skip(struct hs_ackbook *b, const char *topic, size_t topiclen,
                     int32_t partition, int64_t offset);

/*
 * Apply one message: n == 0 finishes one unit of the event at offset
 * ("-"), n > 0 adds n units ("+").  Returns 0, or -1 when the book holds
 * no outstanding event there (never written, already finished, or its
 * partition forgotten): the message is ignored.
 */
int hs_ackbook_ack(struct hs_ackbook *b, const char *topic, size_t topiclen,
                   int32_t partition, int64_t offset, int n);

/*
 * The offset to store for commit: every record of the partition below it
 * is finished.  -1 when nothing was handed over since the partition was
 * last forgotten (or ever).
 */
int64_t hs_ackbook_done_upto(struct hs_ackbook *b, const char *topic,
                             size_t topiclen, int32_t partition);

/* Drop everything known about the partition (revoked: its outstanding
 * events become the next owner's to deliver again). */
void hs_ackbook_forget(struct hs_ackbook *b, const char *topic, size_t topiclen,
                       int32_t partition);

/* Events outstanding in all partitions. */
uint64_t hs_ackbook_open(const struct hs_ackbook *b);

#endif
