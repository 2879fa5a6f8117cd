# SIGTERM while the input (a FIFO) is idle and still open: the tool stops
# reading, flushes the events it has read, prints --stats, and exits 143
# without waiting for the writer to close the FIFO.
. "$HS_TESTS/cli/all/matrix.sh"

sigterm_case() {
	mkfifo in
	(HS_RUN_EXEC='exec'; run "$1" --stats) <in >out 2>err &
	pid=$!
	# The writer keeps the FIFO open for 6 s and then marks that it
	# closed it: a tool that exits only at end of input is caught.
	( ev 1; ev 2; sleep 6; touch writer-closed ) >in &
	wpid=$!
	# Not waiting for output here (012-idle-flush checks that): one
	# second for the tool to read both events.
	sleep 1
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	closed=0
	[ ! -f writer-closed ] || closed=1
	kill $wpid 2>/dev/null
	[ "$1" = replay ] && known_bug replay "ignores SIGTERM while blocked reading an idle pipe (read restarted), exits only at end of input"
	expect_eq "exited only when the writer closed the FIFO" $closed 0
	expect_eq "exit status" "$rc" 143
	expect_eq "lines" "$(count_lines out)" 2
	grep -q 'stats in=2 out=2 dlq=0 filtered=0' err || fail "stats: $(cat err)"
}
for_each_tool sigterm_case
