/*
 * ack.c: both ends of the --ack message format (ack.h): a stage opens the
 * FIFO and writes "-" and "+" messages for the events it finishes, and
 * hs_ack_parse() reads one back for hs-consume.  The ledger of what is
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

/*
 * Find hs.kafka's topic, partition and offset in doc node obj (the kafka
 * object).  Returns 0 or -1.
 */
static int coords(const struct hs_json_doc *d, uint32_t k, const char **topic,
                  size_t *topiclen, int64_t *part, int64_t *off)
{
	uint32_t t, p, o;

	if (k == HS_JSON_NONE || hs_json_type(d, k) != HS_JSON_OBJECT)
		return -1;
	t = hs_json_obj_get(d, k, "topic", 5);
	p = hs_json_obj_get(d, k, "partition", 9);
	o = hs_json_obj_get(d, k, "offset", 6);
	if (t == HS_JSON_NONE || p == HS_JSON_NONE || o == HS_JSON_NONE ||
	    !hs_json_str_plain(d, t, topic, topiclen) ||
	    hs_json_int64(d, p, part) < 0 || hs_json_int64(d, o, off) < 0)
		return -1;
	return 0;
}

/*
 * The raw bytes "hs":{"kafka":{ can only be a key, never the inside of a
 * string (where every quote is escaped), and hs-consume puts the member
 * last.  So parse just that small object when it is there, and the whole
 * event only when it is not.
 */
static const char *find_kafka(const char *line, size_t len, size_t *objlen)
{
	static const char key[] = "\"hs\":{\"kafka\":";
	const size_t klen = sizeof(key) - 1;
	const char *hit = NULL;

	for (size_t i = len; i >= klen; i--) {
		if (line[i - klen] == '"' &&
		    memcmp(line + i - klen, key, klen) == 0) {
			hit = line + i;
			break;
		}
	}
	if (!hit || hit >= line + len || *hit != '{')
		return NULL;
	/* The kafka object ends at its matching brace: strings inside it
	 * cannot hold raw braces that matter once quotes are tracked. */
	int depth = 0, instr = 0;
	for (const char *p = hit; p < line + len; p++) {
		if (instr) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				instr = 0;
		} else if (*p == '"') {
			instr = 1;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (--depth == 0) {
				*objlen = (size_t)(p - hit) + 1;
				return hit;
			}
		}
	}
	return NULL;
}

int hs_ack_event(struct hs_ack *a, const char *line, size_t len, int n)
{
	struct hs_json_doc d;
	const char *topic, *obj;
	size_t topiclen, objlen;
	int64_t part, off;
	int rc = 0, found;

	if (a->fd < 0)
		return 0;
	hs_json_doc_init(&d);
	obj = find_kafka(line, len, &objlen);
	found = obj && hs_json_parse(&d, obj, objlen) == 0 &&
	        coords(&d, 0, &topic, &topiclen, &part, &off) == 0;
	if (!found)
		found = hs_json_parse(&d, line, len) == 0 &&
		        coords(&d, hs_json_pointer(&d, 0, "/hs/kafka", 9),
		               &topic, &topiclen, &part, &off) == 0;
	if (found)
		rc = hs_ack_coords(a, topic, topiclen, (int32_t)part, off, n);
	else
		a->lost++;
	hs_json_doc_release(&d);
	return rc;
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
