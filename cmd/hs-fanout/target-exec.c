/*
 * target-exec.c: the exec kind (exec:COMMAND), a long-running child fed
 * the events on its stdin, restarted with backoff when it dies, as
 * target.h's operations.
 *
 * An item is delivered once the child has read its line; what a dead
 * child left unread in the pipe goes to its successor.  It owns its
 * struct exect (t->impl) and the children; the queue, the worker thread
 * and the dead-letter records are target.c's and queue.c's, reached only
 * through target.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "stats.h"
#include "target.h"
#include "banned.h"

/* ---- exec ---- */

/*
 * The parent keeps the read end of the child's stdin pipe open too: when
 * the child dies, whatever it had not read yet is still in the pipe, and
 * is read back and fed to the next child, so a restart loses no event
 * (only a line the child had half read and then died over).
 */
struct exect {
	char **argv;
	pid_t pid;
	int fd, rfd; /* the pipe's ends, both non-blocking */
	int restarts, quick;
	double spawned;
	struct hs_buf pending; /* salvaged from a dead child's pipe */
	/*
	 * An item is delivered once a child has read its line, not when it
	 * was written into the pipe (a pipe holds many lines, and they die
	 * with the pipeline).  accepted counts the bytes of the stream
	 * handed over so far; what is not yet read is in the pipe (FIONREAD
	 * on rfd) or in pending, so the child read accepted minus that.
	 */
	uint64_t accepted;
	struct fo_item *wait_head, *wait_tail; /* written, not yet read */
};

static pthread_mutex_t spawn_mu = PTHREAD_MUTEX_INITIALIZER;

/* Split a command into words: blanks separate, '...' and "..." quote,
 * backslash escapes one character.  No shell ever sees it. */
static char **split_words(const char *s, char *errbuf, size_t errlen)
{
	char **v = NULL;
	size_t n = 0;
	struct hs_buf w = HS_BUF_INIT;

	while (*s) {
		int have = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		hs_buf_reset(&w);
		while (*s && *s != ' ' && *s != '\t') {
			have = 1;
			if (*s == '\'' || *s == '"') {
				char q = *s++;

				while (*s && *s != q)
					hs_buf_addc(&w, *s++);
				if (!*s) {
					hs_buf_release(&w);
					for (size_t i = 0; i < n; i++)
						free(v[i]);
					free(v);
					hs_seterr(
					    errbuf, errlen,
					    "unterminated quote in command");
					return NULL;
				}
				s++;
			} else if (*s == '\\' && s[1]) {
				hs_buf_addc(&w, s[1]);
				s += 2;
			} else
				hs_buf_addc(&w, *s++);
		}
		if (have) {
			v = hs_xrealloc(v, (n + 2) * sizeof *v);
			v[n++] = hs_xstrdup(w.data);
			v[n] = NULL;
		}
	}
	hs_buf_release(&w);
	if (!n) {
		hs_seterr(errbuf, errlen, "empty command");
		return NULL;
	}
	return v;
}

static int exec_spawn(struct fo_target *t, char *msg, size_t msglen)
{
	struct exect *x = t->impl;
	int p[2];
	pid_t pid;

	/* Spawns are serialized so no other child inherits this pipe's
	 * write end (it would keep the child from ever seeing EOF). */
	pthread_mutex_lock(&spawn_mu);
	if (pipe(p) < 0) {
		pthread_mutex_unlock(&spawn_mu);
		snprintf(msg, msglen, "pipe: %s", strerror(errno));
		return -1;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		pthread_mutex_unlock(&spawn_mu);
		snprintf(msg, msglen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		/* the child: stdin from the pipe, stdout to our stderr so
		 * nothing but events reaches our stdout */
		dup2(p[0], 0);
		dup2(2, 1);
		signal(SIGPIPE, SIG_DFL);
		execvp(x->argv[0], x->argv);
		_exit(127);
	}
	pthread_mutex_unlock(&spawn_mu);
	/* Only the write end: the read end shares its file status flags
	 * with the child's stdin, which must stay blocking. */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	x->pid = pid;
	x->fd = p[1];
	x->rfd = p[0];
	x->spawned = hs_now();
	return 0;
}

/* The child is gone: keep what it left unread, close the pipe. */
static void exec_salvage(struct fo_target *t)
{
	struct exect *x = t->impl;
	char buf[65536];
	ssize_t n;

	if (x->rfd >= 0) {
		/* our write end is still open: do not wait for more */
		fcntl(x->rfd, F_SETFL, O_NONBLOCK);
		while ((n = read(x->rfd, buf, sizeof buf)) > 0)
			hs_buf_add(&x->pending, buf, (size_t)n);
		close(x->rfd);
	}
	if (x->fd >= 0)
		close(x->fd);
	x->fd = x->rfd = -1;
}

/* Has the child exited?  Reap it and salvage its pipe if so. */
static int exec_dead(struct fo_target *t)
{
	struct exect *x = t->impl;

	if (x->pid <= 0)
		return 1;
	if (waitpid(x->pid, NULL, WNOHANG) == x->pid) {
		x->pid = -1;
		exec_salvage(t);
		return 1;
	}
	return 0;
}

/* Close the child's stdin and wait for it to finish. */
static void exec_wait(struct exect *x)
{
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
	if (x->pid > 0)
		waitpid(x->pid, NULL, 0);
	x->pid = -1;
}

/* End of input: close stdin, wait for the child to finish. */
static void exec_reap(struct fo_target *t)
{
	struct exect *x = t->impl;

	exec_wait(x);
	if (x->rfd >= 0)
		close(x->rfd);
	x->rfd = -1;
}

static void exec_confirm(struct fo_target *t);

/* Write p[0..n) to the live child, restarting it as often as needed. */
static int exec_write(struct fo_target *t, const char *p, size_t n, char *code,
                      size_t codelen, char *msg, size_t msglen)
{
	struct exect *x = t->impl;

	for (;;) {
		if (exec_dead(t)) {
			/* a child dying at once again and again backs off */
			if (x->restarts && hs_now() - x->spawned < 1) {
				if (++x->quick >= t->attempts ||
				    fo_out_of_time(t->sh)) {
					snprintf(code, codelen, "child_exited");
					snprintf(msg, msglen,
					         "'%s' keeps exiting",
					         x->argv[0]);
					return -1;
				}
				target_backoff(t, x->quick, 0);
			} else
				x->quick = 0;
			if (x->restarts++)
				hs_err("target '%s': restarting '%s'", t->id,
				       x->argv[0]);
			if (exec_spawn(t, msg, msglen) < 0) {
				snprintf(code, codelen, "spawn_failed");
				return -1;
			}
		}
		while (x->pending.len) {
			ssize_t w =
			    write(x->fd, x->pending.data, x->pending.len);

			if (w <= 0)
				break;
			memmove(x->pending.data, x->pending.data + w,
			        x->pending.len - (size_t)w);
			hs_buf_setlen(&x->pending, x->pending.len - (size_t)w);
		}
		while (!x->pending.len && n) {
			ssize_t w = write(x->fd, p, n);

			if (w <= 0)
				break;
			p += w;
			n -= (size_t)w;
			x->accepted += (uint64_t)w;
		}
		if (!n && !x->pending.len)
			return 0;
		if (errno != EAGAIN && errno != EINTR) {
			snprintf(code, codelen, "write_failed");
			snprintf(msg, msglen, "'%s': %s", x->argv[0],
			         strerror(errno));
			return -1;
		}
		{
			struct pollfd pf = {x->fd, POLLOUT, 0};

			poll(&pf, 1, 50);
		}
		exec_confirm(t);
	}
}

static int exec_send(struct fo_target *t, struct fo_item *it, char *code,
                     size_t codelen, char *msg, size_t msglen)
{
	char nl = '\n';

	if (exec_write(t, it->data, it->len, code, codelen, msg, msglen) < 0)
		return -1;
	return exec_write(t, &nl, 1, code, codelen, msg, msglen);
}

/* Bytes of the stream a child has read so far. */
static uint64_t exec_consumed(struct fo_target *t)
{
	struct exect *x = t->impl;
	uint64_t unread = x->pending.len;
	int inpipe = 0;

	if (x->rfd >= 0 && ioctl(x->rfd, FIONREAD, &inpipe) == 0 && inpipe > 0)
		unread += (uint64_t)inpipe;
	return unread < x->accepted ? x->accepted - unread : 0;
}

/* Finish the waiting items whose lines a child has read. */
static void exec_confirm(struct fo_target *t)
{
	struct exect *x = t->impl;
	uint64_t done, consumed;
	struct fo_item *it;

	if (!x->wait_head)
		return;
	consumed = exec_consumed(t);
	for (done = 0; (it = x->wait_head) && it->end <= consumed; done++) {
		x->wait_head = it->next;
		target_item_done(t, it);
	}
	if (!x->wait_head)
		x->wait_tail = NULL;
	if (done)
		target_done(t, done);
}

/*
 * Write items one at a time into the child's pipe with the target's retry
 * policy (dead-lettering the failures); a written item waits until the
 * child has read it.  While items wait, the queue is polled with a
 * timeout so their confirmation does not wait for the next event.
 */
static void exec_run(struct fo_target *t)
{
	struct exect *x = t->impl;
	struct fo_item *it;
	size_t n;
	int closed = 0;
	char code[64], msg[256];

	for (;;) {
		it = target_pop_timed(t, 1, &n, x->wait_head ? 0.02 : -1,
		                      &closed);
		exec_confirm(t);
		if (!it) {
			if (closed)
				break;
			continue;
		}
		int attempt = 0, r;
		const char *exhausted = NULL;

		for (;;) {
			attempt++;
			code[0] = msg[0] = '\0';
			r = exec_send(t, it, code, sizeof code, msg,
			              sizeof msg);
			if (r == 0)
				break;
			target_set_failing(t, 1);
			exhausted = target_exhausted(t, attempt, it->t0, 0);
			if (exhausted)
				break;
			target_backoff(t, attempt, 0);
		}
		if (r == 0) {
			target_set_failing(t, 0);
			it->end = x->accepted;
			it->next = NULL;
			if (x->wait_tail)
				x->wait_tail->next = it;
			else
				x->wait_head = it;
			x->wait_tail = it;
		} else {
			target_dead(t, it, code, msg, exhausted, attempt);
			target_item_done(t, it);
		}
	}
}

/*
 * End of input: close the child's stdin and wait for it.  A child that
 * exits leaving lines unread (or a dead one's salvage) gets a successor
 * for them, so the lines queued to it all get read.
 */
static void exec_finish(struct fo_target *t)
{
	struct exect *x = t->impl;
	struct fo_item *it;
	char code[64], msg[256];
	char buf[65536];
	ssize_t n;

	for (;;) {
		if (x->pending.len && exec_write(t, "", 0, code, sizeof code,
		                                 msg, sizeof msg) < 0) {
			hs_err("target '%s': %zu bytes not delivered: %s",
			       t->id, x->pending.len, msg);
			break;
		}
		exec_wait(x);
		if (x->rfd >= 0) {
			while ((n = read(x->rfd, buf, sizeof buf)) > 0)
				hs_buf_add(&x->pending, buf, (size_t)n);
			close(x->rfd);
			x->rfd = -1;
		}
		if (!x->pending.len)
			break;
	}
	exec_confirm(t);
	/* what no child read is dead-lettered, never silently lost */
	while ((it = x->wait_head)) {
		x->wait_head = it->next;
		target_dead(t, it, "child_exited", "no child read this event",
		            "MaximumRetryAttempts", t->attempts);
		target_item_done(t, it);
	}
	x->wait_tail = NULL;
}

static int exec_new(struct fo_target *t, const char *uri, char *errbuf,
                    size_t errlen)
{
	struct exect *x = hs_xcalloc(1, sizeof *x);

	t->impl = x;
	x->pid = -1;
	x->fd = -1;
	x->rfd = -1;
	hs_buf_init(&x->pending);
	x->argv = split_words(uri + 5, errbuf, errlen);
	return x->argv ? 0 : -1;
}

static void exec_work(struct fo_target *t)
{
	exec_run(t);
	exec_finish(t);
}

static void exec_close(struct fo_target *t)
{
	struct exect *x = t->impl;

	if (!x)
		return;
	exec_reap(t);
	hs_buf_release(&x->pending);
	for (size_t i = 0; x->argv && x->argv[i]; i++)
		free(x->argv[i]);
	free(x->argv);
	free(x);
	t->impl = NULL;
}

const struct target_ops fo_exec_ops = {
    .name = "exec",
    .parse = exec_new,
    .run = exec_work,
    .close = exec_close,
};
