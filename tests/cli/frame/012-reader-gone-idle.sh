# The reader of stdout goes away while input is idle (a fifo kept open,
# nothing more to write): the tool notices without a write, and ends
# quietly at once with the status of EPIPE (141), not when the next
# input arrives.
gone() { ! kill -0 "$1"; }
for tool in "hs-validate" "hs-transform ."; do
	rm -f in outp first err rc
	mkfifo in outp
	exec 3<>in
	# shellcheck disable=SC2086 # the tool and its program
	{ $tool <in >outp 2>err && echo 0 >rc || echo $? >rc; } &
	pid=$!
	echo '{"first":1}' >&3
	echo '{"second":1}' >&3
	# The last stage reads one line and exits.
	{ read -r l <outp; echo "$l" >first; } || fail "$tool: nothing read"
	wait_for 10 gone $pid || { kill $pid; fail "$tool: still up after its reader left"; }
	exec 3>&-
	expect_eq "$tool: first line" "$(cat first)" '{"first":1}'
	expect_eq "$tool: exit status" "$(cat rc)" 141
	[ ! -s err ] || fail "$tool: stderr not empty: $(cat err)"
done
