/*
 * consume.h: what hs-consume's files share.  main.c parses options and
 * runs the record loop, envelope.c turns one Kafka record into an output
 * line (or a reason to dead-letter it), kafka.c owns the librdkafka side:
 * configuration, assignment, start offsets, rebalances, offset storing.
 */
#ifndef HS_CONSUME_H
#define HS_CONSUME_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <rdkafka.h>

#include "ackbook.h"
#include "buf.h"
#include "json.h"
#include "tool.h"

enum envelope { ENV_EVENT, ENV_RECORD, ENV_VALUE };

/* What became of one record. */
enum verdict { V_OUT, V_DLQ, V_FILTER };

struct envelope_ctx {
	enum envelope mode;
	struct hs_json_doc doc;
	struct hs_buf line;  /* the output line */
	struct hs_buf kafka; /* the coordinates object */
	struct hs_buf scratch;
	const char *reason; /* V_DLQ: short code */
	char msg[256];      /* V_DLQ: human text */
	int value_is_json;  /* V_DLQ: 1 the value is JSON, 0 not */
	uint64_t tombstones;
};

void envelope_init(struct envelope_ctx *e, enum envelope mode,
                   unsigned max_depth);
void envelope_release(struct envelope_ctx *e);

/*
 * Format record m.  V_OUT: e->line holds the line (no newline).  V_DLQ:
 * e->reason and e->msg say why.  V_FILTER: a tombstone in event or value
 * mode (counted in e->tombstones).
 */
enum verdict envelope_format(struct envelope_ctx *e,
                             const rd_kafka_message_t *m);

/* The record's key, timestamp and headers as a JSON object (for the
 * dead-letter record's "details"), into out. */
void envelope_details(struct envelope_ctx *e, const rd_kafka_message_t *m,
                      struct hs_buf *out);

/* One assigned (or once assigned) partition. */
struct part {
	int64_t pending; /* offset to store after the next flush, or -1 */
	int64_t next;    /* offset after the last record handled, or -1 */
	int64_t stored;  /* --ack: offset last stored, or -1 */
	uint64_t out, dlq, filtered;
	int assigned, eof, done;
	int held;    /* ours until the last eager revoke (see rebalance_cb) */
	int seeking; /* s@ fallback: skip records before the start time */
};

struct topic {
	char *name; /* owned */
	struct part *parts;
	int nparts;
};

/* Start position from -o. */
enum start {
	START_BEGINNING,
	START_END,
	START_STORED,
	START_ABS,
	START_TAIL,
	START_TIME
};

struct consumer {
	rd_kafka_t *rk;
	struct hs_tool *tool;
	int group; /* -G given: subscribed, offsets stored and committed */
	int exit_at_end;
	enum start start;
	int64_t start_val; /* offset, tail count or timestamp (ms) */
	int64_t end_ts;    /* e@: stop each partition there, or -1 */
	struct topic *topics;
	int ntopics;
	int nassigned;
	int stop;     /* set by -c, -e, e@ ends or a fatal failure */
	int fatal_rc; /* exit status for a Kafka failure, or 0 */
	int quiet;
	struct acker *ack;  /* --ack, or NULL: commit what was written */
	double ack_timeout; /* seconds to wait for acks at exit */
	double timeout;     /* --timeout: give up unreachable after, or 0 */
	double down_since;  /* when all brokers were reported down, or 0 */
	int gone;      /* --timeout gave up: commit and close are bounded */
	int committed; /* finish_group committed everything handled */
	double recommit_at; /* finish_group: next try after a rebalance */
};

/* -o SPEC into c->start/start_val/end_ts; -1 with errbuf on a bad spec. */
int parse_offset(struct consumer *c, const char *spec, char *errbuf,
                 size_t errlen);

/* The partition entry for topic/partition, created on first use. */
struct part *part_get(struct consumer *c, const char *topic, int32_t partition);

/* Wire callbacks into conf and create the consumer (takes conf). */
int consumer_new(struct consumer *c, rd_kafka_conf_t *conf, char *errbuf,
                 size_t errlen);

/* Subscribe (-G) or assign partitions directly with start offsets. */
int consumer_start(struct consumer *c, char **topics, int ntopics,
                   const int32_t *parts, int nparts, char *errbuf,
                   size_t errlen);

/*
 * Flush stdout; when that worked, store the offsets of every record ended
 * since (with -G).  Returns 0, or -1 when stdout failed.
 */
int flush_and_store(struct consumer *c);

/* Mark the partition ended (e@ reached) and pause it. */
void part_finish(struct consumer *c, const rd_kafka_message_t *m,
                 struct part *p);

/* --timeout: when the cluster has been down that long and still does not
 * answer, report it and stop with HS_EXIT_TEMPFAIL. */
void check_reachable(struct consumer *c);

/* 1 when -e or e@ says every assigned partition is finished. */
int all_done(const struct consumer *c);

/*
 * all_done() said so: 1 when the run may end.  With -G the offsets are
 * committed first; while the group rebalances a commit is refused, so the
 * run goes on (0) until the group has settled and the partitions it then
 * gives are finished and committed.
 */
int finish_group(struct consumer *c);

/* Flush, store, commit and close.  Returns 0 or -1. */
int consumer_close(struct consumer *c);

/*
 * --ack: the FIFO, its reader thread and the ledger (acker.c).  The
 * consumer thread calls acker_add, acker_done_upto and acker_forget; the
 * reader thread applies acks.  All take the lock.
 */
struct acker {
	struct hs_ackbook *book; /* owned; guarded by mu */
	pthread_mutex_t mu;
	pthread_cond_t cv; /* signalled when nothing is outstanding */
	pthread_t thread;
	int running;
	int rfd,
	    wfd;     /* the FIFO, for reading and a writer that keeps it open */
	int quit[2]; /* tells the reader to stop */
	const char *path;
	int created; /* we made the FIFO: remove it at exit */
	char line[512];
	size_t linelen;
	uint64_t received, unknown, malformed; /* reader thread only */
};

/* Create (or reuse) the FIFO at path and start the reader. */
int acker_open(struct acker *a, const char *path, char *errbuf, size_t errlen);
/* An event written downstream (written 1) or ended here (0). */
void acker_add(struct acker *a, const char *topic, int32_t partition,
               int64_t offset, int written);
/* The partition's offset to store, or -1 (hs_ackbook_done_upto). */
int64_t acker_done_upto(struct acker *a, const char *topic, int32_t partition);
void acker_forget(struct acker *a, const char *topic, int32_t partition);
/* Wait up to secs until no event is outstanding; returns how many are. */
uint64_t acker_wait(struct acker *a, double secs);
/* Stop the reader after it read what is in the FIFO, close, remove the
 * FIFO if we created it, free the ledger. */
void acker_close(struct acker *a);

/* --stats: per-partition lines on stderr. */
void consumer_stats(struct consumer *c);

void consumer_free(struct consumer *c);

#endif
