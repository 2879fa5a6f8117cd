/*
 * ack.h: end-to-end acknowledgement across a Unix pipeline.
 *
 * hs-consume --ack PATH creates a FIFO at PATH and commits a partition's
 * offset only when every event up to it has been finished by the pipe.
 * Every other tool given the same --ack PATH reports, for each event it
 * finishes (dead-lettered, filtered out, or delivered by a final stage),
 * the event's Kafka coordinates from its "hs":{"kafka":{...}} member:
 *
 *	"- TOPIC PARTITION OFFSET\n"   one unit of the event is finished
 *	"+ TOPIC PARTITION OFFSET N\n" the event became N more units (a stage
 *	                               that turns one event into N+1 outputs)
 *
 * Each message is shorter than PIPE_BUF, so writes from many processes
 * never interleave.  A stage that splits an event writes its "+" line
 * before it writes the outputs, so the "+" always reaches hs-consume
 * before any "-" for those outputs.  Topic names cannot hold spaces
 * (Kafka allows [a-zA-Z0-9._-] only).
 */
#ifndef HS_ACK_H
#define HS_ACK_H

#include <stddef.h>
#include <stdint.h>

struct hs_evcoord;

struct hs_ack {
	int fd;        /* FIFO opened for writing, -1 when --ack is off */
	uint64_t sent; /* messages written */
	uint64_t lost; /* events without coordinates (nothing to ack) */
};

/*
 * Open the FIFO at path for writing (it must exist: hs-consume creates
 * it).  Waits up to timeout_ms for hs-consume to open it for reading.
 * Returns 0, or -1 with errbuf set.
 */
int hs_ack_open(struct hs_ack *a, const char *path, int timeout_ms,
                char *errbuf, size_t errlen);
void hs_ack_close(struct hs_ack *a);

/*
 * Report that the event line[0..len) finished one unit ('-') or grew by
 * n units ('+', n > 0).  Parses only as much as needed to find
 * hs.kafka (hs_evcoord_line()); an event without coordinates counts in
 * a->lost.  Returns 0, or -1 when the write failed (hs-consume went away).
 * A caller holding the parsed event uses hs_ack_ev() instead.
 */
int hs_ack_event(struct hs_ack *a, const char *line, size_t len, int n);

/* The same for coordinates found already (hs_evcoord_doc()); c NULL: the
 * event has none and counts in a->lost. */
int hs_ack_ev(struct hs_ack *a, const struct hs_evcoord *c, int n);

/* The same with coordinates already known. */
int hs_ack_coords(struct hs_ack *a, const char *topic, size_t topiclen,
                  int32_t partition, int64_t offset, int n);

/* Parse one message line (without '\n').  Returns 0 and fills the
 * fields (topic points into line), or -1 when malformed. */
int hs_ack_parse(const char *line, size_t len, const char **topic,
                 size_t *topiclen, int32_t *partition, int64_t *offset, int *n);

#endif
