#!/bin/sh
# A checkpoint records the window, --untimed, --pattern and --name it was
# made for: a rerun with the same ones goes on, any other is refused
# with exit 2 and the checkpoint left alone, --reset starts over.  A file
# written after the checkpoint that sorts before its file is reported.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"

mkdir arc
gen 0 100 1000 >arc/1.ndjson
pat='{"source":["test"]}'
hs-replay --from "$(ms_of 10 1000)" --pattern "$pat" --name r1 \
	--checkpoint ck arc >out || fail "first run failed"
expect_eq "first run" "$(count_lines out)" 90
expect_grep '"from":1767225610000' ck
expect_grep '"name":"r1"' ck
expect_grep '"pattern":"{\\"source\\":\[\\"test\\"\]}"' ck

gen 100 5 1000 >>arc/1.ndjson
hs-replay --from "$(ms_of 10 1000)" --pattern "$pat" --name r1 \
	--checkpoint ck arc >out || fail "same options refused"
expect_eq "appended" "$(ids out | tr '\n' ' ')" "100 101 102 103 104 "

cp ck ck.before
for opts in "--from $(ms_of 11 1000)" "--to $(ms_of 50 1000)" \
	"--untimed include" "--name r2" "--pattern {\"source\":[\"x\"]}" ""; do
	# shellcheck disable=SC2086 # word splitting wanted
	expect_exit 2 hs-replay $opts --checkpoint ck arc >out 2>err
	[ -s out ] && fail "refused run with '$opts' wrote events"
	expect_grep "checkpoint 'ck' was made for --from 2026-01-01T00:00:10.000Z --pattern '{\"source\":\[\"test\"\]}' --name 'r1', not for" err
	expect_grep "(--reset starts over)" err
	cmp -s ck ck.before || fail "refused run with '$opts' changed ck"
done
hs-replay --name r2 --reset --checkpoint ck arc >out || fail "--reset failed"
expect_eq "--reset" "$(count_lines out)" 105
expect_no_grep '"from"' ck

# a late file whose events sort before the checkpointed one
sleep 0.1
gen 200 3 1000 >arc/2.ndjson
hs-replay --name r2 --checkpoint ck arc >out || fail "resume failed"
expect_eq "late file replayed" "$(count_lines out)" 3
sleep 0.1
gen 50 3 1000 >arc/0-late.ndjson
hs-replay --name r2 --checkpoint ck arc >out 2>err || fail "resume failed"
[ -s out ] && fail "late file unexpectedly replayed"
expect_grep "'arc/0-late.ndjson' changed after checkpoint 'ck' but sorts before 'arc/2.ndjson'" err
exit 0
