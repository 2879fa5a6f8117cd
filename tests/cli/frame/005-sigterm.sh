# SIGTERM with the writer still holding a pipe open: the tool keeps
# reading for --drain-timeout, then stops, flushes what it has, exits 143.
# hs-test: serial (bounds elapsed time)
mkfifo in
hs-validate --stats --drain-timeout 1 <in >out 2>err &
pid=$!
exec 3>in
echo '{"a":1}' >&3
echo '{"a":2}' >&3
wait_for 5 grep -q '"a":2' out || fail "events not flushed while input is idle"
kill -TERM $pid
sleep 0.3
echo '{"a":3}' >&3 # still read: the drain has not timed out
start=$(date +%s%N)
rc=0
wait $pid || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
exec 3>&-
expect_eq "exit status" "$rc" 143
expect_eq "lines" "$(count_lines out)" 3
expect_grep 'in=3 out=3' err
[ "$ms" -lt 3000 ] || fail "drain took $ms ms, limit 1 s"
