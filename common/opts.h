/*
 * opts.h: the options every tool shares, with the same names and
 * meanings everywhere (hs(7)), and the number/size/duration parsers all
 * options go through.
 *
 * A tool reads its options with hs_getopt(), which adds these to its
 * own, and hands every option it does not know itself to
 * hs_opts_common().
 */
#ifndef HS_OPTS_H
#define HS_OPTS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

enum {
	HS_OPT_DLQ = 0x1000,
	HS_OPT_STATS,
	HS_OPT_STATS_INTERVAL,
	HS_OPT_MAX_EVENT_SIZE,
	HS_OPT_ACK,
	HS_OPT_MAX_DEPTH,
	HS_OPT_DRAIN,
	HS_OPT_FIRST_TOOL, /* tools number their own long-only options from here */
	HS_OPT_REPEATED = 0x0fff /* hs_getopt(): a value option given twice */
};

/* The common short options, first in every tool's optstring. */
#define HS_OPTS_SHORT "hqu"

/* clang-format off: tables read better aligned by hand */
/*
 * The common options' help lines, for each tool's --help: HS_OPTS_HELP
 * for every tool, with HS_OPTS_HELP_ACK before it in a stage's help.
 */
#define HS_OPTS_HELP_ACK                                                     \
	"      --ack FIFO             report finished events to hs-consume " \
	"--ack\n"
#define HS_OPTS_HELP                                                           \
	"      --dlq FILE             append dead-letter records to FILE\n"    \
	"      --stats                print counts on stderr at exit\n"        \
	"      --stats-interval SECS  print them every SECS seconds too\n"     \
	"      --max-event-size SIZE  longest line accepted (default 64MiB)\n" \
	"      --max-depth N          deepest JSON nesting accepted (default " \
	"512)\n"                                                               \
	"      --drain-timeout SECS   after a stop signal, read piped input "  \
	"on\n"                                                                 \
	"                             until it ends, at most SECS (default "   \
	"10)\n"                                                                \
	"  -u, --unbuffered           write each event at once\n"              \
	"  -q, --quiet                no per-event messages on stderr\n"       \
	"  -h, --help                 show this help\n"                        \
	"      --version              show versions of hs and its libraries\n"
/* clang-format on */

struct hs_opts {
	const char *dlq;
	const char *ack;
	double drain_timeout; /* --drain-timeout, default HS_DEFAULT_DRAIN */
	int stats;
	double stats_interval;
	size_t max_event_size;
	unsigned max_depth;
	int unbuffered;
	int quiet;
	int help, version;
};

#define HS_DEFAULT_MAX_EVENT (64u << 20)
#define HS_DEFAULT_DRAIN 10.0 /* seconds */

void hs_opts_init(struct hs_opts *o);

/*
 * Handle getopt_long's result c (with optarg arg) if it is a common
 * option.  Returns 1 handled, 0 not a common option, -1 bad value (the
 * message is printed; the tool exits with HS_EXIT_USAGE).
 */
int hs_opts_common(struct hs_opts *o, int c, const char *arg);

/*
 * Numbers: OpenBSD's strtonum() contract.  Returns the value, or 0 with
 * *errstr set to "invalid", "too small" or "too large".
 */
long long hs_strtonum(const char *s, long long min, long long max,
                      const char **errstr);

/* "256KiB", "64M", "1GiB", "512": 1024-based K/M/G with or without "iB"/"B".
 * Returns 0 or -1. */
int hs_parse_size(const char *s, uint64_t *out);

/* "500ms", "30s", "5m", "1h", "7d", or plain seconds ("1.5").
 * Returns 0 or -1. */
int hs_parse_duration(const char *s, double *secs);

/*
 * A tool's own options, for hs_getopt(): its short letters (after the
 * common ":" HS_OPTS_SHORT, which hs_getopt() puts first) and its long
 * table ending in {0}; hs_getopt() adds HS_OPTS_LONG, and --ack with
 * HS_OPTS_ACK, so no tool lists or forgets them.  repeatable holds the
 * codes documented as repeatable (-F, -X, --keep, --store, ...), ending
 * in 0.
 */
struct hs_optspec {
	const char *shortopts;
	const struct option *longopts;
	const int *repeatable;
	int flags;
};
#define HS_OPTS_ACK 1 /* the tool takes --ack */

/*
 * getopt_long() over the tool's options and the common ones, with the
 * one rule for an option that takes a value: it may be given once,
 * unless it is repeatable.  A second one returns HS_OPT_REPEATED, which
 * the tool hands to hs_opts_bad() like any other bad option ("--NAME may
 * be given once"), never a silent last-wins.  Options without a value
 * (--stats, -q) may repeat and mean the same.  getopt itself prints
 * nothing: '?' and ':' go to hs_opts_bad() too.
 */
int hs_getopt(int argc, char **argv, const struct hs_optspec *spec);

/*
 * Print "PROG: MESSAGE", the synopsis and "PROG: try 'PROG --help'" on
 * stderr.  Returns HS_EXIT_USAGE.
 */
int hs_usage_error(const char *synopsis, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * For getopt_long's '?' or ':' result, or hs_getopt()'s HS_OPT_REPEATED:
 * report the unknown option, the missing value or the repeat as a usage
 * error.  Tools set opterr = 0 and start their
 * optstring with ':' so getopt prints nothing itself.  Returns
 * HS_EXIT_USAGE.
 */
int hs_opts_bad(const char *synopsis, int c, char **argv);

/* --version: "PROG (hs) VERSION" and the libraries hs links. */
void hs_print_version(void);

/*
 * After --help or --version: flush and close stdout. Returns HS_EXIT_OK,
 * or HS_EXIT_IO after one "write error on stdout" message if writing
 * failed (a full disk, a closed pipe).
 */
int hs_opts_stdout_done(void);

#endif
