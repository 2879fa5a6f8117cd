/*
 * evcoord.c: finding an event's hs.kafka coordinates (evcoord.h), from a
 * parsed document or cheaply from the raw bytes.  It does not parse events
 * for any other purpose, nor write coordinates out (ack.c, dlq.c).
 */
#include <stdint.h>
#include <string.h>

#include "evcoord.h"
#include "json.h"
#include "banned.h"

uint32_t hs_evcoord_node(const struct hs_json_doc *d)
{
	uint32_t k;

	if (d->n == 0 || hs_json_type(d, 0) != HS_JSON_OBJECT)
		return HS_JSON_NONE;
	k = hs_json_pointer(d, 0, "/hs/kafka", 9);
	if (k == HS_JSON_NONE || hs_json_type(d, k) != HS_JSON_OBJECT)
		return HS_JSON_NONE;
	return k;
}

/* The coordinates in kafka object node k of d. */
static int from_obj(const struct hs_json_doc *d, uint32_t k,
                    struct hs_evcoord *c)
{
	uint32_t t, p, o;
	int64_t part, off;

	if (k == HS_JSON_NONE || hs_json_type(d, k) != HS_JSON_OBJECT)
		return -1;
	t = hs_json_obj_get(d, k, "topic", 5);
	p = hs_json_obj_get(d, k, "partition", 9);
	o = hs_json_obj_get(d, k, "offset", 6);
	if (t == HS_JSON_NONE || p == HS_JSON_NONE || o == HS_JSON_NONE ||
	    !hs_json_str_plain(d, t, &c->topic, &c->topiclen) ||
	    c->topiclen == 0 || c->topiclen > 255 ||
	    hs_json_int64(d, p, &part) < 0 || part < 0 || part > INT32_MAX ||
	    hs_json_int64(d, o, &off) < 0)
		return -1;
	c->partition = (int32_t)part;
	c->offset = off;
	return 0;
}

int hs_evcoord_doc(const struct hs_json_doc *d, struct hs_evcoord *c)
{
	return from_obj(d, hs_evcoord_node(d), c);
}

/*
 * The raw bytes "hs":{"kafka":{ can only be a key, never the inside of a
 * string (where every quote is escaped), and hs-consume puts the member
 * last.  So find the last such key and the small object after it.
 */
static const char *find_kafka(const char *line, size_t len, size_t *objlen)
{
	static const char key[] = "\"hs\":{\"kafka\":";
	const size_t klen = sizeof(key) - 1;
	const char *hit = NULL;

	for (size_t i = len; i >= klen; i--) {
		if (line[i - klen] == '"' &&
		    memcmp(line + i - klen, key, klen) == 0) {
			hit = line + i;
			break;
		}
	}
	if (!hit || hit >= line + len || *hit != '{')
		return NULL;
	/* The kafka object ends at its matching brace: strings inside it
	 * cannot hold raw braces that matter once quotes are tracked. */
	int depth = 0, instr = 0;
	for (const char *p = hit; p < line + len; p++) {
		if (instr) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				instr = 0;
		} else if (*p == '"') {
			instr = 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (--depth == 0) {
				*objlen = (size_t)(p - hit) + 1;
				return hit;
			}
		}
	}
	return NULL;
}

int hs_evcoord_line(struct hs_json_doc *scratch, const char *line, size_t len,
                    struct hs_evcoord *c)
{
	const char *obj;
	size_t objlen;

	obj = find_kafka(line, len, &objlen);
	if (obj && hs_json_parse(scratch, obj, objlen) == 0 &&
	    from_obj(scratch, 0, c) == 0)
		return 0;
	if (hs_json_parse(scratch, line, len) < 0)
		return -1;
	return hs_evcoord_doc(scratch, c);
}
