#!/bin/sh
# The progress line: with --progress on a pipe, redrawn in place (\r)
# every quarter second with events read and written, megabytes, the
# position in the window, the rate and the time left, and ended by a
# newline; on a terminal (script(1)) without --progress too, and never
# with -q or on a pipe without --progress.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"

gen 0 1500 1000 >arc.ndjson
hs-replay --progress --rate 1000/s --from "$(ms_of 0 1000)" \
	--to "$(ms_of 1500 1000)" arc.ndjson >out 2>err || fail "replay failed"
expect_eq "events" "$(count_lines out)" 1500
tr '\r' '\n' <err | sed '/^$/d' >lines
n=$(count_lines lines)
[ "$n" -ge 4 ] || fail "only $n progress lines in 1.5 s"
[ "$n" -le 12 ] || fail "$n progress lines in 1.5 s: not redrawn every 0.25 s"
expect_eq "one newline, at the end" "$(grep -c '' err)" 1
[ "$(tail -c 1 err | od -An -c | tr -d ' ')" = '\n' ] || fail "not ended by a newline"
re='^hs-replay: [0-9]+ events, [0-9]+ written, [0-9]+\.[0-9] MB, [0-9]+\.[0-9]% [0-9]+/s( eta [0-9]+:[0-9][0-9])? *$'
bad=$(grep -Ev "$re" lines | head -1)
[ -z "$bad" ] || fail "bad progress line: '$bad'"
grep -q ' eta ' lines || fail "no time left shown"
expect_grep '^hs-replay: 1500 events, 1500 written, 0\.[0-9] MB, 100\.0% [0-9]*/s *$' lines
# the position in the window grows
awk '{ p = $7 + 0; if (p < last) exit 1; last = p }' lines || fail "position went back"

hs-replay arc.ndjson >out 2>err
[ -s err ] && fail "progress on a pipe without --progress"
hs-replay -q --progress arc.ndjson >out 2>err
expect_grep 'written' err

command -v script >/dev/null 2>&1 || skip "no script(1) for a terminal"
HS_REPLAY=$(command -v hs-replay)
script -qc "$HS_REPLAY arc.ndjson >out" /dev/null >tty.out </dev/null
expect_grep 'hs-replay: 1500 events, 1500 written' tty.out
script -qc "$HS_REPLAY -q arc.ndjson >out" /dev/null >tty.out </dev/null
expect_no_grep 'written' tty.out
exit 0
