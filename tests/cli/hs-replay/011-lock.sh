#!/bin/sh
# A second run on the same checkpoint is refused with exit 4 while the
# first holds it; once the first is gone the lock is free again.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"

gen 0 3000 10 >a.ndjson
hs-replay --rate 1000/s --checkpoint ck a.ndjson >out1 &
pid=$!
hs_on_exit "kill $pid"
# It writes events, so it is past taking the lock.
wait_lines 5 out1 1 || fail "the first run wrote nothing"
test -e ck.lock || fail "no lock file"
expect_exit 4 hs-replay --checkpoint ck a.ndjson >out2 2>err
expect_grep "hs-replay: checkpoint 'ck' is in use by another run" err
[ -s out2 ] && fail "the refused run wrote events"
kill -TERM "$pid"
wait "$pid" && rc=0 || rc=$?
expect_eq "SIGTERM exit" "$rc" 143
# SIGTERM flushed and checkpointed: the rerun has no repeats at all
n1=$(count_lines out1)
hs-replay --checkpoint ck a.ndjson >out2 || fail "rerun failed"
cat out1 out2 | cmp -s - a.ndjson || fail "SIGTERM then resume is not the whole archive once"
expect_eq "first run" "$([ "$n1" -gt 0 ] && echo some)" some
echo garbage >bad
expect_exit 2 hs-replay --checkpoint bad a.ndjson 2>err
expect_grep "'bad' is not an hs-replay checkpoint" err
exit 0
