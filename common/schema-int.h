/*
 * schema-int.h: declarations shared inside common/schema (not its public
 * interface, which is schema.h): the keyword table's row type.  The
 * table itself, and what each row's handler does, live in schema.c.
 */
#ifndef HS_SCHEMA_INT_H
#define HS_SCHEMA_INT_H

#include <stddef.h>
#include <stdint.h>

struct hs_schema_kw;
struct hs_schema_kwarg; /* the keyword being compiled, in schema.c */

/* The drafts a keyword is compiled in: bit 1 << dialect. */
enum {
	HS_SCHEMA_DR2020 = 1,
	HS_SCHEMA_DR2019 = 2,
	HS_SCHEMA_DR7 = 4,
	HS_SCHEMA_DR2019ON = 3, /* 2019-09 and 2020-12 */
	HS_SCHEMA_DRALL = 7
};

/* Whether, and how, a keyword's value holds subschemas (for indexing). */
enum hs_schema_sub {
	HS_SCHEMA_SUB_NONE,
	HS_SCHEMA_SUB_ONE,   /* a schema */
	HS_SCHEMA_SUB_ARRAY, /* an array of schemas */
	HS_SCHEMA_SUB_MAP,   /* an object of schemas */
	HS_SCHEMA_SUB_ITEMS, /* a schema or an array of schemas */
	HS_SCHEMA_SUB_DEPS   /* an object of schemas or string arrays */
};

/* One keyword: everything hs knows about it sits in its row. */
struct hs_schema_kw {
	const char *name;
	uint8_t drafts; /* HS_SCHEMA_DR* bits: compiled in these drafts */
	uint8_t sub;    /* enum hs_schema_sub */
	uint8_t valid;  /* in the validation vocabulary */
	char mode;      /* edge_map: 's' schemas, 'r' regexes, 'q' required */
	size_t off;     /* the struct snode member the handler fills */
	int (*compile)(const struct hs_schema_kw *kw,
	               const struct hs_schema_kwarg *a);
};

/* The table, sorted by name (strcmp), and its length. */
extern const struct hs_schema_kw hs_schema_kws[];
extern const size_t hs_schema_nkws;

/* The row for keyword name[0..len), or NULL. */
const struct hs_schema_kw *hs_schema_kw_find(const char *name, size_t len);

#endif
