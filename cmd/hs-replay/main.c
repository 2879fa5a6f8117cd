/*
 * hs-replay: replay a time window of archived events (hs-fanout's file
 * targets, plain or zstd) or of a Kafka topic, in time order, filtered,
 * marked, paced, and resumable from a checkpoint, for cron jobs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "err.h"
#include "exit.h"
#include "opts.h"
#include "sig.h"
#include "timeutil.h"
#include "replay.h"
#include "banned.h"

static const char synopsis[] =
    "usage: hs-replay [-hqu] [--from TIME] [--to TIME] [--untimed "
    "include|skip]\n"
    "                 [--pattern JSON|@FILE] [--name NAME] [--rate N/s]\n"
    "                 [--speed X] [--checkpoint FILE] [--reset] [--progress]\n"
    "                 [-b BROKERS] [-F FILE ...] [-X KEY=VALUE ...]\n"
    "                 [--dlq FILE] [--stats] [--max-event-size SIZE]\n"
    "                 [--drain-timeout SECS]\n"
    "                 SOURCE ...\n";

enum {
	OPT_CHECKPOINT = HS_OPT_FIRST_TOOL,
	OPT_FROM,
	OPT_NAME,
	OPT_PATTERN,
	OPT_PROGRESS,
	OPT_RATE,
	OPT_RESET,
	OPT_SPEED,
	OPT_TO,
	OPT_UNTIMED
};

static void usage(void)
{
	printf("%s", synopsis);
	printf(
	    "\nReplay archived events (files or directories of .ndjson, "
	    "plain or .zst) or\na Kafka topic (kafka://TOPIC) in time "
	    "order.\n\n"
	    "Options:\n"
	    "      --from TIME            first event time replayed (RFC 3339 "
	    "or epoch ms)\n"
	    "      --to TIME              replay events before TIME: [from, "
	    "to)\n"
	    "      --untimed include|skip events without a usable time "
	    "(default skip)\n"
	    "      --pattern JSON|@FILE   replay only events matching the "
	    "pattern\n"
	    "      --name NAME            set \"replay-name\":NAME on every "
	    "event\n"
	    "      --rate N/s             at most N events per second, evenly "
	    "spaced\n"
	    "      --speed X              keep the events' time spacing, X "
	    "times faster\n"
	    "      --checkpoint FILE      resume from FILE, record progress in "
	    "it\n"
	    "      --reset                ignore the checkpoint and start "
	    "over\n"
	    "      --progress             progress line on stderr even when "
	    "not a terminal\n"
	    "Kafka options (a kafka://TOPIC source):\n" HS_KAFKA_HELP
	        HS_OPTS_HELP "\nExit status: 0 ok, 1 some events rejected "
	    "or damaged data, 2 usage,\n"
	    "3 I/O failure, 4 another run holds the checkpoint, 75 Kafka "
	    "unreachable.\n");
}

/* "1000", "1000/s", "60/m", "3600/h": events per second. */
static int parse_rate(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end), per = 1;

	if (end == s || !(v > 0) || v > 1e9)
		return -1;
	if (strcmp(end, "/s") == 0 || !*end)
		per = 1;
	else if (strcmp(end, "/m") == 0 || strcmp(end, "/min") == 0)
		per = 60;
	else if (strcmp(end, "/h") == 0)
		per = 3600;
	else
		return -1;
	*out = v / per;
	return 0;
}

static int tool_option(struct replay *rp, int c, const char *arg)
{
	char *end;

	if (hs_kafka_opt(&rp->kafka, c, arg))
		return 0;
	switch (c) {
	case OPT_CHECKPOINT:
		rp->ckpt = arg;
		return 0;
	case OPT_FROM:
	case OPT_TO:
		if (hs_time_parse(arg, strlen(arg),
		                  c == OPT_FROM ? &rp->from : &rp->to) < 0)
			return hs_usage_error(
			    synopsis, "bad time '%s' for %s", arg,
			    c == OPT_FROM ? "--from" : "--to");
		return 0;
	case OPT_NAME:
		rp->name = arg;
		return 0;
	case OPT_PATTERN:
		return replay_pattern_compile(rp, arg) < 0 ? HS_EXIT_USAGE : 0;
	case OPT_PROGRESS:
		rp->progress = 1;
		return 0;
	case OPT_RATE:
		if (parse_rate(arg, &rp->rate) < 0)
			return hs_usage_error(synopsis, "bad --rate '%s'", arg);
		return 0;
	case OPT_RESET:
		rp->reset = 1;
		return 0;
	case OPT_SPEED:
		rp->speed = strtod(arg, &end);
		if (end == arg || *end || !(rp->speed > 0) || rp->speed > 1e9)
			return hs_usage_error(synopsis, "bad --speed '%s'",
			                      arg);
		return 0;
	case OPT_UNTIMED:
		if (strcmp(arg, "include") == 0)
			rp->untimed_include = 1;
		else if (strcmp(arg, "skip") == 0)
			rp->untimed_include = 0;
		else
			return hs_usage_error(
			    synopsis, "--untimed takes include or skip");
		return 0;
	}
	return -1;
}

static int parse_args(struct replay *rp, int argc, char **argv)
{
	static const struct option longopts[] = {
	    HS_KAFKA_LONG,
	    {"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
	    {"from", required_argument, NULL, OPT_FROM},
	    {"name", required_argument, NULL, OPT_NAME},
	    {"pattern", required_argument, NULL, OPT_PATTERN},
	    {"progress", no_argument, NULL, OPT_PROGRESS},
	    {"rate", required_argument, NULL, OPT_RATE},
	    {"reset", no_argument, NULL, OPT_RESET},
	    {"speed", required_argument, NULL, OPT_SPEED},
	    {"to", required_argument, NULL, OPT_TO},
	    {"untimed", required_argument, NULL, OPT_UNTIMED},
	    {NULL, 0, NULL, 0}};
	static const int repeatable[] = {'F', 'X', 0};
	static const struct hs_optspec spec = {HS_KAFKA_SHORT, longopts,
	                                       repeatable, 0};
	int c, r;

	while ((c = hs_getopt(argc, argv, &spec)) != -1) {
		r = hs_opts_common(&rp->opts, c, optarg);
		if (r < 0)
			return HS_EXIT_USAGE;
		if (r > 0)
			continue;
		r = tool_option(rp, c, optarg);
		if (r > 0)
			return r;
		if (r < 0)
			return hs_opts_bad(synopsis, c, argv);
	}
	return 0;
}

/* The option combinations that make no sense. */
static int check_args(struct replay *rp, int nsrc, char **src)
{
	int kafka = 0;

	if (nsrc == 0)
		return hs_usage_error(synopsis, "no source given");
	for (int i = 0; i < nsrc; i++)
		if (strncmp(src[i], "kafka://", 8) == 0)
			kafka++;
	if (kafka && (nsrc > 1 || !src[0][8]))
		return hs_usage_error(synopsis,
		                      "a kafka://TOPIC source stands alone");
	if (!kafka && hs_kafka_given(&rp->kafka))
		return hs_usage_error(
		    synopsis, "-b, -X and -F need a kafka://TOPIC source");
	if (kafka && !hs_kafka_given(&rp->kafka))
		return hs_usage_error(synopsis, "kafka:// needs -b BROKERS");
	if (rp->from != NO_TIME && rp->to != NO_TIME && rp->to <= rp->from)
		return hs_usage_error(synopsis, "--to must be after --from");
	if (rp->reset && !rp->ckpt)
		return hs_usage_error(synopsis, "--reset needs --checkpoint");
	return 0;
}

int main(int argc, char **argv)
{
	struct replay rp;
	int rc;

	hs_prog_set("hs-replay");
	memset(&rp, 0, sizeof(rp));
	hs_opts_init(&rp.opts);
	rp.from = rp.to = rp.last_ms = NO_TIME;
	rp.lock_fd = -1;
	hs_buf_init(&rp.name_json);
	hs_buf_init(&rp.line);
	hs_buf_init(&rp.pattern_text);
	rp.progress = -1;
	if ((rc = parse_args(&rp, argc, argv)) != 0)
		goto out_args;
	if (rp.opts.help || rp.opts.version) {
		if (rp.opts.help)
			usage();
		else
			hs_print_version();
		rc = hs_opts_stdout_done();
		goto out_args;
	}
	if ((rc = check_args(&rp, argc - optind, argv + optind)) != 0)
		goto out_args;
	if (rp.progress < 0)
		rp.progress = !rp.opts.quiet && isatty(STDERR_FILENO);
	if (rp.name)
		hs_json_write_str(&rp.name_json, rp.name, strlen(rp.name));
	rp.spans = !rp.name && !(rp.rate > 0) && !(rp.speed > 0) &&
	           !rp.opts.unbuffered;

	if (rp.ckpt) {
		rc = ckpt_lock(&rp);
		if (rc == -2) {
			rc = HS_EXIT_LOCKED;
			goto out_args;
		}
		if (rc < 0 || (!rp.reset && ckpt_load(&rp) < 0)) {
			rc = rp.lock_fd < 0 ? HS_EXIT_IO : HS_EXIT_USAGE;
			goto out_lock;
		}
	}
	if (hs_tool_start(&rp.t, &rp.opts, NULL, 0) < 0) {
		rc = hs_tool_finish(&rp.t, NULL);
		goto out_lock;
	}
	hs_json_doc_init(&rp.doc);
	rp.doc.max_depth = rp.opts.max_depth;
	rp.last_ckpt = hs_now();

	if (strncmp(argv[optind], "kafka://", 8) == 0)
		replay_kafka(&rp, argv[optind] + 8);
	else
		replay_archives(&rp, argv + optind, argc - optind);

	if (!rp.t.failed)
		replay_batch(&rp, 1);
	replay_progress(&rp, 1, 1);
	if (rp.untimed && !rp.opts.quiet)
		hs_err("%llu events without a usable time were %s",
		       (unsigned long long)rp.untimed,
		       rp.untimed_include ? "replayed" : "skipped");
	if (rp.damaged && !rp.opts.quiet)
		hs_err("%llu damaged zstd frames",
		       (unsigned long long)rp.damaged);
	{
		char extra[160];

		snprintf(
		    extra, sizeof(extra),
		    "untimed=%llu outside=%llu unmatched=%llu damaged=%llu",
		    (unsigned long long)rp.untimed,
		    (unsigned long long)rp.outside,
		    (unsigned long long)rp.unmatched,
		    (unsigned long long)rp.damaged);
		rc = hs_tool_finish(&rp.t, extra);
	}
	hs_json_doc_release(&rp.doc);
out_lock:
	ckpt_unlock(&rp);
out_args:
	replay_pattern_free(&rp);
	hs_buf_release(&rp.name_json);
	hs_buf_release(&rp.line);
	hs_buf_release(&rp.pattern_text);
	position_release(&rp.pos);
	hs_kafka_opts_free(&rp.kafka);
	return rc;
}
