/*
 * test-timeutil.c: the RFC 3339 reader and writer of common/timeutil.c
 * (offsets, fractions, calendar limits, the leap-second rule, times
 * before 1970, the lenient reader of hs-fanout paths, hs_time_utc_tm and
 * the writer's round trip).  The older smoke checks stay in test-common.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"

#include "../unit/check.h"

/* 2026-11-26T03:04:05Z in epoch milliseconds. */
#define BASE INT64_C(1795662245000)

static int parse(const char *s, int64_t *ms)
{
	return hs_time_parse_rfc3339(s, strlen(s), ms);
}

static int parses_to(const char *s, int64_t want)
{
	int64_t ms = 0;

	return parse(s, &ms) == 0 && ms == want;
}

/* Text the strict reader refuses, and why. */
static const struct {
	const char *s, *why;
} bad[] = {
    {"2026-11-26T03:04:05", "no offset"},
    {"2026-11-26T03:04:05+0200", "+hhmm"},
    {"2026-11-26T03:04:05+02", "+hh"},
    {"2026-11-26T03:04:05+24:00", "offset hour 24"},
    {"2026-11-26T03:04:05+02:60", "offset minute 60"},
    {"2026-11-26T03:04:05Zx", "trailing text"},
    {"2026-11-26T03:04", "no seconds"},
    {"2026-11-26T03:04:05.Z", "empty fraction"},
    {"2026-11-26T03:04:05,5Z", "comma fraction"},
    {"2023-02-29T00:00:00Z", "2023-02-29"},
    {"1900-02-29T00:00:00Z", "1900-02-29"},
    {"2026-04-31T00:00:00Z", "April 31"},
    {"2026-13-01T00:00:00Z", "month 13"},
    {"2026-00-01T00:00:00Z", "month 0"},
    {"2026-01-00T00:00:00Z", "day 0"},
    {"2026-11-26T24:00:00Z", "hour 24"},
    {"2026-11-26T23:60:00Z", "minute 60"},
    {"2026-11-26T23:59:61Z", "second 61"},
    {"2026-11-26T3:04:05Z", "one-digit hour"},
};

static void test_refused(void)
{
	int64_t ms;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(parse(bad[i].s, &ms) < 0, "%s refused", bad[i].why);
}

static void test_offsets(void)
{
	CHECK(parses_to("2026-11-26T03:04:05Z", BASE), "Z");
	CHECK(parses_to("2026-11-26T03:04:05z", BASE), "lowercase z");
	CHECK(parses_to("2026-11-26t03:04:05Z", BASE), "lowercase t");
	CHECK(parses_to("2026-11-26T05:34:05+02:30", BASE), "+hh:mm");
	CHECK(parses_to("2026-11-25T22:04:05-05:00", BASE), "-hh:mm");
	CHECK(parses_to("2026-11-26T03:04:05+00:00", BASE), "+00:00");
	CHECK(parses_to("2026-11-26T03:04:05-00:00", BASE), "-00:00");
}

static void test_fractions(void)
{
	static const struct {
		const char *s;
		int ms;
	} f[] = {
	    {"2026-11-26T03:04:05.1Z", 100},
	    {"2026-11-26T03:04:05.12Z", 120},
	    {"2026-11-26T03:04:05.123Z", 123},
	    {"2026-11-26T03:04:05.1234Z", 123},
	    {"2026-11-26T03:04:05.12345Z", 123},
	    {"2026-11-26T03:04:05.123456Z", 123},
	    {"2026-11-26T03:04:05.1234567Z", 123},
	    {"2026-11-26T03:04:05.12345678Z", 123},
	    {"2026-11-26T03:04:05.999999999Z", 999},
	};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		CHECK(parses_to(f[i].s, BASE + f[i].ms),
		      "fraction of %zu digits", i + 1);
	CHECK(parses_to("2026-11-26T05:04:05.5+02:00", BASE + 500),
	      "fraction with an offset");
}

static void test_calendar(void)
{
	CHECK(parses_to("2024-02-29T00:00:00Z", INT64_C(1709164800000)),
	      "2024-02-29 is a day");
	CHECK(parses_to("2000-02-29T00:00:00Z", INT64_C(951782400000)),
	      "2000-02-29 (400-year rule)");
}

/*
 * Leap second: ":60" is read as ":59" of the same minute (no leap table),
 * at any minute because an offset moves 23:59:60 UTC.
 */
static void test_leap_second(void)
{
	CHECK(parses_to("2016-12-31T23:59:60Z", INT64_C(1483228799000)),
	      "23:59:60Z reads as 23:59:59");
	CHECK(parses_to("2016-12-31T23:59:60.5Z", INT64_C(1483228799500)),
	      "23:59:60.5Z keeps its fraction");
	CHECK(parses_to("2016-12-31T18:59:60-05:00", INT64_C(1483228799000)),
	      "the same leap second at -05:00");
}

static void test_before_1970(void)
{
	CHECK(parses_to("1969-12-31T23:59:59Z", -1000), "1969: -1000 ms");
	CHECK(parses_to("1969-12-31T23:59:59.500Z", -500), "1969: -500 ms");
	CHECK(parses_to("1970-01-01T01:00:00+02:00", -3600000),
	      "an offset crossing 1970");
	CHECK(parses_to("1900-01-01T00:00:00Z", INT64_C(-2208988800000)),
	      "1900-01-01");
}

static int utc_tm(int64_t ms, int y, int mo, int d, int h, int mi, int s,
                  int wday, int yday)
{
	struct tm tm;

	hs_time_utc_tm(ms, &tm);
	return tm.tm_year == y - 1900 && tm.tm_mon == mo - 1 &&
	       tm.tm_mday == d && tm.tm_hour == h && tm.tm_min == mi &&
	       tm.tm_sec == s && tm.tm_wday == wday && tm.tm_yday == yday;
}

static void test_utc_tm(void)
{
	CHECK(utc_tm(0, 1970, 1, 1, 0, 0, 0, 4, 0), "1970-01-01 Thursday");
	CHECK(utc_tm(BASE, 2026, 11, 26, 3, 4, 5, 4, 329),
	      "2026-11-26 Thursday, day 329");
	CHECK(utc_tm(INT64_C(1709164800000), 2024, 2, 29, 0, 0, 0, 4, 59),
	      "2024-02-29 Thursday, day 59");
	CHECK(utc_tm(INT64_C(1735603200000), 2024, 12, 31, 0, 0, 0, 2, 365),
	      "2024-12-31 Tuesday, day 365 of a leap year");
	CHECK(utc_tm(-1, 1969, 12, 31, 23, 59, 59, 3, 364),
	      "-1 ms is 1969-12-31 23:59:59 Wednesday");
	CHECK(utc_tm(-86400000, 1969, 12, 31, 0, 0, 0, 3, 364),
	      "-1 day is 1969-12-31 00:00:00");
	CHECK(utc_tm(-86400001, 1969, 12, 30, 23, 59, 59, 2, 363),
	      "-1 day -1 ms is 1969-12-30 Tuesday");
}

static void test_writer(void)
{
	static const int64_t v[] = {
	    0,
	    BASE + 437,
	    INT64_C(1709164800001),
	    -1,
	    -500,
	    INT64_C(-2208988800000),
	    INT64_C(253402300799999), /* 9999-12-31T23:59:59.999Z */
	};
	char buf[32];
	int64_t back;

	CHECK(
	    !strcmp(hs_time_format_ms(INT64_C(1796345122437), buf, sizeof buf),
	            "2026-12-04T00:45:22.437Z"),
	    "the dead-letter form");
	CHECK(!strcmp(hs_time_format_ms(-1, buf, sizeof buf),
	              "1969-12-31T23:59:59.999Z"),
	      "-1 ms written");
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		hs_time_format_ms(v[i], buf, sizeof buf);
		CHECK(strlen(buf) == 24 && parse(buf, &back) == 0 &&
		          back == v[i],
		      "round trip of %lld (%s)", (long long)v[i], buf);
	}
}

static int lenient(const char *s, int y, int mo, int d, int h, int mi, int sec)
{
	struct tm tm;

	if (hs_time_parse_lenient(s, strlen(s), &tm) < 0)
		return 0;
	return tm.tm_year == y - 1900 && tm.tm_mon == mo - 1 &&
	       tm.tm_mday == d && tm.tm_hour == h && tm.tm_min == mi &&
	       tm.tm_sec == sec;
}

static void test_lenient(void)
{
	struct tm tm;

	CHECK(lenient("2026-11-26T06:09", 2026, 11, 26, 6, 9, 0),
	      "lenient: no seconds, no offset");
	CHECK(lenient("2026-11-26 06:09:52", 2026, 11, 26, 6, 9, 52),
	      "lenient: space, no offset");
	CHECK(lenient("2026-11-26T23:30:00-05:00", 2026, 11, 27, 4, 30, 0),
	      "lenient: an offset is expanded in UTC");
	CHECK(lenient("2026-11-26T06:09:52.5", 2026, 11, 26, 6, 9, 52),
	      "lenient: fraction without offset, fields as written");
	CHECK(hs_time_parse_lenient("2026-11-26T06", 13, &tm) < 0,
	      "lenient: no minutes refused");
	CHECK(hs_time_parse_lenient("2026-11-26T24:00", 16, &tm) < 0,
	      "lenient: hour 24 refused");
	CHECK(hs_time_parse_lenient("2026-13-26T06:09", 16, &tm) < 0,
	      "lenient: month 13 refused");
	CHECK(hs_time_parse_lenient("2026/11/26T06:09", 16, &tm) < 0,
	      "lenient: wrong separators refused");
}

int main(void)
{
	test_offsets();
	test_fractions();
	test_calendar();
	test_refused();
	test_leap_second();
	test_before_1970();
	test_utc_tm();
	test_writer();
	test_lenient();
	return check_done();
}
