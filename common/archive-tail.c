/*
 * archive-tail.c: the end of an archive file under archive.h's crash
 * rule: where its whole lines or whole zstd frames end
 * (hs_arc_whole_size()) and cutting a torn tail off before a writer
 * appends (hs_arc_repair_tail()).  Reading lines is archive-read.c's,
 * writing (and cutting back a failed write) archive-write.c's; saying
 * that bytes were cut is the caller's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd_errors.h>

#include "archive.h"
#include "err.h"
#include "banned.h"

#define TAIL_BLOCK 65536

/*
 * Plain: the bytes up to and including the last '\n' of the size bytes
 * of fd, read backwards a block at a time (a file written by the writer
 * ends in '\n', so this reads one block).
 */
static int plain_whole(int fd, uint64_t size, uint64_t *whole, char *errbuf,
                       size_t errlen)
{
	char *b = malloc(TAIL_BLOCK);
	uint64_t end = size;

	if (!b)
		return hs_seterr(errbuf, errlen, "out of memory");
	*whole = 0;
	while (end > 0) {
		size_t n = end < TAIL_BLOCK ? (size_t)end : TAIL_BLOCK;
		ssize_t k = pread(fd, b, n, (off_t)(end - n));
		char *nl;

		if (k != (ssize_t)n) {
			free(b);
			return hs_seterr(errbuf, errlen, "read: %s",
			                 k < 0 ? strerror(errno)
			                       : "short read");
		}
		for (nl = b + n; nl > b && nl[-1] != '\n'; nl--)
			;
		if (nl > b) {
			*whole = end - n + (uint64_t)(nl - b);
			break;
		}
		end -= n;
	}
	free(b);
	return 0;
}

const unsigned char *hs_arc_find_magic(const unsigned char *p, size_t n)
{
	while (n >= 4) {
		const unsigned char *q = memchr(p, HS_ARC_ZSTD_MAGIC[0], n - 3);

		if (!q)
			return NULL;
		if (memcmp(q, HS_ARC_ZSTD_MAGIC, 4) == 0)
			return q;
		n -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return NULL;
}

/* A zstd frame in p[0..n) that ends inside it: its length, else 0. */
static size_t frame_at(const unsigned char *p, size_t n)
{
	size_t r = ZSTD_findFrameCompressedSize(p, n);

	return ZSTD_isError(r) ? 0 : r;
}

/*
 * The bytes p[0..n) after the last whole frame are a torn tail: a frame
 * cut short (what a crash or a failed write leaves), or zeros (what a
 * file system may leave past a crash).  Anything else is corrupt data,
 * not cut: the reader resyncs over it (archive.h).
 */
static int torn(const unsigned char *p, size_t n)
{
	size_t r = ZSTD_findFrameCompressedSize(p, n);

	if (ZSTD_isError(r) && ZSTD_getErrorCode(r) == ZSTD_error_srcSize_wrong)
		return 1;
	while (n && !*p) {
		p++;
		n--;
	}
	return n == 0;
}

/*
 * Zstd: walk the frames from the start (ZSTD_findFrameCompressedSize()
 * reads only frame and block headers, so this touches about one page
 * per 128 KiB block).  Bytes that are no frame but are followed by a
 * whole frame (corrupt data the reader resyncs over) are kept and the
 * walk goes on at that frame; the whole size ends at the last whole
 * frame after which no whole frame starts, when what follows it is
 * torn.
 */
static int zst_whole(int fd, uint64_t size, uint64_t *whole, char *errbuf,
                     size_t errlen)
{
	const unsigned char *m;
	size_t n = (size_t)size, pos = 0, f;

	*whole = 0;
	if (!size)
		return 0;
	if ((uint64_t)n != size)
		return hs_seterr(errbuf, errlen, "file too large to map");
	m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return hs_seterr(errbuf, errlen, "mmap: %s", strerror(errno));
	while (pos < n) {
		const unsigned char *q;

		if ((f = frame_at(m + pos, n - pos))) {
			pos += f;
			*whole = pos;
			continue;
		}
		/* no whole frame here: look for one further on */
		for (q = m + pos + 1; q + 4 <= m + n; q++) {
			q = hs_arc_find_magic(q, (size_t)(m + n - q));
			if (!q || frame_at(q, (size_t)(m + n - q)))
				break;
		}
		if (!q || q + 4 > m + n)
			break;
		pos = (size_t)(q - m);
	}
	if (*whole < n && !torn(m + *whole, n - (size_t)*whole))
		*whole = n;
	munmap((void *)m, n);
	return 0;
}

int hs_arc_whole_size(int fd, int zst, uint64_t *whole, uint64_t *size,
                      char *errbuf, size_t errlen)
{
	struct stat st;

	*whole = *size = 0;
	if (fstat(fd, &st) < 0)
		return hs_seterr(errbuf, errlen, "stat: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return 0;
	*size = (uint64_t)st.st_size;
	if (zst)
		return zst_whole(fd, *size, whole, errbuf, errlen);
	return plain_whole(fd, *size, whole, errbuf, errlen);
}

int hs_arc_repair_tail(int fd, int zst, uint64_t *cut, char *errbuf,
                       size_t errlen)
{
	uint64_t whole, size;

	*cut = 0;
	if (hs_arc_whole_size(fd, zst, &whole, &size, errbuf, errlen) < 0)
		return -1;
	if (whole == size)
		return 0;
	if (ftruncate(fd, (off_t)whole) < 0)
		return hs_seterr(
		    errbuf, errlen, "cannot cut %llu torn bytes at the end: %s",
		    (unsigned long long)(size - whole), strerror(errno));
	*cut = size - whole;
	return 0;
}
