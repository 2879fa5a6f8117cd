/*
 * schema-output.c: the results of validation: hs_schema_result's
 * lifecycle and the error records (instance and keyword locations, the
 * message) that schema-eval.c asks for while it collects errors.
 * Deciding what is an error is schema-eval.c's.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "schema-int.h"
#include "schema.h"
#include "banned.h"

void hs_schema_result_init(struct hs_schema_result *r)
{
	memset(r, 0, sizeof(*r));
	hs_buf_init(&r->out);
	hs_buf_init(&r->first_kw);
	hs_buf_init(&r->first_msg);
}

void hs_schema_result_release(struct hs_schema_result *r)
{
	hs_buf_release(&r->out);
	hs_buf_release(&r->first_kw);
	hs_buf_release(&r->first_msg);
}

static void render_ipath(struct hs_schema *s, struct hs_buf *b)
{
	struct hs_buf k = HS_BUF_INIT;

	hs_buf_adds(b, s->iprefix);
	for (unsigned i = 0; i < s->ni; i++) {
		hs_buf_addc(b, '/');
		if (s->ipath[i].key == NONE) {
			hs_buf_addf(b, "%u", s->ipath[i].idx);
		} else {
			key_str(s->d, s->ipath[i].key, &k);
			hs_schema_add_token(b, k.data, k.len);
		}
	}
	hs_buf_release(&k);
}

static void render_kpath(struct hs_schema *s, struct hs_buf *b, const char *kw)
{
	for (unsigned i = 0; i < s->nk; i++) {
		hs_buf_addc(b, '/');
		hs_buf_adds(b, s->kpath[i]);
	}
	if (kw && *kw) {
		hs_buf_addc(b, '/');
		hs_buf_adds(b, kw);
	}
}

/* Record one error at the current locations (when errors are wanted). */
void hs_schema_verr(struct hs_schema *s, uint32_t node, const char *kw,
                    const char *fmt, ...)
{
	struct hs_buf *o = s->errs, t = HS_BUF_INIT;
	va_list ap;

	if (!s->collect)
		return;
	s->nerr_total++;
	if (s->nerr >= s->o.max_errors)
		return;
	if (s->nerr++)
		hs_buf_addc(o, ',');
	hs_buf_adds(o, "{\"instanceLocation\":");
	render_ipath(s, &t);
	hs_json_write_str(o, t.data, t.len);
	hs_buf_reset(&t);
	render_kpath(s, &t, kw);
	hs_buf_adds(o, ",\"keywordLocation\":");
	hs_json_write_str(o, t.data, t.len);
	if (s->nerr == 1 && s->r) {
		hs_buf_reset(&s->r->first_kw);
		hs_buf_add(&s->r->first_kw, t.data, t.len);
	}
	hs_buf_reset(&t);
	hs_buf_adds(&t, N(s, node)->abs);
	if (kw && *kw) {
		hs_buf_addc(&t, '/');
		hs_buf_adds(&t, kw);
	}
	hs_buf_adds(o, ",\"absoluteKeywordLocation\":");
	hs_json_write_str(o, t.data, t.len);
	hs_buf_reset(&t);
	va_start(ap, fmt);
	hs_buf_vaddf(&t, fmt, ap);
	va_end(ap);
	hs_buf_adds(o, ",\"error\":");
	hs_json_write_str(o, t.data, t.len);
	hs_buf_addc(o, '}');
	if (s->nerr == 1 && s->r) {
		hs_buf_reset(&s->r->first_msg);
		hs_buf_add(&s->r->first_msg, t.data, t.len);
	}
	hs_buf_release(&t);
}
