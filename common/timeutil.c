/*
 * timeutil.c: the one reader and writer of RFC 3339 text in hs, and the
 * UTC calendar arithmetic behind them (civil date <-> days, epoch
 * milliseconds -> struct tm) so no tool needs gmtime_r(), timegm() or
 * strptime().  It owns: hs_time_parse_rfc3339 (strict, offset required),
 * hs_time_parse_lenient (also wall-clock times without offset or seconds,
 * for hs-fanout's {time:FMT}), hs_time_parse (RFC 3339 or epoch ms),
 * hs_time_format_ms (the "2026-12-04T00:45:22.437Z" form of dead letters
 * and records) and hs_time_utc_tm.  It does not own strftime() layouts,
 * time zones other than UTC offsets, leap-second tables or monotonic
 * clocks (stats.c and the tools read CLOCK_MONOTONIC themselves).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"
#include "banned.h"

int64_t hs_time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	int64_t yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void hs_time_utc_tm(int64_t ms, struct tm *tm)
{
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t rem = ms - days * 86400000;
	int64_t y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	memset(tm, 0, sizeof *tm);
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = (int)(rem / 3600000);
	tm->tm_min = (int)(rem / 60000 % 60);
	tm->tm_sec = (int)(rem / 1000 % 60);
	/* 1970-01-01 was a Thursday */
	tm->tm_wday = (int)(((days % 7) + 11) % 7);
	tm->tm_yday = (int)(days - days_from_civil(y, 1, 1));
}

char *hs_time_format_ms(int64_t ms, char *buf, size_t len)
{
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t rem = ms - days * 86400000;
	int64_t y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
	         (long long)y, m, d, (int)(rem / 3600000),
	         (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
	         (int)(rem % 1000));
	return buf;
}

static int digits(const char *s, size_t n, size_t at, int count, int *out)
{
	int v = 0;

	if (at + (size_t)count > n)
		return -1;
	for (int i = 0; i < count; i++) {
		char c = s[at + (size_t)i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

int hs_time_parse_rfc3339(const char *s, size_t n, int64_t *ms)
{
	int y, mo, d, h, mi, sec, frac = 0;
	size_t i = 19;
	int64_t off = 0;
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};

	if (n < 20 || digits(s, n, 0, 4, &y) || s[4] != '-' ||
	    digits(s, n, 5, 2, &mo) || s[7] != '-' || digits(s, n, 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    digits(s, n, 11, 2, &h) || s[13] != ':' ||
	    digits(s, n, 14, 2, &mi) || s[16] != ':' ||
	    digits(s, n, 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 &&
	    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	if (i < n && s[i] == '.') {
		int scale = 100, got = 0;

		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, got++) {
			frac += (s[i] - '0') * scale;
			scale /= 10;
		}
		if (!got)
			return -1;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int oh, om;

		if (digits(s, n, i + 1, 2, &oh) || i + 3 >= n ||
		    s[i + 3] != ':' || digits(s, n, i + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return -1;
		off = (int64_t)(oh * 60 + om) * 60000;
		if (s[i] == '+')
			off = -off;
		i += 6;
	} else {
		return -1;
	}
	if (i != n)
		return -1;
	if (sec == 60)
		sec = 59; /* a leap second sorts with the second before it */
	*ms = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) *
	          1000 +
	      frac + off;
	return 0;
}

int hs_time_parse_lenient(const char *s, size_t n, struct tm *tm)
{
	static const char shape[] = "dddd-dd-ddTdd:dd";
	int v[6] = {0};
	size_t i;
	int64_t ms;

	/* A full RFC 3339 time is one instant: expand it in UTC. */
	if (hs_time_parse_rfc3339(s, n, &ms) == 0) {
		hs_time_utc_tm(ms, tm);
		return 0;
	}
	/* Otherwise (no offset) the wall-clock fields as written. */
	if (n < sizeof shape - 1)
		return -1;
	for (i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9')
		                    : (s[i] != shape[i] &&
		                       !(shape[i] == 'T' && s[i] == ' ')))
			return -1;
	digits(s, n, 0, 4, &v[0]);
	digits(s, n, 5, 2, &v[1]);
	digits(s, n, 8, 2, &v[2]);
	digits(s, n, 11, 2, &v[3]);
	digits(s, n, 14, 2, &v[4]);
	if (n >= 19 && s[16] == ':')
		(void)digits(s, n, 17, 2, &v[5]); /* v[5] stays 0 if not */
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return -1;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = v[0] - 1900;
	tm->tm_mon = v[1] - 1;
	tm->tm_mday = v[2];
	tm->tm_hour = v[3];
	tm->tm_min = v[4];
	tm->tm_sec = v[5];
	return 0;
}

int hs_time_parse(const char *s, size_t n, int64_t *ms)
{
	int64_t v = 0;
	size_t i = 0;
	int neg = 0;

	if (n && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i < n) {
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (v > (INT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (s[i] - '0');
		}
		if (i == n) {
			*ms = neg ? -v : v;
			return 0;
		}
	}
	return hs_time_parse_rfc3339(s, n, ms);
}
