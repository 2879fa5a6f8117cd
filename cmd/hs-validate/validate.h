/*
 * validate.h: what hs-validate's files share.  main.c parses options
 * and runs the record loop; registry.c finds and compiles schemas (one
 * file, or a registry directory) and loads referenced documents through
 * --ref-map; unique.c is the bounded duplicate window; summary.c the
 * --summary report.
 */
#ifndef HS_VALIDATE_H
#define HS_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "schema.h"

/* --ref-map PREFIX=DIR, in the order given; the longest prefix wins. */
struct refmap {
	char **prefix, **dir; /* owned */
	size_t n;
};

/* Parse "PREFIX=DIR" into m.  Returns 0, or -1 with errbuf set. */
int refmap_add(struct refmap *m, const char *arg, char *errbuf, size_t errlen);
void refmap_release(struct refmap *m);

/* hs_schema_load_fn over a struct refmap (and file: URIs). */
int refmap_load(void *ctx, const char *uri, struct hs_buf *out, char *errbuf,
                size_t errlen);

/* One schema per (source, detail-type), a default, or just one. */
struct registry {
	struct reg_entry *ent; /* sorted by source, then detail-type */
	size_t n;
	struct hs_schema *def; /* DIR/default.json, or --schema's */
};

/*
 * Compile FILE (--schema) as the one schema.  Returns 0, or -1 with
 * errbuf set.
 */
int registry_one(struct registry *r, const char *file,
                 const struct hs_schema_opts *o, char *errbuf, size_t errlen);

/*
 * Compile every DIR/<source>/<detail-type>.json and DIR/default.json.
 * Returns 0, or -1 with errbuf set.
 */
int registry_dir(struct registry *r, const char *dir,
                 const struct hs_schema_opts *o, char *errbuf, size_t errlen);

/* The schema for this source and detail-type (the default when none
 * fits; NULL when there is no default either). */
struct hs_schema *registry_find(const struct registry *r, const char *src,
                                size_t srclen, const char *dt, size_t dtlen);
void registry_release(struct registry *r);

/*
 * The --unique window: the last max_count keys, or those seen in the
 * last secs seconds (at most max_count), in a hash set evicted in
 * first-in, first-out order, so memory stays bounded.
 */
struct unique {
	struct uslot *ring; /* cap slots, a FIFO from head */
	size_t cap, max_count, head, count;
	uint32_t *bucket; /* heads of chains, nbucket a power of two */
	size_t nbucket;
	double secs; /* 0: a window of max_count events */
};

void unique_init(struct unique *u, size_t max_count, double secs);
/* 1 when key[0..n) is in the window (a duplicate), else 0 after adding
 * it. */
int unique_seen(struct unique *u, const char *key, size_t n);
void unique_release(struct unique *u);

/* --summary: failures by source/detail-type and keyword location. */
struct summary {
	struct sum_row *rows;
	size_t n, cap;
	uint64_t events, invalid;
};

/* Count one failure; example is kept for the first of its group. */
void summary_add(struct summary *s, const char *group, const char *kwloc,
                 const char *example);
void summary_print(const struct summary *s, FILE *f);
void summary_release(struct summary *s);

#endif
