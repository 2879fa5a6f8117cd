/*
 * timeutil.h: RFC 3339 timestamps and epoch milliseconds, without the
 * banned gmtime()/localtime().
 */
#ifndef HS_TIMEUTIL_H
#define HS_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Current wall-clock time in epoch milliseconds. */
int64_t hs_time_now_ms(void);

/* Format epoch milliseconds as "2026-11-26T03:04:05.678Z" into buf
 * (at least 32 bytes).  Returns buf. */
char *hs_time_format_ms(int64_t ms, char *buf, size_t len);

/*
 * Parse s[0..n) as RFC 3339 ("2026-11-26T03:04:05Z", fraction and offset
 * allowed, 't'/'z' and a space separator accepted) into epoch
 * milliseconds.  The fraction may have any number of digits (1..9 in
 * practice); digits past the millisecond are dropped, not rounded.  The
 * offset is "Z"/"z" or +hh:mm/-hh:mm and is required.  Leap second: ":60"
 * is accepted at any minute (an offset moves 23:59:60 UTC, and hs keeps no
 * leap-second table) and read as ":59" of that minute, so it sorts with
 * the second before.  Hour 24 and minute 60 are refused, as are days past
 * the end of the month (2023-02-29).  Returns 0, or -1.
 */
int hs_time_parse_rfc3339(const char *s, size_t n, int64_t *ms);

/* Break epoch milliseconds down into a UTC struct tm (fields only;
 * tm_wday and tm_yday set too). */
struct tm;
void hs_time_utc_tm(int64_t ms, struct tm *tm);

/*
 * Lenient reading for path templates (hs-fanout's {time:FMT}): a full
 * RFC 3339 time is expanded in UTC as hs_time_utc_tm() does; otherwise
 * "YYYY-MM-DDThh:mm" ('T' or a space) optionally followed by ":ss" and
 * anything else (fraction, a malformed zone) gives the wall-clock fields
 * as written, with month 1..12, day 1..31 (not checked against the
 * month), hour <= 23, minute <= 59, second <= 60, and tm_wday, tm_yday
 * left 0.  Returns 0, or -1.
 */
int hs_time_parse_lenient(const char *s, size_t n, struct tm *tm);

/* Parse RFC 3339 or a plain integer of epoch milliseconds. */
int hs_time_parse(const char *s, size_t n, int64_t *ms);

#endif
