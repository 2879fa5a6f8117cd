/*
 * jqnative.h: a native evaluator for a common subset of jq programs,
 * run straight on the parser's tape (json.h) without libjq.
 *
 * libjq 1.6 stays the reference: a program is always compiled by libjq
 * first (so its syntax errors keep jq's wording), and only then offered
 * to hs_jqn_compile(), which accepts it when every construct is in the
 * subset below and says "not supported" otherwise.  At run time the
 * evaluator gives up on an event ("punts": HS_JQN_PUNT) whenever it meets
 * anything it does not reproduce exactly (every error, NaN, unusual
 * kinds); the caller then drops what was emitted for that event and runs
 * libjq on it, so errors are always worded by libjq.  Outputs are the
 * bytes `jq -c` (1.6) prints for the same values.
 *
 * The subset: . .foo ."foo" .["foo"] .[E] .[] (each with ?), number,
 * string (escapes, no interpolation), true false null, $name of a named
 * argument, [E], {...} (key: E, "key": E, (E): E, key, "key", $name),
 * | , // and or, == != < <= > >=, + - * / %, unary -, parentheses,
 * if-elif-else-end, comments, and the builtins length ascii_downcase
 * ascii_upcase add select map tostring tonumber tojson keys keys_unsorted
 * has type empty not values first last startswith endswith ltrimstr
 * rtrimstr join utf8bytelength.  Not: def, as, reduce, foreach, try,
 * label, .., slices, formats, assignment operators, other builtins.
 *
 * Ownership: libjq's rule for jv arguments (see jqbridge.h) where a jv is
 * passed; hs_jqn_compile() does not consume args.
 */
#ifndef HS_JQNATIVE_H
#define HS_JQNATIVE_H

#include <stddef.h>

#include <jv.h>

struct hs_json_doc;

/* hs_jqn_run(): libjq must answer this event instead. */
#define HS_JQN_PUNT (-1)

struct hs_jqn;
struct hs_jqn_state;

/*
 * Compile program (a text libjq already compiled) with the named
 * arguments args (an object of $name values, not consumed; jv_null()
 * for none).  Returns the program, to release with hs_jqn_free(), or NULL
 * with the reason it is outside the subset in errbuf.  The program is
 * read-only afterwards: threads may share it.  Touches args' reference
 * counts, so call it from one thread at a time.
 */
struct hs_jqn *hs_jqn_compile(const char *program, jv args, char *errbuf,
                              size_t errlen);
void hs_jqn_free(struct hs_jqn *p);

/*
 * Per-thread evaluation memory (an arena reset for every event).
 * Release with hs_jqn_state_free().
 */
struct hs_jqn_state *hs_jqn_state_new(void);
void hs_jqn_state_free(struct hs_jqn_state *s);

/*
 * Called once per output, in jq's order.  same is 1 when the output is
 * the input value unchanged in the sense hs-transform writes the original
 * line for (the input itself, or a value hs_jq_same() would match), and
 * json/len are then NULL/0; else json[0..len) is the output as `jq -c`
 * prints it (no newline; valid until the next call).  A nonzero return
 * stops the run and is returned by hs_jqn_run().
 */
typedef int (*hs_jqn_emit)(void *ctx, int same, const char *json, size_t len);

/*
 * Run p on the event d (node 0 is the input).  Returns 0 when every
 * output was emitted, HS_JQN_PUNT when libjq must run the event instead
 * (outputs already emitted are to be discarded), or the emitter's
 * nonzero return.  d must stay unchanged during the call.
 */
int hs_jqn_run(const struct hs_jqn *p, struct hs_jqn_state *s,
               const struct hs_json_doc *d, hs_jqn_emit emit, void *ctx);

#endif
