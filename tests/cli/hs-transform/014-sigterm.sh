# SIGTERM: stop reading, finish and flush what is in flight, exit 143.
mkfifo in
hs-transform --threads 2 --stats '.a' <in >out 2>err &
pid=$!
exec 3>in
echo '{"a":1}' >&3
echo '{"a":2}' >&3
wait_for 5 grep -q '^2$' out || fail "events not flushed while input is idle"
kill -TERM $pid
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq "exit status" "$rc" 143
expect_eq "lines" "$(count_lines out)" 2
expect_grep 'in=2 out=2' err
