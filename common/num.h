/*
 * num.h: exact comparisons on JSON number literals.  Event numbers are
 * kept as their literal text; these functions decide questions about
 * their values without rounding through double, so a 20-digit id compares
 * correctly and 1, 1.0 and 10e-1 are equal.
 */
#ifndef HS_NUM_H
#define HS_NUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * A number literal in normalized decimal form: value = (neg ? -1 : 1) *
 * 0.D1D2...Dn * 10^exp, where digits[0..ndigits) are the significant
 * digits with leading and trailing zeros stripped.  Zero has ndigits 0
 * (and neg 0, so -0 equals 0).  digits points into the literal's text
 * only when the literal has no '.' inside its significant digits;
 * otherwise into buf.  Exponents beyond +-2^62 are clamped.
 */
struct hs_num_dec {
	int neg;
	int64_t exp;
	size_t ndigits;
	const char *digits;
	char *owned; /* set when digits had to be copied; freed by release */
};

/* Decompose literal s[0..n) (JSON number syntax, already validated).
 * Returns 0, or -1 if s is not a JSON number. Release with
 * hs_num_dec_release(). */
int hs_num_dec_parse(struct hs_num_dec *v, const char *s, size_t n);
void hs_num_dec_release(struct hs_num_dec *v);

/* Compare two literals by exact value: <0, 0, >0.  Literals must be valid
 * JSON numbers. */
int hs_num_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* Compare a literal with a double by exact value (the double converted
 * with enough digits to be exact): <0, 0, >0.  +-inf compare beyond every
 * literal; a NaN b gives -1. */
int hs_num_cmp_double(const char *a, size_t alen, double b);

/* 1 if the literal's value is an integer (1.0 and 1e3 are), else 0. */
int hs_num_is_integer(const char *s, size_t n);

/*
 * 1 if libjq (1.6, which holds numbers as doubles) prints the literal back
 * with the same value, else 0.  libjq prints the shortest decimal that
 * reads back as the same double, so 0.1, 1.0, 1e2 and 3.14 fit while
 * 12345678901234567890 (printed 12345678901234567000), 1e1000 (printed
 * 1.7976931348623157e+308) and 1e-400 (printed 0) do not.  Compares
 * values, not text: "1.0" fits although jq prints "1".
 */
int hs_num_fits_double(const char *s, size_t n);

/* strtod() of literal s[0..n), which need not be NUL-terminated. */
double hs_num_strtod(const char *s, size_t n);

#endif
