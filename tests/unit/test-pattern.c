/*
 * test-pattern.c: the EventBridge pattern conformance cases.
 *
 * $HS_TESTS/pattern/cases.ndjson holds one case a line:
 *   {"pattern":{...},"event":{...},"match":true|false,"why":"..."}
 * Each case is matched twice: with its pattern compiled alone, and with
 * every pattern of the file compiled into one set (so the shared trie and
 * value index must not let one pattern's tests leak into another's); each
 * of those both on a full parse and with hs_pattern_match_line() (no full
 * DOM), which must agree (-2 in a failure line when they do not).
 *
 * $HS_TESTS/pattern/invalid.ndjson holds patterns that must be refused:
 *   {"pattern":...,"where":"/detail/state/0","why":"..."}
 * ("pattern_text":"..." instead of "pattern" for text that is not JSON);
 * the error must start with where + ": ".
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "../unit/check.h"
#include "alloc.h"
#include "buf.h"
#include "casefold.h"
#include "json.h"
#include "pattern.h"
#include "banned.h"

struct tcase {
	char *line;
	size_t len;
	struct hs_json_doc d;
	uint32_t pat, ev, match, why;
};

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct hs_buf b = HS_BUF_INIT;
	char chunk[65536];
	size_t got;

	if (!f)
		return NULL;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		hs_buf_add(&b, chunk, got);
	fclose(f);
	return hs_buf_detach(&b, n);
}

static const char *why_of(struct tcase *c, struct hs_buf *tmp)
{
	hs_buf_reset(tmp);
	if (c->why != HS_JSON_NONE &&
	    hs_json_type(&c->d, c->why) == HS_JSON_STRING)
		hs_json_str_decode(&c->d, c->why, tmp);
	return tmp->data;
}

static void run_cases(const char *dir)
{
	char path[4096];
	char *text, *p, *end;
	size_t n, ncases = 0, cap = 0;
	struct tcase *cs = NULL;
	struct hs_pattern *all = hs_pattern_new();
	struct hs_pattern_match mall;
	struct hs_json_doc ev;
	struct hs_buf tmp = HS_BUF_INIT;
	char err[512];

	snprintf(path, sizeof path, "%s/pattern/cases.ndjson", dir);
	text = slurp(path, &n);
	CHECK(text != NULL, "read %s", path);
	if (!text)
		return;
	for (p = text; p < text + n; p = end + 1) {
		struct tcase *c;

		end = memchr(p, '\n', (size_t)(text + n - p));
		if (!end)
			end = text + n;
		if (end == p || *p == '#')
			continue;
		cs = hs_xgrow(cs, sizeof *cs, ncases + 1, &cap);
		c = &cs[ncases];
		c->line = p;
		c->len = (size_t)(end - p);
		hs_json_doc_init(&c->d);
		if (hs_json_parse(&c->d, p, c->len) < 0 ||
		    (c->pat = hs_json_obj_get(&c->d, 0, "pattern", 7)) ==
		        HS_JSON_NONE ||
		    (c->ev = hs_json_obj_get(&c->d, 0, "event", 5)) ==
		        HS_JSON_NONE ||
		    (c->match = hs_json_obj_get(&c->d, 0, "match", 5)) ==
		        HS_JSON_NONE) {
			CHECK(0, "case line %.60s is well-formed", p);
			hs_json_doc_release(&c->d);
			continue;
		}
		c->why = hs_json_obj_get(&c->d, 0, "why", 3);
		{
			unsigned id = 99999;
			int r = hs_pattern_add(all, hs_json_raw(&c->d, c->pat),
			                       c->d.nodes[c->pat].len, &id, err,
			                       sizeof err);

			CHECK(r == 0 && id == ncases, "case %zu compiles: %s",
			      ncases + 1, r ? err : "ok");
		}
		ncases++;
	}
	hs_pattern_match_init(&mall, all);
	hs_json_doc_init(&ev);
	for (size_t i = 0; i < ncases; i++) {
		struct tcase *c = &cs[i];
		struct hs_pattern *one = hs_pattern_new();
		struct hs_pattern_match m;
		int want = hs_json_type(&c->d, c->match) == HS_JSON_TRUE;
		int got1 = -1, got2;

		if (hs_pattern_add(one, hs_json_raw(&c->d, c->pat),
		                   c->d.nodes[c->pat].len, NULL, err,
		                   sizeof err) == 0) {
			hs_pattern_match_init(&m, one);
			hs_json_parse(&ev, hs_json_raw(&c->d, c->ev),
			              c->d.nodes[c->ev].len);
			hs_pattern_match(one, &m, &ev, 0);
			got1 = hs_pattern_hit(&m, 0);
			/* and from the raw line, with no full DOM */
			if (hs_pattern_match_line(one, &m, &ev,
			                          hs_json_raw(&c->d, c->ev),
			                          c->d.nodes[c->ev].len) < 0 ||
			    hs_pattern_hit(&m, 0) != got1)
				got1 = -2;
			hs_pattern_match_release(&m);
		}
		hs_pattern_free(one);
		hs_json_parse(&ev, hs_json_raw(&c->d, c->ev),
		              c->d.nodes[c->ev].len);
		hs_pattern_match(all, &mall, &ev, 0);
		got2 = hs_pattern_hit(&mall, (unsigned)i);
		{
			/* the whole hit list, line-based, is the same */
			unsigned nh = mall.nhits,
			         *h = hs_xmalloc((nh + 1) * sizeof *h);

			memcpy(h, mall.hits, nh * sizeof *h);
			if (hs_pattern_match_line(
			        all, &mall, &ev, hs_json_raw(&c->d, c->ev),
			        c->d.nodes[c->ev].len) != (int)nh ||
			    memcmp(h, mall.hits, nh * sizeof *h))
				got2 = -2;
			free(h);
		}
		CHECK(got1 == want && got2 == want,
		      "case %zu: %s: %s (alone %d, in set %d)", i + 1,
		      want ? "match" : "no match", why_of(c, &tmp), got1, got2);
	}
	for (size_t i = 0; i < ncases; i++)
		hs_json_doc_release(&cs[i].d);
	hs_json_doc_release(&ev);
	hs_pattern_match_release(&mall);
	hs_pattern_free(all);
	hs_buf_release(&tmp);
	free(cs);
	free(text);
}

static void run_invalid(const char *dir)
{
	char path[4096];
	char *text, *p, *end;
	size_t n, k = 0;
	struct hs_buf tmp = HS_BUF_INIT, where = HS_BUF_INIT,
	              ptext = HS_BUF_INIT;
	char err[512];

	snprintf(path, sizeof path, "%s/pattern/invalid.ndjson", dir);
	text = slurp(path, &n);
	CHECK(text != NULL, "read %s", path);
	if (!text)
		return;
	for (p = text; p < text + n; p = end + 1) {
		struct tcase c;
		uint32_t w, pt;
		struct hs_pattern *one;
		const char *src;
		size_t srclen;
		int r;

		end = memchr(p, '\n', (size_t)(text + n - p));
		if (!end)
			end = text + n;
		if (end == p || *p == '#')
			continue;
		k++;
		hs_json_doc_init(&c.d);
		if (hs_json_parse(&c.d, p, (size_t)(end - p)) < 0 ||
		    (w = hs_json_obj_get(&c.d, 0, "where", 5)) ==
		        HS_JSON_NONE) {
			CHECK(0, "invalid case %zu is well-formed", k);
			hs_json_doc_release(&c.d);
			continue;
		}
		c.why = hs_json_obj_get(&c.d, 0, "why", 3);
		c.pat = hs_json_obj_get(&c.d, 0, "pattern", 7);
		pt = hs_json_obj_get(&c.d, 0, "pattern_text", 12);
		if (c.pat != HS_JSON_NONE) {
			src = hs_json_raw(&c.d, c.pat);
			srclen = c.d.nodes[c.pat].len;
		} else {
			hs_buf_reset(&ptext);
			hs_json_str_decode(&c.d, pt, &ptext);
			src = ptext.data;
			srclen = ptext.len;
		}
		hs_buf_reset(&where);
		hs_json_str_decode(&c.d, w, &where);
		hs_buf_adds(&where, ": ");
		one = hs_pattern_new();
		err[0] = '\0';
		r = hs_pattern_add(one, src, srclen, NULL, err, sizeof err);
		CHECK(r == -1 && !strncmp(err, where.data, where.len),
		      "invalid %zu refused at %s%s (got '%s')", k, where.data,
		      why_of(&c, &tmp), err);
		hs_pattern_free(one);
		hs_json_doc_release(&c.d);
	}
	hs_buf_release(&tmp);
	hs_buf_release(&where);
	hs_buf_release(&ptext);
	free(text);
}

/* The set is unchanged after a refused pattern; explain names fields. */
static void run_api(void)
{
	struct hs_pattern *p = hs_pattern_new();
	struct hs_pattern_match m;
	struct hs_json_doc d;
	struct hs_buf out = HS_BUF_INIT;
	const char *ev = "{\"source\":\"a\",\"detail\":{\"n\":5}}";
	char err[256];
	unsigned id = 0;

	CHECK(hs_pattern_add(p, "{\"source\":[\"a\"]}", 16, &id, err,
	                     sizeof err) == 0 &&
	          id == 0,
	      "first pattern is id 0");
	CHECK(hs_pattern_add(p, "{\"source\":[\"a\"],\"x\":[{\"bad\":1}]}", 32,
	                     &id, err, sizeof err) == -1,
	      "bad pattern refused");
	CHECK(hs_pattern_add(p,
	                     "{\"detail\":{\"n\":[{\"numeric\":[\">\",4]}]}}",
	                     38, &id, err, sizeof err) == 0 &&
	          id == 1,
	      "next pattern is id 1 after a refusal");
	CHECK(hs_pattern_count(p) == 2, "two patterns in the set");
	hs_pattern_match_init(&m, p);
	hs_json_doc_init(&d);
	hs_json_parse(&d, ev, strlen(ev));
	CHECK(hs_pattern_match(p, &m, &d, 0) == 2 && m.hits[0] == 0 &&
	          m.hits[1] == 1,
	      "both match, ids in order");
	CHECK(hs_pattern_explain(p, &m, 1, &out) == 0 &&
	          !strcmp(out.data, "[{\"field\":\"detail.n\",\"test\":"
	                            "[{\"numeric\":[\">\",4]}]}]"),
	      "explain names the field and test: %s", out.data);
	CHECK(hs_pattern_add(p, "{\"a\":[1]}", 9, NULL, err, sizeof err) == -1,
	      "no adding after matching started");
	hs_buf_release(&out);
	hs_json_doc_release(&d);
	hs_pattern_match_release(&m);
	hs_pattern_free(p);
}

/*
 * Prefix index: many prefixes of many lengths on one field, nested in one
 * another, decided through the hash of (node, prefix) and the node's
 * length set; checked against a plain prefix comparison.
 */
static void run_prefix_index(void)
{
	static const char *const fields[] = {
	    "\"\"",      "\"a\"",           "\"ab\"",      "\"abc\"",
	    "\"abcab\"", "\"b\"",           "\"ba\"",      "\"bbbb\"",
	    "\"caab\"",  "\"\\u0061b\"",    "12",          "true",
	    "null",      "[\"zz\",\"ab\"]", "[1,\"bab\"]", "{\"x\":\"a\"}"};
	/* the content of each field's strings, for the oracle */
	static const char *const strs[][2] = {
	    {"", NULL},      {"a", NULL},  {"ab", NULL},  {"abc", NULL},
	    {"abcab", NULL}, {"b", NULL},  {"ba", NULL},  {"bbbb", NULL},
	    {"caab", NULL},  {"ab", NULL}, {NULL, NULL},  {NULL, NULL},
	    {NULL, NULL},    {"zz", "ab"}, {"bab", NULL}, {NULL, NULL}};
	char prefixes[64][8];
	size_t np = 0;
	struct hs_pattern *p = hs_pattern_new();
	struct hs_pattern_match m;
	struct hs_json_doc d;
	char err[256] = "", buf[256];
	unsigned id, bad = 0, checked = 0;

	/* every string over {a,b} up to length 4, and "" */
	for (unsigned len = 0; len <= 4; len++)
		for (unsigned bits = 0; bits < (1u << len); bits++) {
			for (unsigned k = 0; k < len; k++)
				prefixes[np][k] = bits >> k & 1 ? 'b' : 'a';
			prefixes[np][len] = '\0';
			np++;
		}
	for (size_t i = 0; i < np; i++) {
		int n = snprintf(buf, sizeof buf,
		                 "{\"f\":[{\"prefix\":\"%s\"}]}", prefixes[i]);

		CHECK(hs_pattern_add(p, buf, (size_t)n, &id, err, sizeof err) ==
		              0 &&
		          id == i,
		      "prefix pattern %zu compiles: %s", i, err);
	}
	/* an exact rule and a prefix inside $or with exists:false share
	 * the field */
	CHECK(hs_pattern_add(p, "{\"f\":[\"ab\"]}", 12, NULL, err,
	                     sizeof err) == 0,
	      "exact pattern compiles");
	CHECK(hs_pattern_add(p,
	                     "{\"$or\":[{\"f\":[{\"prefix\":\"bb\"}]},"
	                     "{\"f\":[{\"exists\":false}]}]}",
	                     58, NULL, err, sizeof err) == 0,
	      "$or prefix pattern compiles: %s", err);
	hs_pattern_match_init(&m, p);
	hs_json_doc_init(&d);
	for (size_t e = 0; e < sizeof fields / sizeof fields[0]; e++) {
		int n = snprintf(buf, sizeof buf, "{\"f\":%s}", fields[e]);
		int bb = 0, ab = 0;

		CHECK(hs_json_parse(&d, buf, (size_t)n) == 0, "event %s", buf);
		hs_pattern_match(p, &m, &d, 0);
		for (size_t i = 0; i < np; i++) {
			int want = 0;

			for (int k = 0; k < 2; k++)
				if (strs[e][k] &&
				    !strncmp(strs[e][k], prefixes[i],
				             strlen(prefixes[i])))
					want = 1;
			if (want != hs_pattern_hit(&m, (unsigned)i)) {
				if (!bad++)
					CHECK(0, "prefix '%s' on %s: want %d",
					      prefixes[i], buf, want);
			}
			checked++;
		}
		for (int k = 0; k < 2; k++)
			if (strs[e][k]) {
				bb |= !strncmp(strs[e][k], "bb", 2);
				ab |= !strcmp(strs[e][k], "ab");
			}
		CHECK(hs_pattern_hit(&m, (unsigned)np) == ab,
		      "exact value beside the prefixes on %s", buf);
		/* (exists on an object is hs-pattern(7)'s corner case,
		 * covered by the conformance cases) */
		CHECK(fields[e][0] == '{' ||
		          hs_pattern_hit(&m, (unsigned)np + 1) == bb,
		      "$or prefix on %s", buf);
	}
	CHECK(!bad, "%u prefix decisions agree with strncmp (%u wrong)",
	      checked, bad);
	CHECK(hs_json_parse(&d, "{\"g\":1}", 7) == 0 &&
	          hs_pattern_match(p, &m, &d, 0) == 1 &&
	          hs_pattern_hit(&m, (unsigned)np + 1),
	      "a missing field matches only the exists:false branch");
	hs_json_doc_release(&d);
	hs_pattern_match_release(&m);
	hs_pattern_free(p);
}

/*
 * Spell k tenths as a JSON number in one of several equal forms (12.5,
 * 125e-1, 12.50, 12500.0E-3, 1250e-2; 3, 3.0, 30e-1), so the index must
 * compare values, not text.
 */
static void tenths(char *buf, size_t cap, long k, unsigned form)
{
	const char *sg = k < 0 ? "-" : "";
	unsigned long a = (unsigned long)(k < 0 ? -k : k);

	switch (form % 5) {
	case 0:
		if (a % 10 == 0)
			snprintf(buf, cap, "%s%lu", sg, a / 10);
		else
			snprintf(buf, cap, "%s%lu.%lu", sg, a / 10, a % 10);
		break;
	case 1:
		snprintf(buf, cap, "%s%lue-1", sg, a);
		break;
	case 2:
		snprintf(buf, cap, "%s%lu.%lu0", sg, a / 10, a % 10);
		break;
	case 3:
		snprintf(buf, cap, "%s%lu.%luE-3", sg, a * 100, 0ul);
		break;
	default:
		if (a)
			snprintf(buf, cap, "%s%lu0E-2", sg, a);
		else
			snprintf(buf, cap, "-0.0e5");
		break;
	}
}

/*
 * Numeric index: 1,000 rules, each a different comparison or range on
 * the same field, matched against random values (in several spellings,
 * alone, in arrays, and as non-numbers); every decision is checked
 * against integer arithmetic on the values in tenths, not against the
 * matcher's own comparison code.
 */
static void run_numeric_index(void)
{
	enum { NR = 1000, NEV = 3000 };
	static const char *const ops[] = {">", ">=", "<", "<=", "="};
	struct rng {
		int kind; /* 0..4 one operator, 5 range */
		long a, b;
		int ai, bi;
	} r[NR];
	struct hs_pattern *p = hs_pattern_new();
	struct hs_pattern_match m;
	struct hs_json_doc d;
	char buf[512], x[64], y[64], err[256] = "";
	unsigned long seed = 12345;
	unsigned bad = 0, hits = 0, checked = 0, ok = 1;

#define RND()                                                         \
	(seed = seed * 6364136223846793005ul + 1442695040888963407ul, \
	 (unsigned)(seed >> 33))
	for (unsigned i = 0; i < NR; i++) {
		int n;

		r[i].kind = (int)(RND() % 6);
		r[i].a = (long)(RND() % 1001) - 500;
		r[i].b = r[i].a + 1 + (long)(RND() % 300);
		r[i].ai = (int)(RND() % 2);
		r[i].bi = (int)(RND() % 2);
		tenths(x, sizeof x, r[i].a, RND());
		tenths(y, sizeof y, r[i].b, RND());
		if (r[i].kind < 5)
			n = snprintf(buf, sizeof buf,
			             "{\"f\":[{\"numeric\":[\"%s\",%s]}]}",
			             ops[r[i].kind], x);
		else
			n = snprintf(buf, sizeof buf,
			             "{\"f\":[{\"numeric\":[\"%s\",%s,\"%s\","
			             "%s]}]}",
			             r[i].ai ? ">=" : ">", x,
			             r[i].bi ? "<=" : "<", y);
		if (hs_pattern_add(p, buf, (size_t)n, NULL, err, sizeof err))
			ok = 0;
	}
	CHECK(ok, "1000 numeric patterns compile: %s", err);
	hs_pattern_match_init(&m, p);
	hs_json_doc_init(&d);
	for (unsigned e = 0; e < NEV; e++) {
		long v[2];
		int nv = 1 + (int)(RND() % 4 == 0), nonnum = RND() % 10 == 0;
		int n;

		for (int k = 0; k < nv; k++)
			v[k] = (long)(RND() % 1301) - 650;
		tenths(x, sizeof x, v[0], RND());
		tenths(y, sizeof y, v[1 % nv], RND());
		if (nonnum)
			n = snprintf(buf, sizeof buf,
			             "{\"f\":[\"%s\",true,null]}", x);
		else if (nv == 2)
			n = snprintf(buf, sizeof buf, "{\"f\":[%s,\"x\",%s]}",
			             x, y);
		else
			n = snprintf(buf, sizeof buf, "{\"f\":%s}", x);
		if (hs_json_parse(&d, buf, (size_t)n) < 0) {
			CHECK(0, "event %s parses", buf);
			continue;
		}
		hs_pattern_match(p, &m, &d, 0);
		for (unsigned i = 0; i < NR; i++) {
			int want = 0;

			for (int k = 0; k < nv && !nonnum; k++) {
				long a = r[i].a, b = r[i].b, w = v[k];

				switch (r[i].kind) {
				case 0:
					want |= w > a;
					break;
				case 1:
					want |= w >= a;
					break;
				case 2:
					want |= w < a;
					break;
				case 3:
					want |= w <= a;
					break;
				case 4:
					want |= w == a;
					break;
				default:
					want |= (r[i].ai ? w >= a : w > a) &&
					        (r[i].bi ? w <= b : w < b);
				}
			}
			hits += (unsigned)want;
			if (want != hs_pattern_hit(&m, i) && !bad++)
				CHECK(0, "rule %u on %s: want %d", i, buf,
				      want);
			checked++;
		}
	}
#undef RND
	CHECK(!bad && hits > checked / 10,
	      "%u numeric decisions agree with integer arithmetic (%u "
	      "matches, %u wrong)",
	      checked, hits, bad);
	hs_json_doc_release(&d);
	hs_pattern_match_release(&m);
	hs_pattern_free(p);
}

/*
 * The committed fold table against the C library it was generated from
 * (skipped without a C.UTF-8 locale), and folding is idempotent; UTF-8
 * lengths that change.
 */
static void run_casefold(void)
{
	static const struct {
		const char *in, *out;
	} str[] = {
	    {"\xE2\x84\xAA", "k"},                    /* KELVIN SIGN */
	    {"\xC4\xB0X", "ix"},                      /* U+0130 */
	    {"\xC8\xBA", "\xE2\xB1\xA5"},             /* U+023A -> U+2C65 */
	    {"\xF0\x90\x90\x80", "\xF0\x90\x90\xA8"}, /* Deseret */
	    {"\xE1\x8E\xA0", "\xEA\xAD\xB0"},         /* Cherokee */
	    {"A\xFF"
	     "B",
	     "a\xFF"
	     "b"}, /* a bad byte kept */
	};
	unsigned bad = 0, idem = 0;
	char out[64];

	for (size_t i = 0; i < sizeof str / sizeof str[0]; i++) {
		size_t n = hs_casefold_utf8(str[i].in, strlen(str[i].in), out);

		CHECK(n == strlen(str[i].out) && !memcmp(out, str[i].out, n),
		      "fold of string %zu", i);
	}
	for (uint32_t c = 0; c < 0x110000; c++)
		if (hs_casefold_cp(hs_casefold_cp(c)) != hs_casefold_cp(c))
			idem++;
	CHECK(!idem, "folding twice changes nothing (%u code points)", idem);
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		CHECK(1, "# SKIP no C.UTF-8 locale to compare the table with");
		return;
	}
	for (uint32_t c = 0; c < 0x110000; c++)
		if ((c < 0xD800 || c > 0xDFFF) &&
		    hs_casefold_cp(c) !=
		        (uint32_t)towlower(towupper((wint_t)c)))
			bad++;
	CHECK(!bad,
	      "fold table agrees with towlower(towupper(c)) (%u differ: "
	      "regenerate with scripts/gen-casefold.c)",
	      bad);
	setlocale(LC_CTYPE, "C");
}

int main(void)
{
	const char *dir = getenv("HS_TESTS");

	if (!dir)
		dir = "tests";
	run_cases(dir);
	run_invalid(dir);
	run_api();
	run_prefix_index();
	run_numeric_index();
	run_casefold();
	return check_done();
}
