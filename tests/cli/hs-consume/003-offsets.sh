#!/bin/sh
# hs-consume: -o beginning, end, N, -N, s@ and e@ (epoch ms and RFC 3339)
# pick the right first and last records on one partition.
. "$HS_TESTS/cli/lib.sh"
need kcat jq
kafka_start --topic o:1 || fail "no mock cluster"

seq 0 9 | sed 's/.*/{"n":&}/' | kcat -P -b "$BROKERS" -t o || fail produce
sleep 1.1
t_ms=$(($(date +%s%N) / 1000000))
t_rfc=$(date -u -d "@$((t_ms / 1000)).$(printf %03d $((t_ms % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ)
sleep 0.2
seq 10 19 | sed 's/.*/{"n":&}/' | kcat -P -b "$BROKERS" -t o || fail produce

ns() { hs-consume -b "$BROKERS" -t o -p 0 -e "$@" | jq -r .n | tr '\n' ' '; }
expect_eq "beginning" "$(ns -o beginning)" "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 "
expect_eq "absolute" "$(ns -o 15)" "15 16 17 18 19 "
expect_eq "relative" "$(ns -o -3)" "17 18 19 "
expect_eq "end" "$(ns -o end)" ""
expect_eq "s@ms" "$(ns -o "s@$t_ms")" "10 11 12 13 14 15 16 17 18 19 "
expect_eq "s@rfc3339" "$(ns -o "s@$t_rfc")" "10 11 12 13 14 15 16 17 18 19 "
expect_eq "e@ms" "$(ns -o "e@$t_ms")" "0 1 2 3 4 5 6 7 8 9 "
expect_eq "window" "$(ns -o 5 -o "e@$t_rfc")" "5 6 7 8 9 "
# e@ alone ends the run even without -e once the time is passed.
expect_eq "e@ without -e" "$(timeout 20 hs-consume -b "$BROKERS" -t o -o "e@$t_ms" | jq -r .n | wc -l | tr -d ' ')" 10
expect_eq "count" "$(ns -c 4)" "0 1 2 3 "
