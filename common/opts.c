/*
 * opts.c: the options every tool shares and the parsers all options go
 * through (opts.h): numbers, sizes, durations, usage errors, --version and
 * closing stdout after --help.  Each tool's own options stay in its
 * main.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <librdkafka/rdkafka.h>
#include <pcre2.h>
#include <zstd.h>

#include "alloc.h"
#include "err.h"
#include "exit.h"
#include "json.h"
#include "opts.h"
#include "version.h"
#include "banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void hs_opts_init(struct hs_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_event_size = HS_DEFAULT_MAX_EVENT;
	o->max_depth = HS_JSON_MAX_DEPTH;
	o->drain_timeout = HS_DEFAULT_DRAIN;
}

long long hs_strtonum(const char *s, long long min, long long max,
                      const char **errstr)
{
	char *end;
	long long v;

	*errstr = NULL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || !*s) {
		*errstr = "invalid";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return 0;
	}
	return v;
}

int hs_parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;
	double mult = 1;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		mult = 1024.0;
		end++;
		break;
	case 'm':
	case 'M':
		mult = 1024.0 * 1024;
		end++;
		break;
	case 'g':
	case 'G':
		mult = 1024.0 * 1024 * 1024;
		end++;
		break;
	default:
		break;
	}
	if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0 ||
	    (mult == 1 && strcmp(end, "b") == 0))
		end += strlen(end);
	if (*end)
		return -1;
	v *= mult;
	if (v > 9.0e18)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int hs_parse_duration(const char *s, double *secs)
{
	char *end;
	double v, mult = 1;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		mult = 0.001;
	else if (strcmp(end, "s") == 0 || !*end)
		mult = 1;
	else if (strcmp(end, "m") == 0)
		mult = 60;
	else if (strcmp(end, "h") == 0)
		mult = 3600;
	else if (strcmp(end, "d") == 0)
		mult = 86400;
	else
		return -1;
	*secs = v * mult;
	return 0;
}

/* The option hs_getopt() last refused as repeated, for hs_opts_bad(). */
static char repeated_name[64];

static void name_of(int c, const struct option *longopts, char *buf, size_t n)
{
	for (const struct option *o = longopts; o && o->name; o++)
		if (o->val == c && !o->flag) {
			snprintf(buf, n, "--%s", o->name);
			return;
		}
	snprintf(buf, n, "-%c", c);
}

/* The options every tool takes (hs(7) COMMON OPTIONS), and --ack. */
static const struct option common[] = {
    {"dlq", required_argument, NULL, HS_OPT_DLQ},
    {"stats", no_argument, NULL, HS_OPT_STATS},
    {"stats-interval", required_argument, NULL, HS_OPT_STATS_INTERVAL},
    {"max-event-size", required_argument, NULL, HS_OPT_MAX_EVENT_SIZE},
    {"max-depth", required_argument, NULL, HS_OPT_MAX_DEPTH},
    {"drain-timeout", required_argument, NULL, HS_OPT_DRAIN},
    {"unbuffered", no_argument, NULL, 'u'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'}};
static const struct option ack[] = {
    {"ack", required_argument, NULL, HS_OPT_ACK}};

/* The tool's options followed by the common ones, built once. */
static const struct option *merged_long(const struct hs_optspec *spec)
{
	static struct option *all;
	size_t n = 0, k = 0;

	if (all)
		return all;
	while (spec->longopts && spec->longopts[n].name)
		n++;
	all = hs_xcalloc(n + NELEM(common) + NELEM(ack) + 1, sizeof(*all));
	for (size_t i = 0; i < n; i++)
		all[k++] = spec->longopts[i];
	for (size_t i = 0; i < NELEM(common); i++)
		all[k++] = common[i];
	if (spec->flags & HS_OPTS_ACK)
		all[k++] = ack[0];
	return all;
}

int hs_getopt(int argc, char **argv, const struct hs_optspec *spec)
{
	static char shortopts[128];
	static int seen[64];
	static int nseen;
	const struct option *longopts = merged_long(spec);
	int c;

	if (!shortopts[0])
		snprintf(shortopts, sizeof(shortopts), ":%s%s", HS_OPTS_SHORT,
		         spec->shortopts ? spec->shortopts : "");
	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == -1 || c == '?' || c == ':' || !optarg)
		return c;
	for (const int *r = spec->repeatable; r && *r; r++)
		if (*r == c)
			return c;
	for (int i = 0; i < nseen; i++)
		if (seen[i] == c) {
			name_of(c, longopts, repeated_name,
			        sizeof(repeated_name));
			return HS_OPT_REPEATED;
		}
	if (nseen < (int)NELEM(seen))
		seen[nseen++] = c;
	return c;
}

int hs_usage_error(const char *synopsis, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hs_verr(fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s", synopsis);
	fprintf(stderr, "%s: try '%s --help'\n", hs_prog(), hs_prog());
	return HS_EXIT_USAGE;
}

int hs_opts_bad(const char *synopsis, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == HS_OPT_REPEATED)
		return hs_usage_error(synopsis, "%s may be given once",
		                      repeated_name);
	if (c == ':')
		return hs_usage_error(synopsis, "option '%s' needs a value",
		                      arg);
	if (optopt && arg[0] == '-' && arg[1] != '-')
		return hs_usage_error(synopsis, "unknown option '-%c'", optopt);
	return hs_usage_error(synopsis, "unknown option '%s'", arg);
}

void hs_print_version(void)
{
	char pcre[64] = "";

	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	printf("%s (hs) %s\n", hs_prog(), HS_VERSION);
	printf("librdkafka %s, %s, zstd %s, PCRE2 %s\n", rd_kafka_version_str(),
	       curl_version(), ZSTD_versionString(), pcre);
}

int hs_opts_stdout_done(void)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);
	int err = errno;

	if (fclose(stdout) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	if (!bad)
		return HS_EXIT_OK;
	hs_err("write error on stdout: %s", strerror(err ? err : EIO));
	return HS_EXIT_IO;
}

int hs_opts_common(struct hs_opts *o, int c, const char *arg)
{
	const char *errstr;
	uint64_t size;

	switch (c) {
	case HS_OPT_DLQ:
		o->dlq = arg;
		return 1;
	case HS_OPT_STATS:
		o->stats = 1;
		return 1;
	case HS_OPT_ACK:
		o->ack = arg;
		return 1;
	case HS_OPT_DRAIN:
		if (hs_parse_duration(arg, &o->drain_timeout) < 0) {
			hs_err("invalid --drain-timeout '%s'", arg);
			return -1;
		}
		return 1;
	case HS_OPT_STATS_INTERVAL:
		if (hs_parse_duration(arg, &o->stats_interval) < 0 ||
		    o->stats_interval <= 0) {
			hs_err("invalid --stats-interval '%s'", arg);
			return -1;
		}
		o->stats = 1;
		return 1;
	case HS_OPT_MAX_EVENT_SIZE:
		if (hs_parse_size(arg, &size) < 0 || size < 2 ||
		    size > UINT32_MAX - 1) {
			hs_err(
			    "invalid --max-event-size '%s' (2 bytes to 4GiB)",
			    arg);
			return -1;
		}
		o->max_event_size = (size_t)size;
		return 1;
	case HS_OPT_MAX_DEPTH:
		o->max_depth = (unsigned)hs_strtonum(arg, 1, 100000, &errstr);
		if (errstr) {
			hs_err("--max-depth '%s' is %s (1 to 100000)", arg,
			       errstr);
			return -1;
		}
		return 1;
	case 'u':
		o->unbuffered = 1;
		return 1;
	case 'q':
		o->quiet = 1;
		return 1;
	case 'h':
		o->help = 1;
		return 1;
	case 'V':
		o->version = 1;
		return 1;
	}
	return 0;
}
