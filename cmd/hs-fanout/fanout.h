/*
 * fanout.h: hs-fanout's rules, targets and their worker threads.
 *
 * main.c reads events, matches them (common/pattern) and hands each
 * matching (rule, target) pair to target_put(); every target owns a
 * bounded queue and one worker thread (a bulkhead), delivers with its
 * retry policy and dead-letters what it cannot deliver.  rules.c reads
 * the rules file (hs shape or the AWS CLI's) into struct fo_rule.  The
 * kinds of target and what they may call are in target.h, not here.
 */
#ifndef HS_FANOUT_H
#define HS_FANOUT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "ack.h"
#include "dlq.h"
#include "kafkaconf.h"

struct hs_inputxform;
struct hs_sink;
struct hs_pattern;
struct hs_json_doc;
struct fo_jq;
struct fo_jqrun;
struct target_ops;

/*
 * With --ack: one event's completion count, shared by the items it was
 * routed to (one reference each, plus one that route() holds while it
 * queues them).  The last item to finish (delivered, or dead-lettered
 * after its retry policy) sends the event's "-" line; an item dropped
 * unfinished (stdout's reader went away, a forced exit) marks the event
 * failed, and it is then never acknowledged.
 */
struct fo_ev {
	atomic_int refs;
	atomic_int failed;
	int32_t partition;
	int64_t offset;
	size_t topiclen;
	char topic[];
};

struct fo_item {
	struct fo_item *next;
	struct fo_ev *ev; /* one reference, or NULL (no --ack) */
	uint64_t end;     /* exec: stream offset just past this line */
	int fails;        /* exec: children that failed while it waited */
	const char *rule; /* not owned: the rule outlives its items */
	double t0;        /* when queued (hs_now), for the maximum age */
	char *event;      /* original event bytes, for the dead letter (data
	                   * itself when the payload is the event) */
	size_t event_len;
	char *key; /* kafka key or NULL */
	size_t key_len;
	char *path; /* file: path with event fields (owned), or NULL */
	size_t len; /* payload bytes (data) */
	size_t cap; /* bytes data can hold; FO_ITEM_CAP: recycled */
	char data[];
};

/*
 * Shared by every target: options, and the frame's sink (sink.h), where
 * workers end what they deliver or give up on: dead letters, --ack
 * messages and the exit status, under the sink's lock.
 */
struct fo_shared {
	struct hs_sink *sink; /* the frame's; not owned */
	int quiet;
	double drain_secs;          /* --drain-timeout */
	double drain_deadline;      /* 0: none; else hs_now() limit */
	pthread_mutex_t drain_mu;   /* guards drain_deadline and stopping */
	volatile int stopping;      /* SIGTERM: dead-letter at the deadline */
	struct hs_kafka_opts kafka; /* -b, -F, -X for kafka:// targets */
	const char *endpoint_url;   /* --endpoint-url (AWS targets), or NULL */
	uint64_t dlq_records;       /* atomic: targets' dead letters */
	volatile int epipe;         /* the stdout target's reader went away */
	/* reading thread only: targets holding staged items (target_put) */
	struct fo_target **staged;
	size_t nstaged, stagedcap;
};

struct fo_target {
	char *id;    /* Id (AWS), else the URI's shown form: in messages */
	char *uri;   /* after {cell} expansion; may hold secrets */
	char *shown; /* the URI as messages, stats and dead letters show it */
	const struct target_ops *ops; /* its kind (target.h) */
	/* input shaping: at most one */
	char *input;      /* constant Input (JSON text) */
	char *input_path; /* JSON pointer from InputPath */
	struct hs_inputxform *xf;
	struct fo_jq *jq; /* jq program (reading thread only), or NULL */
	int jq_owner;     /* the cells of a target share one program */
	char *key_ptr;    /* kafka: key from this JSON pointer */
	/* policy */
	int attempts;   /* deliveries tried before dead-lettering */
	double max_age; /* seconds */
	double timeout; /* per request (http) */
	size_t batch;   /* http: events per POST (1: one JSON body) */
	double rate;    /* http: requests per second, 0 unlimited */
	/* http: requests in flight at most (0 means 1) */
	int concurrency;
	/*
	 * http: the target's own headers, "Name: value" (values already read
	 * from the environment, checked for CR and LF), and its query
	 * parameters, name and value alternating, not yet encoded; all
	 * owned.  Values may be secrets: never printed.
	 */
	char **headers;
	size_t nheaders;
	char **query;
	size_t nquery;
	size_t qmax;
	/* queue */
	pthread_t th;
	int started; /* the worker runs (reading thread only) */
	/* items staged by the reading thread, not yet queued (its only) */
	struct fo_item *shead, *stail;
	size_t sn;
	/* finished items kept for reuse: spare under mu (workers give them
	 * back), rspare the reading thread's, refilled at each flush */
	struct fo_item *spare, *rspare;
	size_t nspare;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct fo_item *head, *tail;
	size_t qlen;
	int closing;
	int failing; /* in retry: producers dead-letter instead of waiting */
	/* counters (under mu) */
	uint64_t queued, delivered, dead;
	uint64_t filtered; /* jq: events the program gave nothing for */
	struct fo_shared *sh;
	void *impl; /* kind-specific state, owned */
};

/* A rule: its pattern id and its targets, each a group of cells. */
struct fo_rule {
	char *name;
	unsigned pid;
	struct fo_target ***targets; /* [ntargets][ncells] */
	int *tcells;                 /* cells of each target: 1, or --cells */
	size_t ntargets;
	int ncells;
	uint64_t matched;
};

struct fo_rules {
	struct fo_rule *r;
	size_t n;
};

/*
 * Read the rules file at path (hs shape or AWS CLI shape, see
 * hs-fanout(1)) and add every pattern to pat.  Targets naming "{cell}"
 * are made ncells times.  arn_map: JSON object text mapping ARNs to URIs
 * (NULL: none).  Returns 0, or -1 with errbuf set.
 */
int rules_load(struct fo_rules *rs, const char *path, const char *arn_map,
               struct hs_pattern *pat, int ncells, struct fo_shared *sh,
               char *errbuf, size_t errlen);
void rules_free(struct fo_rules *rs);

/* 1 if uri names a kind of target (kinds.c): a local URI or an ARN that
 * hs-fanout delivers to itself (an EventBridge bus). */
int target_uri_known(const char *uri);
/* A target for uri (not yet started).  Returns NULL with errbuf set. */
struct fo_target *target_new(const char *id, const char *uri,
                             struct fo_shared *sh, char *errbuf, size_t errlen);
/* Open what the target writes to; its worker starts with the first item. */
int target_start(struct fo_target *t, char *errbuf, size_t errlen);
/*
 * Hand an item to t (ownership passes).  The reading thread stages it and
 * queues t's staged items together (one lock, at most one wakeup) when
 * FO_STAGE_MAX are staged or at targets_flush(); queueing waits while
 * the queue is full and t is not failing, and dead-letters the item
 * (queue_full) when t is failing with a full queue.
 */
#define FO_STAGE_MAX 64
/*
 * A new item for t with room for an n-byte payload and its NUL, zeroed
 * but for data (reading thread only).  Items of up to FO_ITEM_CAP bytes
 * are recycled through t: freeing an item across threads costs glibc's
 * allocator more than reusing it does.
 */
#define FO_ITEM_CAP 2048
#define FO_SPARE_MAX 512
struct fo_item *target_item_new(struct fo_target *t, size_t n);
void target_put(struct fo_target *t, struct fo_item *it);
/*
 * Queue every target's staged items: the reading thread calls it every
 * few hundred events, whenever input goes idle, and before finishing.
 */
void targets_flush(struct fo_shared *sh);
/* Close the queue, let the worker drain it, join it, release. */
void target_finish(struct fo_target *t);
void target_free(struct fo_target *t);
/* Counters of t, read under its lock. */
void target_counts(struct fo_target *t, uint64_t *queued, uint64_t *delivered,
                   uint64_t *dead);

/*
 * Drop one reference to ev; the last one acknowledges the event through
 * the frame's sink unless some item of it was dropped unfinished
 * (finished == 0).
 * Frees ev then.  Thread-safe; ev may be NULL.
 */
void fo_ev_release(struct fo_shared *sh, struct fo_ev *ev, int finished);

/*
 * Dead-letter an event the reading thread could not make a payload of
 * for t (reason "jq_error", "lossy_number"), counted as queued and dead;
 * frees it as finished.  details: NULL, or a JSON object's text whose
 * members (lossy_number's literal, pointer, byte, libjq) join the record's
 * "details".
 */
void target_reject(struct fo_target *t, struct fo_item *it, const char *reason,
                   const char *message, const char *details);

/*
 * 1 if delivering to t reads the event's fields (a jq program, an input
 * path or transformer, a Kafka key path, event fields in a file path);
 * 0 if t takes the line or a constant as it is.
 */
int target_reads_event(const struct fo_target *t);
/*
 * For a file target whose path names event fields ({source}, ...): the
 * path for event d (sanitized values, see hs-fanout(1)), caller frees;
 * NULL for any other target.
 */
char *target_item_path(struct fo_target *t, const struct hs_json_doc *d);
/* 1 if t writes to stdout (its copies are finished by the next stage). */
int target_is_stdout(const struct fo_target *t);
/* 1 if t takes headers and query parameters (http and https). */
int target_http_params(const struct fo_target *t);

/*
 * jqtarget.c: a target's jq program through common/jqrun.h (natively
 * where it can, libjq where not), compiled and run on the reading thread
 * only (libjq's values are not thread-safe).
 * fo_jq_compile: NULL with jq's message in errbuf if it does not compile.
 */
struct fo_jq *fo_jq_compile(const char *program, char *errbuf, size_t errlen);
/* Bounds for libjq in the programs compiled afterwards (0: none). */
void fo_jq_limits(double secs, uint64_t mem);
void fo_jq_free(struct fo_jq *q);
/* Per-event state shared by the jq targets of one event. */
struct fo_jqrun *fo_jqrun_new(int allow_lossy);
void fo_jqrun_free(struct fo_jqrun *r);
/* A new event: d and line must live until the next call. */
void fo_jqrun_event(struct fo_jqrun *r, const struct hs_json_doc *d,
                    const char *line, size_t len);
/*
 * Run q on the current event: the number of outputs, each a line ending
 * in a newline at *out (*outlen bytes, valid until the next call), or -1
 * with *reason ("jq_error", "lossy_number") and *msg set, and *details
 * the details JSON object of a lossy_number or NULL (all valid until the
 * next call).
 */
int fo_jq_eval(struct fo_jq *q, struct fo_jqrun *r, const char **out,
               size_t *outlen, const char **reason, const char **msg,
               const char **details);

/*
 * 1 once a stop signal came and the drain time after it has passed: the
 * workers then stop retrying and dead-letter what is left (queue.c).
 */
int fo_out_of_time(struct fo_shared *sh);

/* Kafka's default partitioner: murmur2(key) & 0x7fffffff (kafka.c). */
uint32_t fo_murmur2(const void *key, size_t len);

#endif
