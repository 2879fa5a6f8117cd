/*
 * test-num.c: exact comparisons of number literals, and
 * hs_num_fits_double() checked against what libjq 1.6 itself prints.
 */
#include <jq.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

#include "../unit/check.h"

static int cmp(const char *a, const char *b)
{
	int r = hs_num_cmp(a, strlen(a), b, strlen(b));

	return r < 0 ? -1 : r > 0;
}

static int fits(const char *s)
{
	return hs_num_fits_double(s, strlen(s));
}

/*
 * The oracle: libjq parses the literal and prints it back; the literal
 * "fits" exactly when the printed number has the same decimal value.
 */
static int jq_fits(const char *lit, char *printed, size_t cap)
{
	jv v = jv_parse(lit);
	jv s;
	int r;

	if (jv_get_kind(v) != JV_KIND_NUMBER) {
		jv_free(v);
		snprintf(printed, cap, "(not a number)");
		return -1;
	}
	s = jv_dump_string(v, 0);
	snprintf(printed, cap, "%s", jv_string_value(s));
	r = hs_num_cmp(lit, strlen(lit), printed, strlen(printed)) == 0;
	jv_free(s);
	return r;
}

static void check_dec(const char *lit, int neg, long long exp,
                      const char *digits, int owned)
{
	struct hs_num_dec v;
	int rc = hs_num_dec_parse(&v, lit, strlen(lit));

	CHECK(rc == 0 && v.neg == neg && v.exp == exp &&
	          v.ndigits == strlen(digits) &&
	          !memcmp(v.digits, digits, v.ndigits) && !!v.owned == owned,
	      "dec_parse %s = %s0.%s e%lld", lit, neg ? "-" : "", digits, exp);
	hs_num_dec_release(&v);
}

static const char *const literals[] = {
    "0",
    "-0",
    "0.0",
    "1",
    "-1",
    "0.1",
    "1.1",
    "3.14",
    "2.5",
    "1.0",
    "1e2",
    "1E2",
    "0.1e1",
    "123.456e-2",
    "100",
    "1e16",
    "1e17",
    "1e1000",
    "-1e1000",
    "1E400",
    "1e-400",
    "-1e-400",
    "100000000000000000000",
    "12345678901234567890",
    "123456789012345678",
    "9007199254740992",
    "9007199254740993",
    "18446744073709551615",
    "-9223372036854775808",
    "0.30000000000000004",
    "0.3000000000000000444",
    "0.1000000000000000055511151231257827",
    "1.7976931348623157e308",
    "1.7976931348623158e308",
    "1.7976931348623159e308",
    "2.2250738585072014e-308",
    "2.225073858507201e-308",
    "5e-324",
    "4.9406564584124654e-324",
    "1e-320",
    "1.5e-320",
    "123456789012345e-320",
    "1e300",
    "1.5e300",
    "123456789012345",
    "1234567890123456",
    "12345678901234567",
    "0.000001",
    "1e-7",
    "99999999999999999",
    "9999999999999999",
    "1.00000000000000000000000000000000001",
    "100e-2",
    "0.5e0",
    "-12.5e-1",
    "8.98846567431158e307",
    "4.35",
    "0.1e-5",
    "6.02214076e23",
};

int main(void)
{
	char printed[128], lit[64];
	size_t agree = 0, total = 0;

	/* Equal values, different literals. */
	CHECK(cmp("1", "1.0") == 0, "1 == 1.0");
	CHECK(cmp("1", "10e-1") == 0, "1 == 10e-1");
	CHECK(cmp("1.0", "0.1e1") == 0, "1.0 == 0.1e1");
	CHECK(cmp("100", "1e2") == 0, "100 == 1e2");
	CHECK(cmp("100", "1E+2") == 0, "100 == 1E+2");
	CHECK(cmp("0.001", "1e-3") == 0, "0.001 == 1e-3");
	CHECK(cmp("-0", "0") == 0, "-0 == 0");
	CHECK(cmp("-0.0e5", "0") == 0, "-0.0e5 == 0");
	CHECK(cmp("120.50", "1205e-1") == 0, "120.50 == 1205e-1");
	/* Order. */
	CHECK(cmp("12345678901234567890", "12345678901234567891") < 0,
	      "20-digit ids compare exactly");
	CHECK(cmp("9007199254740993", "9007199254740992") > 0,
	      "2^53+1 > 2^53 (equal as doubles)");
	CHECK(cmp("-1", "0") < 0 && cmp("0", "1") < 0 && cmp("-2", "-1") < 0,
	      "-2 < -1 < 0 < 1");
	CHECK(cmp("-1e5", "-1e4") < 0, "-1e5 < -1e4");
	CHECK(cmp("1e400", "1e399") > 0, "1e400 > 1e399");
	CHECK(cmp("0.12", "0.1200001") < 0, "0.12 < 0.1200001");
	CHECK(cmp("1.5", "1.25") > 0, "1.5 > 1.25 (longer is not larger)");
	CHECK(cmp("10", "9.99999") > 0, "10 > 9.99999");
	CHECK(cmp("1e-5", "-1e5") > 0, "1e-5 > -1e5");
	CHECK(cmp("1e99999999999999999999999999", "1e400") > 0 &&
	          cmp("1e-99999999999999999999999999", "1e-400") < 0 &&
	          cmp("1e-99999999999999999999999999", "0") > 0,
	      "exponents past 2^62 saturate without overflow");

	check_dec("12.34", 0, 2, "1234", 1);
	check_dec("0.0012", 0, -2, "12", 0);
	check_dec("1200", 0, 4, "12", 0);
	check_dec("-5e-3", 1, -2, "5", 0);
	check_dec("10.05e1", 0, 3, "1005", 1);
	check_dec("-0.0", 0, 0, "", 0);
	{
		struct hs_num_dec v;
		const char *bad[] = {"",   "-",   "01",  "1.", ".5", "+1",
		                     "1e", "1e+", "0x1", "1 ", "NaN"};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			CHECK(hs_num_dec_parse(&v, bad[i], strlen(bad[i])) ==
			          -1,
			      "dec_parse rejects '%s'", bad[i]);
			hs_num_dec_release(&v);
		}
	}

	CHECK(hs_num_is_integer("1.0", 3) && hs_num_is_integer("1e3", 3) &&
	          hs_num_is_integer("1.5e1", 5) &&
	          hs_num_is_integer("-0.0", 4) && hs_num_is_integer("0.1e1", 5),
	      "is_integer: 1.0 1e3 1.5e1 -0.0 0.1e1");
	CHECK(!hs_num_is_integer("1.5", 3) && !hs_num_is_integer("1e-1", 4) &&
	          !hs_num_is_integer("100.001", 7),
	      "not is_integer: 1.5 1e-1 100.001");

	CHECK(hs_num_cmp_double("0.5", 3, 0.5) == 0, "0.5 == 0.5 exactly");
	CHECK(hs_num_cmp_double("0.1", 3, 0.1) < 0,
	      "literal 0.1 < double 0.1 (0.1000000000000000055...)");
	CHECK(hs_num_cmp_double(
	          "0.1000000000000000055511151231257827021181583404541015625",
	          57, 0.1) == 0,
	      "exact expansion of double 0.1 compares equal");
	CHECK(hs_num_cmp_double("9007199254740993", 16, 9007199254740992.0) > 0,
	      "2^53+1 > double 2^53");
	CHECK(hs_num_cmp_double("-3", 2, -3.0) == 0, "-3 == -3.0");
	CHECK(hs_num_cmp_double("5e-324", 6, 5e-324) > 0,
	      "5e-324 > smallest subnormal 4.94e-324");
	CHECK(hs_num_cmp_double("1e400", 5, INFINITY) < 0 &&
	          hs_num_cmp_double("-1e400", 6, -INFINITY) > 0,
	      "infinities are beyond every literal");
	CHECK(hs_num_cmp_double("1e308", 5, 1e308) != 0 &&
	          hs_num_cmp_double("1e22", 4, 1e22) == 0,
	      "1e308 is not a double exactly, 1e22 is");

	CHECK(fits("0.1") && fits("3.14") && fits("1.0") && fits("1e2"),
	      "fits: 0.1 3.14 1.0 1e2 (jq prints them back unchanged)");
	CHECK(!fits("12345678901234567890") && !fits("1e1000") &&
	          !fits("1e-400") && !fits("9007199254740993"),
	      "does not fit: 12345678901234567890 1e1000 1e-400 2^53+1");
	CHECK(fits("100000000000000000000"), "1e20 fits (jq prints 1e+20)");

	/* The oracle, on the fixed list and on generated literals. */
	for (size_t i = 0; i < sizeof(literals) / sizeof(literals[0]); i++) {
		int want = jq_fits(literals[i], printed, sizeof(printed));

		CHECK(fits(literals[i]) == want,
		      "fits(%s) == %d (jq prints %s)", literals[i], want,
		      printed);
	}
	srand(7);
	for (int i = 0; i < 3000; i++) {
		int nd = 1 + rand() % 20, p = 0, want;

		if (rand() % 2)
			lit[p++] = '-';
		lit[p++] = (char)('1' + rand() % 9);
		for (int k = 1; k < nd; k++) {
			if (k == 1 && rand() % 2)
				lit[p++] = '.';
			lit[p++] = (char)('0' + rand() % 10);
		}
		if (rand() % 3 == 0)
			p += snprintf(lit + p, sizeof(lit) - (size_t)p, "e%d",
			              rand() % 700 - 350);
		lit[p] = '\0';
		want = jq_fits(lit, printed, sizeof(printed));
		total++;
		if (fits(lit) == want)
			agree++;
		else
			printf("# fits(%s) = %d but jq prints %s\n", lit,
			       fits(lit), printed);
	}
	CHECK(agree == total,
	      "fits agrees with libjq on %zu of %zu generated literals", agree,
	      total);
	return check_done();
}

#include "banned.h"
