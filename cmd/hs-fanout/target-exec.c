/*
 * target-exec.c: the exec kind (exec:COMMAND), a long-running child fed
 * the events on its stdin, restarted with backoff when it dies, as
 * target.h's operations.
 *
 * An item is delivered once the child has read past its line, or read
 * it and exited 0; what a child did not finish goes again to its
 * successor, and a child stuck at the end of input is stopped after the
 * drain timeout.  It owns its struct exect (t->impl) and the children;
 * the queue, the worker thread and the dead-letter records are
 * target.c's and queue.c's, reached only through target.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "err.h"
#include "sig.h"
#include "stats.h"
#include "target.h"
#include "banned.h"

/* ---- exec ---- */

/*
 * Every item handed to the target waits on one list, in stream order,
 * until a child has finished it: a line counts as delivered once the
 * child has read past it (a read that started at or after its end, so
 * a child reading in blocks has finished the block that held it), or
 * has read it in whole and exited with status 0.  The pipe's fill level
 * (FIONREAD on the read end, which the parent keeps open) tells how far
 * the child has read.  When a child ends, whatever it did not finish is
 * written again, whole lines, to its successor's new pipe: at least
 * once, never lost.
 */
struct exect {
	char **argv;
	pid_t pid;
	int fd, rfd;  /* the current pipe's ends; fd non-blocking */
	int failed;   /* the last child failed: back off before the next */
	int progress; /* the current child has finished some line */
	int restarts;
	int finishing;    /* end of input: its stdin is closed */
	double idle_from; /* when the child last read (end-of-input wait) */
	char why[160]; /* how the last child ended, for the restart message */
	uint64_t accepted; /* bytes written into the current pipe */
	uint64_t seen;     /* bytes the child had read when last looked */
	struct fo_item *wait_head, *wait_tail; /* not finished, in order */
	struct fo_item *unsent; /* first not wholly in the current pipe */
	size_t off;             /* bytes of unsent's line already written */
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
	return 0;
}

/* Bytes of the current pipe the child has read. */
static uint64_t exec_consumed(struct exect *x)
{
	int inpipe = 0;

	if (x->rfd >= 0 && ioctl(x->rfd, FIONREAD, &inpipe) == 0 &&
	    inpipe > 0 && (uint64_t)inpipe <= x->accepted)
		return x->accepted - (uint64_t)inpipe;
	return x->accepted;
}

/* Deliver the written items whose lines end at or before upto. */
static void exec_finish_upto(struct fo_target *t, uint64_t upto)
{
	struct exect *x = t->impl;
	struct fo_item *it;
	uint64_t done = 0;

	while ((it = x->wait_head) && it != x->unsent && it->end <= upto) {
		x->wait_head = it->next;
		target_item_done(t, it);
		done++;
	}
	if (!x->wait_head)
		x->wait_tail = NULL;
	if (done) {
		target_done(t, done);
		if (!x->progress)
			target_set_failing(t, 0);
		x->progress = 1;
	}
}

/*
 * Look how far the child has read: a read that went on from where it
 * stood when last looked finished every line up to there.  Any progress
 * restarts the idle clock of the end-of-input wait.
 */
static void exec_look(struct fo_target *t)
{
	struct exect *x = t->impl;
	uint64_t c;

	if (x->pid <= 0)
		return;
	c = exec_consumed(x);
	if (c > x->seen) {
		exec_finish_upto(t, x->seen);
		x->seen = c;
		x->idle_from = hs_now();
	}
}

/*
 * Where each waiting line starts in the current pipe, in list order: a
 * written one at its end minus its length, the one being written at
 * accepted minus what of it is in, the later ones at accepted.  *past
 * tracks the walk (start it at 0).
 */
static uint64_t item_start(const struct exect *x, const struct fo_item *it,
                           int *past)
{
	if (it == x->unsent) {
		*past = 1;
		return x->accepted - x->off;
	}
	return *past ? x->accepted : it->end - it->len - 1;
}

/*
 * A child failed (why, code): every line it had begun to read and not
 * finished counts a failed attempt, or every waiting line if it read
 * none; those past the retry policy are dead-lettered.  timeout: it was
 * stopped at the drain timeout, and all that waits is dead-lettered.
 */
static void exec_charge(struct fo_target *t, uint64_t consumed,
                        const char *code, const char *why, int timeout)
{
	struct exect *x = t->impl;
	struct fo_item *it, *next, *keep = NULL, *keep_tail = NULL;
	int any = 0, past = 0;
	char msg[256];

	snprintf(msg, sizeof msg, "'%s' %s", x->argv[0], why);
	for (it = x->wait_head; it && !timeout; it = it->next)
		if (item_start(x, it, &past) < consumed)
			any = 1;
	past = 0;
	for (it = x->wait_head; it; it = next) {
		const char *ex = NULL;
		int begun = item_start(x, it, &past) < consumed;

		next = it->next;
		if (timeout) {
			it->fails++;
			ex = "shutdown";
		} else if (!any || begun) {
			it->fails++;
			ex = target_exhausted(t, it->fails, it->t0, 0);
		}
		if (ex) {
			target_dead(t, it, code, msg, ex, it->fails);
			target_item_done(t, it);
			continue;
		}
		it->next = NULL;
		if (keep_tail)
			keep_tail->next = it;
		else
			keep = it;
		keep_tail = it;
	}
	x->wait_head = keep;
	x->wait_tail = keep_tail;
}

/*
 * The child ended with status: what it finished is delivered, what it
 * did not is written again to its successor.  A child that exited 0
 * finished every line it read in whole; one that exited otherwise, was
 * killed, or finished nothing failed (exec_charge).
 */
static void exec_ended(struct fo_target *t, int status, int timeout)
{
	struct exect *x = t->impl;
	uint64_t consumed = exec_consumed(x);
	int ok = !timeout && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	char why[128];

	if (consumed > x->seen)
		exec_finish_upto(t, x->seen);
	if (ok)
		exec_finish_upto(t, consumed);
	if (timeout)
		snprintf(why, sizeof why,
		         "had not finished it when the drain timeout (%gs) "
		         "passed",
		         t->sh->drain_secs);
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof why, "was killed by signal %d",
		         WTERMSIG(status));
	else
		snprintf(why, sizeof why, "exited with status %d",
		         WEXITSTATUS(status));
	x->failed = !ok || !x->progress;
	if (x->failed && x->wait_head) {
		target_set_failing(t, 1);
		exec_charge(t, consumed,
		            timeout ? "child_timeout" : "child_exited", why,
		            timeout);
	}
	snprintf(x->why, sizeof x->why, "%s", why);
	if (x->fd >= 0)
		close(x->fd);
	if (x->rfd >= 0)
		close(x->rfd);
	x->fd = x->rfd = -1;
	x->pid = -1;
	x->accepted = x->seen = 0;
	x->unsent = x->wait_head;
	x->off = 0;
	x->progress = 0;
}

/* Has the child ended?  Then account for it (exec_ended). */
static int exec_reaped(struct fo_target *t)
{
	struct exect *x = t->impl;
	int status;

	if (x->pid > 0 && waitpid(x->pid, &status, WNOHANG) == x->pid) {
		exec_ended(t, status, 0);
		return 1;
	}
	return 0;
}

/* Stop the child (SIGTERM, SIGKILL a second later) and dead-letter all
 * that waits, as past the drain timeout. */
static void exec_stop(struct fo_target *t)
{
	struct exect *x = t->impl;
	int status = 0;

	if (x->pid > 0) {
		double until = hs_now() + 1;

		kill(x->pid, SIGTERM);
		while (waitpid(x->pid, &status, WNOHANG) != x->pid) {
			struct timespec ts = {0, 10 * 1000 * 1000};

			if (hs_now() >= until) {
				kill(x->pid, SIGKILL);
				waitpid(x->pid, &status, 0);
				break;
			}
			nanosleep(&ts, NULL);
		}
	}
	exec_ended(t, status, 1);
}

/* Time to give up on the child: past the drain deadline after a stop
 * signal, or at end of input once it read nothing for the drain timeout. */
static int exec_stuck(struct fo_target *t)
{
	struct exect *x = t->impl;

	if (fo_out_of_time(t->sh))
		return 1;
	return x->finishing && !hs_sig_stop &&
	       hs_now() - x->idle_from >= t->sh->drain_secs;
}

/* A live child for the waiting items: reap a dead one, start the next. */
static void exec_child(struct fo_target *t)
{
	struct exect *x = t->impl;
	char msg[256];

	exec_reaped(t);
	if (x->pid > 0 || !x->wait_head)
		return;
	if (x->failed)
		target_backoff(t, x->wait_head->fails, 0);
	if (x->restarts++)
		hs_err("target '%s': restarting '%s' (it %s)", t->id,
		       x->argv[0], x->why);
	if (exec_spawn(t, msg, sizeof msg) < 0) {
		x->failed = 1;
		snprintf(x->why, sizeof x->why, "could not start: %.120s", msg);
		exec_charge(t, 0, "spawn_failed", msg, 0);
		x->unsent = x->wait_head;
		x->off = 0;
		return;
	}
	x->accepted = x->seen = 0;
	x->idle_from = hs_now();
}

/* Write what the pipe takes of the unsent lines; 1 when all are in. */
static int exec_pump(struct fo_target *t)
{
	struct exect *x = t->impl;
	struct iovec iov[64];
	int n = 0;
	ssize_t w;
	size_t off = x->off;

	for (struct fo_item *it = x->unsent; it && n + 2 <= 64; it = it->next) {
		if (off < it->len) {
			iov[n].iov_base = it->data + off;
			iov[n++].iov_len = it->len - off;
		}
		iov[n].iov_base = "\n";
		iov[n++].iov_len = 1;
		off = 0;
	}
	if (!n)
		return 1;
	w = writev(x->fd, iov, n);
	if (w <= 0)
		return 0;
	x->accepted += (uint64_t)w;
	for (uint64_t pos = x->accepted - (uint64_t)w; w > 0;) {
		struct fo_item *it = x->unsent;
		size_t rem = it->len + 1 - x->off;

		if ((size_t)w < rem) {
			x->off += (size_t)w;
			break;
		}
		pos += rem;
		w -= (ssize_t)rem;
		it->end = pos;
		x->unsent = it->next;
		x->off = 0;
	}
	return !x->unsent;
}

/* Write every unsent line into a live child's pipe, restarting children
 * as needed; gives up (exec_stop) when exec_stuck says so. */
static void exec_feed(struct fo_target *t)
{
	struct exect *x = t->impl;

	while (x->wait_head && (x->unsent || x->pid <= 0)) {
		if (exec_stuck(t)) {
			exec_stop(t);
			return;
		}
		exec_child(t);
		if (x->pid <= 0 || exec_pump(t))
			continue;
		{
			struct pollfd pf = {x->fd, POLLOUT, 0};

			poll(&pf, 1, 50);
		}
		exec_look(t);
	}
	exec_look(t);
}

/*
 * Take items one at a time into the waiting list and the child's pipe;
 * the pipe's room is the flow control.  While items wait, the queue is
 * polled with a timeout so they are finished (or a dead child replaced)
 * without waiting for the next event.
 */
static void exec_run(struct fo_target *t)
{
	struct exect *x = t->impl;
	struct fo_item *it;
	size_t n;
	int closed = 0;

	for (;;) {
		it = target_pop_timed(t, 1, &n, x->wait_head ? 0.02 : -1,
		                      &closed);
		if (it) {
			it->next = NULL;
			if (x->wait_tail)
				x->wait_tail->next = it;
			else
				x->wait_head = it;
			x->wait_tail = it;
			if (!x->unsent) {
				x->unsent = it;
				x->off = 0;
			}
		} else if (closed)
			break;
		exec_look(t);
		exec_reaped(t); /* a child gone while idle gets a successor */
		exec_feed(t);
	}
}

/*
 * End of input: close the child's stdin and wait for it to exit, as long
 * as it goes on reading (the drain timeout without progress, or the drain
 * deadline after a stop signal), then stop it.  Lines it did not finish
 * go to a successor, whose stdin is closed in turn.
 */
static void exec_finish(struct fo_target *t)
{
	struct exect *x = t->impl;

	x->finishing = 1;
	x->idle_from = hs_now();
	for (;;) {
		exec_feed(t);
		if (x->pid <= 0)
			break;
		if (x->fd >= 0)
			close(x->fd);
		x->fd = -1;
		while (!exec_reaped(t)) {
			struct timespec ts = {0, 10 * 1000 * 1000};

			exec_look(t);
			if (exec_stuck(t)) {
				exec_stop(t);
				break;
			}
			nanosleep(&ts, NULL);
		}
		if (!x->wait_head)
			break;
	}
}
static int exec_new(struct fo_target *t, const char *uri, char *errbuf,
                    size_t errlen)
{
	struct exect *x = hs_xcalloc(1, sizeof *x);

	t->impl = x;
	x->pid = -1;
	x->fd = -1;
	x->rfd = -1;
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
	/* run finished every item; a child left (a failed start) goes now */
	if (x->pid > 0) {
		kill(x->pid, SIGKILL);
		waitpid(x->pid, NULL, 0);
	}
	if (x->fd >= 0)
		close(x->fd);
	if (x->rfd >= 0)
		close(x->rfd);
	while (x->wait_head) {
		struct fo_item *it = x->wait_head;

		x->wait_head = it->next;
		target_item_drop(t, it);
	}
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
