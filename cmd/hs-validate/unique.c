/*
 * unique.c: hs-validate's --unique window (validate.h): the bounded set of
 * keys seen recently, by count or by time.  Extracting the key from an
 * event is main.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "validate.h"
#include "banned.h"

#define NIL UINT32_MAX

struct uslot {
	char *key; /* owned */
	size_t len;
	uint64_t hash;
	double t;      /* when it was added (monotonic seconds) */
	uint32_t next; /* the next slot in its bucket's chain */
};

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void unique_init(struct unique *u, size_t max_count, double secs)
{
	memset(u, 0, sizeof(*u));
	u->max_count = max_count ? max_count : 1;
	u->secs = secs;
}

/* Slot index of ring position i (0 = oldest). */
static size_t pos(const struct unique *u, size_t i)
{
	return (u->head + i) % u->cap;
}

static void link_slot(struct unique *u, uint32_t si)
{
	size_t b = u->ring[si].hash & (u->nbucket - 1);

	u->ring[si].next = u->bucket[b];
	u->bucket[b] = si;
}

/* Grow the ring (keeping FIFO order) and rebuild the chains. */
static void grow(struct unique *u)
{
	size_t ncap = u->cap ? u->cap * 2 : 1024;
	struct uslot *nr;

	if (ncap > u->max_count)
		ncap = u->max_count;
	nr = hs_xcalloc(ncap, sizeof(*nr));
	for (size_t i = 0; i < u->count; i++)
		nr[i] = u->ring[pos(u, i)];
	free(u->ring);
	u->ring = nr;
	u->cap = ncap;
	u->head = 0;
	free(u->bucket);
	u->nbucket = 1;
	while (u->nbucket < 2 * ncap)
		u->nbucket <<= 1;
	u->bucket = hs_xmalloc(u->nbucket * sizeof(uint32_t));
	for (size_t b = 0; b < u->nbucket; b++)
		u->bucket[b] = NIL;
	for (size_t i = 0; i < u->count; i++)
		link_slot(u, (uint32_t)i);
}

static void evict_oldest(struct unique *u)
{
	uint32_t si = (uint32_t)u->head;
	struct uslot *s = &u->ring[si];
	uint32_t *pp = &u->bucket[s->hash & (u->nbucket - 1)];

	while (*pp != si)
		pp = &u->ring[*pp].next;
	*pp = s->next;
	free(s->key);
	s->key = NULL;
	u->head = (u->head + 1) % u->cap;
	u->count--;
}

int unique_seen(struct unique *u, const char *key, size_t n)
{
	uint64_t h = fnv1a(key, n);
	double t = u->secs > 0 ? now() : 0;
	struct uslot *s;
	uint32_t si;

	while (u->secs > 0 && u->count && u->ring[u->head].t < t - u->secs)
		evict_oldest(u);
	if (u->cap) {
		for (si = u->bucket[h & (u->nbucket - 1)]; si != NIL;
		     si = u->ring[si].next) {
			s = &u->ring[si];
			if (s->hash == h && s->len == n &&
			    !memcmp(s->key, key, n))
				return 1;
		}
	}
	if (u->count == u->cap) {
		if (u->cap < u->max_count)
			grow(u);
		else
			evict_oldest(u);
	}
	si = (uint32_t)pos(u, u->count);
	s = &u->ring[si];
	s->key = hs_xmemdup(key, n);
	s->len = n;
	s->hash = h;
	s->t = t;
	link_slot(u, si);
	u->count++;
	return 0;
}

void unique_release(struct unique *u)
{
	for (size_t i = 0; i < u->count; i++)
		free(u->ring[pos(u, i)].key);
	free(u->ring);
	free(u->bucket);
	memset(u, 0, sizeof(*u));
}
