# Reading a file, a stop signal ends reading at once (no drain): the
# tool exits 143 having written only part of the file.
i=0
while [ $i -lt 300000 ]; do echo '{"n":1}'; i=$((i + 1)); done >big
{
	hs-validate big &
	echo $! >pid
	wait $! || echo $? >rc
} | {
	sleep 0.5 # the tool is now blocked writing into a full pipe
	kill -TERM "$(cat pid)"
	wc -l >count
}
expect_eq "exit status" "$(cat rc 2>/dev/null)" 143
[ "$(cat count)" -lt 300000 ] || fail "read the whole file after SIGTERM"
[ "$(cat count)" -gt 0 ] || fail "wrote nothing"
