/*
 * test-archive.c: common/archive.h's writer and reader together: lines
 * written in several flushes become several zstd frames and read back
 * whole, a resume from a told position starts in the right frame at the
 * next line, a torn last frame yields every complete line decoded and
 * one HS_ARC_DAMAGE carrying the cut line's decoded part, and corrupt
 * data is skipped to the next frame.  Plain files read back too.  The
 * tail: hs_arc_repair_tail() cuts a torn frame, zeros or a partial line
 * and keeps whole files and corrupt data, and a flush that fails (a
 * file size limit) is cut back, leaving the file as it was.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"

#include "../unit/check.h"

#define NLINES 9
#define BIG (400u * 1024) /* the last line: spans several zstd blocks */

static char dir[] = "/tmp/hs-test-archive.XXXXXX";
static char *lines[NLINES];
static size_t lens[NLINES];
static long long frame_len[3];

static void make_lines(void)
{
	unsigned x = 12345;

	for (int i = 0; i < NLINES - 1; i++) {
		char b[64];

		lens[i] = (size_t)snprintf(b, sizeof b, "{\"n\":%d}", i);
		lines[i] = strdup(b);
	}
	/* a long line of poorly compressible letters */
	lines[NLINES - 1] = malloc(BIG);
	memcpy(lines[NLINES - 1], "{\"x\":\"", 6);
	for (size_t i = 6; i < BIG - 2; i++) {
		x = x * 1103515245u + 12345u;
		lines[NLINES - 1][i] = (char)('a' + (x >> 16) % 26);
	}
	memcpy(lines[NLINES - 1] + BIG - 2, "\"}", 2);
	lens[NLINES - 1] = BIG;
}

/* Lines 0-2, 3-5, 6-8, one flush (one frame) each; 0 or -1. */
static int write_archive(const char *path)
{
	struct hs_arc_writer w;
	char err[256];

	if (hs_arc_writer_open(&w, path, err, sizeof err) < 0) {
		printf("# %s\n", err);
		hs_arc_writer_release(&w);
		return -1;
	}
	for (int f = 0; f < 3; f++) {
		for (int i = f * 3; i < f * 3 + 3; i++)
			hs_arc_writer_add(&w, lines[i], lens[i]);
		frame_len[f] = hs_arc_writer_flush(&w, err, sizeof err);
		if (frame_len[f] <= 0)
			return -1;
	}
	return hs_arc_writer_close(&w, err, sizeof err);
}

static void file_of(struct hs_arc_file *f, char *path, int zst)
{
	struct stat st;

	memset(f, 0, sizeof *f);
	f->path = path;
	f->zst = zst;
	f->regular = 1;
	if (stat(path, &st) == 0)
		f->size = (uint64_t)st.st_size;
}

/* Read path from pos: *n lines in order starting at line first; the
 * number of damage results and the last damage's length. */
struct got {
	int n, ok, damage, err;
	size_t cut;
	struct hs_arc_pos after4; /* told after line 4, mid-frame 2 */
};

static struct got read_all(char *path, int zst, int threaded,
                           const struct hs_arc_pos *pos, int first)
{
	struct hs_arc_file f;
	struct hs_arc_reader r;
	struct got g = {.ok = 1};
	const char *line;
	size_t len;
	int k;

	file_of(&f, path, zst);
	if (hs_arc_open(&r, &f, 1u << 20, pos, threaded) < 0) {
		hs_arc_close(&r);
		g.err = 1;
		return g;
	}
	while ((k = hs_arc_next(&r, &line, &len)) != HS_ARC_END) {
		int i = first + g.n;

		if (k == HS_ARC_LINE) {
			if (i >= NLINES || len != lens[i] ||
			    memcmp(line, lines[i], len) != 0)
				g.ok = 0;
			if (i == 4)
				hs_arc_tell(&r, &g.after4);
			g.n++;
		} else if (k == HS_ARC_DAMAGE) {
			g.damage++;
			g.cut = len;
			/* the cut part is the start of the next line */
			if (len && (i >= NLINES || len >= lens[i] ||
			            memcmp(line, lines[i], len) != 0))
				g.ok = 0;
		} else {
			g.err = 1;
			break;
		}
	}
	hs_arc_close(&r);
	return g;
}

static void truncate_to(const char *from, const char *to, off_t size)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char *b = malloc((size_t)size);

	if (in && out && fread(b, 1, (size_t)size, in) == (size_t)size)
		fwrite(b, 1, (size_t)size, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	free(b);
}

/* hs_arc_repair_tail() on path: its return, *cut, and *size after. */
static int repair(const char *path, int zst, uint64_t *cut, off_t *size)
{
	int fd = open(path, O_RDWR), rc;
	struct stat st;
	char err[256];

	*cut = 0;
	*size = -1;
	if (fd < 0)
		return -1;
	rc = hs_arc_repair_tail(fd, zst, cut, err, sizeof err);
	if (rc < 0)
		printf("# %s\n", err);
	if (fstat(fd, &st) == 0)
		*size = st.st_size;
	close(fd);
	return rc;
}

static void append(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "ab");

	if (fp) {
		fwrite(p, 1, n, fp);
		fclose(fp);
	}
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* The tail rules of archive.h, on the zstd archive at zpath. */
static void check_zst_tail(const char *zpath, const char *torn, const char *bad)
{
	off_t whole2 = (off_t)(frame_len[0] + frame_len[1]), size;
	uint64_t cut;
	struct got g;

	truncate_to(zpath, torn, whole2 + (off_t)frame_len[2] / 2);
	CHECK(repair(torn, 1, &cut, &size) == 0 &&
	          cut == (uint64_t)frame_len[2] / 2 && size == whole2,
	      "a torn last frame is cut (%llu bytes)", (unsigned long long)cut);
	g = read_all((char *)torn, 1, 0, NULL, 0);
	CHECK(!g.err && g.ok && g.n == 6 && !g.damage,
	      "after the cut: the two whole frames, no damage");
	CHECK(repair(torn, 1, &cut, &size) == 0 && cut == 0 && size == whole2,
	      "a whole file is left as it is");
	append(torn, HS_ARC_ZSTD_MAGIC, 2);
	CHECK(repair(torn, 1, &cut, &size) == 0 && cut == 2 && size == whole2,
	      "half a magic is cut");
	append(torn, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	CHECK(repair(torn, 1, &cut, &size) == 0 && cut == 16 && size == whole2,
	      "zeros after the last frame are cut");
	append(torn, "\xff\xff\xff\xff\xff\xff", 6);
	CHECK(repair(torn, 1, &cut, &size) == 0 && cut == 0 &&
	          size == whole2 + 6,
	      "corrupt bytes that are no torn frame are kept");
	CHECK(repair(bad, 1, &cut, &size) == 0 && cut == 0,
	      "a corrupt frame followed by a whole one is kept");
}

/* The tail of a plain file: cut after its last '\n'. */
static void check_plain_tail(const char *ppath)
{
	off_t whole = size_of(ppath), size;
	uint64_t cut;

	append(ppath, "{\"n\":", 5);
	CHECK(repair(ppath, 0, &cut, &size) == 0 && cut == 5 && size == whole,
	      "a partial plain line is cut");
	append(ppath, lines[NLINES - 1], BIG - 1);
	CHECK(repair(ppath, 0, &cut, &size) == 0 && cut == BIG - 1 &&
	          size == whole,
	      "a partial line longer than a read block is cut whole");
	CHECK(repair(ppath, 0, &cut, &size) == 0 && cut == 0 && size == whole,
	      "a plain file ending in a newline is left as it is");
	truncate(ppath, 3);
	CHECK(repair(ppath, 0, &cut, &size) == 0 && cut == 3 && size == 0,
	      "a file without a newline is cut to nothing");
}

/* A flush past RLIMIT_FSIZE (a full disk, for real) fails, and the file
 * is cut back to its size before it: no torn bytes stay. */
static void check_failed_flush(const char *path, int zst)
{
	struct rlimit old, lim;
	struct hs_arc_writer w;
	char err[256];
	off_t before;
	long long n;

	unlink(path);
	if (hs_arc_writer_open(&w, path, err, sizeof err) < 0) {
		CHECK(0, "open %s: %s", path, err);
		return;
	}
	hs_arc_writer_add(&w, lines[0], lens[0]);
	hs_arc_writer_flush(&w, err, sizeof err);
	before = size_of(path);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = (rlim_t)before + 1000;
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &lim);
	hs_arc_writer_add(&w, lines[NLINES - 1], lens[NLINES - 1]);
	n = hs_arc_writer_flush(&w, err, sizeof err);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(n == -1 && size_of(path) == before,
	      "a failed flush is cut back (%s: %s)", zst ? "zst" : "plain",
	      err);
	CHECK(hs_arc_writer_pending(&w) == lens[NLINES - 1] + 1,
	      "its lines stay pending (%s)", zst ? "zst" : "plain");
	hs_arc_writer_release(&w);
	unlink(path);
}

int main(void)
{
	char zpath[128], ppath[128], torn[128], bad[128];
	struct got g;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	make_lines();
	snprintf(zpath, sizeof zpath, "%s/a.ndjson.zst", dir);
	snprintf(ppath, sizeof ppath, "%s/a.ndjson", dir);
	snprintf(torn, sizeof torn, "%s/torn.ndjson.zst", dir);
	snprintf(bad, sizeof bad, "%s/bad.ndjson.zst", dir);

	CHECK(write_archive(zpath) == 0, "zstd archive written in 3 flushes");
	{
		FILE *fp = fopen(zpath, "rb");
		unsigned char m[4] = {0};
		int frames = 0;
		long long at = 0;

		/* each flush is one frame: a magic at every frame start */
		for (int f = 0; fp && f < 3; f++) {
			fseek(fp, (long)at, SEEK_SET);
			if (fread(m, 1, 4, fp) == 4 &&
			    memcmp(m, HS_ARC_ZSTD_MAGIC, 4) == 0)
				frames++;
			at += frame_len[f];
		}
		if (fp)
			fclose(fp);
		CHECK(frames == 3,
		      "three frames, each starting with the magic");
	}
	for (int th = 0; th < 2; th++) {
		struct got r2;

		g = read_all(zpath, 1, th, NULL, 0);
		CHECK(!g.err && g.ok && g.n == NLINES && !g.damage,
		      "all lines read back in order (threaded %d)", th);
		CHECK(g.after4.offset > 0 &&
		          g.after4.frame_z == (uint64_t)frame_len[0] &&
		          g.after4.line == 5,
		      "position after line 4 names the second frame (%d)", th);
		r2 = read_all(zpath, 1, th, &g.after4, 5);
		CHECK(!r2.err && r2.ok && r2.n == NLINES - 5 && !r2.damage,
		      "resume from that position reads lines 5.. (%d)", th);
	}

	/* a crash tore the last frame: cut it in the middle */
	truncate_to(zpath, torn,
	            (off_t)(frame_len[0] + frame_len[1] + frame_len[2] / 2));
	for (int th = 0; th < 2; th++) {
		g = read_all(torn, 1, th, NULL, 0);
		CHECK(!g.err && g.ok && g.n == NLINES - 1 && g.damage == 1,
		      "torn frame: the complete lines, then one damage (%d)",
		      th);
		CHECK(g.cut > 0 && g.cut < BIG,
		      "the damage hands back the cut line's decoded part (%d)",
		      th);
	}

	/* corrupt data in the second frame: skipped to the third */
	{
		FILE *fp;

		truncate_to(
		    zpath, bad,
		    (off_t)(frame_len[0] + frame_len[1] + frame_len[2]));
		fp = fopen(bad, "r+b");
		if (fp) {
			fseek(fp, (long)(frame_len[0] + 6), SEEK_SET);
			fwrite("\xff\xff\xff\xff\xff\xff", 1, 6, fp);
			fclose(fp);
		}
		g = read_all(bad, 1, 0, NULL, 0);
		CHECK(!g.err && g.n == 6 && g.damage == 1,
		      "corrupt frame: damage, and lines around it read");
	}

	check_zst_tail(zpath, torn, bad);

	CHECK(write_archive(ppath) == 0, "plain archive written");
	g = read_all(ppath, 0, 0, NULL, 0);
	CHECK(!g.err && g.ok && g.n == NLINES && !g.damage,
	      "plain archive read back");
	{
		struct got r2 = read_all(ppath, 0, 0, &g.after4, 5);

		CHECK(!r2.err && r2.ok && r2.n == NLINES - 5,
		      "plain archive resumes at the told offset");
	}

	check_plain_tail(ppath);
	check_failed_flush(torn, 1);
	check_failed_flush(ppath, 0);

	hs_arc_pool_release();
	unlink(zpath);
	unlink(ppath);
	unlink(torn);
	unlink(bad);
	rmdir(dir);
	for (int i = 0; i < NLINES; i++)
		free(lines[i]);
	return check_done();
}
