#!/bin/sh
# hs-consume: a reader that goes away ends it quietly; a full disk is an
# I/O failure (exit 3); empty topic with -e writes nothing.
. "$HS_TESTS/cli/lib.sh"
need kcat
kafka_start --topic p:2 --topic empty:2 || fail "no mock cluster"
awk 'BEGIN { for (i = 1; i <= 5000; i++) printf "k%d:{\"n\":%d}\n", i, i }' |
	kcat -P -b "$BROKERS" -t p -K: || fail produce

hs-consume -b "$BROKERS" -t p -e 2>err | head -n1 >one
expect_eq "head" "$(count_lines one)" 1
[ ! -s err ] || { cat err >&2; fail "stderr not quiet on EPIPE"; }

expect_exit 3 hs-consume -b "$BROKERS" -t p -e >/dev/full 2>err
expect_grep 'write error on stdout' err

expect_exit 0 hs-consume -b "$BROKERS" -t empty -e >out 2>err
[ ! -s out ] || fail "output from an empty topic"
# (An unknown topic cannot be tested here: the mock cluster creates
# every topic a client asks metadata for.)
