/*
 * lineio.h: NDJSON input.  Reads stdin or a list of files in blocks and
 * hands out one line at a time, pointing into its own buffer (valid until
 * the next call).  Memory stays bounded by the largest line, not by the
 * input: a line longer than max is reported as HS_LINEIO_TOOBIG and can
 * then be streamed out with hs_lineio_rest() without holding it whole.
 *
 * On a stop signal, reading ends at once for files and after a bounded
 * drain for pipes (see drain_secs below).
 *
 * Before each read(2) that would block, the idle callback runs: tools
 * flush their output there, so live pipelines see events at once while
 * busy ones still write in large blocks.
 */
#ifndef HS_LINEIO_H
#define HS_LINEIO_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#define HS_LINEIO_BLOCK (1u << 20)

enum {
	HS_LINEIO_ERR = -1,  /* read or open failure: see errbuf */
	HS_LINEIO_END = 0,   /* end of all input, or a stop signal */
	HS_LINEIO_LINE = 1,  /* *line, *len hold one line (no '\n') */
	HS_LINEIO_TOOBIG = 2 /* a line over max: *line holds its first max
	                         bytes; call hs_lineio_rest() next */
};

struct hs_lineio {
	char **files; /* not owned; NULL or empty: stdin */
	int nfiles, fileidx;
	int fd;
	const char *name; /* current input for messages: "<stdin>" or a path */
	uint64_t lineno;  /* line number of the last line returned */
	uint64_t blank;   /* blank lines skipped (only whitespace) */
	uint64_t bytes;   /* bytes read so far */
	size_t max;       /* largest line accepted */
	char *buf;        /* owned */
	size_t cap, start, scan, end;
	int eof;
	int open_failed; /* some file could not be opened (reported) */
	void (*idle)(void *ctx);
	void *idle_ctx;
	/*
	 * While input is idle (after the idle callback), wait on watch_fd
	 * too, -1 for none: a tool's stdout, whose reader may leave while
	 * nothing is written.  POLLERR or POLLHUP there ends reading like a
	 * stop, with watch_gone set; the caller decides what it means.
	 */
	int watch_fd;
	int watch_gone;
	volatile sig_atomic_t *stop; /* when set and nonzero, reading ends */
	/*
	 * After a stop signal, input from a pipe or socket is still read
	 * until it ends, for at most drain_secs: the source of a pipeline
	 * (hs-consume) stops and closes its end, and the events already in
	 * the pipes reach the end of the pipe instead of being lost.  A
	 * file, a terminal, or drain_secs 0 stops at once.
	 */
	double drain_secs;
	double drain_deadline; /* set at the first stop seen, 0 before */
	int drainable;         /* the current input is a pipe or socket */
};

/*
 * Prepare r to read files[0..nfiles) in turn ("-" is stdin), or stdin
 * when nfiles is 0.  max is the largest line accepted.  Files are opened
 * lazily; one that cannot be opened is reported through errbuf by
 * hs_lineio_next() returning HS_LINEIO_ERR, after which reading goes on
 * with the next file on the following call.
 */
void hs_lineio_init(struct hs_lineio *r, char **files, int nfiles, size_t max);
void hs_lineio_release(struct hs_lineio *r);

/*
 * Next non-blank line.  Returns one of the HS_LINEIO_* values above.  A
 * last line without a newline is returned like any other.
 */
int hs_lineio_next(struct hs_lineio *r, const char **line, size_t *len,
                   char *errbuf, size_t errlen);

/*
 * The drain rule, for readers of their own (hs-replay's archives): given
 * whether a stop signal came, 1 when reading must end now: at once for
 * input that is not drainable (files) or when drain_secs is 0, else once
 * drain_secs have passed since the first stop seen (*deadline, 0 until
 * then, is set here).
 */
int hs_stop_now(int stop, int drainable, double drain_secs, double *deadline);

/*
 * After HS_LINEIO_TOOBIG: consume that whole line, from its first byte,
 * passing it to fn in chunks (fn may be NULL to discard).  Returns the
 * full length of the line, or -1 on a read error.
 */
long long hs_lineio_rest(struct hs_lineio *r,
                         void (*fn)(void *ctx, const char *p, size_t n),
                         void *ctx);

#endif
