/*
 * schema-int.h: what the files of common/schema share and nothing else
 * may use (the public interface is schema.h): the compiled form (documents,
 * resources, anchors, nodes, edges), the keyword table's row type, the
 * small document helpers, and the functions one file calls in another.
 *   schema.c          errors, URIs, dialects, loading and indexing
 *                     documents, hs_schema_new/free
 *   schema-compile.c  resolving references, the keyword table, compiling
 *   schema-eval.c     validation: the walk over nodes, every keyword's
 *                     check, dynamic scope, hs_schema_validate
 *   schema-output.c   validation results: error records and their paths
 */
#ifndef HS_SCHEMA_INT_H
#define HS_SCHEMA_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "schema.h"

struct hs_regex;

#define NONE UINT32_MAX
#define MAX_DEPTH 1500 /* nested subschema evaluations per instance */
#define MAX_DOCS 256   /* documents one schema may pull in */

enum dialect { D2020, D2019, D7 };

/* Instance type bits for "type". */
enum {
	T_NULL = 1,
	T_BOOL = 2,
	T_NUMBER = 4,
	T_INTEGER = 8,
	T_STRING = 16,
	T_ARRAY = 32,
	T_OBJECT = 64
};

/* One loaded document.  Per-node arrays are indexed by JSON node. */
struct sdoc {
	char *text; /* owned */
	size_t len;
	struct hs_json_doc doc;
	uint32_t *parent; /* parent JSON node, NONE for the root */
	uint32_t *res;    /* the resource each JSON node belongs to */
	uint32_t *cnode;  /* compiled node, NONE when not compiled yet */
	int used;         /* reached by a reference, not only by $schema */
};

/* A schema resource: a document root or a subschema with "$id". */
struct sres {
	char *uri; /* absolute, no fragment */
	uint32_t doc, node;
	uint8_t dialect;
	uint8_t novalid; /* metaschema leaves out the validation vocabulary */
	uint8_t alias;   /* a retrieval URI, not a resource of its own */
};

struct sanchor {
	char *name;
	uint32_t res, doc, node;
	int dynamic;
	uint32_t cnode;
};

struct lit {
	const char *p; /* number literal in the schema text, NULL if absent */
	size_t n;
};

/* An edge to a subschema, with the keyword path that leads there. */
struct edge {
	uint32_t node;
	char *rel;  /* "properties/a~1b": JSON Pointer tokens, owned */
	char *name; /* decoded property name (properties, dependent*) */
	size_t namelen;
	struct hs_regex *re; /* patternProperties */
	uint32_t json;       /* dependentRequired: the array node */
};

struct range {
	uint32_t start, n;
};

struct snode {
	int8_t boolean; /* -1: an object schema; 0/1: false/true */
	uint8_t dialect;
	uint8_t novalid;
	uint8_t unique;
	uint8_t has_uneval;
	uint32_t types;
	uint32_t res, doc, at;
	char *abs; /* absolute URI of this schema, "uri#/pointer" */
	struct lit maximum, exmaximum, minimum, exminimum, multipleof;
	int64_t maxlen, minlen, maxitems, minitems, maxprops, minprops;
	int64_t maxcontains, mincontains;
	uint32_t constv, enumv; /* JSON nodes in doc */
	struct hs_regex *pattern;
	char *format;
	struct range allof, anyof, oneof, prefix, props, pprops, depschemas,
	    depreq, required;
	uint32_t e_not, e_if, e_then, e_else, e_items, e_contains, e_addprops,
	    e_propnames, e_uprops, e_uitems, e_ref, e_dynref;
	char *dynname; /* $dynamicRef resolved at run time by this anchor */
};

/* Frames of the instance path, rendered only when an error is kept. */
struct iseg {
	uint32_t key; /* string node of the member name, or NONE */
	uint32_t idx;
};

struct hs_schema {
	struct hs_schema_opts o;
	struct sdoc *docs;
	uint32_t ndocs;
	size_t capdocs;
	struct sres *res;
	uint32_t nres;
	size_t capres;
	struct sanchor *anchors;
	uint32_t nanchors;
	size_t capanchors;
	struct snode *nodes;
	uint32_t nnodes;
	size_t capnodes;
	struct edge *edges;
	uint32_t nedges;
	size_t capedges;
	uint32_t root;
	char *errbuf;
	size_t errlen;
	int failed;

	/* validation state, reused from event to event */
	const struct hs_json_doc *d;
	int collect;
	int limit;      /* 1 regex, 2 depth, 3 steps */
	uint64_t steps; /* subschema applications in this pass */
	unsigned depth;
	struct hs_buf *errs;
	unsigned nerr, nerr_total;
	struct hs_schema_result *r;
	const char *iprefix;
	struct iseg ipath[MAX_DEPTH + 8];
	unsigned ni;
	const char *kpath[2 * MAX_DEPTH + 8];
	unsigned nk;
	uint32_t scope[MAX_DEPTH + 8];
	unsigned nscope;
	struct hs_buf tmp;
};

#define N(s, i) (&(s)->nodes[(i)])

/* ---- the keyword table (schema-compile.c) ---- */

struct hs_schema_kw;
struct hs_schema_kwarg; /* the keyword being compiled */

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

/* The row for member key k (decoded), or NULL. */
const struct hs_schema_kw *hs_schema_kw_of(const struct hs_json_doc *d,
                                           uint32_t k);

/* Compile the subschema at JSON node i of document di; NONE after fail. */
uint32_t hs_schema_compile(struct hs_schema *s, uint32_t di, uint32_t i);

/* ---- schema.c ---- */

/* Keep the first compile error in s->errbuf; returns -1. */
int hs_schema_fail(struct hs_schema *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *hs_schema_uri_resolve(const char *base, const char *ref);
char *hs_schema_split_frag(char *uri);
char *hs_schema_str_dup(const struct hs_json_doc *d, uint32_t i);
void hs_schema_add_token(struct hs_buf *b, const char *s, size_t n);
int hs_schema_load_doc(struct hs_schema *s, const char *uri, int dl,
                       uint32_t *out);

static inline const struct hs_json_doc *DOC(struct hs_schema *s, uint32_t di)
{
	return &s->docs[di].doc;
}

/* Member key as a NUL-terminated string in b (decoded). */
static inline const char *key_str(const struct hs_json_doc *d, uint32_t k,
                                  struct hs_buf *b)
{
	hs_buf_reset(b);
	hs_json_str_decode(d, k, b);
	return b->data;
}

static inline int key_is(const struct hs_json_doc *d, uint32_t k, const char *s)
{
	return hs_json_str_eq(d, k, s, strlen(s));
}

static inline uint32_t get(struct hs_schema *s, uint32_t di, uint32_t obj,
                           const char *key)
{
	return hs_json_obj_get(DOC(s, di), obj, key, strlen(key));
}

/* ---- validation errors (schema-output.c) ---- */

/* Record one error at the current locations (when errors are wanted). */
void hs_schema_verr(struct hs_schema *s, uint32_t node, const char *kw,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
