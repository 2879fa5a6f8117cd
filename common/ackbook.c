/*
 * ackbook.c: hs-consume's ledger of events handed downstream and not yet
 * finished, and the offset each partition may commit (ackbook.h).  It
 * neither reads the FIFO (cmd/hs-consume/acker.c) nor commits (the
 * caller does); not thread-safe: the caller locks.
 */
#include <stdlib.h>
#include <string.h>

#include "ackbook.h"
#include "alloc.h"
#include "banned.h"

struct entry {
	int64_t offset;
	int64_t units; /* outstanding; 0 once finished */
};

/*
 * One partition.  ring[] holds the written events in offset order as a
 * ring of cap (a power of two) slots starting at head; finished events
 * stay until every event before them is finished too, so the first
 * entry is always the one that holds the commit back.
 */
struct ledger {
	char *topic; /* owned, NULL for an empty slot */
	size_t topiclen;
	int32_t partition;
	uint64_t hash;
	int64_t next; /* offset after the last record handed over, or -1 */
	struct entry *ring;
	size_t cap, head, n;
};

struct hs_ackbook {
	struct ledger *slots; /* open addressing, linear probing */
	size_t nslots, used;
	uint64_t open;
};

static uint64_t hash(const char *topic, size_t len, int32_t partition)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)topic[i]) * 1099511628211u;
	h = (h ^ (uint32_t)partition) * 1099511628211u;
	return h ^ (h >> 29);
}

struct hs_ackbook *hs_ackbook_new(void)
{
	struct hs_ackbook *b = hs_xcalloc(1, sizeof(*b));

	b->nslots = 64;
	b->slots = hs_xcalloc(b->nslots, sizeof(*b->slots));
	return b;
}

void hs_ackbook_free(struct hs_ackbook *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nslots; i++) {
		free(b->slots[i].topic);
		free(b->slots[i].ring);
	}
	free(b->slots);
	free(b);
}

/* The slot for the key: its ledger, or the empty slot it would take. */
static struct ledger *probe(struct ledger *slots, size_t nslots,
                            const char *topic, size_t len, int32_t partition,
                            uint64_t h)
{
	size_t i = (size_t)h & (nslots - 1);

	for (;; i = (i + 1) & (nslots - 1)) {
		struct ledger *l = &slots[i];

		if (!l->topic)
			return l;
		if (l->hash == h && l->partition == partition &&
		    l->topiclen == len && memcmp(l->topic, topic, len) == 0)
			return l;
	}
}

static void rehash(struct hs_ackbook *b)
{
	size_t n = b->nslots * 2;
	struct ledger *slots = hs_xcalloc(n, sizeof(*slots));

	for (size_t i = 0; i < b->nslots; i++) {
		struct ledger *l = &b->slots[i];

		if (l->topic)
			*probe(slots, n, l->topic, l->topiclen, l->partition,
			       l->hash) = *l;
	}
	free(b->slots);
	b->slots = slots;
	b->nslots = n;
}

/* The partition's ledger; created when create is set, else NULL if none. */
static struct ledger *find(struct hs_ackbook *b, const char *topic, size_t len,
                           int32_t partition, int create)
{
	uint64_t h = hash(topic, len, partition);
	struct ledger *l = probe(b->slots, b->nslots, topic, len, partition, h);

	if (l->topic || !create)
		return l->topic ? l : NULL;
	/* Ledgers are never removed (forget only empties one), so the
	 * table stays at most half full without tombstones. */
	if (2 * (b->used + 1) > b->nslots) {
		rehash(b);
		l = probe(b->slots, b->nslots, topic, len, partition, h);
	}
	l->topic = hs_xstrndup(topic, len);
	l->topiclen = len;
	l->partition = partition;
	l->hash = h;
	l->next = -1;
	b->used++;
	return l;
}

static struct entry *at(struct ledger *l, size_t i)
{
	return &l->ring[(l->head + i) & (l->cap - 1)];
}

/* Drop finished events from the front. */
static void pop_done(struct ledger *l)
{
	while (l->n > 0 && at(l, 0)->units == 0) {
		l->head = (l->head + 1) & (l->cap - 1);
		l->n--;
	}
}

static void clear(struct hs_ackbook *b, struct ledger *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (at(l, i)->units > 0)
			b->open--;
	l->n = 0;
	l->head = 0;
	l->next = -1;
}

static void push(struct ledger *l, int64_t offset)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct entry *ring = hs_xmalloc(cap * sizeof(*ring));

		for (size_t i = 0; i < l->n; i++)
			ring[i] = *at(l, i);
		free(l->ring);
		l->ring = ring;
		l->cap = cap;
		l->head = 0;
	}
	*at(l, l->n) = (struct entry){offset, 1};
	l->n++;
}

/*
 * The ledger of (topic, partition), having seen offset: an offset below
 * the next one expected means the partition is read again from an earlier
 * position (ackbook.h), so what the ledger held is dropped first.
 */
static struct ledger *seen(struct hs_ackbook *b, const char *topic,
                           size_t topiclen, int32_t partition, int64_t offset)
{
	struct ledger *l = find(b, topic, topiclen, partition, 1);

	if (l->next >= 0 && offset < l->next)
		clear(b, l);
	l->next = offset + 1;
	return l;
}

void hs_ackbook_add(struct hs_ackbook *b, const char *topic, size_t topiclen,
                    int32_t partition, int64_t offset)
{
	push(seen(b, topic, topiclen, partition, offset), offset);
	b->open++;
}

void hs_ackbook_skip(struct hs_ackbook *b, const char *topic, size_t topiclen,
                     int32_t partition, int64_t offset)
{
	seen(b, topic, topiclen, partition, offset);
}

int hs_ackbook_ack(struct hs_ackbook *b, const char *topic, size_t topiclen,
                   int32_t partition, int64_t offset, int n)
{
	struct ledger *l = find(b, topic, topiclen, partition, 0);
	size_t lo = 0, hi;
	struct entry *e;

	if (!l || n < 0)
		return -1;
	hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (at(l, mid)->offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == l->n || (e = at(l, lo))->offset != offset || e->units == 0)
		return -1;
	if (n > 0) {
		e->units += n;
		return 0;
	}
	if (--e->units == 0) {
		b->open--;
		if (lo == 0)
			pop_done(l);
	}
	return 0;
}

int64_t hs_ackbook_done_upto(struct hs_ackbook *b, const char *topic,
                             size_t topiclen, int32_t partition)
{
	struct ledger *l = find(b, topic, topiclen, partition, 0);

	if (!l)
		return -1;
	pop_done(l);
	return l->n ? at(l, 0)->offset : l->next;
}

void hs_ackbook_forget(struct hs_ackbook *b, const char *topic, size_t topiclen,
                       int32_t partition)
{
	struct ledger *l = find(b, topic, topiclen, partition, 0);

	if (l)
		clear(b, l);
}

uint64_t hs_ackbook_open(const struct hs_ackbook *b)
{
	return b->open;
}
