/*
 * registry.c: hs-validate's schemas (validate.h): one --schema file or a
 * --registry directory compiled at start, and the documents they reference
 * loaded through --ref-map.  Validating events is main.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "err.h"
#include "validate.h"
#include "banned.h"

struct reg_entry {
	char *source, *dtype; /* owned */
	struct hs_schema *s;
};

int refmap_add(struct refmap *m, const char *arg, char *errbuf, size_t errlen)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1])
		return hs_seterr(errbuf, errlen,
		                 "--ref-map wants PREFIX=DIR, not '%s'", arg);
	m->prefix = hs_xrealloc(m->prefix, (m->n + 1) * sizeof(char *));
	m->dir = hs_xrealloc(m->dir, (m->n + 1) * sizeof(char *));
	m->prefix[m->n] = hs_xstrndup(arg, (size_t)(eq - arg));
	m->dir[m->n] = hs_xstrdup(eq + 1);
	m->n++;
	return 0;
}

void refmap_release(struct refmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->prefix[i]);
		free(m->dir[i]);
	}
	free(m->prefix);
	free(m->dir);
	memset(m, 0, sizeof(*m));
}

/* Read path, or path + ".json" when path itself is not a regular file. */
static int read_doc(const char *path, struct hs_buf *out, char *errbuf,
                    size_t errlen)
{
	struct hs_buf alt = HS_BUF_INIT;
	struct stat st;
	int rc;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		return hs_buf_read_file(out, path, errbuf, errlen);
	hs_buf_adds(&alt, path);
	hs_buf_adds(&alt, ".json");
	if (stat(alt.data, &st) == 0 && S_ISREG(st.st_mode))
		rc = hs_buf_read_file(out, alt.data, errbuf, errlen);
	else
		rc = hs_buf_read_file(out, path, errbuf, errlen);
	hs_buf_release(&alt);
	return rc;
}

/*
 * A referenced document: the longest --ref-map prefix of uri names the
 * directory, the rest of uri the file under it.  file: URIs name local
 * files directly (schemas are files; their neighbours are too).  Nothing
 * is ever fetched over the network.
 */
int refmap_load(void *ctx, const char *uri, struct hs_buf *out, char *errbuf,
                size_t errlen)
{
	const struct refmap *m = ctx;
	size_t best = 0, bl = 0;
	struct hs_buf path = HS_BUF_INIT;
	int found = 0, rc;

	for (size_t i = 0; i < m->n; i++) {
		size_t pl = strlen(m->prefix[i]);

		if (pl >= bl && !strncmp(uri, m->prefix[i], pl)) {
			best = i;
			bl = pl;
			found = 1;
		}
	}
	if (found) {
		const char *rest = uri + bl;

		hs_buf_adds(&path, m->dir[best]);
		if (path.len && path.data[path.len - 1] != '/' && *rest != '/')
			hs_buf_addc(&path, '/');
		hs_buf_adds(&path, rest);
	} else if (!strncmp(uri, "file://", 7)) {
		hs_buf_adds(&path, uri + 7);
	} else {
		return hs_seterr(errbuf, errlen,
		                 "no --ref-map prefix matches (the network is "
		                 "never used)");
	}
	rc = read_doc(path.data, out, errbuf, errlen);
	hs_buf_release(&path);
	return rc;
}

/* "file:///abs/path" for a schema file, its base URI. */
static char *file_uri(const char *path)
{
	char real[PATH_MAX];
	struct hs_buf b = HS_BUF_INIT;

	hs_buf_adds(&b, "file://");
	if (realpath(path, real))
		hs_buf_adds(&b, real);
	else
		hs_buf_adds(&b, path);
	return hs_buf_detach(&b, NULL);
}

static struct hs_schema *compile_file(const char *path,
                                      const struct hs_schema_opts *o,
                                      char *errbuf, size_t errlen)
{
	struct hs_buf text = HS_BUF_INIT;
	struct hs_schema *s = NULL;
	char *uri, eb[512];

	if (hs_buf_read_file(&text, path, errbuf, errlen) < 0)
		return NULL;
	uri = file_uri(path);
	s = hs_schema_new(text.data, text.len, uri, o, eb, sizeof(eb));
	if (!s)
		hs_seterr(errbuf, errlen, "bad schema '%s': %s", path, eb);
	free(uri);
	hs_buf_release(&text);
	return s;
}

int registry_one(struct registry *r, const char *file,
                 const struct hs_schema_opts *o, char *errbuf, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->def = compile_file(file, o, errbuf, errlen);
	return r->def ? 0 : -1;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct reg_entry *x = a, *y = b;
	int c = strcmp(x->source, y->source);

	return c ? c : strcmp(x->dtype, y->dtype);
}

static int has_json_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && !strcmp(name + n - 5, ".json");
}

static int add_source(struct registry *r, const char *dir, const char *src,
                      const struct hs_schema_opts *o, char *errbuf,
                      size_t errlen)
{
	struct hs_buf path = HS_BUF_INIT;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	hs_buf_addf(&path, "%s/%s", dir, src);
	d = opendir(path.data);
	if (!d) {
		rc = hs_seterr(errbuf, errlen, "cannot open '%s': %s",
		               path.data, strerror(errno));
		goto out;
	}
	while ((de = readdir(d))) {
		struct reg_entry *e;
		size_t base = path.len;

		if (de->d_name[0] == '.' || !has_json_suffix(de->d_name))
			continue;
		r->ent = hs_xrealloc(r->ent, (r->n + 1) * sizeof(*r->ent));
		e = &r->ent[r->n];
		hs_buf_addf(&path, "/%s", de->d_name);
		e->s = compile_file(path.data, o, errbuf, errlen);
		hs_buf_setlen(&path, base);
		if (!e->s) {
			rc = -1;
			break;
		}
		e->source = hs_xstrdup(src);
		e->dtype = hs_xstrndup(de->d_name, strlen(de->d_name) - 5);
		r->n++;
	}
	closedir(d);
out:
	hs_buf_release(&path);
	return rc;
}

int registry_dir(struct registry *r, const char *dir,
                 const struct hs_schema_opts *o, char *errbuf, size_t errlen)
{
	struct hs_buf path = HS_BUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	d = opendir(dir);
	if (!d)
		return hs_seterr(errbuf, errlen, "cannot open '%s': %s", dir,
		                 strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		hs_buf_reset(&path);
		hs_buf_addf(&path, "%s/%s", dir, de->d_name);
		if (stat(path.data, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = add_source(r, dir, de->d_name, o, errbuf, errlen);
		} else if (!strcmp(de->d_name, "default.json")) {
			r->def = compile_file(path.data, o, errbuf, errlen);
			rc = r->def ? 0 : -1;
		}
		if (rc < 0)
			break;
	}
	closedir(d);
	hs_buf_release(&path);
	if (rc == 0 && r->n == 0 && !r->def)
		rc = hs_seterr(errbuf, errlen,
		               "no schemas in registry '%s' (want "
		               "SOURCE/DETAIL-TYPE.json or default.json)",
		               dir);
	if (r->n)
		qsort(r->ent, r->n, sizeof(*r->ent), cmp_ent);
	return rc;
}

static int cmp_n(const char *a, const char *b, size_t bn)
{
	int c = strncmp(a, b, bn);

	if (c)
		return c;
	return a[bn] != '\0';
}

struct hs_schema *registry_find(const struct registry *r, const char *src,
                                size_t srclen, const char *dt, size_t dtlen)
{
	size_t lo = 0, hi = r->n;

	if (!src || !dt)
		return r->def;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct reg_entry *e = &r->ent[mid];
		int c = cmp_n(e->source, src, srclen);

		if (c == 0)
			c = cmp_n(e->dtype, dt, dtlen);
		if (c == 0)
			return e->s;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return r->def;
}

void registry_release(struct registry *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->ent[i].source);
		free(r->ent[i].dtype);
		hs_schema_free(r->ent[i].s);
	}
	free(r->ent);
	hs_schema_free(r->def);
	memset(r, 0, sizeof(*r));
}
