#!/bin/sh
# SIGTERM mid-stream: put finishes the event in hand, flushes what it
# has written, leaves no temporary file and no reference to an object
# that is not stored, and exits 143.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

mkdir store
{ big_event 1 300000; small_event 2; } >in1
big_event 3 20000000 >in2
mkfifo fifo
hs-claimcheck put --store file:store --stats <fifo >out 2>err &
pid=$!
exec 3>fifo
cat in1 >&3
wait_for 10 grep -q '"id":"2"' out || fail "events not flushed while input is idle"
# A large event arrives; the signal lands while it is read or offloaded.
cat in2 >&3 &
cpid=$!
sleep 0.3
kill -TERM $pid
rc=0
wait $pid || rc=$?
kill $cpid 2>/dev/null || :
wait $cpid 2>/dev/null || :
exec 3>&-
expect_eq "exit status" "$rc" 143
lines=$(count_lines out)
[ "$lines" -ge 2 ] || fail "only $lines lines written"
sed -n 2p out >b; sed -n 1p in1 >/dev/null; small_event 2 >a
expect_file_eq a b
expect_grep "in=[0-9]* out=$lines " err
[ -z "$(find store -name '.tmp-*')" ] || fail "temporary file left"
hs-claimcheck get --refs-only --store file:store <out >/dev/null ||
	fail "a written reference does not resolve"
