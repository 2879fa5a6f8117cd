/*
 * kafkaconf.h: librdkafka configuration from a tool's command line, the
 * same way in every tool that talks to Kafka: -X KEY=VALUE properties,
 * -F properties files and -b bootstrap servers.  librdkafka's own error
 * text does not say which setting it is about; these messages do
 * ("property 'x' ...", "FILE:LINE: ...").  All functions fill a caller's
 * errbuf on failure and never print.
 */
#ifndef HS_KAFKACONF_H
#define HS_KAFKACONF_H

#include <stddef.h>

#include <rdkafka.h>

/*
 * Apply one "key=value" (the value may hold '=' and may be empty) to
 * conf.  Returns 0, or -1 with errbuf set when kv has no '=' or an empty
 * key, or librdkafka refuses the property or its value.
 */
int hs_kafkaconf_set(rd_kafka_conf_t *conf, const char *kv, char *errbuf,
                     size_t errlen);

/*
 * Apply a properties file: one key=value a line, spaces around the key
 * and value ignored, blank lines and lines starting with '#' or '!'
 * skipped, CRLF line ends accepted, lines of any length.  Stops at the
 * first bad line.  Returns 0, or -1 with errbuf set to "cannot open
 * 'FILE': ...", "cannot read 'FILE': ..." or "FILE:LINE: what".
 */
int hs_kafkaconf_file(rd_kafka_conf_t *conf, const char *path, char *errbuf,
                      size_t errlen);

/* Set bootstrap.servers.  Returns 0, or -1 with errbuf set. */
int hs_kafkaconf_brokers(rd_kafka_conf_t *conf, const char *brokers,
                         char *errbuf, size_t errlen);

/*
 * The Kafka option group, the same in every tool that talks to Kafka:
 * -b/--brokers LIST, -F/--config FILE (repeatable) and -X/--property
 * KEY=VALUE (repeatable).  A tool adds HS_KAFKA_SHORT to its getopt
 * string, HS_KAFKA_LONG to its long options and HS_KAFKA_HELP to its
 * --help, and hands each option to hs_kafka_opt().
 */
struct hs_kafka_opts {
	const char **files; /* -F, in command-line order */
	int nfiles;
	const char *brokers; /* -b (given once), or NULL */
	const char **props;  /* -X "key=value", in command-line order */
	int nprops;
};

#define HS_KAFKA_SHORT "F:X:b:"
#define HS_KAFKA_LONG                                    \
	{"brokers", required_argument, NULL, 'b'},       \
	    {"config", required_argument, NULL, 'F'},    \
	{                                                \
		"property", required_argument, NULL, 'X' \
	}
#define HS_KAFKA_HELP                                              \
	"  -b, --brokers LIST         Kafka bootstrap servers "    \
	"(host:port,...)\n"                                        \
	"  -F, --config FILE          librdkafka properties file " \
	"(repeatable)\n"                                           \
	"  -X, --property KEY=VALUE   librdkafka property (repeatable)\n"

/*
 * Take option ch ('b', 'F' or 'X') with its argument, which must outlive
 * k.  Returns 1 when ch is one of them, else 0.
 */
int hs_kafka_opt(struct hs_kafka_opts *k, int ch, const char *arg);

/* 1 when any of -b, -F, -X was given. */
int hs_kafka_given(const struct hs_kafka_opts *k);

/* Free what hs_kafka_opt() allocated; k may then be reused. */
void hs_kafka_opts_free(struct hs_kafka_opts *k);

/*
 * Apply the option group to conf with the one precedence every tool
 * documents: the -F files in order, then -b (bootstrap.servers), then the
 * -X properties in command-line order, so the later setting wins and an
 * -X bootstrap.servers overrides -b.  Returns 0, or -1 with errbuf set.
 */
int hs_kafkaconf_apply(rd_kafka_conf_t *conf, const struct hs_kafka_opts *k,
                       char *errbuf, size_t errlen);

/*
 * A new configuration with hs_kafkaconf_apply() done.  Returns it (the
 * caller passes it to rd_kafka_new(), which takes it, or frees it with
 * rd_kafka_conf_destroy()), or NULL with errbuf set.
 */
rd_kafka_conf_t *hs_kafkaconf_new(const struct hs_kafka_opts *k, char *errbuf,
                                  size_t errlen);

#endif
