/*
 * acker.c: hs-consume --ack.  A thread reads the FIFO that every later
 * stage of the pipe writes its acknowledgements to (ack.h) and applies
 * them to the ledger (ackbook.h); the consumer thread adds the events it
 * writes and asks the ledger where each partition may commit.
 *
 * Why a thread: the stages write acks with blocking writes, and
 * hs-consume writes events with blocking writes.  If the consumer thread
 * also read the FIFO, a full stdout pipe could stop it reading while a
 * stage waits for room in the FIFO: a deadlock.  The reader thread never
 * blocks on anything but the FIFO and the ledger's lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ack.h"
#include "alloc.h"
#include "consume.h"
#include "err.h"
#include "out.h"
#include "banned.h"

/* One message line: apply it, or count it as malformed or unknown. */
static void apply(struct acker *a, const char *line, size_t len)
{
	const char *topic;
	size_t tlen;
	int32_t part;
	int64_t off;
	int n;

	if (hs_ack_parse(line, len, &topic, &tlen, &part, &off, &n) < 0) {
		a->malformed++;
		return;
	}
	pthread_mutex_lock(&a->mu);
	if (hs_ackbook_ack(a->book, topic, tlen, part, off, n) < 0)
		a->unknown++;
	else
		a->received++;
	if (hs_ackbook_open(a->book) == 0)
		pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/* Split what was read into lines; a line longer than the buffer can only
 * be garbage, so it is dropped up to its newline. */
static void consume_bytes(struct acker *a, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\n') {
			if (a->linelen < sizeof(a->line))
				a->line[a->linelen] = p[i];
			a->linelen++;
			continue;
		}
		if (a->linelen <= sizeof(a->line))
			apply(a, a->line, a->linelen);
		else
			a->malformed++;
		a->linelen = 0;
	}
}

/* Read whatever the FIFO holds now.  Returns 0 when it is empty. */
static int drain(struct acker *a)
{
	char buf[16384];
	ssize_t r;
	int any = 0;

	while ((r = read(a->rfd, buf, sizeof(buf))) > 0) {
		consume_bytes(a, buf, (size_t)r);
		any = 1;
	}
	return any;
}

static void *reader(void *arg)
{
	struct acker *a = arg;
	struct pollfd pfd[2] = {{a->rfd, POLLIN, 0}, {a->quit[0], POLLIN, 0}};

	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		drain(a);
		if (pfd[1].revents)
			break;
	}
	/* Messages written before the quit are in the FIFO already. */
	drain(a);
	return NULL;
}

int acker_open(struct acker *a, const char *path, char *errbuf, size_t errlen)
{
	struct stat st;

	memset(a, 0, sizeof(*a));
	a->rfd = a->wfd = a->quit[0] = a->quit[1] = -1;
	a->path = path;
	if (stat(path, &st) == 0) {
		if (!S_ISFIFO(st.st_mode))
			return hs_seterr(errbuf, errlen,
			                 "--ack '%s' exists and is not a FIFO",
			                 path);
	} else if (errno != ENOENT || mkfifo(path, 0600) < 0) {
		return hs_seterr(errbuf, errlen, "cannot create FIFO '%s': %s",
		                 path, strerror(errno));
	} else {
		a->created = 1;
	}
	/* The stages open the FIFO for writing once it has a reader; our
	 * own writer end means the reader never sees end-of-file when the
	 * last stage closes. */
	a->rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (a->rfd >= 0)
		a->wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (a->rfd < 0 || a->wfd < 0 || pipe(a->quit) < 0) {
		hs_seterr(errbuf, errlen, "cannot open FIFO '%s': %s", path,
		          strerror(errno));
		acker_close(a);
		return -1;
	}
	/* Room for tens of thousands of acks while we are busy. */
	hs_pipe_grow(a->rfd);
	a->book = hs_ackbook_new();
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (pthread_create(&a->thread, NULL, reader, a) != 0) {
		hs_seterr(errbuf, errlen, "cannot start the --ack reader");
		acker_close(a);
		return -1;
	}
	a->running = 1;
	return 0;
}

void acker_add(struct acker *a, const char *topic, int32_t partition,
               int64_t offset, int written)
{
	size_t len = strlen(topic);

	pthread_mutex_lock(&a->mu);
	if (written)
		hs_ackbook_add(a->book, topic, len, partition, offset);
	else
		hs_ackbook_skip(a->book, topic, len, partition, offset);
	pthread_mutex_unlock(&a->mu);
}

int64_t acker_done_upto(struct acker *a, const char *topic, int32_t partition)
{
	int64_t o;

	pthread_mutex_lock(&a->mu);
	o = hs_ackbook_done_upto(a->book, topic, strlen(topic), partition);
	pthread_mutex_unlock(&a->mu);
	return o;
}

void acker_forget(struct acker *a, const char *topic, int32_t partition)
{
	pthread_mutex_lock(&a->mu);
	hs_ackbook_forget(a->book, topic, strlen(topic), partition);
	pthread_mutex_unlock(&a->mu);
}

uint64_t acker_wait(struct acker *a, double secs)
{
	struct timespec ts;
	uint64_t open;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)secs;
	ts.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&a->mu);
	while ((open = hs_ackbook_open(a->book)) > 0 &&
	       pthread_cond_timedwait(&a->cv, &a->mu, &ts) == 0)
		;
	open = hs_ackbook_open(a->book);
	pthread_mutex_unlock(&a->mu);
	return open;
}

void acker_close(struct acker *a)
{
	if (a->running) {
		if (write(a->quit[1], "q", 1) == 1)
			pthread_join(a->thread, NULL);
		else
			pthread_detach(a->thread);
		a->running = 0;
	}
	if (a->book) {
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		hs_ackbook_free(a->book);
		a->book = NULL;
	}
	for (int i = 0; i < 2; i++)
		if (a->quit[i] >= 0)
			close(a->quit[i]);
	if (a->wfd >= 0)
		close(a->wfd);
	if (a->rfd >= 0)
		close(a->rfd);
	a->rfd = a->wfd = a->quit[0] = a->quit[1] = -1;
	if (a->created && a->path)
		unlink(a->path);
	a->created = 0;
}
