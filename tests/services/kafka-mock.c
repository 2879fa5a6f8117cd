/*
 * kafka-mock: a librdkafka mock cluster for the tests, on loopback
 * ephemeral ports, driven by one command per line.
 *
 *	kafka-mock [--brokers N] [--topic NAME:PARTITIONS]... \
 *	    [--port-file FILE] [--control FIFO]
 *
 * Once the brokers listen, the bootstrap servers string is written to
 * FILE (through FILE.tmp and rename(2), so a reader never sees half of
 * it).  Commands come from the FIFO (created if missing, opened read-write
 * so writers never block and the reader never sees end of file) or, without
 * --control, from standard input.  Each command gets exactly one reply line
 * on standard output, "ok ..." or "error: ...", so a caller can wait for
 * the reply to know the command took effect:
 *
 *	down BROKER            rd_kafka_mock_broker_set_down
 *	up BROKER              rd_kafka_mock_broker_set_up
 *	error APIKEY ERR COUNT push COUNT errors ERR on requests APIKEY
 *	clear APIKEY           drop pushed errors for APIKEY
 *	topic NAME PARTITIONS  create a topic
 *	leader TOPIC PART BROKER  move a partition's leader (-1: none)
 *	rtt BROKER MS          delay a broker's responses
 *	bootstraps             reply with the bootstrap servers
 *	quit                   exit 0
 *
 * APIKEY is a number or a request name (Produce, Fetch, Metadata, ...);
 * ERR a number or a librdkafka error name with or without its
 * RD_KAFKA_RESP_ERR_ prefix (_TRANSPORT, NOT_LEADER_FOR_PARTITION).
 *
 * The mock keeps at most about 5 MB or 100000 message sets per partition
 * and drops the oldest beyond that (librdkafka 2.0.2, not configurable):
 * tests that need every message back must stay under it.
 *
 * SIGTERM, SIGINT and "quit" end it with status 0; end of standard input
 * only stops reading it (a background job's stdin is /dev/null).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rdkafka.h>
#include <rdkafka_mock.h>

#include "banned.h"

#define PROG "kafka-mock"
#define LINE_MAX_LEN 4096

static volatile sig_atomic_t stop_signal;

struct mock {
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mc;
	int brokers;
	int ctl_fd;
	char line[LINE_MAX_LEN];
	size_t linelen;
	int quit;
};

static const struct {
	const char *name;
	int key;
} api_names[] = {
    {"Produce", 0},          {"Fetch", 1},
    {"ListOffsets", 2},      {"Metadata", 3},
    {"OffsetCommit", 8},     {"OffsetFetch", 9},
    {"FindCoordinator", 10}, {"JoinGroup", 11},
    {"Heartbeat", 12},       {"LeaveGroup", 13},
    {"SyncGroup", 14},       {"ApiVersion", 18},
    {"InitProducerId", 22},  {"OffsetForLeaderEpoch", 23},
};

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *fp)
{
	fprintf(fp, "usage: " PROG " [--brokers N] [--topic NAME:PARTITIONS]"
	            " [--port-file FILE] [--control FIFO]\n");
}

/* Parse a decimal integer in [min, max]; 0 or -1. */
static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (*s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_apikey(const char *s, long *out)
{
	for (size_t i = 0; i < sizeof api_names / sizeof api_names[0]; i++)
		if (strcasecmp(s, api_names[i].name) == 0) {
			*out = api_names[i].key;
			return 0;
		}
	return parse_int(s, 0, INT16_MAX, out);
}

static int parse_errcode(const char *s, long *out)
{
	const struct rd_kafka_err_desc *descs;
	size_t n;
	const char *p = s;

	if (strncmp(p, "RD_KAFKA_RESP_ERR_", 18) == 0)
		p += 18;
	rd_kafka_get_err_descs(&descs, &n);
	for (size_t i = 0; i < n; i++)
		if (descs[i].name && strcasecmp(p, descs[i].name) == 0) {
			*out = descs[i].code;
			return 0;
		}
	return parse_int(s, -200, 200, out);
}

static int create_topic(struct mock *m, const char *name, long parts, char *err,
                        size_t errlen)
{
	int rf = m->brokers < 3 ? m->brokers : 3;
	rd_kafka_resp_err_t e;

	e = rd_kafka_mock_topic_create(m->mc, name, (int)parts, rf);
	if (e) {
		snprintf(err, errlen, "cannot create topic '%s': %s", name,
		         rd_kafka_err2str(e));
		return -1;
	}
	return 0;
}

/* --topic NAME:PARTITIONS; the name may itself hold colons. */
static int topic_arg(struct mock *m, const char *arg, char *err, size_t errlen)
{
	const char *colon = strrchr(arg, ':');
	char name[256];
	long parts = 1;
	size_t n;

	if (colon) {
		if (parse_int(colon + 1, 1, 100000, &parts) < 0) {
			snprintf(err, errlen, "bad partition count in '%s'",
			         arg);
			return -1;
		}
		n = (size_t)(colon - arg);
	} else {
		n = strlen(arg);
	}
	if (n == 0 || n >= sizeof name) {
		snprintf(err, errlen, "bad topic name in '%s'", arg);
		return -1;
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	return create_topic(m, name, parts, err, errlen);
}

static int write_port_file(const char *path, const char *bootstraps)
{
	char tmp[PATH_MAX];
	FILE *fp;
	int bad;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		fprintf(stderr, PROG ": port file name too long\n");
		return -1;
	}
	if (!(fp = fopen(tmp, "w"))) {
		fprintf(stderr, PROG ": cannot open '%s': %s\n", tmp,
		        strerror(errno));
		return -1;
	}
	fprintf(fp, "%s\n", bootstraps);
	bad = ferror(fp);
	if (fclose(fp) != 0 || bad || rename(tmp, path) != 0) {
		fprintf(stderr, PROG ": cannot write '%s': %s\n", path,
		        strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Split line into at most max words in place; returns the count. */
static int split(char *line, char **w, int max)
{
	int n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		w[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

static int broker_cmd(struct mock *m, char **w, int n, char *err, size_t errlen)
{
	rd_kafka_resp_err_t e;
	long id;

	if (n != 2 || parse_int(w[1], 1, m->brokers, &id) < 0) {
		snprintf(err, errlen, "usage: %s BROKER (1..%d)", w[0],
		         m->brokers);
		return -1;
	}
	if (strcmp(w[0], "down") == 0)
		e = rd_kafka_mock_broker_set_down(m->mc, (int32_t)id);
	else
		e = rd_kafka_mock_broker_set_up(m->mc, (int32_t)id);
	if (e) {
		snprintf(err, errlen, "%s %ld: %s", w[0], id,
		         rd_kafka_err2str(e));
		return -1;
	}
	return 0;
}

static int error_cmd(struct mock *m, char **w, int n, char *err, size_t errlen)
{
	rd_kafka_resp_err_t *errs;
	long key, code, cnt;

	if (n != 4 || parse_apikey(w[1], &key) < 0 ||
	    parse_errcode(w[2], &code) < 0 ||
	    parse_int(w[3], 1, 1000000, &cnt) < 0) {
		snprintf(err, errlen, "usage: error APIKEY ERRCODE COUNT");
		return -1;
	}
	if (!(errs = calloc((size_t)cnt, sizeof *errs))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (long i = 0; i < cnt; i++)
		errs[i] = (rd_kafka_resp_err_t)code;
	rd_kafka_mock_push_request_errors_array(m->mc, (int16_t)key,
	                                        (size_t)cnt, errs);
	free(errs);
	return 0;
}

/* Run one command line; 0 and a reply in ok, or -1 and err. */
static int run_cmd(struct mock *m, char *line, char *ok, size_t oklen,
                   char *err, size_t errlen)
{
	char *w[8];
	int n = split(line, w, 8);
	long a, b;
	rd_kafka_resp_err_t e;

	ok[0] = '\0';
	if (n == 0) {
		snprintf(err, errlen, "empty command");
		return -1;
	}
	if (strcmp(w[0], "down") == 0 || strcmp(w[0], "up") == 0)
		return broker_cmd(m, w, n, err, errlen);
	if (strcmp(w[0], "error") == 0)
		return error_cmd(m, w, n, err, errlen);
	if (strcmp(w[0], "clear") == 0) {
		if (n != 2 || parse_apikey(w[1], &a) < 0) {
			snprintf(err, errlen, "usage: clear APIKEY");
			return -1;
		}
		rd_kafka_mock_clear_request_errors(m->mc, (int16_t)a);
		return 0;
	}
	if (strcmp(w[0], "topic") == 0) {
		if (n != 3 || parse_int(w[2], 1, 100000, &a) < 0) {
			snprintf(err, errlen, "usage: topic NAME PARTITIONS");
			return -1;
		}
		return create_topic(m, w[1], a, err, errlen);
	}
	if (strcmp(w[0], "leader") == 0) {
		if (n != 4 || parse_int(w[2], 0, INT32_MAX, &a) < 0 ||
		    parse_int(w[3], -1, m->brokers, &b) < 0) {
			snprintf(err, errlen,
			         "usage: leader TOPIC PARTITION BROKER");
			return -1;
		}
		e = rd_kafka_mock_partition_set_leader(m->mc, w[1], (int32_t)a,
		                                       (int32_t)b);
		if (e) {
			snprintf(err, errlen, "leader: %s",
			         rd_kafka_err2str(e));
			return -1;
		}
		return 0;
	}
	if (strcmp(w[0], "rtt") == 0) {
		if (n != 3 || parse_int(w[1], 1, m->brokers, &a) < 0 ||
		    parse_int(w[2], 0, 600000, &b) < 0) {
			snprintf(err, errlen, "usage: rtt BROKER MS");
			return -1;
		}
		e = rd_kafka_mock_broker_set_rtt(m->mc, (int32_t)a, (int)b);
		if (e) {
			snprintf(err, errlen, "rtt: %s", rd_kafka_err2str(e));
			return -1;
		}
		return 0;
	}
	if (strcmp(w[0], "bootstraps") == 0) {
		snprintf(ok, oklen, "%s",
		         rd_kafka_mock_cluster_bootstraps(m->mc));
		return 0;
	}
	if (strcmp(w[0], "quit") == 0) {
		m->quit = 1;
		return 0;
	}
	snprintf(err, errlen, "unknown command '%s'", w[0]);
	return -1;
}

static void reply(struct mock *m, char *line)
{
	char ok[1024], err[512];

	if (run_cmd(m, line, ok, sizeof ok, err, sizeof err) == 0)
		printf(ok[0] ? "ok %s\n" : "ok\n", ok);
	else
		printf("error: %s\n", err);
	fflush(stdout);
}

/*
 * Read what the control fd has and run each complete line.  Returns -1
 * at end of file (stdin only: the FIFO is held open for writing too).
 */
static int read_control(struct mock *m)
{
	char chunk[1024];
	ssize_t r = read(m->ctl_fd, chunk, sizeof chunk);

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (r == 0)
		return -1;
	for (ssize_t i = 0; i < r; i++) {
		char c = chunk[i];

		if (c == '\n') {
			m->line[m->linelen] = '\0';
			if (m->linelen && m->line[m->linelen - 1] == '\r')
				m->line[m->linelen - 1] = '\0';
			reply(m, m->line);
			m->linelen = 0;
		} else if (m->linelen + 1 < sizeof m->line) {
			m->line[m->linelen++] = c;
		}
	}
	return 0;
}

static int open_control(const char *path)
{
	struct stat st;
	int fd;

	if (mkfifo(path, 0600) != 0 && errno != EEXIST) {
		fprintf(stderr, PROG ": cannot create fifo '%s': %s\n", path,
		        strerror(errno));
		return -1;
	}
	/* Read-write: we hold a writer ourselves, so no EOF between
	 * clients and open(2) does not wait for one. */
	if ((fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		fprintf(stderr, PROG ": cannot open '%s': %s\n", path,
		        strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
		fprintf(stderr, PROG ": '%s' is not a fifo\n", path);
		close(fd);
		return -1;
	}
	return fd;
}

static void quiet_log(const rd_kafka_t *rk, int level, const char *fac,
                      const char *buf)
{
	if (level <= 3)
		fprintf(stderr, PROG ": %s: %s\n", fac, buf);
}

static int start(struct mock *m)
{
	char errstr[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();

	rd_kafka_conf_set_log_cb(conf, quiet_log);
	m->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
	if (!m->rk) {
		fprintf(stderr, PROG ": rd_kafka_new: %s\n", errstr);
		return -1;
	}
	m->mc = rd_kafka_mock_cluster_new(m->rk, m->brokers);
	if (!m->mc) {
		fprintf(stderr, PROG ": cannot create mock cluster\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"brokers", required_argument, NULL, 'b'},
	    {"control", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {"port-file", required_argument, NULL, 'p'},
	    {"topic", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	struct mock m = {.brokers = 3, .ctl_fd = -1};
	const char *port_file = NULL, *control = NULL;
	char **topics = NULL;
	int ntopics = 0, rc = 3, ch, ctl_open = 1;
	long v;
	char err[512];
	struct sigaction sa;

	if (!(topics = calloc((size_t)argc + 1, sizeof *topics)))
		return 3;
	while ((ch = getopt_long(argc, argv, "b:c:hp:t:", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'b':
			if (parse_int(optarg, 1, 64, &v) < 0) {
				fprintf(stderr, PROG ": bad --brokers '%s'\n",
				        optarg);
				goto usage;
			}
			m.brokers = (int)v;
			break;
		case 'c':
			control = optarg;
			break;
		case 'h':
			usage(stdout);
			free(topics);
			return 0;
		case 'p':
			port_file = optarg;
			break;
		case 't':
			topics[ntopics++] = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (start(&m) < 0)
		goto out;
	for (int i = 0; i < ntopics; i++)
		if (topic_arg(&m, topics[i], err, sizeof err) < 0) {
			fprintf(stderr, PROG ": %s\n", err);
			goto out;
		}
	if (control) {
		if ((m.ctl_fd = open_control(control)) < 0)
			goto out;
	} else {
		m.ctl_fd = STDIN_FILENO;
	}
	/* Only now: a reader of the port file may connect and send
	 * commands at once. */
	if (port_file &&
	    write_port_file(port_file, rd_kafka_mock_cluster_bootstraps(m.mc)) <
	        0)
		goto out;

	while (!stop_signal && !m.quit) {
		struct pollfd p = {.fd = m.ctl_fd, .events = POLLIN};
		int r = poll(&p, ctl_open ? 1 : 0, 500);

		if (r > 0 && read_control(&m) < 0)
			ctl_open = 0;
	}
	rc = 0;
out:
	if (m.ctl_fd > STDIN_FILENO)
		close(m.ctl_fd);
	if (m.mc)
		rd_kafka_mock_cluster_destroy(m.mc);
	if (m.rk)
		rd_kafka_destroy(m.rk);
	free(topics);
	return rc;
usage:
	usage(stderr);
	free(topics);
	return 2;
}
