#!/bin/sh
# Killed mid-run with SIGKILL, a rerun with the same --checkpoint goes on
# after the last checkpointed event: no gap, and no more repeats than one
# batch (0.5 s of output: 500 events at 1000/s, plus slack); plain and
# zstd.  A finished checkpoint replays nothing; appended events and new
# rotated files are picked up by the next run, as under cron.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"
need zstd

gen 0 3000 10 >all
split -l 1000 all part.
mkdir arc
cp part.aa arc/1.ndjson
zstd -q -c part.ab >arc/2.ndjson.zst
for p in $(split -l 100 part.ac sub. && echo sub.*); do zstd -q -c "$p"; done >arc/3.ndjson.zst

for kill_after in 0.7 1.6 2.5; do
	rm -f ck out1 out2
	hs-replay --rate 1000/s --checkpoint ck arc >out1 &
	pid=$!
	sleep "$kill_after"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || : # killed
	[ -s ck ] || fail "no checkpoint after $kill_after s"
	hs-replay --checkpoint ck arc >out2 || fail "resume failed"
	n1=$(count_lines out1)
	first=$(head -1 out2 | sed 's/.*"id":"e\([0-9]*\)".*/\1/')
	# out1 is a prefix of all, out2 is the rest from some event on
	head -n "$n1" all | cmp -s - out1 || fail "first run output is not a prefix"
	tail -n "+$((first + 1))" all | cmp -s - out2 || fail "resume at e$first is not the rest"
	[ "$first" -le "$n1" ] || fail "gap: first run wrote $n1, resume starts at e$first"
	rep=$((n1 - first))
	[ "$rep" -le 600 ] || fail "$rep events repeated after a kill at $kill_after s"
done

hs-replay --checkpoint ck arc >out || fail "rerun failed"
[ -s out ] && fail "a finished replay replayed again"
gen 3000 5 10 >>arc/1.ndjson.new # not an archive name: ignored
gen 3000 10 10 | zstd -q -c >arc/4.ndjson.zst
hs-replay --checkpoint ck arc >out
expect_eq "new file" "$(ids out | tr '\n' ' ')" "3000 3001 3002 3003 3004 3005 3006 3007 3008 3009 "
gen 3010 2 10 | zstd -q -c >>arc/4.ndjson.zst
hs-replay --checkpoint ck arc >out
expect_eq "appended frame" "$(ids out | tr '\n' ' ')" "3010 3011 "
hs-replay --checkpoint ck --reset arc >out
expect_eq "--reset" "$(count_lines out)" 3012
exit 0
