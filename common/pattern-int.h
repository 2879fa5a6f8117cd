/*
 * pattern-int.h: internals shared by pattern.c (the set, trie and hash
 * table), pattern-parse.c (reading a pattern), pattern-index.c (the
 * subrule and numeric indexes) and pattern-match.c (event walk, match and
 * explain).  Not a public header: only those files include it; callers
 * use pattern.h.
 */
#ifndef HS_PATTERN_INT_H
#define HS_PATTERN_INT_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "casefold.h"
#include "err.h"
#include "json.h"
#include "num.h"
#include "pattern.h"

enum tkind {
	T_EXISTS, /* any leaf */
	T_PREFIX, /* s[0] */
	T_SUFFIX, /* s[0] */
	T_EQ_CI,  /* s[0], folded */
	T_PREFIX_CI,
	T_SUFFIX_CI,
	T_WILDCARD, /* w */
	T_NUMERIC,  /* lo/hi */
	T_CIDR,
	T_AB_VALUES, /* anything-but values: s[] are encoded keys */
	T_AB_PREFIX, /* s[] */
	T_AB_SUFFIX,
	T_AB_EQ_CI, /* s[] folded */
	T_AB_PREFIX_CI,
	T_AB_SUFFIX_CI,
	T_AB_WILDCARD /* w[] */
};

/* A wildcard: literal segments between '*'s. */
struct wild {
	char **seg;
	size_t *seglen;
	size_t nseg;
	int star_start, star_end; /* pattern begins / ends with '*' */
};

struct test {
	enum tkind kind;
	uint32_t cond;
	char **s; /* strings (decoded, or folded, or encoded keys) */
	size_t *slen;
	size_t ns;
	struct wild *w;
	size_t nw;
	char *lo, *hi; /* numeric bounds (literal text) or NULL */
	int lo_incl, hi_incl;
	int family; /* cidr: 4 or 6 */
	unsigned char addr[16];
	unsigned bits;
};

struct node {
	uint32_t parent, depth;
	uint32_t koff, klen; /* key in p->arena */
	uint32_t nchild;
	uint32_t nexact;         /* exact-value entries under this node */
	uint32_t *tests, ntests; /* indexed tests evaluated one by one */
	size_t captests;
	uint32_t *plens, nplens; /* distinct indexed prefix lengths, sorted */
	size_t capplens;
	struct numidx *num; /* numeric tests, when indexed (see numidx) */
	char *path;         /* dotted, for explain */
};

/*
 * The numeric tests of one trie node, indexed.  The distinct bounds,
 * sorted by exact value, cut the number line into 2 * nb + 1 slots: slot
 * 2i + 1 is exactly bound i, slot 2i the open interval below it.  Each
 * test covers a contiguous run of slots, stored in a segment tree over
 * the slots (each run in at most 2 log2(slots) tree nodes, so memory is
 * O(tests log tests)); a value finds its slot by binary search and the
 * tests it satisfies on the path from its leaf to the root.  Values and
 * bounds are compared as order keys (num_key()), so the search is memcmp.
 */
struct numidx {
	char **key; /* order keys of the distinct bounds, sorted (owned) */
	size_t *klen;
	uint32_t nb;
	uint32_t leaves; /* power of two >= 2 * nb + 1 */
	uint32_t *start; /* per tree node: first item; 2 * leaves + 1 */
	uint32_t *items; /* test ids */
};

struct cond {
	uint32_t sub, node;
	int absent_ok;
	char *desc;  /* the pattern's value list, JSON text */
	char **keys; /* exact values, encoded */
	size_t *klen, nkeys;
	uint32_t *tests, ntests;
};

struct sub {
	uint32_t rule;
	uint32_t need; /* indexed positive conditions: 1, or 0 */
	uint32_t npos; /* positive conditions */
	uint32_t *conds, ncond;
	uint32_t key; /* the indexed positive condition */
};

enum { E_CHILD = 1, E_VALUE, E_PREFIX };

struct ent {
	uint64_t h;
	uint32_t owner;
	uint8_t kind, vtype;
	uint32_t koff, klen;
	uint32_t child;
	uint32_t uses; /* conditions naming this value */
	uint32_t *conds, nconds;
	size_t capc;
};

struct hs_pattern {
	struct node *nodes;
	size_t nnodes, capnodes;
	struct cond *conds;
	size_t nconds, capconds;
	struct sub *subs;
	size_t nsubs, capsubs;
	struct test *tests;
	size_t ntests, captests;
	struct ent *ents;
	size_t nents, capents;
	uint32_t *slots; /* index + 1 into ents, 0 empty */
	size_t nslots;
	uint32_t *always; /* subrules with no positive condition */
	size_t nalways, capalways;
	struct hs_buf arena;
	unsigned nrules;
	int frozen;
};

/* value encoding: exact values compare as (type, bytes) */
enum { V_STR = 's', V_NUM = 'n', V_TRUE = 't', V_FALSE = 'f', V_NULL = 'z' };

/* The state of reading one pattern (pattern-parse.c, for hs_pattern_add()). */
struct cc {
	struct hs_pattern *p;
	const struct hs_json_doc *d;
	struct hs_buf ptr; /* JSON pointer of the node in hand */
	char *errbuf;
	size_t errlen;
	struct hs_buf tmp;
	/* leaf specs of the pattern being compiled */
	struct spec {
		char *path; /* keys, each as uint32 length + bytes */
		size_t pathlen;
		uint32_t vals; /* the value array node */
	} * specs;
	size_t nspecs, capspecs;
};

/* DNF terms: each a list of leaf specs that must all hold. */
struct terms {
	uint32_t **t; /* each term: spec indices */
	size_t *n;
	size_t count;
};

/* defined in pattern.c */
uint32_t hs_pat_ent_get(struct hs_pattern *p, uint32_t owner, int kind,
                        int vtype, const char *k, size_t n);
void hs_pat_wild_free(struct wild *w);

/* defined in pattern-parse.c, used by pattern.c */
int hs_pat_object_compile(struct cc *c, uint32_t o, const char *prefix,
                          size_t plen, struct terms *out);
void hs_pat_cond_build(struct cc *c, uint32_t cond, uint32_t arr);
void hs_pat_terms_free(struct terms *ts);

/* defined in pattern-index.c */
void hs_pat_numidx_free(struct numidx *x);

/* used by pattern-match.c: build_index, num_key and num_slot in
 * pattern-index.c, the others in pattern.c */
void hs_pat_build_index(struct hs_pattern *p);
uint32_t hs_pat_ent_find(const struct hs_pattern *p, uint64_t h, uint32_t owner,
                         int kind, int vtype, const char *k, size_t n);
uint64_t hs_pat_hash_key(uint32_t owner, int kind, int vtype, const char *k,
                         size_t n);
void hs_pat_num_encode(struct hs_buf *out, const char *s, size_t n);
void hs_pat_num_key(struct hs_buf *out, const char *s, size_t n);
uint32_t hs_pat_num_slot(const struct numidx *x, const char *k, size_t n);
int hs_pat_wild_match(const struct wild *w, const char *s, size_t n);

#endif
