/*
 * archive-list.c: which archive files a list of paths names and the
 * order to read them in (archive.h's hs_arc_list()): archive names,
 * rotated series (common/seqname.h), first event time.  Reading a file
 * is archive-read.c's.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "archive.h"
#include "buf.h"
#include "err.h"
#include "json.h"
#include "seqname.h"
#include "timeutil.h"
#include "banned.h"

#define PEEK_LINES 64 /* lines read to find a file's first event time */

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The time of the first line with a usable "time" member, or
 * HS_ARC_NO_TIME. */
static int64_t first_time(struct hs_arc_file *f, size_t max)
{
	struct hs_arc_reader r;
	struct hs_json_doc doc;
	const char *line;
	size_t len;
	int64_t ms = HS_ARC_NO_TIME;
	int n = 0, k;

	if (hs_arc_open(&r, f, max, NULL, 0) < 0) {
		hs_arc_close(&r);
		return HS_ARC_NO_TIME;
	}
	hs_json_doc_init(&doc);
	while (n++ < PEEK_LINES &&
	       (k = hs_arc_next(&r, &line, &len)) != HS_ARC_END &&
	       k != HS_ARC_ERR) {
		uint32_t v;
		const char *s;
		size_t sn;

		if (k != HS_ARC_LINE || hs_json_parse(&doc, line, len) < 0)
			continue;
		v = hs_json_obj_get(&doc, 0, "time", 4);
		if (v == HS_JSON_NONE ||
		    hs_json_type(&doc, v) != HS_JSON_STRING ||
		    !hs_json_str_plain(&doc, v, &s, &sn))
			continue;
		if (hs_time_parse_rfc3339(s, sn, &ms) == 0)
			break;
		ms = HS_ARC_NO_TIME;
	}
	hs_json_doc_release(&doc);
	hs_arc_close(&r);
	return ms;
}

static int archive_name(const char *name)
{
	static const char *const exts[] = {
	    ".ndjson",    ".jsonl",    ".json", ".ndjson.zst",
	    ".jsonl.zst", ".json.zst", ".zst"};

	if (name[0] == '.')
		return 0; /* hidden, and temporary files being written */
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (ends_with(name, exts[i]))
			return 1;
	return 0;
}

/* The rotated series path belongs to (common/seqname.h), and its number
 * in it: x.ndjson, x.1.ndjson, x.10.ndjson are 0, 1, 10 of x.ndjson. */
static char *series_of(const char *path, unsigned long *seq)
{
	struct hs_buf b = HS_BUF_INIT;
	size_t stem, ext;

	hs_seq_parse(path, &stem, &ext, seq);
	hs_buf_addf(&b, "%.*s%s", (int)stem, path, path + ext);
	return b.data;
}

static void add_file(struct hs_arc_file **v, int *n, size_t *cap,
                     const char *path, const struct stat *st)
{
	struct hs_arc_file *f;

	*v = hs_xgrow(*v, sizeof(**v), (size_t)*n + 1, cap);
	f = &(*v)[(*n)++];
	memset(f, 0, sizeof(*f));
	f->path = hs_xstrdup(path);
	f->series = series_of(path, &f->seq);
	f->zst = ends_with(path, ".zst");
	f->size = (uint64_t)st->st_size;
	f->dev = (uint64_t)st->st_dev;
	f->ino = (uint64_t)st->st_ino;
	f->regular = S_ISREG(st->st_mode);
	f->key_ms = f->mtime_ms =
	    (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
}

static int cmp_file(const void *a, const void *b)
{
	const struct hs_arc_file *x = a, *y = b;
	int c;

	/* files with an event time first, by it; then the rest by mtime;
	 * ties by name, the members of a rotated series by number */
	if (x->timed_key != y->timed_key)
		return y->timed_key - x->timed_key;
	if (x->key_ms != y->key_ms)
		return x->key_ms < y->key_ms ? -1 : 1;
	c = strcmp(x->series, y->series);
	if (c)
		return c;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int list_dir(const char *dir, struct hs_arc_file **v, int *n,
                    size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct hs_buf p = HS_BUF_INIT;
	int rc = 0;

	if (!d) {
		hs_errno("cannot open directory '%s'", dir);
		return -1;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (!archive_name(de->d_name))
			continue;
		hs_buf_reset(&p);
		hs_buf_addf(&p, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/",
		            de->d_name);
		if (stat(p.data, &st) < 0) {
			hs_errno("cannot stat '%s'", p.data);
			rc = -1;
			continue;
		}
		if (S_ISREG(st.st_mode))
			add_file(v, n, cap, p.data, &st);
	}
	closedir(d);
	hs_buf_release(&p);
	return rc;
}

int hs_arc_list(char **paths, int npaths, size_t max, struct hs_arc_file **out)
{
	struct hs_arc_file *v = NULL;
	size_t cap = 0;
	int n = 0, rc = 0;

	for (int i = 0; i < npaths; i++) {
		struct stat st;

		if (strcmp(paths[i], "-") == 0) {
			/* standard input, named as every tool names it */
			if (fstat(STDIN_FILENO, &st) < 0) {
				hs_errno("cannot read <stdin>");
				rc = -1;
				continue;
			}
			add_file(&v, &n, &cap, "<stdin>", &st);
			v[n - 1].is_stdin = 1;
			continue;
		}
		if (stat(paths[i], &st) < 0) {
			hs_errno("cannot open '%s'", paths[i]);
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (list_dir(paths[i], &v, &n, &cap) < 0)
				rc = -1;
		} else {
			add_file(&v, &n, &cap, paths[i], &st);
		}
	}
	for (int i = 0; i < n; i++) {
		int64_t ms =
		    v[i].regular ? first_time(&v[i], max) : HS_ARC_NO_TIME;

		if (ms != HS_ARC_NO_TIME) {
			v[i].key_ms = ms;
			v[i].timed_key = 1;
		}
	}
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_file);
	*out = v;
	if (rc < 0) {
		hs_arc_files_free(v, n);
		*out = NULL;
		return -1;
	}
	return n;
}

void hs_arc_files_free(struct hs_arc_file *f, int n)
{
	for (int i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].series);
	}
	free(f);
}
