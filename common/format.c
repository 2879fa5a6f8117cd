/*
 * format.c: JSON Schema "format" checks (format.h), used by the schema
 * validator when formats are assertions.  It checks a string's form only;
 * deciding when a format applies is schema.c's.
 */
#include <stdint.h>
#include <string.h>

#include "format.h"
#include "regex.h"
#include "banned.h"

static int isdig(char c)
{
	return c >= '0' && c <= '9';
}

static int ishex(char c)
{
	return isdig(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int isalpha_(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* n decimal digits at s as a number, or -1. */
static int digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!isdig(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* RFC 3339 full-date. */
static int is_date(const char *s, size_t n)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int y, m, d, leap;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

/* RFC 3339 full-time, leap seconds only at 23:59:60 UTC. */
static int is_time(const char *s, size_t n)
{
	int h, m, sec, oh = 0, om = 0, sign = 0;
	size_t i = 8;

	if (n < 9 || s[2] != ':' || s[5] != ':')
		return 0;
	h = digits(s, 2);
	m = digits(s + 3, 2);
	sec = digits(s + 6, 2);
	if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
		return 0;
	if (s[i] == '.') {
		size_t st = ++i;

		while (i < n && isdig(s[i]))
			i++;
		if (i == st)
			return 0;
	}
	if (i >= n)
		return 0;
	if (s[i] == 'Z' || s[i] == 'z') {
		if (i + 1 != n)
			return 0;
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '+' ? 1 : -1;
		if (n - i != 6 || s[i + 3] != ':')
			return 0;
		oh = digits(s + i + 1, 2);
		om = digits(s + i + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return 0;
	} else {
		return 0;
	}
	if (sec == 60) {
		int utc =
		    ((h * 60 + m - sign * (oh * 60 + om)) % 1440 + 1440) % 1440;

		return utc == 23 * 60 + 59;
	}
	return 1;
}

static int is_date_time(const char *s, size_t n)
{
	if (n < 20 || (s[10] != 'T' && s[10] != 't'))
		return 0;
	return is_date(s, 10) && is_time(s + 11, n - 11);
}

/*
 * A run of NUMBER UNIT pairs from s[*i] up to n or stop, units in the
 * order of units[] (each at most once).  Returns how many pairs, or -1.
 */
static int dur_units(const char *s, size_t n, size_t *i, char stop,
                     const char *units)
{
	int next = 0, k = 0;

	while (*i < n && s[*i] != stop) {
		size_t st = *i;
		const char *u;

		while (*i < n && isdig(s[*i]))
			(*i)++;
		if (*i == st || *i >= n)
			return -1;
		u = strchr(units + next, s[*i]);
		if (!u || !s[*i])
			return -1;
		next = (int)(u - units) + 1;
		k++;
		(*i)++;
	}
	return k;
}

/* RFC 3339 appendix A duration: P[nY][nM][nD][T[nH][nM][nS]] or PnW. */
static int is_duration(const char *s, size_t n)
{
	size_t i = 1;
	int d, t;

	if (n < 2 || s[0] != 'P')
		return 0;
	if (s[n - 1] == 'W') {
		for (i = 1; i < n - 1; i++)
			if (!isdig(s[i]))
				return 0;
		return n > 2;
	}
	if ((d = dur_units(s, n, &i, 'T', "YMD")) < 0)
		return 0;
	if (i == n)
		return d > 0;
	i++; /* the T */
	t = dur_units(s, n, &i, '\0', "HMS");
	return t > 0 && i == n;
}

static int is_ipv4(const char *s, size_t n)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t st = i;
		int v = 0;

		while (i < n && isdig(s[i]) && i - st < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == st || v > 255 || (i - st > 1 && s[st] == '0'))
			return 0;
		if (part < 3) {
			if (i >= n || s[i] != '.')
				return 0;
			i++;
		}
	}
	return i == n;
}

static int is_ipv6(const char *s, size_t n)
{
	int groups = 0, dcolon = 0;
	size_t i = 0;

	if (n < 2)
		return 0;
	if (s[0] == ':') {
		if (s[1] != ':')
			return 0;
		dcolon = 1;
		i = 2;
		if (i == n)
			return 1;
	}
	while (i < n) {
		size_t st = i;

		while (i < n && ishex(s[i]) && i - st < 5)
			i++;
		if (i < n && s[i] == '.') {
			/* an embedded IPv4 ends the address */
			if (!is_ipv4(s + st, n - st))
				return 0;
			groups += 2;
			i = n;
			break;
		}
		if (i == st || i - st > 4)
			return 0;
		groups++;
		if (i == n)
			break;
		if (s[i] != ':')
			return 0;
		i++;
		if (i < n && s[i] == ':') {
			if (dcolon)
				return 0;
			dcolon = 1;
			i++;
			if (i == n)
				break;
		} else if (i == n) {
			return 0;
		}
	}
	return dcolon ? groups < 8 : groups == 8;
}

static int is_hostname(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || n > 253 + (s[n - 1] == '.'))
		return 0;
	if (s[n - 1] == '.')
		n--;
	while (i < n) {
		size_t st = i;

		while (i < n && s[i] != '.') {
			if (!isalpha_(s[i]) && !isdig(s[i]) && s[i] != '-')
				return 0;
			i++;
		}
		if (i == st || i - st > 63 || s[st] == '-' || s[i - 1] == '-')
			return 0;
		/* IDNA: "--" in positions 3-4 only for A-labels ("xn--") */
		if (i - st >= 4 && s[st + 2] == '-' && s[st + 3] == '-' &&
		    !((s[st] == 'x' || s[st] == 'X') &&
		      (s[st + 1] == 'n' || s[st + 1] == 'N')))
			return 0;
		if (i < n)
			i++;
		if (i == n && s[n - 1] == '.')
			return 0;
	}
	return 1;
}

static int is_email(const char *s, size_t n)
{
	const char *at = NULL;
	size_t ln, i;

	for (i = n; i > 0; i--)
		if (s[i - 1] == '@') {
			at = s + i - 1;
			break;
		}
	if (!at)
		return 0;
	ln = (size_t)(at - s);
	if (ln == 0 || ln > 64)
		return 0;
	if (s[0] == '"') {
		if (ln < 2 || s[ln - 1] != '"')
			return 0;
		for (i = 1; i < ln - 1; i++) {
			if (s[i] == '\\') {
				i++;
				continue;
			}
			if (s[i] == '"' || (unsigned char)s[i] < 0x20)
				return 0;
		}
	} else {
		if (s[0] == '.' || s[ln - 1] == '.')
			return 0;
		for (i = 0; i < ln; i++) {
			char c = s[i];

			if (c == '.' && s[i + 1] == '.')
				return 0;
			if (!isalpha_(c) && !isdig(c) &&
			    !strchr("!#$%&'*+-/=?^_`{|}~.", c))
				return 0;
		}
	}
	s = at + 1;
	n -= ln + 1;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n > 7 && !memcmp(s + 1, "IPv6:", 5))
			return is_ipv6(s + 6, n - 7);
		return is_ipv4(s + 1, n - 2);
	}
	return is_hostname(s, n);
}

static int is_uuid(const char *s, size_t n)
{
	if (n != 36)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!ishex(s[i])) {
			return 0;
		}
	}
	return 1;
}

static int is_json_pointer(const char *s, size_t n)
{
	if (n && s[0] != '/')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '~' &&
		    (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1')))
			return 0;
	return 1;
}

static int is_rel_json_pointer(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && isdig(s[i]))
		i++;
	if (i == 0 || (i > 1 && s[0] == '0'))
		return 0;
	if (i == n)
		return 1;
	if (s[i] == '#')
		return i + 1 == n;
	return is_json_pointer(s + i, n - i);
}

/*
 * RFC 3986 character rules, component by component.  iri allows
 * non-ASCII characters where URIs allow unreserved ones.
 */
static int uri_chars(const char *s, size_t n, const char *extra, int iri)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			if (i + 2 >= n || !ishex(s[i + 1]) || !ishex(s[i + 2]))
				return 0;
			i += 2;
			continue;
		}
		if (c >= 0x80 && iri)
			continue;
		if (isalpha_((char)c) || isdig((char)c) ||
		    strchr("-._~!$&'()*+,;=", (char)c) ||
		    (c && strchr(extra, (char)c)))
			continue;
		return 0;
	}
	return 1;
}

static int is_uri_ref(const char *s, size_t n, int need_scheme, int iri)
{
	size_t i = 0, st;

	while (i < n && s[i] != ':' && s[i] != '/' && s[i] != '?' &&
	       s[i] != '#')
		i++;
	if (i < n && s[i] == ':' && i > 0) {
		if (!isalpha_(s[0]))
			return 0;
		for (size_t j = 1; j < i; j++)
			if (!isalpha_(s[j]) && !isdig(s[j]) &&
			    !strchr("+-.", s[j]))
				return 0;
		i++;
	} else {
		if (need_scheme)
			return 0;
		i = 0;
	}
	if (n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
		size_t a = i + 2, e = a, at, h;

		while (e < n && s[e] != '/' && s[e] != '?' && s[e] != '#')
			e++;
		h = a;
		for (at = a; at < e; at++)
			if (s[at] == '@')
				h = at + 1;
		if (h > a && !uri_chars(s + a, h - 1 - a, ":", iri))
			return 0;
		if (h < e && s[h] == '[') {
			const char *rb = memchr(s + h, ']', e - h);

			if (!rb)
				return 0;
			if (!is_ipv6(s + h + 1, (size_t)(rb - s) - h - 1))
				return 0;
			h = (size_t)(rb - s) + 1;
			if (h < e && s[h] != ':')
				return 0;
		} else {
			size_t c = h;

			while (c < e && s[c] != ':')
				c++;
			if (!uri_chars(s + h, c - h, "", iri))
				return 0;
			h = c;
		}
		if (h < e) {
			for (size_t p = h + 1; p < e; p++)
				if (!isdig(s[p]))
					return 0;
		}
		i = e;
	}
	st = i;
	while (i < n && s[i] != '?' && s[i] != '#')
		i++;
	if (!uri_chars(s + st, i - st, ":@/", iri))
		return 0;
	if (i < n && s[i] == '?') {
		st = ++i;
		while (i < n && s[i] != '#')
			i++;
		if (!uri_chars(s + st, i - st, ":@/?", iri))
			return 0;
	}
	if (i < n && s[i] == '#') {
		st = ++i;
		if (!uri_chars(s + st, n - st, ":@/?", iri))
			return 0;
	}
	return 1;
}

static int is_uri_template(const char *s, size_t n)
{
	int open = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '{') {
			if (open)
				return 0;
			open = 1;
		} else if (s[i] == '}') {
			if (!open)
				return 0;
			open = 0;
		}
	}
	return !open;
}

int hs_format_check(const char *name, const char *s, size_t n)
{
	if (!strcmp(name, "date-time"))
		return is_date_time(s, n);
	if (!strcmp(name, "date"))
		return is_date(s, n);
	if (!strcmp(name, "time"))
		return is_time(s, n);
	if (!strcmp(name, "duration"))
		return is_duration(s, n);
	if (!strcmp(name, "email"))
		return is_email(s, n);
	if (!strcmp(name, "hostname"))
		return is_hostname(s, n);
	if (!strcmp(name, "ipv4"))
		return is_ipv4(s, n);
	if (!strcmp(name, "ipv6"))
		return is_ipv6(s, n);
	if (!strcmp(name, "uri"))
		return is_uri_ref(s, n, 1, 0);
	if (!strcmp(name, "uri-reference"))
		return is_uri_ref(s, n, 0, 0);
	if (!strcmp(name, "iri"))
		return is_uri_ref(s, n, 1, 1);
	if (!strcmp(name, "iri-reference"))
		return is_uri_ref(s, n, 0, 1);
	if (!strcmp(name, "uri-template"))
		return is_uri_template(s, n);
	if (!strcmp(name, "uuid"))
		return is_uuid(s, n);
	if (!strcmp(name, "regex"))
		return hs_regex_valid(s, n);
	if (!strcmp(name, "json-pointer"))
		return is_json_pointer(s, n);
	if (!strcmp(name, "relative-json-pointer"))
		return is_rel_json_pointer(s, n);
	return -1;
}
