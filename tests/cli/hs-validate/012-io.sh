# /dev/full, | head -n1, SIGTERM mid-stream, a missing final newline.
echo '{"type":"object"}' >s.json
printf '{"a":1}\n{"a":2}' >in
hs-validate --schema s.json in >out
expect_eq "last line without newline" "$(count_lines out)" 2
if [ -w /dev/full ]; then
	expect_exit 3 hs-validate --schema s.json in >/dev/full 2>err
	expect_grep 'write error on stdout' err
fi
i=0
while [ $i -lt 20000 ]; do echo '{"n":1}'; i=$((i + 1)); done >many
hs-validate --schema s.json many 2>err | head -n1 >out
expect_eq "first line" "$(cat out)" '{"n":1}'
[ ! -s err ] || fail "stderr not empty: $(cat err)"
mkfifo fifo
hs-validate --schema s.json --stats <fifo >out2 2>err2 &
pid=$!
exec 3>fifo
echo '{"a":1}' >&3
echo '{"a":2}' >&3
wait_for 5 grep -q '"a":2' out2 || fail "events not flushed while input is idle"
kill -TERM $pid
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq "exit status" "$rc" 143
expect_eq "lines" "$(count_lines out2)" 2
