/*
 * dlq.h: dead-letter records, the same shape from every tool
 * (hs-event(7), DEAD LETTERS):
 *
 *   {"hs-dlq":1,"tool":"hs-validate","reason":"invalid_json",
 *    "message":"expected ',' or '}' at byte 17","time":"2026-...Z",
 *    "input":{"file":"<stdin>","line":12},
 *    "kafka":{"topic":"t","partition":0,"offset":42},   (when known)
 *    "details":...,                                    (when given)
 *    "event":{...}  or  "event_text":"..."  or  "event_base64":"..."}
 *
 * "event" holds the original bytes unchanged when they are one valid JSON
 * value; "event_text" holds them as a string when they are UTF-8 but not
 * JSON; "event_base64" otherwise.  Without a dead-letter file, each record
 * becomes one line on stderr: "PROG: FILE:LINE: REASON: MESSAGE".
 */
#ifndef HS_DLQ_H
#define HS_DLQ_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct hs_json_doc;

struct hs_dlq {
	int fd;            /* -1: stderr mode */
	char *path;        /* owned */
	struct hs_buf rec; /* scratch for one record */
	uint64_t written;
};

/* One rejected event. Strings are not owned; NULL or -1 means absent. */
struct hs_dlq_rec {
	const char *reason; /* short code: invalid_json, schema, too_large... */
	const char *message; /* human text */
	const char *file;    /* input position */
	uint64_t line;
	const char *topic; /* Kafka coordinates, when known */
	int32_t partition;
	int64_t offset;
	const char *details; /* raw JSON text for "details", or NULL */
	size_t details_len;
	const char *event; /* the original event bytes */
	size_t event_len;
	int event_is_json; /* 1: event parsed as JSON; 0: no; -1: unknown,
	                        let the writer check */
	const struct hs_json_doc *doc; /* event parsed successfully by the
	                                  caller, or NULL: the writer parses */
};

#define HS_DLQ_REC_INIT                                            \
	{                                                          \
		.partition = -1, .offset = -1, .event_is_json = -1 \
	}

/*
 * Open path for appending (created 0644), or stderr mode when path is
 * NULL.  Returns 0, or -1 with errbuf set.
 */
int hs_dlq_open(struct hs_dlq *q, const char *path, char *errbuf,
                size_t errlen);

/*
 * Append one record.  When the record carries no Kafka coordinates and
 * the event is a JSON object with hs-consume's "hs":{"kafka":{...}}
 * member, they are copied from there (from r->doc when given: the event
 * is then not parsed again).  Each record is written with one
 * write(2) (O_APPEND), so several tools may share one file.  Returns 0,
 * or -1 with errbuf set (the caller treats that as an I/O failure: the
 * event would otherwise be lost).
 */
int hs_dlq_write(struct hs_dlq *q, const struct hs_dlq_rec *r, char *errbuf,
                 size_t errlen);

/*
 * Dead-letter a line too long to hold, from any reader: rest(src, fn, ctx)
 * reads the whole line and passes it to fn in chunks (fn may be NULL to
 * discard), returning its full length (or < 0 on a read error), which
 * goes to *total.  The line goes base64 encoded into "event_base64"; r's
 * event is not used.  Without a file, r becomes the one stderr line.
 */
int hs_dlq_write_stream(
    struct hs_dlq *q, const struct hs_dlq_rec *r,
    long long (*rest)(void *src, void (*fn)(void *, const char *, size_t),
                      void *ctx),
    void *src, long long *total, char *errbuf, size_t errlen);

/* The rest function for a struct hs_lineio *in (hs_lineio_rest()). */
long long hs_dlq_lineio_rest(void *in, void (*fn)(void *, const char *, size_t),
                             void *ctx);

void hs_dlq_close(struct hs_dlq *q);

#endif
