/*
 * seqname.c: the naming rule of rotated file series (see seqname.h).
 * Owns only string work on names; hs-fanout's target-file.c opens the files
 * and hs-replay's archive.c orders them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "seqname.h"
#include "banned.h"

/* Digits only, at least one. */
static int all_digits(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

size_t hs_seq_ext(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t n = strlen(path), b = (size_t)(base - path), last = n;

	/* the last '.' of the name, not its first byte (".hidden") */
	for (size_t i = n; i > b + 1; i--)
		if (path[i - 1] == '.') {
			last = i - 1;
			break;
		}
	if (last < n && all_digits(path + last + 1, n - last - 1))
		return n; /* "x.1": a number is never an extension */
	if (last == n || strcmp(path + last, ".zst") != 0)
		return last;
	for (size_t i = last; i > b + 1; i--)
		if (path[i - 1] == '.') {
			if (all_digits(path + i, last - i))
				return last;
			return i - 1;
		}
	return last;
}

char *hs_seq_name(const char *path, unsigned long seq)
{
	size_t e = hs_seq_ext(path), n = strlen(path) + 24;
	char *s;

	if (!seq)
		return hs_xstrdup(path);
	s = hs_xmalloc(n);
	snprintf(s, n, "%.*s.%lu%s", (int)e, path, seq, path + e);
	return s;
}

void hs_seq_parse(const char *path, size_t *stem, size_t *ext,
                  unsigned long *seq)
{
	const char *slash = strrchr(path, '/');
	size_t b = slash ? (size_t)(slash + 1 - path) : 0;
	size_t e = hs_seq_ext(path), d = e;

	*ext = e;
	*stem = e;
	*seq = 0;
	while (d > b && path[d - 1] >= '0' && path[d - 1] <= '9')
		d--;
	/* ".N" after at least one byte of name, N without a leading zero */
	if (d == e || d < b + 2 || path[d - 1] != '.' || path[d] == '0' ||
	    e - d > 9)
		return;
	*stem = d - 1;
	*seq = strtoul(path + d, NULL, 10);
}

unsigned long hs_seq_last(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash + 1 - path) : 0;
	size_t e = hs_seq_ext(path), cap = strlen(path) + 256;
	char *dir = slash ? hs_xstrdup(path) : hs_xstrdup(".");
	char *name = hs_xmalloc(cap);
	unsigned long last = 0;
	struct dirent *de;
	DIR *d;

	if (slash)
		dir[dlen] = '\0';
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		size_t stem, ext;
		unsigned long seq;

		if (strlen(de->d_name) + dlen + 1 > cap)
			continue;
		/* the entry, named as path names its directory */
		snprintf(name, cap, "%.*s%s", (int)dlen, path, de->d_name);
		hs_seq_parse(name, &stem, &ext, &seq);
		if (seq > last && stem == e && !strncmp(name, path, e) &&
		    !strcmp(name + ext, path + e))
			last = seq;
	}
	if (d)
		closedir(d);
	free(name);
	free(dir);
	return last;
}
