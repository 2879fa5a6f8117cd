#!/bin/sh
# Window edges: [from, to), an event exactly at --from is in, one exactly
# at --to is out; RFC 3339 with an offset equals epoch ms; events without
# a usable time are counted and skipped, or included.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"

gen 0 100 1000 >a.ndjson
# events 10..19 are 00:00:10 .. 00:00:19
hs-replay --from 2026-01-01T00:00:10Z --to 2026-01-01T00:00:20Z a.ndjson >out
expect_eq "window" "$(ids out | tr '\n' ' ')" "10 11 12 13 14 15 16 17 18 19 "
hs-replay --from "$(ms_of 10 1000)" --to "$(ms_of 20 1000)" a.ndjson >out2
expect_file_eq out out2
# the same instants with an offset
hs-replay --from 2026-01-01T01:00:10+01:00 --to 2025-12-31T23:00:20-01:00 a.ndjson >out3
expect_file_eq out out3
# one millisecond either way
hs-replay --from "$(($(ms_of 10 1000) + 1))" --to "$(($(ms_of 20 1000) + 1))" a.ndjson >out
expect_eq "shifted" "$(ids out | tr '\n' ' ')" "11 12 13 14 15 16 17 18 19 20 "
# open ends
expect_eq "from only" "$(hs-replay --from "$(ms_of 95 1000)" a.ndjson | wc -l)" 5
expect_eq "to only" "$(hs-replay --to "$(ms_of 5 1000)" a.ndjson | wc -l)" 5

# untimed: no time, a number, a bad string
{
	gen 0 2 1000
	echo '{"id":"u1"}'
	echo '{"id":"u2","time":1767225600000}'
	echo '{"id":"u3","time":"soon"}'
	gen 2 1 1000
} >b.ndjson
hs-replay --stats b.ndjson >out 2>err
expect_eq "skipped untimed" "$(count_lines out)" 3
expect_grep 'filtered=3 .*untimed=3' err
expect_grep '3 events without a usable time were skipped' err
hs-replay --untimed include --from "$(ms_of 1 1000)" b.ndjson >out 2>err
expect_eq "included untimed" "$(grep -c '"u[123]"' out)" 3
expect_eq "window still applies" "$(grep -c '"e0"' out)" 0
expect_grep 'were replayed' err
hs-replay -q b.ndjson >out 2>err
[ -s err ] && fail "-q still reported: $(cat err)"
exit 0
