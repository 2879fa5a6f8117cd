/*
 * ack.c: both ends of the --ack message format (ack.h): a stage opens the
 * FIFO and writes "-" and "+" messages for the events it finishes, and
 * hs_ack_parse() reads one back for hs-consume.  Where an event's
 * coordinates are is evcoord.c's business.  The ledger of what is
 * outstanding is ackbook.c; hs-consume's reading loop is its acker.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ack.h"
#include "err.h"
#include "evcoord.h"
#include "json.h"
#include "banned.h"

int hs_ack_open(struct hs_ack *a, const char *path, int timeout_ms,
                char *errbuf, size_t errlen)
{
	struct stat st;
	int waited = 0;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	/* The tools of a pipeline start together: wait for hs-consume to
	 * create the FIFO and open it for reading (until then, opening with
	 * O_NONBLOCK fails with ENOENT or ENXIO). */
	for (;;) {
		if (stat(path, &st) == 0 && !S_ISFIFO(st.st_mode))
			return hs_seterr(errbuf, errlen,
			                 "--ack '%s' is not a FIFO (hs-consume "
			                 "--ack creates it)",
			                 path);
		a->fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (a->fd >= 0)
			break;
		if ((errno != ENXIO && errno != ENOENT) || waited >= timeout_ms)
			return hs_seterr(errbuf, errlen,
			                 "cannot open --ack '%s': %s", path,
			                 strerror(errno));
		struct timespec ts = {0, 10 * 1000000};
		nanosleep(&ts, NULL);
		waited += 10;
	}
	/* Writes block from here on: an ack must not be dropped because
	 * the FIFO is momentarily full. */
	fcntl(a->fd, F_SETFL, fcntl(a->fd, F_GETFL) & ~O_NONBLOCK);
	return 0;
}

void hs_ack_close(struct hs_ack *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
}

int hs_ack_coords(struct hs_ack *a, const char *topic, size_t topiclen,
                  int32_t partition, int64_t offset, int n)
{
	char msg[512];
	int len;

	if (a->fd < 0)
		return 0;
	if (topiclen > 255)
		return -1;
	if (n > 0)
		len = snprintf(msg, sizeof(msg),
		               "+ %.*s %" PRId32 " %" PRId64 " %d\n",
		               (int)topiclen, topic, partition, offset, n);
	else
		len = snprintf(msg, sizeof(msg),
		               "- %.*s %" PRId32 " %" PRId64 "\n",
		               (int)topiclen, topic, partition, offset);
	for (;;) {
		ssize_t w = write(a->fd, msg, (size_t)len);

		if (w == len)
			break;
		if (w < 0 && errno == EINTR)
			continue;
		return -1;
	}
	a->sent++;
	return 0;
}

int hs_ack_event(struct hs_ack *a, const char *line, size_t len, int n)
{
	struct hs_json_doc d;
	struct hs_evcoord c;
	int found;

	if (a->fd < 0)
		return 0;
	hs_json_doc_init(&d);
	found = hs_evcoord_line(&d, line, len, &c) == 0;
	hs_json_doc_release(&d);
	return hs_ack_ev(a, found ? &c : NULL, n);
}

int hs_ack_ev(struct hs_ack *a, const struct hs_evcoord *c, int n)
{
	if (a->fd < 0)
		return 0;
	if (!c) {
		a->lost++;
		return 0;
	}
	return hs_ack_coords(a, c->topic, c->topiclen, c->partition, c->offset,
	                     n);
}

int hs_ack_parse(const char *line, size_t len, const char **topic,
                 size_t *topiclen, int32_t *partition, int64_t *offset, int *n)
{
	char buf[512], *p, *end;
	long long v;

	if (len < 7 || len >= sizeof(buf) ||
	    (line[0] != '+' && line[0] != '-') || line[1] != ' ')
		return -1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	p = buf + 2;
	end = strchr(p, ' ');
	if (!end || end == p)
		return -1;
	*topic = line + 2;
	*topiclen = (size_t)(end - p);
	p = end + 1;
	v = strtoll(p, &end, 10);
	if (end == p || *end != ' ' || v < 0 || v > INT32_MAX)
		return -1;
	*partition = (int32_t)v;
	p = end + 1;
	v = strtoll(p, &end, 10);
	if (end == p || v < 0)
		return -1;
	*offset = v;
	*n = 0;
	if (line[0] == '+') {
		p = end + 1;
		if (*end != ' ')
			return -1;
		v = strtoll(p, &end, 10);
		if (end == p || v <= 0 || v > 1000000)
			return -1;
		*n = (int)v;
	}
	return *end == '\0' ? 0 : -1;
}
