/*
 * claim.h: state shared by hs-claimcheck's modes (put.c, get.c, gc.c).
 */
#ifndef HS_CLAIM_H
#define HS_CLAIM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zstd.h>

#include "buf.h"
#include "claimref.h"
#include "json.h"
#include "store.h"
#include "tool.h"

enum claim_format { FORMAT_NATIVE = 0, FORMAT_SQS, FORMAT_CLOUDEVENTS };

#define CLAIM_MAX_STORES 16
#define CLAIM_MAX_KEEP 32
#define CLAIM_MAX_PARALLEL 64
#define CLAIM_CHUNK (1u << 20) /* streamed compression piece */
/* Small events waiting behind pending large ones, at most (bytes). */
#define CLAIM_HELD_MAX (8u << 20)

/* An event whose object is on its way to the store (put, S3). */
struct claim_slot {
	struct hs_store_op *op;  /* the transfer; NULL when the slot is free */
	struct hs_buf obj;       /* the object's bytes; storage reused */
	struct hs_buf out;       /* the line to write once it is stored */
	size_t ref_off, ref_len; /* where the reference sits in out */
	struct hs_buf pre;       /* cloudevents: the "data": key text */
	size_t size;             /* bytes the reference replaced */
	struct hs_buf held;      /* later lines waiting for it, '\n'-ended */
	const char *file;        /* input position, for a dead letter */
	uint64_t lineno;
	/* get: obj receives the fetched bytes, out holds the event with the
	 * object's place cut out at ref_off, pre the event as it came; the
	 * object is checked against these before it goes in. */
	char key[256];
	char sum[65]; /* HS_SHA256_HEXLEN + 1; "" when there is none */
	int64_t want; /* original bytes (zstd), -1 unknown */
	int zstd;
};

struct claim {
	enum claim_format format;
	struct hs_store *stores[CLAIM_MAX_STORES]; /* owned */
	int nstores;
	uint64_t threshold;
	const char *path; /* JSON pointer of the payload */
	const char *keep[CLAIM_MAX_KEEP];
	int nkeep;
	int level;
	int refs_only;
	double older_than;
	int dry_run;

	ZSTD_CCtx *cctx; /* owned, reused for every event */
	ZSTD_DCtx *dctx;
	struct hs_json_doc doc;
	struct hs_buf obj, line, tmp; /* scratch, reused */
	int tempfail; /* a store failure worth retrying later happened */

	/* put and get: pending events in input order, a ring of parallel
	 * slots. */
	struct claim_slot slots[CLAIM_MAX_PARALLEL];
	int parallel, head, npend;
	size_t held_bytes;
	struct hs_store_writer writer; /* file: stores, streamed */
	struct hs_buf zout;            /* compressed piece, CLAIM_CHUNK */

	uint64_t offloaded, restored, checked;
	uint64_t bytes_orig, bytes_stored, reused;
};

/* The claim reference shape (claimref.h) of c->format. */
static inline enum hs_claimref_shape claim_shape(const struct claim *c)
{
	return c->format == FORMAT_SQS           ? HS_CLAIMREF_SQS
	       : c->format == FORMAT_CLOUDEVENTS ? HS_CLAIMREF_CLOUDEVENTS
	                                         : HS_CLAIMREF_NATIVE;
}

/* put: offload large payloads; one event per call, ended on t. */
void claim_put(struct claim *c, struct hs_tool *t, const char *line,
               size_t len);
/* put: finish every pending event, in order (end of input, idle input,
 * a stop signal). */
void claim_put_drain(struct claim *c, struct hs_tool *t);
/* get: restore (or with refs_only check) references; one event, ended
 * on t now or, while fetches are in flight (up to c->parallel), later
 * and in input order. */
void claim_get(struct claim *c, struct hs_tool *t, const char *line,
               size_t len);
/* get: finish every pending event, in order. */
void claim_get_drain(struct claim *c, struct hs_tool *t);
/* gc: remove objects older than c->older_than from c->stores[0].
 * Returns an exit status. */
int claim_gc(struct claim *c, int verbose);

/* "offloaded=N ..." for --stats, into out. */
void claim_stats(const struct claim *c, struct hs_buf *out);

/* Write the small events that waited behind slot sl (one per line in
 * sl->held), each ended as written, and empty the hold.  Shared by put
 * and get. */
static inline void claim_release_held(struct claim *c, struct hs_tool *t,
                                      struct claim_slot *sl)
{
	const char *p = sl->held.data, *end = p + sl->held.len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		hs_tool_emit(t, p, (size_t)(nl - p));
		hs_tool_done(t, HS_END_OUT);
		p = nl + 1;
	}
	c->held_bytes -= sl->held.len;
	hs_buf_reset(&sl->held);
}

#endif
