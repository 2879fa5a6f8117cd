/*
 * jqbridge.h: events to libjq values and back.
 *
 * Ownership, libjq's rule, followed to the letter here and by callers:
 * every jv_* function consumes (releases) each jv it is passed and returns
 * a new reference; jv_copy() a value you still need after handing it on.
 * Each function below says whether it consumes its jv argument.
 *
 * Events are parsed by the foundation's parser (json.h) and the jv is built
 * straight from its node tape; measured on ~1 KB EventBridge events this is
 * faster than jv_parse_sized() (see the bench figures in the commit log and
 * tests/unit/test-jqbridge.c).
 *
 * libjq 1.6 holds every number as a double.  hs_jq_lossy() finds the
 * literals that would not survive that, and hs_jq_same() tells when a
 * program's output is the input value unchanged, so the original line can
 * be written byte-identical (literal text, spacing and all).
 */
#ifndef HS_JQBRIDGE_H
#define HS_JQBRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include <jv.h>

struct hs_buf;
struct hs_json_doc;

/*
 * Object keys already made into jv strings, for one thread to reuse across
 * events: event keys repeat, and a key jv shared by reference costs no
 * allocation, no UTF-8 check and no hashing (libjq caches a string's hash
 * in the string).  Holds references to libjq strings whose reference
 * counts are not atomic: a cache and the values built with it belong to
 * one thread.  Bounded: past HS_JQ_KEYS_MAX keys, new keys are built
 * afresh.  Zero-initialised is empty; hs_jq_keys_release() frees it.
 */
#define HS_JQ_KEYS_MAX 1024
struct hs_jq_keys {
	struct hs_jq_key *slot; /* open addressing, 2 * HS_JQ_KEYS_MAX */
	size_t n;
};
void hs_jq_keys_release(struct hs_jq_keys *k);

/*
 * Build the jv for node i of d (and its whole subtree).  scratch is used
 * to decode escaped strings (may be reused across calls; the caller
 * releases it).  keys, or NULL, is a key cache (see above).  Needs no
 * recursion, so any depth the parser accepted is safe.  Returns a new
 * reference, never an invalid jv.
 */
jv hs_jq_from_doc_keys(const struct hs_json_doc *d, uint32_t i,
                       struct hs_buf *scratch, struct hs_jq_keys *keys);
/* hs_jq_from_doc_keys() without a key cache. */
jv hs_jq_from_doc(const struct hs_json_doc *d, uint32_t i,
                  struct hs_buf *scratch);

/*
 * The value libjq gives number literal s[0..n) (a valid JSON number): the
 * nearest double, as strtod() rounds it; overflow gives +-inf, which jq
 * prints as +-DBL_MAX.
 */
double hs_jq_num(const char *s, size_t n);

/*
 * First number node in the subtree of node i (document order) whose value
 * libjq cannot carry exactly (hs_num_fits_double() is false), or
 * HS_JSON_NONE when every number fits.
 */
uint32_t hs_jq_lossy(const struct hs_json_doc *d, uint32_t i);

/*
 * 1 if v (not consumed) is the value of node i with the same members in
 * the same order, so that writing node i's original text says exactly
 * what printing v would say (numbers compare by the double libjq holds,
 * so a literal 1.0 matches 1); else 0.  An object with duplicate keys
 * never matches (libjq keeps only the last).  Stops at the first
 * difference.  scratch as for hs_jq_from_doc().
 */
int hs_jq_same(jv v, const struct hs_json_doc *d, uint32_t i,
               struct hs_buf *scratch);

/*
 * Append v (consumed) to out as compact JSON, exactly as `jq -c` prints it
 * (jv_dump_string() with flags 0: insertion order of keys, numbers as the
 * shortest decimal that reads back, e.g. 1e+20, 1.7976931348623157e+308 for
 * overflow, NaN as null).  No newline.  Returns 0, or -1 if v is invalid
 * (nothing appended).
 */
int hs_jq_dump(jv v, struct hs_buf *out);

/*
 * Append number d as jq 1.6 prints it (what hs_jq_dump() writes for
 * jv_number(d)): NaN as null, infinities as +-DBL_MAX, shortest digits.
 */
void hs_jq_dump_num(double d, struct hs_buf *out);

/*
 * Text of a jq error value (consumed): a string as it is, anything else
 * as jq prints it, "MSG (not a string)"-style: the compact JSON.  Appended
 * to out.
 */
void hs_jq_errmsg(jv msg, struct hs_buf *out);

#endif
