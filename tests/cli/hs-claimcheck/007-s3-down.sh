#!/bin/sh
# The store goes away mid-stream: events already written refer to stored
# objects; later large events are dead-lettered with their original bytes
# (no dangling reference), small ones still pass, and the exit status is
# 75 so a scheduler retries.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

s3_start media
{ big_event 1 300000; small_event 2; } >in1
{ big_event 3 300000; small_event 4; big_event 5 300000; } >in2
mkfifo fifo
hs-claimcheck put --store s3://media --endpoint "$S3_ENDPOINT" -u \
	--retries 2 --object-timeout 3s --dlq dlq <fifo >out 2>err &
pid=$!
exec 3>fifo
cat in1 >&3
two_lines() { [ "$(count_lines out)" -ge 2 ]; }
wait_for 10 two_lines || fail "first events not written"
s3_stop
cat in2 >&3
exec 3>&-
rc=0
wait $pid || rc=$?
expect_eq "exit status" "$rc" 75
expect_eq "lines out" "$(count_lines out)" 3
expect_eq "dead letters" "$(count_lines dlq)" 2
expect_grep '"reason":"store_unavailable"' dlq
expect_grep '"id":"4"' out
# The dead letters hold the original events, byte for byte.
for id in 3 5; do
	grep "\"id\":\"$id\"" in2 >want
	grep -c "\"event\":$(cut -c1-40 want | sed 's/[][\.*^$]/\\&/g')" dlq >/dev/null ||
		fail "dead letter $id lacks the event"
done
# Every reference written points at an object that exists.
s3_restart
hs-claimcheck get --refs-only --store s3://media --endpoint "$S3_ENDPOINT" \
	<out >/dev/null || fail "a written reference does not resolve"
