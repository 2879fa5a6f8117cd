# Events read are written when input goes idle, even without -u (hs(7)
# --unbuffered): a live pipe sees each event promptly.
. "$HS_TESTS/cli/all/matrix.sh"

idle_case() {
	mkfifo in
	(HS_RUN_EXEC='exec'; run "$1") <in >out 2>err &
	pid=$!
	( ev 1; ev 2; sleep 8 ) >in &
	wpid=$!
	ok=0
	wait_for 5 grep -q '"n":2' out && ok=1
	kill $pid $wpid 2>/dev/null
	wait $pid || :
	[ $ok = 1 ] || fail "the events read were not written while input was idle"
}
for_each_tool idle_case
