#!/bin/sh
# kafka://TOPIC killed mid-run with SIGKILL, then resumed from its
# checkpoint: no gap, no more repeats than one batch (0.5 s at 1000/s,
# plus slack), the merged time order kept across the restart.
# Tombstones (null values) carry no event: counted as filtered, never
# written or dead-lettered.
. "$HS_TESTS/cli/lib.sh"
command -v kafka_start >/dev/null 2>&1 || . "$HS_TESTS/lib/kafka.sh"
[ -x "$HS_TBIN/replay-produce" ] || skip "no replay-produce helper"

kafka_start --topic t:3 --topic tomb:2 || fail "mock cluster did not start"
base=1767225600000
awk -v b=$base 'BEGIN { for (i = 0; i < 3000; i++)
	printf "%d %.0f {\"id\":\"k%d\",\"time\":\"x\"}\n", (i * 7) % 3, b + i * 10, i }' >in
"$HS_TBIN/replay-produce" "$BROKERS" t <in || fail "produce failed"
awk '{ print $3 }' in >want

hs-replay -b "$BROKERS" --rate 1000/s --checkpoint ck kafka://t >out1 &
pid=$!
# Killed mid-run, once a checkpoint of the topic has been written.
wait_for 20 grep -q '"topic":"t"' ck || fail "no checkpoint: $(cat ck 2>/dev/null)"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || : # killed
hs-replay -b "$BROKERS" --checkpoint ck kafka://t >out2 || fail "resume failed"
n1=$(count_lines out1)
n2=$(count_lines out2)
[ "$n1" -gt 0 ] || fail "the first run wrote nothing"
head -n "$n1" want | cmp -s - out1 || fail "first run output is not a prefix"
# out2 is the tail of want from some record on: no gap
tail -n "$n2" want | cmp -s - out2 || fail "resume is not the rest of the topic"
[ $((n1 + n2)) -ge 3000 ] || fail "gap: $n1 + $n2 records of 3000"
rep=$((n1 + n2 - 3000))
[ "$rep" -le 600 ] || fail "$rep records repeated after the kill"
echo "report: kafka kill/resume: $n1 before the kill, $rep repeated" >&2
hs-replay -b "$BROKERS" --checkpoint ck kafka://t >out3 || fail "rerun failed"
[ -s out3 ] && fail "a finished replay replayed again"

# tombstones between events
printf '%s\n' "0 $base {\"id\":\"a\"}" "0 $((base + 1)) \\N" \
	"1 $((base + 2)) \\N" "1 $((base + 3)) {\"id\":\"b\"}" \
	"0 $((base + 4)) {\"id\":\"c\"}" | "$HS_TBIN/replay-produce" "$BROKERS" tomb ||
	fail "produce failed"
hs-replay -b "$BROKERS" --stats --dlq dlq kafka://tomb >out 2>err ||
	fail "tombstones failed: $(cat err)"
expect_eq "events" "$(cat out | tr '\n' ' ')" '{"id":"a"} {"id":"b"} {"id":"c"} '
expect_grep 'in=5 out=3 dlq=0 filtered=2' err
[ -s dlq ] && fail "a tombstone was dead-lettered"
exit 0
