/*
 * ckpt.c: the --checkpoint file and its lock.
 *
 * The checkpoint is one JSON object on one line:
 *   archives: {"hs-replay":1,"file":"a/x.ndjson.zst","dev":N,"ino":N,
 *              "offset":N,"frame":N,"frame_offset":N,"line":N}
 *   Kafka:    {"hs-replay":1,"topic":"t","next":{"0":N,"1":N}}
 * followed by what the run selected: "from", "to" (epoch ms), "untimed"
 * ("include"), "pattern" (its JSON text) and "name", each only when
 * given.  A checkpoint answers "how far did this replay get", so a run
 * selecting other events refuses it rather than skipping what it never
 * replayed (--reset starts over).
 * offset is the uncompressed byte offset just past the last event ended
 * (written, dead-lettered or filtered); frame/frame_offset locate the
 * zstd frame holding it.  It is written to FILE.tmp, fsync'ed and renamed
 * over FILE (and the directory fsync'ed), so FILE is always a whole
 * checkpoint, old or new.  FILE.lock is held with flock() for the whole
 * run; it is never removed, which keeps the lock free of unlink races.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "err.h"
#include "timeutil.h"
#include "replay.h"
#include "banned.h"

void position_release(struct position *p)
{
	free(p->file);
	free(p->topic);
	free(p->next);
	memset(p, 0, sizeof(*p));
}

int ckpt_lock(struct replay *rp)
{
	struct hs_buf p = HS_BUF_INIT;
	int fd;

	hs_buf_addf(&p, "%s.lock", rp->ckpt);
	fd = open(p.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		hs_errno("cannot open '%s'", p.data);
		hs_buf_release(&p);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int busy = errno == EWOULDBLOCK;

		if (busy)
			hs_err("checkpoint '%s' is in use by another run "
			       "(lock '%s' is held)",
			       rp->ckpt, p.data);
		else
			hs_errno("cannot lock '%s'", p.data);
		close(fd);
		hs_buf_release(&p);
		return busy ? -2 : -1;
	}
	hs_buf_release(&p);
	rp->lock_fd = fd;
	return 0;
}

void ckpt_unlock(struct replay *rp)
{
	if (rp->lock_fd >= 0)
		close(rp->lock_fd);
	rp->lock_fd = -1;
}

static int get_u64(struct hs_json_doc *d, const char *key, uint64_t *v)
{
	uint32_t n = hs_json_obj_get(d, 0, key, strlen(key));
	int64_t x;

	if (n == HS_JSON_NONE || hs_json_type(d, n) != HS_JSON_NUMBER ||
	    hs_json_int64(d, n, &x) < 0 || x < 0)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

/* The options that select events, as a run or a checkpoint has them. */
struct selection {
	int64_t from, to;
	int untimed_include;
	const char *pattern, *name; /* NULL when not given */
	size_t pattern_len, name_len;
};

static void selection_of_run(const struct replay *rp, struct selection *s)
{
	s->from = rp->from;
	s->to = rp->to;
	s->untimed_include = rp->untimed_include;
	s->pattern = rp->pattern ? rp->pattern_text.data : NULL;
	s->pattern_len = rp->pattern_text.len;
	s->name = rp->name;
	s->name_len = rp->name ? strlen(rp->name) : 0;
}

/* The selection's members, each starting with a comma. */
static void selection_write(struct hs_buf *b, const struct selection *s)
{
	if (s->from != NO_TIME)
		hs_buf_addf(b, ",\"from\":%" PRId64, s->from);
	if (s->to != NO_TIME)
		hs_buf_addf(b, ",\"to\":%" PRId64, s->to);
	if (s->untimed_include)
		hs_buf_adds(b, ",\"untimed\":\"include\"");
	if (s->pattern) {
		hs_buf_adds(b, ",\"pattern\":");
		hs_json_write_str(b, s->pattern, s->pattern_len);
	}
	if (s->name) {
		hs_buf_adds(b, ",\"name\":");
		hs_json_write_str(b, s->name, s->name_len);
	}
}

/* The selection as options, for messages. */
static void selection_describe(struct hs_buf *b, const struct selection *s)
{
	char t[40];
	size_t len0 = b->len;

	if (s->from != NO_TIME)
		hs_buf_addf(b, " --from %s",
		            hs_time_format_ms(s->from, t, sizeof(t)));
	if (s->to != NO_TIME)
		hs_buf_addf(b, " --to %s",
		            hs_time_format_ms(s->to, t, sizeof(t)));
	if (s->untimed_include)
		hs_buf_adds(b, " --untimed include");
	if (s->pattern)
		hs_buf_addf(b, " --pattern '%.*s'", (int)s->pattern_len,
		            s->pattern);
	if (s->name)
		hs_buf_addf(b, " --name '%.*s'", (int)s->name_len, s->name);
	if (b->len == len0)
		hs_buf_adds(b,
		            " no --from, --to, --untimed, --pattern or --name");
}

/* The checkpoint's selection; strings decoded into sb (kept alive). */
static int selection_of_doc(struct hs_json_doc *d, struct selection *s,
                            struct hs_buf *pb, struct hs_buf *nb)
{
	uint32_t n;

	memset(s, 0, sizeof(*s));
	s->from = s->to = NO_TIME;
	if ((n = hs_json_obj_get(d, 0, "from", 4)) != HS_JSON_NONE &&
	    hs_json_int64(d, n, &s->from) < 0)
		return -1;
	if ((n = hs_json_obj_get(d, 0, "to", 2)) != HS_JSON_NONE &&
	    hs_json_int64(d, n, &s->to) < 0)
		return -1;
	if ((n = hs_json_obj_get(d, 0, "untimed", 7)) != HS_JSON_NONE)
		s->untimed_include = hs_json_str_eq(d, n, "include", 7);
	if ((n = hs_json_obj_get(d, 0, "pattern", 7)) != HS_JSON_NONE) {
		if (hs_json_str_decode(d, n, pb) < 0)
			return -1;
		s->pattern = pb->data;
		s->pattern_len = pb->len;
	}
	if ((n = hs_json_obj_get(d, 0, "name", 4)) != HS_JSON_NONE) {
		if (hs_json_str_decode(d, n, nb) < 0)
			return -1;
		s->name = nb->data;
		s->name_len = nb->len;
	}
	return 0;
}

/* -1 after printing why when the checkpoint selected other events. */
static int check_selection(struct replay *rp, struct hs_json_doc *d)
{
	struct selection now, then;
	struct hs_buf pb = HS_BUF_INIT, nb = HS_BUF_INIT;
	struct hs_buf a = HS_BUF_INIT, b = HS_BUF_INIT;
	int rc = 0;

	selection_of_run(rp, &now);
	if (selection_of_doc(d, &then, &pb, &nb) < 0) {
		rc = -2;
		goto out;
	}
	selection_write(&a, &now);
	selection_write(&b, &then);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
		hs_buf_reset(&a);
		hs_buf_reset(&b);
		selection_describe(&a, &then);
		selection_describe(&b, &now);
		hs_err("checkpoint '%s' was made for%s, not for%s (--reset "
		       "starts over)",
		       rp->ckpt, a.data, b.data);
		rc = -1;
	}
out:
	hs_buf_release(&pb);
	hs_buf_release(&nb);
	hs_buf_release(&a);
	hs_buf_release(&b);
	return rc;
}

static int parse_ckpt(struct replay *rp, struct hs_json_doc *d)
{
	struct position *p = &rp->pos;
	struct hs_buf s = HS_BUF_INIT;
	uint32_t n;

	if (hs_json_type(d, 0) != HS_JSON_OBJECT ||
	    hs_json_obj_get(d, 0, "hs-replay", 9) == HS_JSON_NONE)
		return -1;
	if ((n = hs_json_obj_get(d, 0, "file", 4)) != HS_JSON_NONE) {
		if (hs_json_type(d, n) != HS_JSON_STRING ||
		    get_u64(d, "offset", &p->offset) < 0 ||
		    get_u64(d, "frame", &p->frame_z) < 0 ||
		    get_u64(d, "frame_offset", &p->frame_u) < 0 ||
		    get_u64(d, "line", &p->line) < 0)
			return -1;
		get_u64(d, "dev", &p->dev);
		get_u64(d, "ino", &p->ino);
		hs_json_str_decode(d, n, &s);
		p->file = hs_buf_detach(&s, NULL);
		return 0;
	}
	if ((n = hs_json_obj_get(d, 0, "topic", 5)) != HS_JSON_NONE) {
		uint32_t nx = hs_json_obj_get(d, 0, "next", 4);

		if (hs_json_type(d, n) != HS_JSON_STRING ||
		    nx == HS_JSON_NONE || hs_json_type(d, nx) != HS_JSON_OBJECT)
			return -1;
		hs_json_str_decode(d, n, &s);
		p->topic = hs_buf_detach(&s, NULL);
		HS_JSON_FOREACH_MEMBER(d, nx, k)
		{
			const char *errstr;
			int64_t off;
			long long part;

			hs_json_str_decode(d, k, &s);
			part = hs_strtonum(s.data, 0, 1 << 20, &errstr);
			hs_buf_reset(&s);
			if (errstr || hs_json_int64(d, k + 1, &off) < 0)
				continue;
			if (part >= p->nparts) {
				p->next =
				    hs_xrealloc(p->next, (size_t)(part + 1) *
				                             sizeof(*p->next));
				for (int i = p->nparts; i <= part; i++)
					p->next[i] = -1;
				p->nparts = (int)part + 1;
			}
			p->next[part] = off;
		}
		hs_buf_release(&s);
		return 0;
	}
	return -1;
}

int ckpt_load(struct replay *rp)
{
	struct hs_json_doc d;
	char buf[1 << 16];
	ssize_t n;
	int fd, rc;

	fd = open(rp->ckpt, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		hs_errno("cannot open '%s'", rp->ckpt);
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0) {
		hs_errno("cannot read '%s'", rp->ckpt);
		return -1;
	}
	if (n == 0)
		return 1;
	hs_json_doc_init(&d);
	rc = 0;
	if (hs_json_parse(&d, buf, (size_t)n) < 0 || parse_ckpt(rp, &d) < 0 ||
	    (rc = check_selection(rp, &d)) == -2) {
		hs_err("'%s' is not an hs-replay checkpoint (--reset starts "
		       "over)",
		       rp->ckpt);
		rc = -1;
	}
	if (rc < 0)
		position_release(&rp->pos);
	hs_json_doc_release(&d);
	return rc;
}

static void fsync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? hs_xstrndup(path, (size_t)(slash - path + 1))
	                  : hs_xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int ckpt_save(struct replay *rp)
{
	const struct position *p = &rp->pos;
	struct hs_buf b = HS_BUF_INIT, tmp = HS_BUF_INIT;
	int fd, rc = -1;

	hs_buf_adds(&b, "{\"hs-replay\":1,");
	if (p->topic) {
		int first = 1;

		hs_buf_adds(&b, "\"topic\":");
		hs_json_write_str(&b, p->topic, strlen(p->topic));
		hs_buf_adds(&b, ",\"next\":{");
		for (int i = 0; i < p->nparts; i++) {
			if (p->next[i] < 0)
				continue;
			hs_buf_addf(&b, "%s\"%d\":%" PRId64, first ? "" : ",",
			            i, p->next[i]);
			first = 0;
		}
		hs_buf_adds(&b, "}");
	} else if (p->file) {
		hs_buf_adds(&b, "\"file\":");
		hs_json_write_str(&b, p->file, strlen(p->file));
		hs_buf_addf(&b,
		            ",\"dev\":%" PRIu64 ",\"ino\":%" PRIu64
		            ",\"offset\":%" PRIu64 ",\"frame\":%" PRIu64
		            ",\"frame_offset\":%" PRIu64 ",\"line\":%" PRIu64,
		            p->dev, p->ino, p->offset, p->frame_z, p->frame_u,
		            p->line);
	} else {
		hs_buf_release(&b);
		return 0; /* nothing read yet */
	}
	{
		struct selection s;

		selection_of_run(rp, &s);
		selection_write(&b, &s);
		hs_buf_adds(&b, "}\n");
	}
	hs_buf_addf(&tmp, "%s.tmp", rp->ckpt);
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		hs_errno("cannot create '%s'", tmp.data);
		goto out;
	}
	if (write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd) < 0) {
		hs_errno("cannot write '%s'", tmp.data);
		close(fd);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp.data, rp->ckpt) < 0) {
		hs_errno("cannot write '%s'", rp->ckpt);
		goto out;
	}
	fsync_dir(rp->ckpt);
	rc = 0;
out:
	hs_buf_release(&b);
	hs_buf_release(&tmp);
	return rc;
}
