#!/bin/sh
# hs-replay: the Kafka option group as every Kafka tool takes it
# (common/kafkaconf.h), long and short forms (their --help: man/004), and
# one precedence, -F files, then -b, then -X in order, so the later wins.
# The same cases run in hs-consume/012 and hs-fanout/032.
. "$HS_TESTS/cli/lib.sh"
command -v kafka_start >/dev/null 2>&1 || . "$HS_TESTS/lib/kafka.sh"
[ -x "$HS_TBIN/replay-produce" ] || skip "no replay-produce helper"

kafka_start --topic t:1 || fail "no mock cluster"
echo '0 1767225600000 {"n":1}' | "$HS_TBIN/replay-produce" "$BROKERS" t ||
	fail "produce failed"
# -X bootstrap.servers wins over -b: the dead broker is never asked
hs-replay --brokers 127.0.0.1:1 --property bootstrap.servers="$BROKERS" \
	kafka://t >out 2>err || fail "-X over -b: exit $?: $(cat err)"
expect_eq "-X over -b" "$(cat out)" '{"n":1}'
# -b wins over a file's bootstrap.servers
printf 'bootstrap.servers=127.0.0.1:1\n' >props
hs-replay --config props -b "$BROKERS" kafka://t >out 2>err ||
	fail "-b over -F: exit $?: $(cat err)"
expect_eq "-b over -F" "$(cat out)" '{"n":1}'
# -X applies after -F whatever the command-line order
hs-replay -X bootstrap.servers="$BROKERS" -F props kafka://t >out 2>err ||
	fail "-X over -F: exit $?: $(cat err)"
expect_eq "-X over -F" "$(cat out)" '{"n":1}'
exit 0
