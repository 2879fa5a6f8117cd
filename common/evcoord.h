/*
 * evcoord.h: an event's Kafka coordinates, the one reader of the
 * "hs":{"kafka":{"topic":T,"partition":P,"offset":O}} member hs-consume's
 * envelope writes (hs-event(7)).  Everything that needs them (--ack
 * messages, dead-letter records, hs-fanout's completion counts) asks here,
 * from a document the caller already parsed or, when there is none, from
 * the raw line.  It does not own writing them anywhere (ack.c, dlq.c).
 */
#ifndef HS_EVCOORD_H
#define HS_EVCOORD_H

#include <stddef.h>
#include <stdint.h>

struct hs_json_doc;

struct hs_evcoord {
	const char *topic; /* points into the event's text; not terminated */
	size_t topiclen;   /* 1..255 (Kafka topic names have no escapes) */
	int32_t partition; /* >= 0 */
	int64_t offset;
};

/* The hs.kafka object node of d's root object, or HS_JSON_NONE. */
uint32_t hs_evcoord_node(const struct hs_json_doc *d);

/*
 * Fill *c from d, a successfully parsed event.  Returns 0, or -1 when the
 * event carries no usable coordinates (no hs.kafka object, a topic that
 * is not a plain string of 1..255 bytes, a partition outside 0..INT32_MAX
 * or an offset that is not an integer).
 */
int hs_evcoord_doc(const struct hs_json_doc *d, struct hs_evcoord *c);

/*
 * The same from the raw line[0..len) when no document exists.  Parses only
 * the small hs.kafka object when it can find it textually, the whole line
 * otherwise, into scratch (an initialised document the caller owns and
 * releases; its contents are replaced).  c->topic points into line.
 */
int hs_evcoord_line(struct hs_json_doc *scratch, const char *line, size_t len,
                    struct hs_evcoord *c);

#endif
