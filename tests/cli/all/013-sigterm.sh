# SIGTERM while the input (a FIFO) is idle and still open: the tool reads
# on for --drain-timeout (1 s here, 10 s by default: hs(7)), then stops,
# flushes the events it has read, prints --stats, and exits 143 without
# waiting for the writer to close the FIFO.
. "$HS_TESTS/cli/all/matrix.sh"

sigterm_case() {
	mkfifo in
	(HS_RUN_EXEC='exec'; run "$1" --stats --drain-timeout 1) <in >out 2>err &
	pid=$!
	# The writer holds the FIFO open until it is killed.
	( ev 1; ev 2; exec sleep 1000 ) >in &
	wpid=$!
	# Both events read: they show on stdout once input is idle.  hs-replay
	# holds them (012-idle-flush), so for it two seconds must do.
	if [ "$1" = replay ]; then
		sleep 2
	else
		wait_for 30 grep -q '"n":2' out || fail "events never written"
	fi
	kill -TERM $pid
	# A watchdog closes the FIFO after 10 s and says so: a tool that
	# exits only at end of input is caught, and the test goes on.
	( sleep 10; [ -f tool-done ] || { touch writer-closed; kill $wpid; } ) &
	rc=0
	wait $pid || rc=$?
	touch tool-done
	kill $wpid 2>/dev/null
	closed=0
	[ ! -f writer-closed ] || closed=1
	expect_eq "exited only when the writer closed the FIFO" $closed 0
	expect_eq "exit status" "$rc" 143
	expect_eq "lines" "$(count_lines out)" 2
	grep -q 'stats in=2 out=2 dlq=0 filtered=0' err || fail "stats: $(cat err)"
}
for_each_tool sigterm_case
