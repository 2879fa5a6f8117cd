/*
 * kafkaconf.c: librdkafka configuration from -X, -F and -b (kafkaconf.h),
 * with messages that name the setting, and the option group's collection
 * and its one precedence.  Each tool's main.c still runs getopt and hands
 * -b/-F/-X here; this file never prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "err.h"
#include "kafkaconf.h"
#include "banned.h"

#define KEY_MAX 256 /* librdkafka's longest property name is far shorter */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Apply key k[0..kn) = v; trims nothing. */
static int set_kv(rd_kafka_conf_t *conf, const char *k, size_t kn,
                  const char *v, char *errbuf, size_t errlen)
{
	char key[KEY_MAX], err[512];

	if (kn == 0)
		return hs_seterr(errbuf, errlen, "property with an empty key");
	if (kn >= sizeof(key))
		return hs_seterr(errbuf, errlen,
		                 "property '%.40s...' has too "
		                 "long a key",
		                 k);
	memcpy(key, k, kn);
	key[kn] = '\0';
	if (rd_kafka_conf_set(conf, key, v, err, sizeof(err)) !=
	    RD_KAFKA_CONF_OK)
		return hs_seterr(errbuf, errlen, "property '%s': %s", key, err);
	return 0;
}

int hs_kafkaconf_set(rd_kafka_conf_t *conf, const char *kv, char *errbuf,
                     size_t errlen)
{
	const char *eq = strchr(kv, '=');

	if (!eq)
		return hs_seterr(errbuf, errlen,
		                 "property '%s' is not key=value", kv);
	return set_kv(conf, kv, (size_t)(eq - kv), eq + 1, errbuf, errlen);
}

int hs_kafkaconf_file(rd_kafka_conf_t *conf, const char *path, char *errbuf,
                      size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, err[512];
	size_t cap = 0;
	unsigned long lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!fp)
		return hs_seterr(errbuf, errlen, "cannot open '%s': %s", path,
		                 strerror(errno));
	/* getline(): a value may be long (an inline PEM certificate) */
	while (rc == 0 && (n = getline(&line, &cap, fp)) >= 0) {
		char *p = line, *e = line + n, *eq, *k_end;

		lineno++;
		while (e > p && is_space(e[-1]))
			*--e = '\0';
		while (p < e && is_space(*p))
			p++;
		if (p == e || *p == '#' || *p == '!')
			continue;
		if (!(eq = strchr(p, '='))) {
			rc = hs_seterr(errbuf, errlen,
			               "%s:%lu: '%s' is not key=value", path,
			               lineno, p);
			break;
		}
		k_end = eq;
		while (k_end > p && is_space(k_end[-1]))
			k_end--;
		eq++;
		while (is_space(*eq))
			eq++;
		if (set_kv(conf, p, (size_t)(k_end - p), eq, err, sizeof(err)) <
		    0)
			rc = hs_seterr(errbuf, errlen, "%s:%lu: %s", path,
			               lineno, err);
	}
	if (rc == 0 && ferror(fp))
		rc = hs_seterr(errbuf, errlen, "cannot read '%s': %s", path,
		               strerror(errno));
	free(line);
	fclose(fp);
	return rc;
}

int hs_kafkaconf_brokers(rd_kafka_conf_t *conf, const char *brokers,
                         char *errbuf, size_t errlen)
{
	char err[512];

	if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, err,
	                      sizeof(err)) != RD_KAFKA_CONF_OK)
		return hs_seterr(errbuf, errlen, "bootstrap servers '%s': %s",
		                 brokers, err);
	return 0;
}

int hs_kafka_opt(struct hs_kafka_opts *k, int ch, const char *arg)
{
	switch (ch) {
	case 'b':
		k->brokers = arg;
		return 1;
	case 'F':
		k->files = hs_xrealloc(k->files, (size_t)(k->nfiles + 1) *
		                                     sizeof(*k->files));
		k->files[k->nfiles++] = arg;
		return 1;
	case 'X':
		k->props = hs_xrealloc(k->props, (size_t)(k->nprops + 1) *
		                                     sizeof(*k->props));
		k->props[k->nprops++] = arg;
		return 1;
	}
	return 0;
}

int hs_kafka_given(const struct hs_kafka_opts *k)
{
	return k->brokers || k->nfiles || k->nprops;
}

void hs_kafka_opts_free(struct hs_kafka_opts *k)
{
	free(k->files);
	free(k->props);
	memset(k, 0, sizeof(*k));
}

int hs_kafkaconf_apply(rd_kafka_conf_t *conf, const struct hs_kafka_opts *k,
                       char *errbuf, size_t errlen)
{
	for (int i = 0; i < k->nfiles; i++)
		if (hs_kafkaconf_file(conf, k->files[i], errbuf, errlen) < 0)
			return -1;
	if (k->brokers &&
	    hs_kafkaconf_brokers(conf, k->brokers, errbuf, errlen) < 0)
		return -1;
	for (int i = 0; i < k->nprops; i++)
		if (hs_kafkaconf_set(conf, k->props[i], errbuf, errlen) < 0)
			return -1;
	return 0;
}

rd_kafka_conf_t *hs_kafkaconf_new(const struct hs_kafka_opts *k, char *errbuf,
                                  size_t errlen)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();

	if (hs_kafkaconf_apply(conf, k, errbuf, errlen) < 0) {
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	return conf;
}
