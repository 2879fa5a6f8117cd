/*
 * num.c: exact decimal arithmetic on JSON number literals.  A literal is
 * scanned into sign, decimal exponent and the span of its significant
 * digits (which may straddle the '.'), and compared digit by digit, so
 * no value is ever rounded through a double on the way.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "num.h"

#define EXP_CLAMP ((int64_t)1 << 62)

/*
 * A scanned literal: value = sign * 0.DIGITS * 10^exp, where DIGITS are
 * the digit characters of [p, e) with any '.' skipped.  nd == 0 is zero.
 */
struct dec {
	int neg;
	int64_t exp;
	const char *p, *e;
	size_t nd;
};

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int64_t clamp(int64_t x)
{
	if (x > EXP_CLAMP)
		return EXP_CLAMP;
	if (x < -EXP_CLAMP)
		return -EXP_CLAMP;
	return x;
}

static int scan(struct dec *v, const char *s, size_t n)
{
	size_t i = 0, istart, iend, fstart = 0, fend = 0, lz = 0;
	int64_t e10 = 0;
	const char *last, *p;

	memset(v, 0, sizeof(*v));
	if (i < n && s[i] == '-')
		v->neg = 1, i++;
	istart = i;
	if (i >= n || !isdig(s[i]))
		return -1;
	if (s[i] == '0')
		i++;
	else
		while (i < n && isdig(s[i]))
			i++;
	iend = i;
	if (i < n && s[i] == '.') {
		fstart = ++i;
		while (i < n && isdig(s[i]))
			i++;
		fend = i;
		if (fend == fstart)
			return -1;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		size_t d0;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		d0 = i;
		/* Saturate: past 2^62 the exact value no longer matters. */
		for (; i < n && isdig(s[i]); i++)
			e10 = e10 < EXP_CLAMP / 10 ? e10 * 10 + (s[i] - '0')
			                           : EXP_CLAMP;
		if (i == d0)
			return -1;
		e10 = clamp(eneg ? -e10 : e10);
	}
	if (i != n)
		return -1;

	/* Leading zeros of the digit string int||frac lower the exponent. */
	for (p = s + istart; p < s + (fend ? fend : iend); p++) {
		if (*p == '.')
			continue;
		if (*p != '0')
			break;
		lz++;
	}
	if (p == s + (fend ? fend : iend)) {
		v->neg = 0; /* -0 equals 0 */
		v->p = v->e = s + istart;
		return 0;
	}
	last = s + (fend ? fend : iend) - 1;
	while (*last == '0' || *last == '.')
		last--;
	v->p = p;
	v->e = last + 1;
	v->nd = (size_t)(v->e - v->p);
	if (fend && p < s + iend && v->e > s + fstart)
		v->nd--; /* the '.' sits inside the span */
	v->exp = clamp((int64_t)(iend - istart) - (int64_t)lz + e10);
	return 0;
}

/* Compare magnitudes of two nonzero scanned values. */
static int cmp_mag(const struct dec *a, const struct dec *b)
{
	const char *pa = a->p, *pb = b->p;

	if (a->exp != b->exp)
		return a->exp < b->exp ? -1 : 1;
	for (;;) {
		if (pa < a->e && *pa == '.')
			pa++;
		if (pb < b->e && *pb == '.')
			pb++;
		if (pa == a->e || pb == b->e)
			break;
		if (*pa != *pb)
			return *pa < *pb ? -1 : 1;
		pa++, pb++;
	}
	/* Trailing zeros are stripped: the longer one has a nonzero left. */
	if (pa == a->e && pb == b->e)
		return 0;
	return pa == a->e ? -1 : 1;
}

static int sign(const struct dec *v)
{
	return v->nd == 0 ? 0 : v->neg ? -1 : 1;
}

static int cmp_dec(const struct dec *a, const struct dec *b)
{
	int sa = sign(a), sb = sign(b);

	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (sa == 0)
		return 0;
	return sa * cmp_mag(a, b);
}

int hs_num_dec_parse(struct hs_num_dec *v, const char *s, size_t n)
{
	struct dec d;

	memset(v, 0, sizeof(*v));
	if (scan(&d, s, n) < 0)
		return -1;
	v->neg = d.neg;
	v->exp = d.exp;
	v->ndigits = d.nd;
	v->digits = d.p;
	if (d.nd && (size_t)(d.e - d.p) != d.nd) {
		char *o = hs_xmalloc(d.nd + 1);
		size_t k = 0;

		for (const char *p = d.p; p < d.e; p++)
			if (*p != '.')
				o[k++] = *p;
		o[k] = '\0';
		v->owned = o;
		v->digits = o;
	}
	return 0;
}

void hs_num_dec_release(struct hs_num_dec *v)
{
	free(v->owned);
	v->owned = NULL;
	v->digits = NULL;
	v->ndigits = 0;
}

int hs_num_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct dec da, db;

	/* Invalid literals (a contract violation) compare as zero. */
	if (scan(&da, a, alen) < 0)
		memset(&da, 0, sizeof(da));
	if (scan(&db, b, blen) < 0)
		memset(&db, 0, sizeof(db));
	return cmp_dec(&da, &db);
}

/*
 * Write the exact decimal expansion of finite b into buf as a JSON
 * number.  A double is m * 2^x with a 53-bit m, so 53 - x fraction digits
 * (at most 1074) always suffice, and glibc's printf is exact.
 */
static void exact_double(char *buf, size_t cap, double b)
{
	int x, prec;

	(void)frexp(b, &x);
	prec = 53 - x;
	if (prec < 0)
		prec = 0;
	if (prec > 1074)
		prec = 1074;
	snprintf(buf, cap, "%.*f", prec, b);
}

int hs_num_cmp_double(const char *a, size_t alen, double b)
{
	char buf[1500];

	if (isnan(b))
		return -1;
	if (isinf(b))
		return b > 0 ? -1 : 1;
	exact_double(buf, sizeof(buf), b);
	return hs_num_cmp(a, alen, buf, strlen(buf));
}

int hs_num_is_integer(const char *s, size_t n)
{
	struct dec d;

	if (scan(&d, s, n) < 0)
		return 0;
	return d.nd == 0 || d.exp >= (int64_t)d.nd;
}

double hs_num_strtod(const char *s, size_t n)
{
	char small[64], *lit = small;
	double x;

	if (n >= sizeof(small))
		lit = hs_xmalloc(n + 1);
	memcpy(lit, s, n);
	lit[n] = '\0';
	x = strtod(lit, NULL);
	if (lit != small)
		free(lit);
	return x;
}

int hs_num_fits_double(const char *s, size_t n)
{
	struct dec d;
	char out[40];
	double x;
	int p, r;

	if (scan(&d, s, n) < 0)
		return 0;
	if (d.nd == 0)
		return 1;
	/*
	 * DBL_DIG: any decimal of at most 15 significant digits in the
	 * normal range survives decimal -> double -> shortest decimal.
	 */
	if (d.nd <= DBL_DIG && d.exp >= -300 && d.exp <= 300)
		return 1;
	/* The shortest output has at most 17 digits: a literal with more
	 * significant digits cannot equal it. */
	if (d.nd > 17)
		return 0;
	x = hs_num_strtod(s, n);
	if (isinf(x))
		return 0; /* jq prints +-DBL_MAX for overflow */
	/* libjq 1.6 prints the shortest decimal that reads back as x. */
	for (p = 1; p <= 17; p++) {
		snprintf(out, sizeof(out), "%.*e", p - 1, x);
		if (strtod(out, NULL) == x)
			break;
	}
	r = hs_num_cmp(s, n, out, strlen(out)) == 0;
	return r;
}

#include "banned.h"
