/*
 * schema.h: JSON Schema validation, draft 2020-12 (the default),
 * 2019-09 and draft-07, chosen per resource by "$schema".
 *
 * A schema document is compiled once into an internal graph: every
 * subschema reached from the root becomes one node, "$ref" and
 * "$dynamicRef" become edges resolved against base URIs set by "$id",
 * "$anchor" and "$dynamicAnchor".  Documents a reference names but the
 * schema does not hold are fetched through a caller's loader callback
 * only: this module never opens a file or a socket itself.
 *
 * Validation reports errors in JSON Schema's "basic" output shape:
 *
 *   {"valid":false,"errors":[{"instanceLocation":"/detail/id",
 *     "keywordLocation":"/properties/detail/$ref/minimum",
 *     "absoluteKeywordLocation":"file:///s/d.json#/minimum",
 *     "error":"..."}]}
 *
 * Numbers are compared by their exact decimal literals (num.h), string
 * lengths count code points, and "pattern" uses regex.h (ECMA-262 through
 * PCRE2 with a match limit).
 */
#ifndef HS_SCHEMA_H
#define HS_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

struct hs_schema; /* opaque */

/*
 * Fetch the document named by an absolute URI (no fragment) into out
 * (appending its text).  Returns 0, or -1 with errbuf set.
 */
typedef int (*hs_schema_load_fn)(void *ctx, const char *uri, struct hs_buf *out,
                                 char *errbuf, size_t errlen);

struct hs_schema_opts {
	hs_schema_load_fn load; /* NULL: every external reference fails */
	void *load_ctx;
	int assert_format;   /* 1: "format" is an assertion */
	unsigned max_errors; /* errors kept per instance; 0 means 10 */
};

/* Validation results. */
#define HS_SCHEMA_VALID 1
#define HS_SCHEMA_INVALID 0
#define HS_SCHEMA_LIMIT (-1) /* a regex, recursion or step limit stopped it */
/* Subschema applications allowed per event and pass (about 50 ms). */
#define HS_SCHEMA_MAX_STEPS 1000000

struct hs_schema_result {
	struct hs_buf out;       /* basic output JSON, set when not valid */
	struct hs_buf first_kw;  /* keywordLocation of the first error */
	struct hs_buf first_msg; /* its message */
	unsigned nerrors;        /* errors found (may exceed those kept) */
	const char *limit;       /* with HS_SCHEMA_LIMIT: "regex_limit",
	                          "too_deep" or "schema_limit" */
};

/*
 * Compile the schema document text[0..len), whose own URI is base_uri
 * (absolute, used to resolve relative references; NULL for a neutral
 * "urn:hs:schema").  The text is copied.  Returns a new schema, released
 * with hs_schema_free(), or NULL with errbuf set: malformed JSON, an
 * unknown "$schema" dialect, an unresolvable reference, a bad regular
 * expression, or a keyword with a value of the wrong kind.
 */
struct hs_schema *hs_schema_new(const char *text, size_t len,
                                const char *base_uri,
                                const struct hs_schema_opts *o, char *errbuf,
                                size_t errlen);

/* Release everything s holds (NULL is fine). */
void hs_schema_free(struct hs_schema *s);

/* Prepare an empty result; release with hs_schema_result_release(). */
void hs_schema_result_init(struct hs_schema_result *r);
void hs_schema_result_release(struct hs_schema_result *r);

/*
 * Validate node inst of document d against s.  iprefix (NULL for "")
 * is put in front of every instanceLocation, for callers validating a
 * part of a larger document.  Returns HS_SCHEMA_VALID, HS_SCHEMA_INVALID
 * (r->out holds the basic output) or HS_SCHEMA_LIMIT (r->limit names the
 * limit, r->out holds what was found so far).  Not thread-safe for one s.
 */
int hs_schema_validate(struct hs_schema *s, const struct hs_json_doc *d,
                       uint32_t inst, const char *iprefix,
                       struct hs_schema_result *r);

#endif
