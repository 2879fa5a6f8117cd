/*
 * pattern.h: Amazon EventBridge event patterns (hs-pattern(7)), compiled
 * many at a time into one matcher.
 *
 * A set (struct hs_pattern) holds any number of patterns, each with an id
 * numbered from 0 in the order added.  All field paths the patterns name
 * form one trie; exact values and "exists" are found through one hash
 * table keyed by (trie node, value), so matching an event costs about the
 * number of event fields the patterns name, not the number of patterns.
 * Case-sensitive prefixes share that table, keyed by (trie node, prefix),
 * and a string costs one lookup per distinct prefix length at its node.
 * Numeric comparisons and ranges on one field path are indexed together
 * (sorted bounds and a segment tree), so a number costs a binary search
 * plus the conditions it satisfies.  Other operators (suffix, wildcard,
 * ...) are tested one by one per field path, for the subrules whose
 * deciding condition they are.
 *
 * Usage:
 *
 *	struct hs_pattern *p = hs_pattern_new();
 *	if (hs_pattern_add(p, text, len, &id, errbuf, sizeof errbuf) < 0)
 *		... errbuf: "/detail/state/0: unknown operator 'prefx'" ...
 *	struct hs_pattern_match m;
 *	hs_pattern_match_init(&m, p);       after the last add
 *	hs_pattern_match(p, &m, &doc, 0);   doc: a parsed event, or
 *	hs_pattern_match_line(p, &m, &doc, line, len);   no full DOM
 *	for (i = 0; i < m.nhits; i++) ... m.hits[i] is a matching id ...
 *	hs_pattern_match_release(&m);
 *	hs_pattern_free(p);
 *
 * A compiled set is read-only while matching, so threads may share it,
 * each with its own struct hs_pattern_match.
 *
 * Semantics in brief (hs-pattern(7) has them all): every field the
 * pattern names must match; a field's array of values matches when any
 * value matches; an event array matches when any element matches; fields
 * matched inside objects of one event array must come from the same
 * element; a missing field matches only {"exists": false}; operators
 * other than exists test leaves only (strings, numbers, booleans, null),
 * never objects or arrays themselves.
 */
#ifndef HS_PATTERN_H
#define HS_PATTERN_H

#include <stddef.h>
#include <stdint.h>

struct hs_buf;
struct hs_json_doc;
struct hs_pattern;

/* Patterns whose $or combinations expand to more terms are refused. */
#define HS_PATTERN_MAX_TERMS 1024

/* An empty set.  Release with hs_pattern_free().  Never NULL. */
struct hs_pattern *hs_pattern_new(void);

/* Free a set and everything it holds (NULL is fine). */
void hs_pattern_free(struct hs_pattern *p);

/*
 * Compile the pattern in text[0..len) (JSON) and add it to the set; *id
 * (if not NULL) gets its number.  An invalid pattern is refused as
 * EventBridge refuses it: returns -1 with errbuf set to "WHERE: REASON",
 * WHERE being the JSON pointer of the offending part of the pattern
 * ("/detail/state/0"), "(root)" for the whole pattern, or "byte N" when
 * the text is not JSON.  The set is unchanged on failure.  No
 * hs_pattern_match_init() may have been done on p yet.
 */
int hs_pattern_add(struct hs_pattern *p, const char *text, size_t len,
                   unsigned *id, char *errbuf, size_t errlen);

/* Number of patterns added. */
unsigned hs_pattern_count(const struct hs_pattern *p);

/*
 * Per-matcher scratch and results.  hits[0..nhits) are the ids of the
 * patterns that matched the last event, each once, in increasing order;
 * bits has bit id set for each of them.
 */
struct hs_pattern_match {
	unsigned *hits;
	unsigned nhits;
	uint64_t *bits;
	/* private */
	uint32_t gen;
	uint32_t *cond_hit, *node_seen, *sub_stamp, *sub_count, *rule_sub;
	uint32_t *cands;
	size_t ncands;
	int arr_obj;
	struct hs_buf *scratch;
};

/*
 * Size the scratch for p.  The first call also builds p's index, so make
 * it before threads share p.  Release with hs_pattern_match_release().
 */
void hs_pattern_match_init(struct hs_pattern_match *m,
                           const struct hs_pattern *p);
void hs_pattern_match_release(struct hs_pattern_match *m);

/*
 * Match the event at node root of doc (usually 0) against every pattern
 * in p.  A root that is not an object is an event with no fields.
 * Returns m->nhits.
 */
unsigned hs_pattern_match(const struct hs_pattern *p,
                          struct hs_pattern_match *m,
                          const struct hs_json_doc *doc, uint32_t root);

/*
 * Parse the event line[0..len) and match it, building tape nodes only
 * for the fields some pattern of p names (hs_json_parse_select()); every
 * other subtree is validated and skipped, so a large event costs one scan
 * and a few nodes.  d is the caller's document, reused across lines; it
 * then holds only those nodes (enough for hs_pattern_explain(), not for
 * reading other fields).  Returns m->nhits, or -1 when the line is not
 * JSON: exactly when hs_json_parse() would refuse it, with the same
 * d->err_code, d->err_off and d->err.  Decides every event as
 * hs_json_parse() followed by hs_pattern_match() does.
 */
int hs_pattern_match_line(const struct hs_pattern *p,
                          struct hs_pattern_match *m, struct hs_json_doc *d,
                          const char *line, size_t len);

/* 1 if pattern id matched the last event, else 0. */
static inline int hs_pattern_hit(const struct hs_pattern_match *m, unsigned id)
{
	return (int)((m->bits[id / 64] >> (id % 64)) & 1);
}

/*
 * Explain why pattern id matched the last event: appends to out a JSON
 * array of the conditions that decided it, each {"field":"detail.state",
 * "test":<the pattern's value list>}, and returns 0; returns -1 (out
 * unchanged) when id did not match.
 */
int hs_pattern_explain(const struct hs_pattern *p,
                       const struct hs_pattern_match *m, unsigned id,
                       struct hs_buf *out);

#endif
