#!/bin/sh
# stdout failures: >/dev/full exits 3 with a message; a reader that goes
# away (| head -n1) ends the run quietly; SIGTERM mid-stream exits 143.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"

gen 0 20000 1 >a.ndjson
expect_exit 3 hs-replay a.ndjson >/dev/full 2>err
expect_grep 'hs-replay: write error on stdout' err
hs-replay a.ndjson 2>err | head -n1 >out
expect_eq "head" "$(count_lines out)" 1
[ -s err ] && fail "| head -n1 was not quiet: $(cat err)"
hs-replay --rate 2000/s a.ndjson >out 2>err &
pid=$!
wait_lines 10 out 101 || fail "only $(count_lines out) events written"
kill -TERM $pid
rc=0
wait $pid || rc=$?
expect_eq "SIGTERM exit" "$rc" 143
n=$(count_lines out)
[ "$n" -gt 100 ] && [ "$n" -lt 20000 ] || fail "$n events before SIGTERM"
head -n "$n" a.ndjson | cmp -s - out || fail "output before SIGTERM is not whole events"
# progress: forced on a pipe, silenced by -q
hs-replay --progress a.ndjson >/dev/null 2>err
expect_grep 'hs-replay: 20000 events, 20000 written' err
hs-replay --progress -q a.ndjson >/dev/null 2>err
exit 0
