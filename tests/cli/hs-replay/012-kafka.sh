#!/bin/sh
# kafka://TOPIC on the mock cluster: a window on record timestamps over
# three partitions, merged in time order, with its exact edges; a
# checkpoint of per-partition offsets, made for that window, refuses
# another one.
. "$HS_TESTS/cli/lib.sh"
command -v kafka_start >/dev/null 2>&1 || . "$HS_TESTS/lib/kafka.sh"
[ -x "$HS_TBIN/replay-produce" ] || skip "no replay-produce helper"

kafka_start --topic t:3 || fail "mock cluster did not start"
base=1767225600000
# 300 records, 1 s apart, partition chosen out of time order
awk -v b=$base 'BEGIN { for (i = 0; i < 300; i++)
	printf "%d %.0f {\"id\":\"k%d\",\"time\":\"x\"}\n", (i * 7) % 3, b + i * 1000, i }' >in
"$HS_TBIN/replay-produce" "$BROKERS" t <in || fail "produce failed"

hs-replay -b "$BROKERS" kafka://t >out || fail "full replay failed"
awk '{ print $3 }' in >want
expect_file_eq out want

# [k100, k200): from exactly at k100's timestamp, to exactly at k200's
hs-replay -b "$BROKERS" --from $((base + 100000)) --to 2026-01-01T00:03:20Z \
	--checkpoint ck kafka://t >out || fail "window failed"
sed -n '101,200p' want >want2
expect_file_eq out want2
expect_grep '"topic":"t"' ck
# the same window again: nothing twice
hs-replay -b "$BROKERS" --from $((base + 100000)) --to 2026-01-01T00:03:20Z \
	--checkpoint ck kafka://t >out || fail "rerun failed"
[ -s out ] && fail "a finished window replayed again"
# another window on that checkpoint is refused, and leaves it alone
cp ck ck.before
expect_exit 2 hs-replay -b "$BROKERS" --checkpoint ck kafka://t >out 2>err
expect_grep "checkpoint 'ck' was made for --from 2026-01-01T00:01:40.000Z --to 2026-01-01T00:03:20.000Z, not for no --from" err
[ -s out ] && fail "a refused run wrote events"
cmp -s ck ck.before || fail "a refused run changed the checkpoint"
hs-replay -b "$BROKERS" -X client.id=replay-test --name again \
	--from $((base + 299000)) kafka://t >out
expect_eq "last" "$(cat out)" '{"id":"k299","time":"x","replay-name":"again"}'
expect_exit 2 hs-replay -b "$BROKERS" -X no.such.property=1 kafka://t 2>err
expect_grep "^hs-replay: property 'no.such.property': " err
# -F: comments and spaces, the brokers from the file
printf '# replay\n\n bootstrap.servers = %s\n' "$BROKERS" >props
hs-replay -F props --from $((base + 299000)) kafka://t >out || fail "-F failed"
expect_eq "-F" "$(cat out)" '{"id":"k299","time":"x"}'
printf 'client.id=x\nbogus\n' >bad.props
expect_exit 2 hs-replay -b "$BROKERS" -F bad.props kafka://t 2>err
expect_grep "^hs-replay: bad.props:2: 'bogus' is not key=value" err
exit 0
