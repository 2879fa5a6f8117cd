#!/bin/sh
# hs-consume: the Kafka option group as every Kafka tool takes it
# (common/kafkaconf.h), long and short forms (their --help: man/004), and
# one precedence, -F files, then -b, then -X in order, so the later wins.
# The same cases run in hs-replay/021 and hs-fanout/032.
. "$HS_TESTS/cli/lib.sh"
need kcat

kafka_start --topic t:1 || fail "no mock cluster"
echo '{"n":1}' | kcat -P -b "$BROKERS" -t t || fail produce
# -X bootstrap.servers wins over -b: the dead broker is never asked
hs-consume --brokers 127.0.0.1:1 --property bootstrap.servers="$BROKERS" \
	-t t -o beginning -e --timeout 20s >out 2>err || fail "-X over -b: exit $?: $(cat err)"
expect_eq "-X over -b" "$(count_lines out)" 1
# -b wins over a file's bootstrap.servers
printf 'bootstrap.servers=127.0.0.1:1\n' >props
hs-consume --config props -b "$BROKERS" -t t -o beginning -e --timeout 20s >out 2>err ||
	fail "-b over -F: exit $?: $(cat err)"
expect_eq "-b over -F" "$(count_lines out)" 1
# -X applies after -F whatever the command-line order
hs-consume -X bootstrap.servers="$BROKERS" -F props -t t -o beginning -e --timeout 20s \
	>out 2>err || fail "-X over -F: exit $?: $(cat err)"
expect_eq "-X over -F" "$(count_lines out)" 1
exit 0
