/*
 * jqjail.c: the child process that runs libjq on one event at a time,
 * bounded as jqjail.h says: fork, the request/answer protocol over two
 * pipes, the time and memory bounds, and telling a cut (limit) from a
 * crash.  What an evaluation means is the callback's (jqrun.c).
 *
 * Protocol: the parent writes a uint64_t length and the line; the child
 * answers an int32_t result, an int32_t reason code, three uint64_t
 * lengths and the output, message and details bytes.  A child that
 * reads end of file exits.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "exit.h"
#include "jqjail.h"
#include "sig.h"
#include "timeutil.h"
#include "banned.h"

/* The child's exit status when libjq found no memory. */
#define NOMEM_EXIT 86
/* After a stop signal, an evaluation still running this long is cut. */
#define STOP_TICK_MS 100

struct hs_jqjail {
	hs_jqjail_fn fn;
	void *ctx;
	double secs;
	uint64_t mem;
	pid_t pid; /* 0: no child */
	int wfd, rfd;
};

struct hs_jqjail *hs_jqjail_new(hs_jqjail_fn fn, void *ctx, double secs,
                                uint64_t mem)
{
	struct hs_jqjail *j = hs_xcalloc(1, sizeof(*j));

	j->fn = fn;
	j->ctx = ctx;
	j->secs = secs;
	j->mem = mem;
	j->wfd = j->rfd = -1;
	return j;
}

/* Kill the child (if any) and reap it; *status its wait status. */
static void reap(struct hs_jqjail *j, int kill_it, int *status)
{
	int st = 0;

	if (j->wfd >= 0)
		close(j->wfd);
	if (j->rfd >= 0)
		close(j->rfd);
	j->wfd = j->rfd = -1;
	if (j->pid > 0) {
		if (kill_it)
			kill(j->pid, SIGKILL);
		while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	j->pid = 0;
	if (status)
		*status = st;
}

void hs_jqjail_free(struct hs_jqjail *j)
{
	if (!j)
		return;
	reap(j, 1, NULL);
	free(j);
}

/* All n bytes through fd (wr: write, else read): 0, or -1. */
static int io_all(int fd, void *p, size_t n, int wr)
{
	char *c = p;

	while (n) {
		ssize_t k = wr ? write(fd, c, n) : read(fd, c, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
	return io_all(fd, (void *)p, n, 1);
}

/* The child's blocking read: 0, or -1 at end of file or error. */
static int read_all(int fd, void *p, size_t n)
{
	return io_all(fd, p, n, 0);
}

/*
 * libjq 1.6 aborts when an allocation fails (its jv_nomem_handler() is
 * broken in 1.6), right after malloc() set errno to ENOMEM: that abort
 * is the memory bound, any other is a crash (the handler returns and
 * abort() ends the child with SIGABRT).
 */
static void on_abort(int sig)
{
	(void)sig;
	if (errno == ENOMEM)
		_exit(NOMEM_EXIT);
}

/* Bytes of address space the child has now (from /proc/self/statm). */
/* An AddressSanitizer build maps its shadow and allocator regions in
 * large steps past any address-space limit: there the memory bound is
 * not kept (the time bound is). */
#ifdef __SANITIZE_ADDRESS__
#define KEEP_MEMORY_BOUND 0
#else
#define KEEP_MEMORY_BOUND 1
#endif

static uint64_t vm_size(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long long pages = 0;

	if (f) {
		if (fscanf(f, "%llu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void child_main(struct hs_jqjail *j, int rfd, int wfd)
{
	struct hs_buf line = HS_BUF_INIT, out = HS_BUF_INIT, msg = HS_BUF_INIT,
	              det = HS_BUF_INIT;
	struct sigaction sa;
	int fd;

	/* The parent ends the child; it must not hold the pipe's stdout. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_abort;
	sigaction(SIGABRT, &sa, NULL);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (fd > 2)
			close(fd);
	}
	if (j->mem && KEEP_MEMORY_BOUND) {
		struct rlimit rl;

		rl.rlim_cur = rl.rlim_max = (rlim_t)(vm_size() + j->mem);
		setrlimit(RLIMIT_AS, &rl);
	}
	for (;;) {
		uint64_t n, hdr[3];
		int32_t res[2];
		int reason = 0;

		if (read_all(rfd, &n, sizeof(n)) < 0)
			_exit(0);
		hs_buf_reset(&line);
		hs_buf_grow(&line, (size_t)n + 1);
		if (read_all(rfd, line.data, (size_t)n) < 0)
			_exit(0);
		hs_buf_setlen(&line, (size_t)n);
		hs_buf_reset(&out);
		hs_buf_reset(&msg);
		hs_buf_reset(&det);
		res[0] = j->fn(j->ctx, line.data, line.len, &out, &msg, &det,
		               &reason);
		res[1] = reason;
		hdr[0] = out.len;
		hdr[1] = msg.len;
		hdr[2] = det.len;
		if (write_all(wfd, res, sizeof(res)) < 0 ||
		    write_all(wfd, hdr, sizeof(hdr)) < 0 ||
		    write_all(wfd, out.data, out.len) < 0 ||
		    write_all(wfd, msg.data, msg.len) < 0 ||
		    write_all(wfd, det.data, det.len) < 0)
			_exit(0);
	}
}

static int spawn(struct hs_jqjail *j)
{
	int req[2], ans[2];
	pid_t pid;

	if (pipe2(req, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(ans, O_CLOEXEC) < 0) {
		close(req[0]);
		close(req[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(req[0]);
		close(req[1]);
		close(ans[0]);
		close(ans[1]);
		return -1;
	}
	if (pid == 0) {
		close(req[1]);
		close(ans[0]);
		child_main(j, req[0], ans[1]);
		_exit(0);
	}
	close(req[0]);
	close(ans[1]);
	j->pid = pid;
	j->wfd = req[1];
	j->rfd = ans[0];
	return 0;
}

/*
 * Read n bytes of the answer by the deadline (ms, 0: none).  0, or -1:
 * the child died, -2: the deadline passed, -3: a stop signal.
 */
static int answer(struct hs_jqjail *j, void *p, size_t n, int64_t deadline)
{
	char *c = p;

	while (n) {
		struct pollfd pfd = {j->rfd, POLLIN, 0};
		int64_t wait = STOP_TICK_MS;
		int rc;

		if (deadline) {
			int64_t left = deadline - hs_time_now_ms();

			if (left <= 0)
				return -2;
			if (left < wait)
				wait = left;
		}
		rc = poll(&pfd, 1, (int)wait);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc == 0 && hs_sig_stop)
			return -3;
		if (rc <= 0)
			continue;
		ssize_t r = read(j->rfd, c, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Read an answer's bytes into b; as answer(). */
static int answer_buf(struct hs_jqjail *j, struct hs_buf *b, uint64_t n,
                      int64_t deadline)
{
	size_t at = b->len;
	int rc;

	hs_buf_grow(b, (size_t)n + 1);
	rc = answer(j, b->data + at, (size_t)n, deadline);
	if (rc == 0)
		hs_buf_setlen(b, at + (size_t)n);
	return rc;
}

static void size_text(uint64_t n, struct hs_buf *msg)
{
	if (n % (1u << 30) == 0)
		hs_buf_addf(msg, "%lluGiB", (unsigned long long)(n >> 30));
	else if (n % (1u << 20) == 0)
		hs_buf_addf(msg, "%lluMiB", (unsigned long long)(n >> 20));
	else
		hs_buf_addf(msg, "%llu bytes", (unsigned long long)n);
}

/* Why the child stopped, in msg; HS_JQJAIL_LIMIT or HS_JQJAIL_CRASH. */
static int cut(struct hs_jqjail *j, int why, struct hs_buf *msg)
{
	int st;

	reap(j, why != -1, &st);
	hs_buf_reset(msg);
	if (why == -2) {
		hs_buf_addf(msg, "libjq ran past --jq-timeout (%gs)", j->secs);
		return HS_JQJAIL_LIMIT;
	}
	if (why == -3) {
		hs_buf_adds(msg, "libjq was still running at the stop signal");
		return HS_JQJAIL_LIMIT;
	}
	if (WIFEXITED(st) &&
	    (WEXITSTATUS(st) == NOMEM_EXIT || WEXITSTATUS(st) == HS_EXIT_IO)) {
		hs_buf_adds(msg, "libjq ran out of memory past --jq-memory (");
		size_text(j->mem, msg);
		hs_buf_addc(msg, ')');
		return HS_JQJAIL_LIMIT;
	}
	if (WIFSIGNALED(st))
		hs_buf_addf(msg, "libjq 1.6 crashed on this event (%s)",
		            strsignal(WTERMSIG(st)));
	else
		hs_buf_addf(msg,
		            "libjq's process ended on this event (exit %d)",
		            WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return HS_JQJAIL_CRASH;
}

int hs_jqjail_run(struct hs_jqjail *j, const char *line, size_t len,
                  struct hs_buf *out, struct hs_buf *msg,
                  struct hs_buf *details, int *reason)
{
	uint64_t n = len, hdr[3];
	int32_t res[2];
	int64_t deadline = 0;
	size_t at = out->len;
	int rc;

	if (!j->pid && spawn(j) < 0) {
		hs_buf_reset(msg);
		hs_buf_addf(msg, "cannot start libjq's process: %s",
		            strerror(errno));
		return HS_JQJAIL_CRASH;
	}
	if (j->secs > 0)
		deadline = hs_time_now_ms() + (int64_t)(j->secs * 1000 + 0.5);
	if (write_all(j->wfd, &n, sizeof(n)) < 0 ||
	    write_all(j->wfd, line, len) < 0)
		return cut(j, -1, msg);
	rc = answer(j, res, sizeof(res), deadline);
	if (rc == 0)
		rc = answer(j, hdr, sizeof(hdr), deadline);
	if (rc == 0)
		rc = answer_buf(j, out, hdr[0], deadline);
	if (rc == 0) {
		hs_buf_reset(msg);
		rc = answer_buf(j, msg, hdr[1], deadline);
	}
	if (rc == 0) {
		hs_buf_reset(details);
		rc = answer_buf(j, details, hdr[2], deadline);
	}
	if (rc < 0) {
		hs_buf_setlen(out, at);
		return cut(j, rc, msg);
	}
	*reason = res[1];
	return res[0];
}
