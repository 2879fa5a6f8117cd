/*
 * regex.c: ECMA-262 regular expressions run by PCRE2 with bounded run
 * time (regex.h): the dialect translation and the match and depth limits.
 * Where a regex applies (JSON Schema, patterns) is the caller's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "regex.h"
#include "banned.h"

struct hs_regex {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
};

/* ECMA-262's WhiteSpace and LineTerminator beyond what PCRE2's ASCII \s
 * already covers. */
#define ECMA_SPACE                                                       \
	"\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}" \
	"\\x{205f}\\x{3000}\\x{feff}"

/* ECMA-262 spells Unicode general categories long or short; PCRE2 only
 * knows the short names. */
static const char *const gc_names[][2] = {
    {"Letter", "L"},
    {"Cased_Letter", "L&"},
    {"Uppercase_Letter", "Lu"},
    {"Lowercase_Letter", "Ll"},
    {"Titlecase_Letter", "Lt"},
    {"Modifier_Letter", "Lm"},
    {"Other_Letter", "Lo"},
    {"Mark", "M"},
    {"Nonspacing_Mark", "Mn"},
    {"Spacing_Mark", "Mc"},
    {"Enclosing_Mark", "Me"},
    {"Number", "N"},
    {"Decimal_Number", "Nd"},
    {"digit", "Nd"},
    {"Letter_Number", "Nl"},
    {"Other_Number", "No"},
    {"Punctuation", "P"},
    {"punct", "P"},
    {"Connector_Punctuation", "Pc"},
    {"Dash_Punctuation", "Pd"},
    {"Open_Punctuation", "Ps"},
    {"Close_Punctuation", "Pe"},
    {"Initial_Punctuation", "Pi"},
    {"Final_Punctuation", "Pf"},
    {"Other_Punctuation", "Po"},
    {"Symbol", "S"},
    {"Math_Symbol", "Sm"},
    {"Currency_Symbol", "Sc"},
    {"Modifier_Symbol", "Sk"},
    {"Other_Symbol", "So"},
    {"Separator", "Z"},
    {"Space_Separator", "Zs"},
    {"Line_Separator", "Zl"},
    {"Paragraph_Separator", "Zp"},
    {"Other", "C"},
    {"Control", "Cc"},
    {"cntrl", "Cc"},
    {"Format", "Cf"},
    {"Surrogate", "Cs"},
    {"Private_Use", "Co"},
    {"Unassigned", "Cn"},
};

/*
 * \p{Name}, \p{gc=Name}, \p{Script=Name}: write PCRE2's spelling.
 * Returns the bytes of s consumed after the backslash, or 0 when s does
 * not hold a property escape.
 */
static size_t property(const char *s, size_t n, struct hs_buf *out)
{
	const char *close, *name, *eq;
	size_t nl;

	if (n < 4 || (s[0] != 'p' && s[0] != 'P') || s[1] != '{')
		return 0;
	close = memchr(s, '}', n);
	if (!close)
		return 0;
	name = s + 2;
	nl = (size_t)(close - name);
	eq = memchr(name, '=', nl);
	if (eq) {
		nl -= (size_t)(eq + 1 - name);
		name = eq + 1;
	}
	hs_buf_addc(out, '\\');
	hs_buf_addc(out, s[0]);
	hs_buf_addc(out, '{');
	for (size_t i = 0; i < sizeof(gc_names) / sizeof(gc_names[0]); i++)
		if (strlen(gc_names[i][0]) == nl &&
		    !memcmp(gc_names[i][0], name, nl)) {
			name = gc_names[i][1];
			nl = strlen(name);
			break;
		}
	hs_buf_add(out, name, nl);
	hs_buf_addc(out, '}');
	return (size_t)(close - s) + 1;
}

/*
 * Rewrite the ECMA-262 escapes PCRE2 reads differently.  Everything not
 * mentioned is copied: the two syntaxes agree on the rest that JSON
 * Schemas use in practice.
 */
static void translate(const char *s, size_t n, struct hs_buf *out)
{
	int inclass = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			char e = s[i + 1];
			size_t used = property(s + i + 1, n - i - 1, out);

			if (used) {
				i += used;
				continue;
			}
			if (e == 's') {
				hs_buf_adds(out, inclass ? "\\s" ECMA_SPACE
				                         : "[\\s" ECMA_SPACE
				                           "]");
				i++;
				continue;
			}
			if (e == 'S' && !inclass) {
				hs_buf_adds(out, "[^\\s" ECMA_SPACE "]");
				i++;
				continue;
			}
			if (e == 'u' && i + 2 < n && s[i + 2] == '{') {
				/* \u{1F600}: PCRE2 spells it \x{1F600} */
				hs_buf_adds(out, "\\x");
				i++;
				continue;
			}
			if (e == 'u' && i + 5 < n &&
			    strspn(s + i + 2, "0123456789abcdefABCDEF") >= 4) {
				hs_buf_adds(out, "\\x{");
				hs_buf_add(out, s + i + 2, 4);
				hs_buf_addc(out, '}');
				i += 5;
				continue;
			}
			hs_buf_addc(out, c);
			hs_buf_addc(out, e);
			i++;
			continue;
		}
		if (c == '[' && !inclass)
			inclass = 1;
		else if (c == ']' && inclass)
			inclass = 0;
		hs_buf_addc(out, c);
	}
}

struct hs_regex *hs_regex_new(const char *src, size_t n, char *errbuf,
                              size_t errlen)
{
	struct hs_buf pat = HS_BUF_INIT;
	struct hs_regex *re;
	int errcode;
	PCRE2_SIZE erroff;

	translate(src, n, &pat);
	re = hs_xcalloc(1, sizeof(*re));
	/* ALLOW_EMPTY_CLASS: ECMA's [] matches nothing and [^] anything. */
	re->code = pcre2_compile((PCRE2_SPTR)pat.data, pat.len,
	                         PCRE2_UTF | PCRE2_DOLLAR_ENDONLY |
	                             PCRE2_ALLOW_EMPTY_CLASS,
	                         &errcode, &erroff, NULL);
	hs_buf_release(&pat);
	if (!re->code) {
		PCRE2_UCHAR msg[160];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		hs_seterr(errbuf, errlen, "bad regular expression '%.*s': %s",
		          (int)(n > 200 ? 200 : n), src, (char *)msg);
		free(re);
		return NULL;
	}
	/* Without JIT the interpreter still runs, only slower. */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	re->md = pcre2_match_data_create(1, NULL);
	re->mctx = pcre2_match_context_create(NULL);
	if (!re->md || !re->mctx) {
		hs_regex_free(re);
		hs_seterr(errbuf, errlen, "out of memory");
		return NULL;
	}
	pcre2_set_match_limit(re->mctx, HS_REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, 10000);
	return re;
}

void hs_regex_free(struct hs_regex *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_match_context_free(re->mctx);
	pcre2_code_free(re->code);
	free(re);
}

int hs_regex_search(struct hs_regex *re, const char *subject, size_t n)
{
	/* NO_UTF_CHECK: subjects come from the strict parser, valid UTF-8. */
	int r = pcre2_match(re->code, (PCRE2_SPTR)subject, n, 0,
	                    PCRE2_NO_UTF_CHECK, re->md, re->mctx);

	if (r >= 0)
		return HS_REGEX_MATCH;
	if (r == PCRE2_ERROR_NOMATCH)
		return HS_REGEX_NOMATCH;
	return HS_REGEX_LIMIT;
}

int hs_regex_valid(const char *src, size_t n)
{
	struct hs_regex *re = hs_regex_new(src, n, NULL, 0);

	hs_regex_free(re);
	return re != NULL;
}
