/*
 * store-file.c: the file:DIR object store (DIR/ab/cd/KEY; temporary
 * file, fsync, rename), its streaming writer and its listing for gc.
 * Names, open/free and the dispatch by kind are store.c's; S3 is
 * store-s3.c's.
 */
#define _GNU_SOURCE /* sync_file_range */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "out.h"
#include "store-int.h"
#include "store.h"

#include "banned.h"

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

/*
 * An object stored before is reused by a new reference: its age starts
 * again, so `gc --older-than` (which goes by mtime) never takes an object
 * that a fresh reference still needs.
 */
static int refresh(const char *path, char *errbuf, size_t errlen)
{
	if (utimensat(AT_FDCWD, path, NULL, 0) == 0)
		return 0;
	return hs_seterr(errbuf, errlen, "cannot refresh '%s': %s", path,
	                 strerror(errno));
}

int hs_store_file_put(struct hs_store *s, const char *key, const void *data,
                      size_t n, int *existed, char *errbuf, size_t errlen)
{
	struct hs_buf path = HS_BUF_INIT, tmp = HS_BUF_INIT;
	struct stat st;
	int fd = -1, rc = HS_STORE_ERR;

	file_path(s, key, 1, &path);
	if (stat(path.data, &st) == 0) {
		*existed = 1;
		s->counts.skipped++;
		rc = refresh(path.data, errbuf, errlen) < 0 ? HS_STORE_ERR
		                                            : HS_STORE_OK;
		hs_buf_release(&path);
		return rc;
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
		if (refresh(path.data, errbuf, errlen) == 0)
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

int hs_store_file_get(struct hs_store *s, const char *key, struct hs_buf *out,
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

int hs_store_file_exists(struct hs_store *s, const char *key, char *errbuf,
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

int hs_store_file_delete(struct hs_store *s, const char *key, char *errbuf,
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

int hs_store_file_list(struct hs_store *s,
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

int hs_store_file_delete_tmp(struct hs_store *s, const char *key,
                             const char *name, char *errbuf, size_t errlen)
{
	struct hs_buf path = HS_BUF_INIT;
	int rc;

	file_path(s, key, 0, &path);
	hs_buf_addf(&path, "/%s", name);
	rc = file_delete_path(path.data, errbuf, errlen);
	hs_buf_release(&path);
	return rc;
}
