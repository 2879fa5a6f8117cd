/* test-kafkaconf.c: -X, -F and -b applied to a librdkafka configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kafkaconf.h"
#include "../unit/check.h"
#include "banned.h"

/* The value of key in conf, or "" when unset. */
static const char *get(rd_kafka_conf_t *conf, const char *key)
{
	static char v[8192];
	size_t n = sizeof(v);

	if (rd_kafka_conf_get(conf, key, v, &n) != RD_KAFKA_CONF_OK)
		v[0] = '\0';
	return v;
}

/* A temporary file holding text; its name in path (32 bytes). */
static int write_file(char *path, const char *text)
{
	int fd;
	FILE *fp;

	snprintf(path, 32, "/tmp/test-kafkaconf.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	fp = fdopen(fd, "w");
	if (!fp)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

static void test_set(void)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char err[512];

	CHECK(hs_kafkaconf_set(conf, "client.id=a=b", err, sizeof(err)) == 0,
	      "a value holding '=' is set");
	CHECK(strcmp(get(conf, "client.id"), "a=b") == 0, "client.id is a=b");
	CHECK(hs_kafkaconf_set(conf, "client.id=", err, sizeof(err)) == 0,
	      "an empty value is set");
	CHECK(hs_kafkaconf_set(conf, "client.id", err, sizeof(err)) < 0 &&
	          strcmp(err, "property 'client.id' is not key=value") == 0,
	      "no '=': %s", err);
	CHECK(hs_kafkaconf_set(conf, "=x", err, sizeof(err)) < 0 &&
	          strstr(err, "empty key"),
	      "empty key: %s", err);
	CHECK(hs_kafkaconf_set(conf, "no.such.property=1", err, sizeof(err)) <
	              0 &&
	          strncmp(err, "property 'no.such.property': ", 29) == 0,
	      "unknown property named: %s", err);
	CHECK(hs_kafkaconf_set(conf, "fetch.wait.max.ms=soon", err,
	                       sizeof(err)) < 0 &&
	          strstr(err, "'fetch.wait.max.ms'"),
	      "bad value named: %s", err);
	CHECK(hs_kafkaconf_brokers(conf, "127.0.0.1:1,127.0.0.1:2", err,
	                           sizeof(err)) == 0 &&
	          strcmp(get(conf, "bootstrap.servers"),
	                 "127.0.0.1:1,127.0.0.1:2") == 0,
	      "bootstrap servers set");
	rd_kafka_conf_destroy(conf);
}

static void test_file(void)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char path[32], err[512], want[600];
	char *big = malloc(6001);

	CHECK(write_file(path, "# a comment\n\n   \n! also a comment\n"
	                       "client.id = spaced out \r\n"
	                       "\tsocket.timeout.ms=1234\n"
	                       "queued.min.messages=7") == 0,
	      "wrote a properties file");
	CHECK(hs_kafkaconf_file(conf, path, err, sizeof(err)) == 0,
	      "comments, blank lines, spaces and CRLF accepted");
	CHECK(strcmp(get(conf, "client.id"), "spaced out") == 0,
	      "spaces around key and value trimmed: '%s'",
	      get(conf, "client.id"));
	CHECK(strcmp(get(conf, "socket.timeout.ms"), "1234") == 0,
	      "leading tab trimmed");
	CHECK(strcmp(get(conf, "queued.min.messages"), "7") == 0,
	      "a last line without a newline");
	unlink(path);

	CHECK(write_file(path, "client.id=x\n# c\nnot a property\n") == 0,
	      "wrote a bad file");
	snprintf(want, sizeof(want), "%s:3: 'not a property' is not key=value",
	         path);
	CHECK(hs_kafkaconf_file(conf, path, err, sizeof(err)) < 0 &&
	          strcmp(err, want) == 0,
	      "bad line located: %s", err);
	unlink(path);

	CHECK(write_file(path, "\nno.such.thing = 1\n") == 0, "wrote a file");
	snprintf(want, sizeof(want), "%s:2: property 'no.such.thing': ", path);
	CHECK(hs_kafkaconf_file(conf, path, err, sizeof(err)) < 0 &&
	          strncmp(err, want, strlen(want)) == 0,
	      "unknown property located: %s", err);
	unlink(path);

	/* a line longer than any fixed buffer */
	memset(big, 'a', 6000);
	memcpy(big, "client.id=", 10);
	big[6000] = '\0';
	CHECK(write_file(path, big) == 0, "wrote a long line");
	CHECK(hs_kafkaconf_file(conf, path, err, sizeof(err)) == 0 &&
	          strlen(get(conf, "client.id")) == 5990,
	      "a 6000-byte line is read whole");
	unlink(path);
	free(big);

	CHECK(hs_kafkaconf_file(conf, "/nonexistent/kafka.properties", err,
	                        sizeof(err)) < 0 &&
	          strcmp(err, "cannot open '/nonexistent/kafka.properties': No "
	                      "such file or directory") == 0,
	      "missing file: %s", err);
	rd_kafka_conf_destroy(conf);
}

static void test_new(void)
{
	char path[32], err[512];
	const char *props[] = {"client.id=from-x", "socket.timeout.ms=999"};
	const char *bad[] = {"client.id=ok", "nonsense"};
	const char *xb[] = {"bootstrap.servers=from-x:3"};
	const char *files[1] = {path};
	struct hs_kafka_opts k = {files, 1, "cli:2", props, 2};
	struct hs_kafka_opts kbad = {NULL, 0, NULL, bad, 2};
	struct hs_kafka_opts kxb = {NULL, 0, "cli:2", xb, 1};
	rd_kafka_conf_t *conf;

	CHECK(write_file(path, "client.id=from-file\n"
	                       "bootstrap.servers=file:1\n"
	                       "queued.min.messages=5\n") == 0,
	      "wrote a properties file");
	conf = hs_kafkaconf_new(&k, err, sizeof(err));
	CHECK(conf != NULL, "configuration made");
	if (conf) {
		CHECK(strcmp(get(conf, "client.id"), "from-x") == 0,
		      "-X wins over -F");
		CHECK(strcmp(get(conf, "bootstrap.servers"), "cli:2") == 0,
		      "-b wins over -F");
		CHECK(strcmp(get(conf, "queued.min.messages"), "5") == 0,
		      "-F applies what nothing overrides");
		CHECK(strcmp(get(conf, "socket.timeout.ms"), "999") == 0,
		      "-X applied");
		rd_kafka_conf_destroy(conf);
	}
	conf = hs_kafkaconf_new(&kxb, err, sizeof(err));
	CHECK(conf && strcmp(get(conf, "bootstrap.servers"), "from-x:3") == 0,
	      "-X bootstrap.servers wins over -b");
	if (conf)
		rd_kafka_conf_destroy(conf);
	conf = hs_kafkaconf_new(&kbad, err, sizeof(err));
	CHECK(conf == NULL &&
	          strcmp(err, "property 'nonsense' is not key=value") == 0,
	      "a bad -X fails the whole configuration: %s", err);
	unlink(path);
}

int main(void)
{
	test_set();
	test_file();
	test_new();
	return check_done();
}
