/*
 * regex.h: ECMA-262 regular expressions (as JSON Schema's "pattern" and
 * "patternProperties" use them) run by PCRE2 with bounded run time.
 *
 * The pattern is translated where the two dialects differ: \d and \w stay
 * ASCII (no PCRE2_UCP), \s and \S gain ECMA-262's Unicode white space,
 * '$' matches only at the very end, and '.' and classes work on code
 * points (PCRE2_UTF).  Matching is unanchored, as JSON Schema requires.
 * A match that exceeds the match or depth limit reports
 * HS_REGEX_LIMIT instead of running on: a catastrophic pattern costs one
 * event an error, never the process its liveness.
 */
#ifndef HS_REGEX_H
#define HS_REGEX_H

#include <stddef.h>

struct hs_regex; /* opaque: the compiled code and its match data */

#define HS_REGEX_NOMATCH 0
#define HS_REGEX_MATCH 1
#define HS_REGEX_LIMIT (-1) /* match limit, depth limit or JIT stack hit */

/* Default backtracking budget per match (pcre2_set_match_limit). */
#define HS_REGEX_MATCH_LIMIT 200000u

/*
 * Compile ECMA-262 source src[0..n) (UTF-8).  Returns a new regex the
 * caller frees with hs_regex_free(), or NULL with errbuf set.
 */
struct hs_regex *hs_regex_new(const char *src, size_t n, char *errbuf,
                              size_t errlen);

/* Free re (NULL is fine). */
void hs_regex_free(struct hs_regex *re);

/*
 * Search subject[0..n) (valid UTF-8) for a match anywhere.  Returns
 * HS_REGEX_MATCH, HS_REGEX_NOMATCH or HS_REGEX_LIMIT.  Not thread-safe
 * for one re (the match data is shared).
 */
int hs_regex_search(struct hs_regex *re, const char *subject, size_t n);

/* 1 if src[0..n) compiles as an ECMA-262 pattern here, else 0. */
int hs_regex_valid(const char *src, size_t n);

#endif
