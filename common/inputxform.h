/*
 * inputxform.h: EventBridge's input transformer (InputPathsMap and
 * InputTemplate), independent of jq, so hs-transform and hs-fanout's
 * targets share one implementation.
 *
 * InputPathsMap is a JSON object of up to 100 name -> path pairs, as the
 * API (InputTransformer) limits it: a name is [A-Za-z0-9_-]+ of at most 256
 * characters, not starting with "AWS." (any case); a path has at most 256
 * characters and is "$" followed by ".member", "[index]" and wildcard
 * (".*", "[*]") steps ("$.detail.id", "$.resources[0]",
 * "$.detail.items[*].id").  A path with a wildcard gives the JSON array of
 * every match, in document order ([] when nothing matches).
 * InputTemplate (1 to 8192 characters) is text with <name> placeholders,
 * plus the reserved <aws.events.event> (the event without its "detail"),
 * <aws.events.event.json> (the whole event, as JSON), <aws.events.rule-name>,
 * <aws.events.rule-arn> and <aws.events.event.ingestion-time>.  A <...>
 * that names nothing defined stays as it is.  In a JSON template a
 * placeholder cannot be an object key.
 *
 * Quoting follows EventBridge:
 *  - outside a JSON string literal of the template, a value is inserted as
 *    JSON: a string with its quotes, numbers with their literal text,
 *    objects and arrays as their original text; a path that does not exist
 *    gives null;
 *  - inside a string literal ("instance <id> is <state>"), a string is
 *    inserted without its quotes, exactly as the event spells it (escapes
 *    kept, so the result stays valid JSON); another value as its JSON text,
 *    escaped so the literal stays a valid string; a missing path gives
 *    nothing;
 *  - a template that does not start with '{', '[' or '"' is plain text:
 *    strings are inserted decoded, other values as JSON text.
 * A JSON template is minified: whitespace outside strings is dropped, as
 * EventBridge does before it hands the text to the target.
 */
#ifndef HS_INPUTXFORM_H
#define HS_INPUTXFORM_H

#include <stddef.h>

struct hs_buf;
struct hs_json_doc;
struct hs_inputxform;

#define HS_INPUTXFORM_MAX_PATHS 100     /* keys in InputPathsMap */
#define HS_INPUTXFORM_MAX_KEY 256       /* characters of a key */
#define HS_INPUTXFORM_MAX_PATH 256      /* characters of a path */
#define HS_INPUTXFORM_MAX_TEMPLATE 8192 /* characters of InputTemplate */

/*
 * Compile a transformer.  paths_map_json may be NULL or "" (no variables).
 * Returns a new object (free with hs_inputxform_free()), or NULL with
 * errbuf set: paths map not a JSON object of strings, a reserved or
 * invalid name, a path that is not "$..." dot/index/wildcard notation, a
 * limit above passed, an empty template, a placeholder as an object key.
 */
struct hs_inputxform *hs_inputxform_compile(const char *paths_map_json,
                                            const char *template_text,
                                            char *errbuf, size_t errlen);

/*
 * Fill the template for event (node 0 of ev, whose text is the event's
 * exact bytes) and append the result to out (no newline).  rule_name may
 * be NULL (""); the rule ARN is built as EventBridge's
 * "arn:aws:events:REGION:ACCOUNT:rule/NAME" from the event's "region" and
 * "account".  The ingestion time is the current UTC time.  x is not
 * changed, so threads may share it.  Returns 0 (-1 is reserved for
 * failures; none is possible today).
 */
int hs_inputxform_apply(const struct hs_inputxform *x,
                        const struct hs_json_doc *ev, const char *rule_name,
                        struct hs_buf *out);

/* 1 when the template is JSON (object, array or string), 0 for text. */
int hs_inputxform_is_json(const struct hs_inputxform *x);

void hs_inputxform_free(struct hs_inputxform *x);

#endif
