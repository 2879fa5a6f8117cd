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
 * A new configuration from the usual options, applied in the order that
 * lets the more specific win: the properties file (path, may be NULL),
 * then the bootstrap servers (brokers, may be NULL), then props[0..nprops)
 * in order.  Returns the configuration (the caller passes it to
 * rd_kafka_new(), which takes it, or frees it with
 * rd_kafka_conf_destroy()), or NULL with errbuf set.
 */
rd_kafka_conf_t *hs_kafkaconf_new(const char *path, const char *brokers,
                                  char *const *props, int nprops, char *errbuf,
                                  size_t errlen);

#endif
