/*
 * envelope.c: one Kafka record into one output line.
 *
 * event:  a JSON object value passes through byte-identical except that
 *         "id" (when absent) and "hs":{"kafka":{...}} are spliced in just
 *         before its closing brace.  Line breaks between tokens (the only
 *         place a valid JSON text can hold one) become spaces, so a
 *         pretty-printed value cannot break the line framing.
 * record: {"topic",...,"headers":[[n,v]...],"value":...}.
 * value:  the raw value; one holding a newline is dead-lettered.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "consume.h"
#include "banned.h"

void envelope_init(struct envelope_ctx *e, enum envelope mode,
                   unsigned max_depth)
{
	memset(e, 0, sizeof(*e));
	e->mode = mode;
	hs_json_doc_init(&e->doc);
	e->doc.max_depth = max_depth;
	hs_buf_init(&e->line);
	hs_buf_init(&e->kafka);
	hs_buf_init(&e->scratch);
}

void envelope_release(struct envelope_ctx *e)
{
	hs_json_doc_release(&e->doc);
	hs_buf_release(&e->line);
	hs_buf_release(&e->kafka);
	hs_buf_release(&e->scratch);
}

/* Bytes as a JSON string when UTF-8, {"base64":"..."} otherwise, null
 * when absent. */
static void add_bytes(struct hs_buf *b, const void *p, size_t n)
{
	if (!p) {
		hs_buf_adds(b, "null");
	} else if (hs_utf8_valid(p, n, NULL)) {
		hs_json_write_str(b, p, n);
	} else {
		hs_buf_adds(b, "{\"base64\":\"");
		hs_base64_add(b, p, n);
		hs_buf_adds(b, "\"}");
	}
}

/* Copy JSON text, turning CR and LF (whitespace there) into spaces. */
static void add_flat(struct hs_buf *b, const char *p, size_t n)
{
	size_t start = b->len;

	hs_buf_add(b, p, n);
	if (!memchr(p, '\n', n) && !memchr(p, '\r', n))
		return;
	for (size_t i = start; i < b->len; i++)
		if (b->data[i] == '\n' || b->data[i] == '\r')
			b->data[i] = ' ';
}

/* Append v in decimal: printf costs more than the rest of a record's
 * coordinates together. */
static void add_int(struct hs_buf *b, int64_t v)
{
	char tmp[24], *q = tmp + sizeof(tmp);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	hs_buf_add(b, q, (size_t)(tmp + sizeof(tmp) - q));
}

/* The coordinate members shared by hs.kafka and the record envelope,
 * without the closing brace.  hdrs is the record's header list or NULL. */
static void add_coords(struct hs_buf *b, const rd_kafka_message_t *m,
                       rd_kafka_headers_t *hdrs)
{
	rd_kafka_timestamp_type_t tstype;
	int64_t ts = rd_kafka_message_timestamp(m, &tstype);
	const char *name;
	const void *val;
	size_t vlen;
	const char *topic = rd_kafka_topic_name(m->rkt);

	hs_buf_adds(b, "{\"topic\":");
	hs_json_write_str(b, topic, strlen(topic));
	hs_buf_adds(b, ",\"partition\":");
	add_int(b, m->partition);
	hs_buf_adds(b, ",\"offset\":");
	add_int(b, m->offset);
	if (tstype == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
		hs_buf_adds(b, ",\"timestamp\":null,\"timestamp_type\":null");
	} else {
		hs_buf_adds(b, ",\"timestamp\":");
		add_int(b, ts);
		hs_buf_adds(b, tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME
		                   ? ",\"timestamp_type\":\"create\""
		                   : ",\"timestamp_type\":\"log_append\"");
	}
	hs_buf_adds(b, ",\"key\":");
	add_bytes(b, m->key, m->key_len);
	hs_buf_adds(b, ",\"headers\":[");
	for (size_t i = 0;
	     hdrs && rd_kafka_header_get_all(hdrs, i, &name, &val, &vlen) == 0;
	     i++) {
		hs_buf_adds(b, i ? ",[" : "[");
		add_bytes(b, name, strlen(name));
		hs_buf_addc(b, ',');
		add_bytes(b, val, vlen);
		hs_buf_addc(b, ']');
	}
	hs_buf_addc(b, ']');
}

/* The record's headers, or NULL when it has none. */
static rd_kafka_headers_t *headers_of(const rd_kafka_message_t *m)
{
	rd_kafka_headers_t *hdrs;

	if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR ||
	    rd_kafka_header_cnt(hdrs) == 0)
		return NULL;
	return hdrs;
}

void envelope_details(struct envelope_ctx *e, const rd_kafka_message_t *m,
                      struct hs_buf *out)
{
	(void)e;
	add_coords(out, m, headers_of(m));
	hs_buf_addc(out, '}');
}

static enum verdict reject(struct envelope_ctx *e, const char *reason,
                           const char *fmt, const char *arg)
{
	e->reason = reason;
	snprintf(e->msg, sizeof(e->msg), fmt, arg);
	return V_DLQ;
}

/* The last value of header name in hdrs (may be NULL), or NULL. */
static const char *header(rd_kafka_headers_t *hdrs, const char *name,
                          size_t *len)
{
	const void *v;

	if (!hdrs || rd_kafka_header_get_last(hdrs, name, &v, len) !=
	                 RD_KAFKA_RESP_ERR_NO_ERROR)
		return NULL;
	return v;
}

static enum verdict parse_value(struct envelope_ctx *e,
                                const rd_kafka_message_t *m)
{
	e->value_is_json = 0;
	if (hs_json_parse(&e->doc, m->payload, m->len) < 0) {
		char why[200];

		e->reason = hs_json_error_reason(e->doc.err_code);
		hs_json_error_text(&e->doc, why, sizeof why);
		snprintf(e->msg, sizeof(e->msg), "value %s", why);
		return V_DLQ;
	}
	e->value_is_json = 1;
	return V_OUT;
}

static void add_id(struct envelope_ctx *e, const rd_kafka_message_t *m)
{
	const char *topic = rd_kafka_topic_name(m->rkt);

	hs_buf_reset(&e->scratch);
	hs_buf_addf(&e->scratch, "kafka:%s:%" PRId32 ":%" PRId64, topic,
	            m->partition, m->offset);
	hs_buf_adds(&e->line, "\"id\":");
	hs_json_write_str(&e->line, e->scratch.data, e->scratch.len);
}

/*
 * CloudEvents binary mode: ce_id, ce_source and ce_type headers, the
 * value (JSON) as detail.
 */
static enum verdict ce_binary(struct envelope_ctx *e,
                              const rd_kafka_message_t *m,
                              rd_kafka_headers_t *hdrs)
{
	static const struct {
		const char *hdr, *member;
	} map[] = {{"ce_id", "id"},
	           {"ce_source", "source"},
	           {"ce_type", "detail-type"},
	           {"ce_time", "time"}};
	const char *v;
	size_t n;

	if (parse_value(e, m) != V_OUT)
		return V_DLQ;
	hs_buf_addc(&e->line, '{');
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (!(v = header(hdrs, map[i].hdr, &n)))
			continue;
		if (!hs_utf8_valid(v, n, NULL))
			return reject(e, "invalid_utf8",
			              "header '%s' is not UTF-8", map[i].hdr);
		if (e->line.len > 1)
			hs_buf_addc(&e->line, ',');
		hs_json_write_str(&e->line, map[i].member,
		                  strlen(map[i].member));
		hs_buf_addc(&e->line, ':');
		hs_json_write_str(&e->line, v, n);
	}
	hs_buf_adds(&e->line, ",\"detail\":");
	add_flat(&e->line, hs_json_raw(&e->doc, 0), e->doc.nodes[0].len);
	hs_buf_adds(&e->line, ",\"hs\":{\"kafka\":");
	hs_buf_add(&e->line, e->kafka.data, e->kafka.len);
	hs_buf_adds(&e->line, "}}");
	return V_OUT;
}

/*
 * CloudEvents structured mode: the value is the CloudEvent; id, source,
 * type, time and data become id, source, detail-type, time and detail;
 * other attributes (specversion, subject, extensions) go under
 * "hs":{"cloudevents":{...}} so nothing is lost.
 */
static enum verdict ce_structured(struct envelope_ctx *e,
                                  const rd_kafka_message_t *m)
{
	static const struct {
		const char *attr, *member;
	} map[] = {{"id", "id"},
	           {"source", "source"},
	           {"type", "detail-type"},
	           {"time", "time"},
	           {"data", "detail"}};
	const struct hs_json_doc *d = &e->doc;
	int nother = 0, mapped;

	if (parse_value(e, m) != V_OUT)
		return V_DLQ;
	if (hs_json_type(d, 0) != HS_JSON_OBJECT)
		return reject(e, "not_object", "%s",
		              "structured CloudEvent is not a JSON object");
	hs_buf_addc(&e->line, '{');
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		uint32_t v =
		    hs_json_obj_get(d, 0, map[i].attr, strlen(map[i].attr));

		if (v == HS_JSON_NONE)
			continue;
		if (e->line.len > 1)
			hs_buf_addc(&e->line, ',');
		hs_json_write_str(&e->line, map[i].member,
		                  strlen(map[i].member));
		hs_buf_addc(&e->line, ':');
		add_flat(&e->line, hs_json_raw(d, v), d->nodes[v].len);
	}
	if (e->line.len > 1)
		hs_buf_addc(&e->line, ',');
	hs_buf_adds(&e->line, "\"hs\":{\"kafka\":");
	hs_buf_add(&e->line, e->kafka.data, e->kafka.len);
	HS_JSON_FOREACH_MEMBER(d, 0, k)
	{
		mapped = 0;
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (hs_json_str_eq(d, k, map[i].attr,
			                   strlen(map[i].attr)))
				mapped = 1;
		if (mapped)
			continue;
		hs_buf_adds(&e->line, nother++ ? "," : ",\"cloudevents\":{");
		add_flat(&e->line, hs_json_raw(d, k),
		         d->nodes[k + 1].off + d->nodes[k + 1].len -
		             d->nodes[k].off);
	}
	hs_buf_adds(&e->line, nother ? "}}}" : "}}");
	return V_OUT;
}

/*
 * Plain event: splice "id" and "hs":{"kafka":...} into the object.  An
 * existing "hs" object keeps its other members; an existing hs.kafka
 * (an event that went through hs-consume before) is replaced.
 */
static enum verdict event_plain(struct envelope_ctx *e,
                                const rd_kafka_message_t *m)
{
	const struct hs_json_doc *d = &e->doc;
	const char *text;
	uint32_t hs, kv;
	size_t root_end, start;
	int members;

	if (parse_value(e, m) != V_OUT)
		return V_DLQ;
	if (hs_json_type(d, 0) != HS_JSON_OBJECT)
		return reject(
		    e, "not_object", "value is a JSON %s, not an object",
		    hs_json_type(d, 0) == HS_JSON_ARRAY ? "array" : "scalar");
	text = d->text;
	start = d->nodes[0].off;
	root_end = start + d->nodes[0].len - 1; /* the closing brace */
	members = d->nodes[0].count > 0;
	hs = hs_json_obj_get(d, 0, "hs", 2);
	if (hs != HS_JSON_NONE && hs_json_type(d, hs) != HS_JSON_OBJECT)
		return reject(e, "reserved_member", "%s",
		              "member 'hs' is reserved and must be an object");
	if (hs == HS_JSON_NONE) {
		add_flat(&e->line, text + start, root_end - start);
	} else if ((kv = hs_json_obj_get(d, hs, "kafka", 5)) != HS_JSON_NONE) {
		size_t a = d->nodes[kv].off, z = a + d->nodes[kv].len;

		add_flat(&e->line, text + start, a - start);
		hs_buf_add(&e->line, e->kafka.data, e->kafka.len);
		add_flat(&e->line, text + z, root_end - z);
	} else {
		size_t hs_end = d->nodes[hs].off + d->nodes[hs].len - 1;

		add_flat(&e->line, text + start, hs_end - start);
		hs_buf_adds(&e->line,
		            d->nodes[hs].count ? ",\"kafka\":" : "\"kafka\":");
		hs_buf_add(&e->line, e->kafka.data, e->kafka.len);
		add_flat(&e->line, text + hs_end, root_end - hs_end);
	}
	if (hs_json_obj_get(d, 0, "id", 2) == HS_JSON_NONE) {
		if (members)
			hs_buf_addc(&e->line, ',');
		add_id(e, m);
		members = 1;
	}
	if (hs == HS_JSON_NONE) {
		hs_buf_adds(&e->line, members ? ",\"hs\":{\"kafka\":"
		                              : "\"hs\":{\"kafka\":");
		hs_buf_add(&e->line, e->kafka.data, e->kafka.len);
		hs_buf_addc(&e->line, '}');
	}
	hs_buf_addc(&e->line, '}');
	return V_OUT;
}

static int has_prefix_ci(const char *p, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(p, prefix, k) == 0;
}

static enum verdict format_event(struct envelope_ctx *e,
                                 const rd_kafka_message_t *m)
{
	rd_kafka_headers_t *hdrs;
	const char *ct;
	size_t n;

	if (!m->payload) {
		e->tombstones++;
		return V_FILTER;
	}
	hdrs = headers_of(m);
	hs_buf_reset(&e->kafka);
	add_coords(&e->kafka, m, hdrs);
	hs_buf_addc(&e->kafka, '}');
	if (!hdrs)
		return event_plain(e, m);
	if (header(hdrs, "ce_id", &n) && header(hdrs, "ce_source", &n) &&
	    header(hdrs, "ce_type", &n))
		return ce_binary(e, m, hdrs);
	ct = header(hdrs, "content-type", &n);
	if (ct && has_prefix_ci(ct, n, "application/cloudevents+json"))
		return ce_structured(e, m);
	return event_plain(e, m);
}

/*
 * Embed the value as JSON only when that keeps it byte for byte: one
 * object or array, no surrounding whitespace, no line break, and not an
 * object that reads like the {"base64":...} marker.
 */
static int embeddable(struct envelope_ctx *e, const rd_kafka_message_t *m)
{
	const struct hs_json_doc *d = &e->doc;
	const char *p = m->payload;

	if (m->len < 2 || (p[0] != '{' && p[0] != '[') ||
	    (p[m->len - 1] != '}' && p[m->len - 1] != ']'))
		return 0;
	if (memchr(p, '\n', m->len) || memchr(p, '\r', m->len))
		return 0;
	if (hs_json_parse(&e->doc, p, m->len) < 0)
		return 0;
	if (hs_json_type(d, 0) == HS_JSON_OBJECT && d->nodes[0].count == 1 &&
	    hs_json_str_eq(d, 1, "base64", 6))
		return 0;
	return 1;
}

static enum verdict format_record(struct envelope_ctx *e,
                                  const rd_kafka_message_t *m)
{
	add_coords(&e->line, m, headers_of(m));
	hs_buf_adds(&e->line, ",\"value\":");
	if (m->payload && embeddable(e, m))
		hs_buf_add(&e->line, m->payload, m->len);
	else
		add_bytes(&e->line, m->payload, m->len);
	hs_buf_addc(&e->line, '}');
	return V_OUT;
}

enum verdict envelope_format(struct envelope_ctx *e,
                             const rd_kafka_message_t *m)
{
	hs_buf_reset(&e->line);
	e->reason = NULL;
	e->msg[0] = '\0';
	e->value_is_json = 0;
	switch (e->mode) {
	case ENV_EVENT:
		return format_event(e, m);
	case ENV_RECORD:
		return format_record(e, m);
	case ENV_VALUE:
		break;
	}
	if (!m->payload) {
		e->tombstones++;
		return V_FILTER;
	}
	if (memchr(m->payload, '\n', m->len))
		return reject(e, "newline_in_value", "%s",
		              "value holds a newline; it would break the line "
		              "framing");
	hs_buf_add(&e->line, m->payload, m->len);
	return V_OUT;
}
