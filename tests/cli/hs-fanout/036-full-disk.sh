# A full disk under a file target (issue 16 item 5), made for real with
# RLIMIT_FSIZE (ulimit -f, SIGXFSZ ignored: a write past the limit stops
# short, then fails with EFBIG), no root needed.  The write that fails
# is cut back, so the file holds only whole lines (plain) or whole frames
# (.zst), exactly the events counted delivered; the others are dead-
# lettered once (delivered + dead = routed).  A second run appends, and
# its first event is whole.  The dead letters go through a FIFO, which
# the limit does not bind.
. "$HS_TESTS/cli/lib.sh"
need jq zstd hs-replay

awk 'BEGIN { for (i = 0; i < 2000; i++)
	printf "{\"source\":\"a\",\"n\":%d,\"pad\":\"%0*d\"}\n", i, 40 + i % 37, i }' >in
tail -n 3 in >more
# poorly compressible events for the .zst target
awk 'BEGIN { srand(7); for (i = 0; i < 2000; i++) {
	s = ""; for (j = 0; j < 12; j++) s = s sprintf("%08x", int(rand() * 4294967296))
	printf "{\"source\":\"a\",\"n\":%d,\"pad\":\"%s\"}\n", i, s } }' >zin
mkfifo dlq.fifo

# run PATH LIMIT: hs-fanout into file:PATH under ulimit -f LIMIT (or
# unlimited); dead letters in dlq, stderr in err, the exit status in rc
run() {
	printf '[{"name":"r","pattern":{"source":["a"]},"targets":["file:%s"]}]\n' \
		"$1" >rules.json
	cat dlq.fifo >dlq &
	cat_pid=$!
	rc=0
	(ulimit -f "$2" && trap '' XFSZ &&
		exec hs-fanout --rules rules.json --stats --dlq dlq.fifo "$3") \
		2>err || rc=$?
	wait $cat_pid
}

# delivered/dead of the target in the --stats line of err
counts() {
	sed -n 's/.*target:file:[^=]*=\([0-9]*\)\/\([0-9]*\)\/\([0-9]*\).*/\1 \2 \3/p' err
}

# check_plain ROUTED FILE: the counts add up and FILE holds only the
# delivered events, each a whole line
check_plain() {
	want=$1 file=$2
	set -- $(counts)
	expect_eq "routed" "$1" "$want"
	expect_eq "delivered + dead" $(($2 + $3)) "$1"
	expect_eq "dead letters" "$(count_lines dlq)" "$3"
	expect_eq "lines in the file" "$(count_lines "$file")" "$2"
	expect_eq "last byte" "$(tail -c 1 "$file" | od -An -c | tr -d ' ')" '\n'
	jq -c . "$file" >/dev/null 2>jq.err || fail "a line does not parse: $(cat jq.err)"
}

# plain: the limit is hit (some events dead-lettered), no torn line
run p.ndjson 64 in
[ "$rc" = 75 ] || fail "exit $rc, want 75: $(cat err)"
check_plain 2000 p.ndjson
set -- $(counts)
[ "$3" -gt 0 ] || fail "the limit was not hit: $(cat err)"
d1=$2
# each event is in the file, whole, or in a dead letter, once
! grep -Fvx -f in p.ndjson >/dev/null || fail "a line not sent: $(grep -Fvx -f in p.ndjson | head -3)"
{ jq .n p.ndjson; jq .event.n dlq; } | sort -n >got
seq 0 1999 >want
expect_file_eq got want
# a second run appends whole lines after them
run p.ndjson unlimited more
[ "$rc" = 0 ] || fail "second run: exit $rc: $(cat err)"
expect_no_grep "torn" err
expect_eq "lines after the second run" "$(count_lines p.ndjson)" $((d1 + 3))
jq -c . p.ndjson >/dev/null 2>jq.err || fail "after the second run: $(cat jq.err)"
tail -n 3 p.ndjson >got
expect_file_eq got more

# .zst: whole frames only, hs-replay reads every delivered event
run z.ndjson.zst 64 zin
[ "$rc" = 75 ] || fail "zst: exit $rc, want 75: $(cat err)"
set -- $(counts)
expect_eq "zst delivered + dead" $(($2 + $3)) 2000
[ "$3" -gt 0 ] || fail "zst: the limit was not hit: $(cat err)"
z1=$2
expect_eq "zst dead letters" "$(count_lines dlq)" "$3"
zstd -t -q z.ndjson.zst 2>zerr || fail "zst: torn frame: $(cat zerr)"
hs-replay --untimed include z.ndjson.zst >out 2>rerr || fail "hs-replay: $(cat rerr)"
expect_eq "zst replayed" "$(count_lines out)" "$z1"
run z.ndjson.zst unlimited more
[ "$rc" = 0 ] || fail "zst second run: exit $rc: $(cat err)"
zstd -t -q z.ndjson.zst 2>zerr || fail "zst after the second run: $(cat zerr)"
hs-replay --untimed include z.ndjson.zst >out 2>rerr || fail "hs-replay: $(cat rerr)"
expect_eq "zst replayed after the second run" "$(count_lines out)" $((z1 + 3))
tail -n 3 out >got
expect_file_eq got more
exit 0
