#!/bin/sh
# --pattern keeps matching events (inline or @FILE), counted as filtered
# otherwise; the archive rule pattern keeps replays out.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"

gen 0 20 1000 >a.ndjson
hs-replay --stats --pattern '{"detail":{"n":[{"numeric":[">=",15]}]}}' a.ndjson >out 2>err
expect_eq "matched" "$(ids out | tr '\n' ' ')" "15 16 17 18 19 "
expect_grep 'filtered=15 .*unmatched=15' err
echo '{"id":["e3","e7"]}' >p.json
hs-replay --pattern @p.json --from "$(ms_of 5 1000)" a.ndjson >out
expect_eq "@FILE and window" "$(ids out)" 7
# what an archive rule with "replay-name":[{"exists":false}] would keep
hs-replay --name r1 a.ndjson >replayed
cat a.ndjson replayed >mixed
hs-replay --pattern '{"replay-name":[{"exists":false}]}' mixed >out
expect_file_eq out a.ndjson
exit 0
