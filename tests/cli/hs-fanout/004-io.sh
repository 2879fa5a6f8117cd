# >/dev/full reports and exits 3; | head -n1 ends quietly; SIGTERM stops
# reading and exits 143 with what was read written out.
i=0
while [ $i -lt 20000 ]; do echo '{"n":1}'; i=$((i + 1)); done >in
hs-fanout --pattern '{"n":[1]}' in 2>err | head -n1 >out
expect_eq "first line" "$(cat out)" '{"n":1}'
[ ! -s err ] || fail "stderr not empty: $(cat err)"
if [ -w /dev/full ]; then
	printf '{"n":1}\n' >small
	expect_exit 3 hs-fanout --pattern '{"n":[1]}' small >/dev/full 2>err
	expect_grep 'No space left on device' err
fi
mkfifo fifo
hs-fanout --stats --pattern '{"n":[1]}' <fifo >out 2>err &
pid=$!
hs_on_exit "kill $pid"
exec 3>fifo
echo '{"n":1}' >&3
echo '{"n":2}' >&3
echo '{"n":1}' >&3
lines_are() { [ "$(count_lines "$1" 2>/dev/null)" = "$2" ]; }
wait_for 5 lines_are out 2 || fail "events not flushed while input is idle"
kill -TERM $pid
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq "exit status" "$rc" 143
expect_grep 'in=3 out=2 dlq=0 filtered=1' err
