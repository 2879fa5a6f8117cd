/*
 * store.c: the content-addressed object store behind store.h, both kinds:
 * file:DIR (temporary file, fsync, rename) and s3:// through libcurl with
 * SigV4, with the asynchronous put/get operations.  Claim references
 * (which key an event names) are not the store's business.
 */
#define _GNU_SOURCE /* sync_file_range */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "out.h"
#include "sha256.h"
#include "store.h"

#include "banned.h"

/* SHA-256 of the empty string: the payload hash of GET, HEAD, DELETE. */
#define EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct hs_store {
	enum hs_store_kind kind;
	char *uri; /* canonical name */
	struct hs_store_opts o;

	/* file: */
	char *dir;

	/* s3: */
	char *bucket, *prefix; /* prefix "" or "a/b" */
	char *base;            /* URL up to and including the bucket's "/" */
	char *region, *keyid, *secret, *token;
	CURLM *multi;            /* all transfers; keeps connections alive */
	struct hs_store_op *ops; /* started, not yet finished */
	int curl_global;         /* curl_global_init() done for this store */
	struct hs_store_counts counts;
};

/* ---- names ------------------------------------------------------------ */

int hs_store_key_ok(const char *key, size_t n)
{
	if (n == 0 || n > 200 || key[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static int bucket_ok(const char *b, size_t n)
{
	if (n < 3 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') ||
		      (b[i] >= '0' && b[i] <= '9') || b[i] == '.' ||
		      b[i] == '-'))
			return 0;
	return b[0] != '.' && b[0] != '-' && b[n - 1] != '.' && b[n - 1] != '-';
}

/* A prefix from the command line: path segments of key characters, so no
 * "..", no empty segment and nothing that needs URL encoding. */
static int prefix_ok(const char *p, size_t n)
{
	size_t seg = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '/') {
			if (!hs_store_key_ok(p + seg, i - seg))
				return 0;
			seg = i + 1;
		}
	}
	return 1;
}

int hs_store_canon(const char *uri, char *out, size_t outlen)
{
	size_t n;
	int w;

	if (strncmp(uri, "file:", 5) == 0) {
		const char *d = uri + 5;
		n = strlen(d);
		while (n > 1 && d[n - 1] == '/')
			n--;
		if (n == 0 || memchr(d, '\0', n) != NULL)
			return -1;
		w = snprintf(out, outlen, "file:%.*s", (int)n, d);
	} else if (strncmp(uri, "s3://", 5) == 0) {
		const char *b = uri + 5, *slash = strchr(b, '/');
		size_t bn = slash ? (size_t)(slash - b) : strlen(b);
		const char *p = slash ? slash + 1 : "";
		while (*p == '/')
			p++;
		n = strlen(p);
		while (n > 0 && p[n - 1] == '/')
			n--;
		if (!bucket_ok(b, bn) || (n > 0 && !prefix_ok(p, n)))
			return -1;
		w = n ? snprintf(out, outlen, "s3://%.*s/%.*s", (int)bn, b,
		                 (int)n, p)
		      : snprintf(out, outlen, "s3://%.*s", (int)bn, b);
	} else {
		return -1;
	}
	return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

/* ---- credentials ---------------------------------------------------------- */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	                 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/*
 * Read aws_access_key_id, aws_secret_access_key and aws_session_token
 * from section profile of the shared credentials file.  Returns 0 when
 * the key pair was found, 1 when not, -1 on a read error other than a
 * missing file.
 */
static int read_credentials(struct hs_store *s, const char *path,
                            const char *profile, char *errbuf, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int in = 0;

	if (f == NULL) {
		if (errno == ENOENT)
			return 1;
		return hs_seterr(errbuf, errlen, "cannot open '%s': %s", path,
		                 strerror(errno));
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *l = trim(line), *eq;
		if (*l == '#' || *l == ';' || *l == '\0')
			continue;
		if (*l == '[') {
			char *e = strchr(l, ']');
			if (e)
				*e = '\0';
			in = strcmp(trim(l + 1), profile) == 0;
			continue;
		}
		if (!in || (eq = strchr(l, '=')) == NULL)
			continue;
		*eq = '\0';
		char *k = trim(l), *v = trim(eq + 1);
		char **dst = strcmp(k, "aws_access_key_id") == 0 ? &s->keyid
		             : strcmp(k, "aws_secret_access_key") == 0
		                 ? &s->secret
		             : strcmp(k, "aws_session_token") == 0 ? &s->token
		                                                   : NULL;
		if (dst) {
			free(*dst);
			*dst = hs_xstrdup(v);
		}
	}
	fclose(f);
	return s->keyid && s->secret ? 0 : 1;
}

static int find_credentials(struct hs_store *s, char *errbuf, size_t errlen)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");
	const char *token = getenv("AWS_SESSION_TOKEN");
	const char *profile = getenv("AWS_PROFILE");
	const char *file = getenv("AWS_SHARED_CREDENTIALS_FILE");
	struct hs_buf path = HS_BUF_INIT;
	int r;

	if (id && *id && secret && *secret) {
		s->keyid = hs_xstrdup(id);
		s->secret = hs_xstrdup(secret);
		s->token = token && *token ? hs_xstrdup(token) : NULL;
		return 0;
	}
	if (profile == NULL || *profile == '\0')
		profile = "default";
	if (file && *file) {
		hs_buf_adds(&path, file);
	} else {
		const char *home = getenv("HOME");
		hs_buf_addf(&path, "%s/.aws/credentials", home ? home : "");
	}
	r = read_credentials(s, path.data, profile, errbuf, errlen);
	if (r > 0)
		hs_seterr(errbuf, errlen,
		          "no AWS credentials: set AWS_ACCESS_KEY_ID and "
		          "AWS_SECRET_ACCESS_KEY, or profile '%s' in '%s'",
		          profile, path.data);
	hs_buf_release(&path);
	return r == 0 ? 0 : -1;
}

/* ---- open / free ---------------------------------------------------------- */

struct hs_store *hs_store_open(const char *uri, const struct hs_store_opts *o,
                               char *errbuf, size_t errlen)
{
	char canon[4096];
	struct hs_store *s;

	if (hs_store_canon(uri, canon, sizeof(canon)) < 0) {
		hs_seterr(errbuf, errlen,
		          "bad store '%s' (file:DIR or s3://BUCKET[/PREFIX])",
		          uri);
		return NULL;
	}
	s = hs_xcalloc(1, sizeof(*s));
	if (o)
		s->o = *o;
	if (s->o.timeout <= 0)
		s->o.timeout = 60;
	if (s->o.retries < 0)
		s->o.retries = 4;
	s->uri = hs_xstrdup(canon);
	if (canon[0] == 'f') {
		s->kind = HS_STORE_FILE;
		s->dir = hs_xstrdup(canon + 5);
		return s;
	}

	s->kind = HS_STORE_S3;
	const char *b = canon + 5, *slash = strchr(b, '/');
	s->bucket = slash ? hs_xstrndup(b, (size_t)(slash - b)) : hs_xstrdup(b);
	s->prefix = hs_xstrdup(slash ? slash + 1 : "");
	const char *region = s->o.region;
	if (region == NULL || *region == '\0')
		region = getenv("AWS_REGION");
	if (region == NULL || *region == '\0')
		region = getenv("AWS_DEFAULT_REGION");
	if (region == NULL || *region == '\0')
		region = "us-east-1";
	s->region = hs_xstrdup(region);
	for (const char *r = region; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') ||
		      *r == '-')) {
			hs_seterr(errbuf, errlen, "bad region '%s'", region);
			goto fail;
		}

	struct hs_buf base = HS_BUF_INIT;
	if (s->o.endpoint && *s->o.endpoint) {
		/* S3-compatible servers: path-style, bucket in the path. */
		const char *e = s->o.endpoint;
		size_t n = strlen(e);
		if (strncmp(e, "http://", 7) != 0 &&
		    strncmp(e, "https://", 8) != 0) {
			hs_seterr(errbuf, errlen,
			          "bad endpoint '%s' (http://HOST[:PORT] or "
			          "https://...)",
			          e);
			goto fail;
		}
		while (n > 0 && e[n - 1] == '/')
			n--;
		hs_buf_addf(&base, "%.*s/%s/", (int)n, e, s->bucket);
	} else {
		/* AWS: virtual-host style, the bucket in the host name. */
		hs_buf_addf(&base, "https://%s.s3.%s.amazonaws.com/", s->bucket,
		            s->region);
	}
	s->base = hs_buf_detach(&base, NULL);

	if (find_credentials(s, errbuf, errlen) < 0)
		goto fail;
	/* Counted by libcurl: one per store, undone in hs_store_free(). */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	s->curl_global = 1;
	s->multi = curl_multi_init();
	if (s->multi == NULL) {
		hs_seterr(errbuf, errlen, "cannot initialize libcurl");
		goto fail;
	}
	return s;
fail:
	hs_store_free(s);
	return NULL;
}

void hs_store_free(struct hs_store *s)
{
	if (s == NULL)
		return;
	/* Operations are the caller's to free first; only the handle here. */
	if (s->multi)
		curl_multi_cleanup(s->multi);
	if (s->curl_global)
		curl_global_cleanup();
	free(s->uri);
	free(s->dir);
	free(s->bucket);
	free(s->prefix);
	free(s->base);
	free(s->region);
	free(s->keyid);
	if (s->secret) {
		/* Do not leave the secret in freed memory. */
		memset(s->secret, 0, strlen(s->secret));
		free(s->secret);
	}
	free(s->token);
	free(s);
}

enum hs_store_kind hs_store_kind(const struct hs_store *s)
{
	return s->kind;
}

const char *hs_store_uri(const struct hs_store *s)
{
	return s->uri;
}

void hs_store_counts(const struct hs_store *s, struct hs_store_counts *c)
{
	*c = s->counts;
}

/* ---- file: ------------------------------------------------------------------ */

/* DIR/ab/cd/KEY (or DIR/ab/cd with key_too 0). */
static void file_path(const struct hs_store *s, const char *key, int key_too,
                      struct hs_buf *out)
{
	char a[3] = "__", b[3] = "__";
	size_t n = strlen(key);

	/* Keys shorter than four characters share the "_" fan-out. */
	if (n >= 4) {
		a[0] = key[0], a[1] = key[1];
		b[0] = key[2], b[1] = key[3];
	}
	hs_buf_reset(out);
	hs_buf_addf(out, "%s/%s/%s", s->dir, a, b);
	if (key_too)
		hs_buf_addf(out, "/%s", key);
}

static int mkdir_p2(const struct hs_store *s, const char *key, char *errbuf,
                    size_t errlen)
{
	struct hs_buf p = HS_BUF_INIT;
	int rc = HS_STORE_OK;

	file_path(s, key, 0, &p);
	/* DIR itself must exist: creating it would hide a mistyped --store. */
	char *mid = p.data + strlen(s->dir) + 3;
	*mid = '\0';
	if (mkdir(p.data, 0755) < 0 && errno != EEXIST)
		rc = hs_seterr(errbuf, errlen, "cannot create '%s': %s", p.data,
		               strerror(errno));
	*mid = '/';
	if (rc == 0 && mkdir(p.data, 0755) < 0 && errno != EEXIST)
		rc = hs_seterr(errbuf, errlen, "cannot create '%s': %s", p.data,
		               strerror(errno));
	hs_buf_release(&p);
	return rc;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

static int file_put(struct hs_store *s, const char *key, const void *data,
                    size_t n, int *existed, char *errbuf, size_t errlen)
{
	struct hs_buf path = HS_BUF_INIT, tmp = HS_BUF_INIT;
	struct stat st;
	int fd = -1, rc = HS_STORE_ERR;

	file_path(s, key, 1, &path);
	if (stat(path.data, &st) == 0) {
		*existed = 1;
		s->counts.skipped++;
		hs_buf_release(&path);
		return HS_STORE_OK;
	}
	if (stat(s->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		hs_seterr(errbuf, errlen, "store directory '%s': %s", s->dir,
		          errno ? strerror(errno) : "not a directory");
		goto out;
	}
	if (mkdir_p2(s, key, errbuf, errlen) < 0)
		goto out;
	file_path(s, key, 0, &tmp);
	hs_buf_addf(&tmp, "/.tmp-%s-XXXXXX", key);
	fd = mkstemp(tmp.data);
	if (fd < 0) {
		hs_seterr(errbuf, errlen, "cannot create '%s': %s", tmp.data,
		          strerror(errno));
		goto out;
	}
	if (hs_write_all(fd, data, n) < 0 ||
	    (!s->o.no_fsync && fsync(fd) < 0)) {
		hs_seterr(errbuf, errlen, "cannot write '%s': %s", tmp.data,
		          strerror(errno));
		goto out;
	}
	/* Objects are read-only: a store is append-only by content. */
	(void)fchmod(fd, 0444);
	if (close(fd) < 0) {
		fd = -1;
		hs_seterr(errbuf, errlen, "cannot write '%s': %s", tmp.data,
		          strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp.data, path.data) < 0) {
		hs_seterr(errbuf, errlen, "cannot rename to '%s': %s",
		          path.data, strerror(errno));
		goto out;
	}
	hs_buf_reset(&tmp);
	file_path(s, key, 0, &tmp);
	if (!s->o.no_fsync && sync_dir(tmp.data) < 0) {
		hs_seterr(errbuf, errlen, "cannot sync '%s': %s", tmp.data,
		          strerror(errno));
		goto out;
	}
	tmp.len = 0; /* renamed: nothing to remove */
	*existed = 0;
	s->counts.puts++;
	rc = HS_STORE_OK;
out:
	if (fd >= 0)
		close(fd);
	if (tmp.len > 0 && rc != HS_STORE_OK)
		unlink(tmp.data);
	hs_buf_release(&tmp);
	hs_buf_release(&path);
	return rc;
}

/*
 * Streaming writes.  The key of a content-addressed object is known only
 * once all of it has been hashed, so the temporary file cannot sit beside
 * its object: it goes to the fixed fan-out directory of the name
 * "tmp-stream" (DIR/tm/p-/), which no hex key shares and which gc lists
 * and cleans like any other.  Write-back is started every few megabytes
 * (sync_file_range) so the final fsync finds little left to do.
 */
#define WRITER_TMP "tmp-stream"
#define WRITER_KICK (4u << 20)

void hs_store_writer_init(struct hs_store_writer *w)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	hs_buf_init(&w->tmp);
}

void hs_store_writer_abort(struct hs_store_writer *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		unlink(w->tmp.data);
	}
	w->fd = -1;
	w->s = NULL;
}

void hs_store_writer_release(struct hs_store_writer *w)
{
	hs_store_writer_abort(w);
	hs_buf_release(&w->tmp);
}

int hs_store_writer_begin(struct hs_store_writer *w, struct hs_store *s,
                          char *errbuf, size_t errlen)
{
	struct stat st;

	hs_store_writer_abort(w);
	if (s->kind != HS_STORE_FILE)
		return hs_seterr(errbuf, errlen,
		                 "streaming writes need a file: store");
	if (stat(s->dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return hs_seterr(errbuf, errlen, "store directory '%s': %s",
		                 s->dir,
		                 errno ? strerror(errno) : "not a directory");
	if (mkdir_p2(s, WRITER_TMP, errbuf, errlen) < 0)
		return HS_STORE_ERR;
	file_path(s, WRITER_TMP, 0, &w->tmp);
	hs_buf_adds(&w->tmp, "/.tmp-" WRITER_TMP "-XXXXXX");
	w->fd = mkstemp(w->tmp.data);
	if (w->fd < 0)
		return hs_seterr(errbuf, errlen, "cannot create '%s': %s",
		                 w->tmp.data, strerror(errno));
	w->s = s;
	w->written = w->kicked = 0;
	return HS_STORE_OK;
}

int hs_store_writer_write(struct hs_store_writer *w, const void *p, size_t n,
                          char *errbuf, size_t errlen)
{
	if (w->fd < 0)
		return hs_seterr(errbuf, errlen, "no object being written");
	if (hs_write_all(w->fd, p, n) < 0) {
		hs_seterr(errbuf, errlen, "cannot write '%s': %s", w->tmp.data,
		          strerror(errno));
		hs_store_writer_abort(w);
		return HS_STORE_ERR;
	}
	w->written += n;
	if (!w->s->o.no_fsync && w->written - w->kicked >= WRITER_KICK) {
		/* Only a hint: the fsync in commit is what makes it durable. */
		(void)sync_file_range(w->fd, (off_t)w->kicked,
		                      (off_t)(w->written - w->kicked),
		                      SYNC_FILE_RANGE_WRITE);
		w->kicked = w->written;
	}
	return HS_STORE_OK;
}

int hs_store_writer_commit(struct hs_store_writer *w, const char *key,
                           int *existed, char *errbuf, size_t errlen)
{
	struct hs_store *s = w->s;
	struct hs_buf path = HS_BUF_INIT;
	struct stat st;
	int dummy, rc = HS_STORE_ERR;

	if (existed == NULL)
		existed = &dummy;
	*existed = 0;
	if (w->fd < 0)
		return hs_seterr(errbuf, errlen, "no object being written");
	if (!hs_store_key_ok(key, strlen(key))) {
		hs_store_writer_abort(w);
		return hs_seterr(errbuf, errlen, "bad object key '%.80s'", key);
	}
	file_path(s, key, 1, &path);
	if (stat(path.data, &st) == 0) {
		/* Stored before: the same bytes by their address. */
		*existed = 1;
		s->counts.skipped++;
		rc = HS_STORE_OK;
		goto out;
	}
	if (mkdir_p2(s, key, errbuf, errlen) < 0)
		goto out;
	if (!s->o.no_fsync && fsync(w->fd) < 0) {
		hs_seterr(errbuf, errlen, "cannot write '%s': %s", w->tmp.data,
		          strerror(errno));
		goto out;
	}
	(void)fchmod(w->fd, 0444);
	if (close(w->fd) < 0) {
		w->fd = -1;
		unlink(w->tmp.data);
		hs_seterr(errbuf, errlen, "cannot write '%s': %s", w->tmp.data,
		          strerror(errno));
		goto out;
	}
	w->fd = -1;
	if (rename(w->tmp.data, path.data) < 0) {
		hs_seterr(errbuf, errlen, "cannot rename to '%s': %s",
		          path.data, strerror(errno));
		unlink(w->tmp.data);
		goto out;
	}
	file_path(s, key, 0, &path);
	if (!s->o.no_fsync && sync_dir(path.data) < 0) {
		hs_seterr(errbuf, errlen, "cannot sync '%s': %s", path.data,
		          strerror(errno));
		goto out;
	}
	s->counts.puts++;
	rc = HS_STORE_OK;
out:
	hs_store_writer_abort(w);
	hs_buf_release(&path);
	return rc;
}

static int file_get(struct hs_store *s, const char *key, struct hs_buf *out,
                    char *errbuf, size_t errlen)
{
	struct hs_buf path = HS_BUF_INIT;
	struct stat st;
	int fd, rc = HS_STORE_ERR;

	file_path(s, key, 1, &path);
	/* O_NOFOLLOW: a symlink planted in the store does not lead out. */
	fd = open(path.data, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rc = errno == ENOENT ? HS_STORE_NOTFOUND : HS_STORE_ERR;
		hs_seterr(errbuf, errlen, "cannot open '%s': %s", path.data,
		          strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		hs_seterr(errbuf, errlen, "'%s' is not a regular file",
		          path.data);
		goto out;
	}
	hs_buf_grow(out, (size_t)st.st_size);
	for (;;) {
		hs_buf_grow(out, 65536);
		ssize_t r =
		    read(fd, out->data + out->len, out->cap - out->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			hs_seterr(errbuf, errlen, "cannot read '%s': %s",
			          path.data, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		hs_buf_setlen(out, out->len + (size_t)r);
	}
	rc = HS_STORE_OK;
out:
	if (fd >= 0)
		close(fd);
	hs_buf_release(&path);
	return rc;
}

static int file_exists(struct hs_store *s, const char *key, char *errbuf,
                       size_t errlen)
{
	struct hs_buf path = HS_BUF_INIT;
	struct stat st;
	int rc = HS_STORE_OK;

	file_path(s, key, 1, &path);
	if (lstat(path.data, &st) < 0)
		rc = errno == ENOENT
		         ? HS_STORE_NOTFOUND
		         : hs_seterr(errbuf, errlen, "cannot stat '%s': %s",
		                     path.data, strerror(errno));
	hs_buf_release(&path);
	return rc;
}

static int file_delete_path(const char *path, char *errbuf, size_t errlen)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return hs_seterr(errbuf, errlen, "cannot remove '%s': %s", path,
		                 strerror(errno));
	return HS_STORE_OK;
}

static int file_delete(struct hs_store *s, const char *key, char *errbuf,
                       size_t errlen)
{
	struct hs_buf path = HS_BUF_INIT;
	int rc;

	file_path(s, key, 1, &path);
	rc = file_delete_path(path.data, errbuf, errlen);
	hs_buf_release(&path);
	return rc;
}

static int is_fanout(const char *name)
{
	return strlen(name) == 2 && name[0] != '.';
}

static int file_list(struct hs_store *s,
                     int (*fn)(void *, const char *, uint64_t, time_t),
                     void *ctx, char *errbuf, size_t errlen)
{
	struct hs_buf p = HS_BUF_INIT;
	DIR *d1 = NULL, *d2 = NULL, *d3 = NULL;
	struct dirent *e1, *e2, *e3;
	int rc = HS_STORE_OK;

	if ((d1 = opendir(s->dir)) == NULL) {
		rc = hs_seterr(errbuf, errlen, "cannot open '%s': %s", s->dir,
		               strerror(errno));
		goto out;
	}
	while (rc == 0 && (e1 = readdir(d1)) != NULL) {
		if (!is_fanout(e1->d_name))
			continue;
		hs_buf_reset(&p);
		hs_buf_addf(&p, "%s/%s", s->dir, e1->d_name);
		if ((d2 = opendir(p.data)) == NULL)
			continue;
		while (rc == 0 && (e2 = readdir(d2)) != NULL) {
			if (!is_fanout(e2->d_name))
				continue;
			hs_buf_reset(&p);
			hs_buf_addf(&p, "%s/%s/%s", s->dir, e1->d_name,
			            e2->d_name);
			if ((d3 = opendir(p.data)) == NULL)
				continue;
			size_t base = p.len;
			while (rc == 0 && (e3 = readdir(d3)) != NULL) {
				struct stat st;
				const char *k = e3->d_name;
				if (strcmp(k, ".") == 0 || strcmp(k, "..") == 0)
					continue;
				if (!hs_store_key_ok(k, strlen(k)) &&
				    strncmp(k, ".tmp-", 5) != 0)
					continue;
				hs_buf_setlen(&p, base);
				hs_buf_addf(&p, "/%s", k);
				if (lstat(p.data, &st) < 0 ||
				    !S_ISREG(st.st_mode))
					continue;
				rc = fn(ctx, k, (uint64_t)st.st_size,
				        st.st_mtime);
			}
			closedir(d3);
			d3 = NULL;
		}
		closedir(d2);
		d2 = NULL;
	}
out:
	if (d1)
		closedir(d1);
	hs_buf_release(&p);
	return rc;
}

/* ---- s3: -------------------------------------------------------------------- */

/*
 * Every S3 request is an operation driven by the store's curl multi
 * handle, so several can be in flight at once and share its pool of
 * kept-alive connections; the synchronous calls start one and wait for
 * it.  An operation retries on its own (backoff with jitter) until its
 * deadline, and a put is a HEAD followed by a PUT only when the object
 * is absent.
 */
enum { M_HEAD, M_GET, M_PUT, M_DELETE };
static const char *const method_name[] = {"HEAD", "GET", "PUT", "DELETE"};

struct hs_store_op {
	struct hs_store *s;
	struct hs_store_op *next; /* s->ops: operations not yet finished */
	CURL *easy;
	struct curl_slist *headers;
	int method;
	int then_put; /* HEAD answered 404: PUT next */
	struct hs_buf url;
	const char *up; /* PUT body, not owned */
	size_t upn, upoff;
	char hash[HS_SHA256_HEXLEN + 1]; /* of the PUT body, once needed */
	struct hs_buf *out; /* GET: the body goes here, not owned */
	size_t out_keep;
	struct hs_buf body; /* other responses (error messages) */
	double deadline, retry_at;
	int attempt;
	int active; /* added to the multi handle */
	int done, rc, existed;
	char err[512];
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ctx)
{
	struct hs_store_op *op = ctx;
	size_t want = size * nmemb, left = op->upn - op->upoff;

	if (want > left)
		want = left;
	memcpy(dst, op->up + op->upoff, want);
	op->upoff += want;
	return want;
}

static int seek_cb(void *ctx, curl_off_t off, int origin)
{
	struct hs_store_op *op = ctx;

	if (origin != SEEK_SET || off < 0 || (size_t)off > op->upn)
		return CURL_SEEKFUNC_CANTSEEK;
	op->upoff = (size_t)off;
	return CURL_SEEKFUNC_OK;
}

static size_t write_cb(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct hs_store_op *op = ctx;

	hs_buf_add(op->method == M_GET && op->out ? op->out : &op->body, p,
	           size * nmemb);
	return size * nmemb;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int temporary_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static int temporary_http(long code)
{
	return code == 408 || code == 429 || code >= 500;
}

/* "<Code>X</Code>" and "<Message>Y</Message>" from an S3 error body. */
static void xml_field(const struct hs_buf *b, const char *tag, char *out,
                      size_t outlen)
{
	char open[32], close[32];
	const char *s, *e;

	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	out[0] = '\0';
	if (b->len == 0 || (s = strstr(b->data, open)) == NULL)
		return;
	s += strlen(open);
	if ((e = strstr(s, close)) == NULL)
		return;
	snprintf(out, outlen, "%.*s", (int)(e - s), s);
}

static void op_finish(struct hs_store_op *op, int rc)
{
	op->rc = rc;
	op->done = 1;
}

/* Set up op's easy handle for its current method and add it to the
 * multi handle.  Headers carry the payload hash SigV4 signs. */
static void op_launch(struct hs_store_op *op)
{
	struct hs_store *s = op->s;
	CURL *e = op->easy;
	char sigv4[128], hdr[256];
	double left = op->deadline - now();
	int put = op->method == M_PUT;

	if (put && op->hash[0] == '\0' &&
	    hs_sha256_hexof(op->up, op->upn, op->hash) < 0) {
		snprintf(op->err, sizeof(op->err), "cannot hash the payload");
		op_finish(op, HS_STORE_ERR);
		return;
	}
	curl_slist_free_all(op->headers);
	op->headers = NULL;
	snprintf(hdr, sizeof(hdr), "x-amz-content-sha256: %s",
	         put ? op->hash : EMPTY_SHA256);
	op->headers = curl_slist_append(op->headers, hdr);
	if (s->token) {
		struct hs_buf t = HS_BUF_INIT;
		hs_buf_addf(&t, "x-amz-security-token: %s", s->token);
		op->headers = curl_slist_append(op->headers, t.data);
		hs_buf_release(&t);
	}
	if (put) {
		op->headers = curl_slist_append(
		    op->headers, "Content-Type: application/octet-stream");
		/* No 100-continue round trip: our bodies are already signed. */
		op->headers = curl_slist_append(op->headers, "Expect:");
	}
	snprintf(sigv4, sizeof(sigv4), "aws:amz:%s:s3", s->region);
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, op->url.data);
	curl_easy_setopt(e, CURLOPT_PRIVATE, op);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "hs-store");
	curl_easy_setopt(e, CURLOPT_AWS_SIGV4, sigv4);
	curl_easy_setopt(e, CURLOPT_USERNAME, s->keyid);
	curl_easy_setopt(e, CURLOPT_PASSWORD, s->secret);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, op->headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(left * 1000) + 1);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	                 (long)(left < 10 ? left * 1000 + 1 : 10000));
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, op);
	if (put) {
		op->upoff = 0;
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(e, CURLOPT_READDATA, op);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, seek_cb);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, op);
		curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
		                 (curl_off_t)op->upn);
	} else if (op->method == M_HEAD) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (op->method == M_DELETE) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
	}
	if (op->out)
		op->out_keep = op->out->len;
	hs_buf_reset(&op->body);
	s->counts.requests++;
	if (curl_multi_add_handle(s->multi, e) != CURLM_OK) {
		snprintf(op->err, sizeof(op->err), "cannot start a transfer");
		op_finish(op, HS_STORE_ERR);
		return;
	}
	op->active = 1;
}

/* Decide what a finished transfer means: done, retry later, or (a put
 * whose HEAD found nothing) go on with the PUT. */
static void op_result(struct hs_store_op *op, CURLcode c)
{
	struct hs_store *s = op->s;
	const char *m = method_name[op->method];
	long code = 0;
	int temp;

	curl_multi_remove_handle(s->multi, op->easy);
	op->active = 0;
	if (c == CURLE_OK)
		curl_easy_getinfo(op->easy, CURLINFO_RESPONSE_CODE, &code);
	if (c == CURLE_OK && code >= 200 && code < 300) {
		if (op->then_put && op->method == M_HEAD) {
			op->existed = 1;
			s->counts.skipped++;
		} else if (op->method == M_PUT) {
			s->counts.puts++;
		}
		op_finish(op, HS_STORE_OK);
		return;
	}
	if (op->out)
		hs_buf_setlen(op->out, op->out_keep);
	if (c == CURLE_OK && code == 404) {
		if (op->then_put && op->method == M_HEAD) {
			op->method = M_PUT;
			op->attempt = 0;
			op_launch(op);
			return;
		}
		snprintf(op->err, sizeof(op->err), "%s %s: not found", m,
		         op->url.data);
		op_finish(op, op->method == M_PUT ? HS_STORE_ERR
		                                  : HS_STORE_NOTFOUND);
		return;
	}
	if (c != CURLE_OK) {
		temp = temporary_curl(c);
		snprintf(op->err, sizeof(op->err), "%s %s: %s", m, op->url.data,
		         curl_easy_strerror(c));
	} else {
		char ecode[64], emsg[256];
		xml_field(&op->body, "Code", ecode, sizeof(ecode));
		xml_field(&op->body, "Message", emsg, sizeof(emsg));
		temp = temporary_http(code);
		snprintf(op->err, sizeof(op->err), "%s %s: HTTP %ld%s%s%s%s", m,
		         op->url.data, code, *ecode ? " " : "", ecode,
		         *emsg ? ": " : "", emsg);
	}
	if (!temp) {
		op_finish(op, HS_STORE_ERR);
		return;
	}
	/* Exponential backoff from 100 ms, capped at 5 s, with jitter in
	 * [d/2, d) so many clients do not retry in step. */
	double d = 0.1 * (double)(1u << (op->attempt < 6 ? op->attempt : 6));
	if (d > 5)
		d = 5;
	d = d / 2 + (d / 2) * ((double)(rand() & 0xffff) / 65536.0);
	if (op->attempt >= s->o.retries || now() + d >= op->deadline) {
		op_finish(op, HS_STORE_TEMP);
		return;
	}
	op->attempt++;
	s->counts.retries++;
	op->retry_at = now() + d;
}

/* A new operation on key (its URL built), not yet started. */
static struct hs_store_op *op_new(struct hs_store *s, int method,
                                  const char *key)
{
	struct hs_store_op *op = hs_xcalloc(1, sizeof(*op));

	op->s = s;
	op->method = method;
	hs_buf_init(&op->url);
	hs_buf_init(&op->body);
	if (s->kind == HS_STORE_S3) {
		hs_buf_addf(&op->url, "%s%s%s%s", s->base, s->prefix,
		            *s->prefix ? "/" : "", key);
		op->deadline = now() + s->o.timeout;
	}
	if (!hs_store_key_ok(key, strlen(key))) {
		snprintf(op->err, sizeof(op->err), "bad object key '%.80s'",
		         key);
		op_finish(op, HS_STORE_ERR);
	}
	return op;
}

/* Start an S3 operation: link it into s->ops and launch it. */
static void op_start(struct hs_store_op *op)
{
	struct hs_store *s = op->s;

	if (op->done)
		return;
	op->easy = curl_easy_init();
	if (op->easy == NULL) {
		snprintf(op->err, sizeof(op->err), "cannot initialize libcurl");
		op_finish(op, HS_STORE_ERR);
		return;
	}
	op->next = s->ops;
	s->ops = op;
	op_launch(op);
}

static void op_unlink(struct hs_store_op *op)
{
	struct hs_store_op **pp = &op->s->ops;

	while (*pp && *pp != op)
		pp = &(*pp)->next;
	if (*pp)
		*pp = op->next;
}

/*
 * Run every operation of s until target is finished: transfers progress,
 * finished ones are judged, retries whose time came are launched again.
 */
static void run_until(struct hs_store *s, struct hs_store_op *target)
{
	while (!target->done) {
		double t = now(), wake = t + 1;
		int running, nmsg;
		CURLMsg *msg;

		for (struct hs_store_op *op = s->ops; op; op = op->next) {
			if (op->done || op->active)
				continue;
			if (op->retry_at <= t)
				op_launch(op);
			else if (op->retry_at < wake)
				wake = op->retry_at;
		}
		if (target->done)
			break;
		curl_multi_perform(s->multi, &running);
		while ((msg = curl_multi_info_read(s->multi, &nmsg)) != NULL) {
			char *priv = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			                  &priv);
			if (priv)
				op_result((struct hs_store_op *)priv,
				          msg->data.result);
		}
		if (target->done)
			break;
		long ms = (long)((wake - now()) * 1000);
		if (ms > 200)
			ms = 200;
		if (ms < 0)
			ms = 0;
		curl_multi_poll(s->multi, NULL, 0, (int)ms, NULL);
	}
	/* Finished operations leave the list (the caller still owns them). */
	for (struct hs_store_op **pp = &s->ops; *pp;) {
		if ((*pp)->done)
			*pp = (*pp)->next;
		else
			pp = &(*pp)->next;
	}
}

int hs_store_op_wait(struct hs_store_op *op, int *existed, char *errbuf,
                     size_t errlen)
{
	if (!op->done)
		run_until(op->s, op);
	if (existed)
		*existed = op->existed;
	if (op->rc != HS_STORE_OK && errbuf && errlen)
		snprintf(errbuf, errlen, "%s", op->err);
	return op->rc;
}

int hs_store_op_done(const struct hs_store_op *op)
{
	return op->done;
}

void hs_store_op_free(struct hs_store_op *op)
{
	if (op == NULL)
		return;
	if (op->active)
		curl_multi_remove_handle(op->s->multi, op->easy);
	op_unlink(op);
	if (op->easy)
		curl_easy_cleanup(op->easy);
	curl_slist_free_all(op->headers);
	hs_buf_release(&op->url);
	hs_buf_release(&op->body);
	free(op);
}

/* One request, start to finish. */
static int s3_request(struct hs_store *s, int method, const char *key,
                      struct hs_buf *out, char *errbuf, size_t errlen)
{
	struct hs_store_op *op = op_new(s, method, key);
	int rc;

	op->out = out;
	op_start(op);
	rc = hs_store_op_wait(op, NULL, errbuf, errlen);
	hs_store_op_free(op);
	return rc;
}

/* ---- dispatch --------------------------------------------------------------- */

static int bad_key(const char *key, char *errbuf, size_t errlen)
{
	return hs_seterr(errbuf, errlen, "bad object key '%.80s'", key);
}

struct hs_store_op *hs_store_put_start(struct hs_store *s, const char *key,
                                       const void *p, size_t n)
{
	struct hs_store_op *op = op_new(s, M_HEAD, key);

	if (op->done)
		return op;
	if (s->kind == HS_STORE_FILE) {
		int existed = 0;
		int rc =
		    file_put(s, key, p, n, &existed, op->err, sizeof(op->err));
		op->existed = existed;
		op_finish(op, rc);
		return op;
	}
	/* A HEAD costs far less than sending megabytes again. */
	op->then_put = 1;
	op->up = p;
	op->upn = n;
	op_start(op);
	return op;
}

struct hs_store_op *hs_store_get_start(struct hs_store *s, const char *key,
                                       struct hs_buf *out)
{
	struct hs_store_op *op = op_new(s, M_GET, key);

	if (op->done)
		return op;
	if (s->kind == HS_STORE_FILE) {
		op_finish(op, file_get(s, key, out, op->err, sizeof(op->err)));
		return op;
	}
	op->out = out;
	op_start(op);
	return op;
}

int hs_store_put(struct hs_store *s, const char *key, const void *p, size_t n,
                 int *existed, char *errbuf, size_t errlen)
{
	struct hs_store_op *op = hs_store_put_start(s, key, p, n);
	int rc = hs_store_op_wait(op, existed, errbuf, errlen);

	hs_store_op_free(op);
	return rc;
}

int hs_store_get(struct hs_store *s, const char *key, struct hs_buf *out,
                 char *errbuf, size_t errlen)
{
	struct hs_store_op *op = hs_store_get_start(s, key, out);
	int rc = hs_store_op_wait(op, NULL, errbuf, errlen);

	hs_store_op_free(op);
	return rc;
}

int hs_store_exists(struct hs_store *s, const char *key, char *errbuf,
                    size_t errlen)
{
	if (!hs_store_key_ok(key, strlen(key)))
		return bad_key(key, errbuf, errlen);
	if (s->kind == HS_STORE_FILE)
		return file_exists(s, key, errbuf, errlen);
	return s3_request(s, M_HEAD, key, NULL, errbuf, errlen);
}

int hs_store_delete(struct hs_store *s, const char *key, char *errbuf,
                    size_t errlen)
{
	int rc;

	if (s->kind == HS_STORE_FILE && strncmp(key, ".tmp-", 5) == 0 &&
	    hs_store_key_ok(key + 5, strlen(key + 5))) {
		/* A leftover temporary file: it sits beside its object. */
		const char *k = key + 5;
		struct hs_buf path = HS_BUF_INIT;
		file_path(s, k, 0, &path);
		hs_buf_addf(&path, "/%s", key);
		rc = file_delete_path(path.data, errbuf, errlen);
		hs_buf_release(&path);
		return rc;
	}
	if (!hs_store_key_ok(key, strlen(key)))
		return bad_key(key, errbuf, errlen);
	if (s->kind == HS_STORE_FILE)
		return file_delete(s, key, errbuf, errlen);
	rc = s3_request(s, M_DELETE, key, NULL, errbuf, errlen);
	return rc == HS_STORE_NOTFOUND ? HS_STORE_OK : rc;
}

int hs_store_list(struct hs_store *s,
                  int (*fn)(void *ctx, const char *key, uint64_t size,
                            time_t mtime),
                  void *ctx, char *errbuf, size_t errlen)
{
	if (s->kind != HS_STORE_FILE)
		return hs_seterr(
		    errbuf, errlen,
		    "listing is for file: stores; expire S3 objects "
		    "with a lifecycle rule");
	return file_list(s, fn, ctx, errbuf, errlen);
}
