# exec: a child that never reads and never exits does not hang the tool.
# At end of input its stdin is closed and, once it has read nothing for
# --drain-timeout, it is stopped (SIGTERM, then SIGKILL) and what it did
# not finish is dead-lettered naming the timeout; after SIGTERM the tool
# ends within the drain timeout.  timeout(1) only guards against a hang.
# hs-test: serial (bounds elapsed time)
cat >child.sh <<'X'
echo $$ >>child.pids
exec sleep 1000
X
cat >rules.json <<'X'
[{"name":"r","pattern":{"n":[{"exists":true}]},"targets":["exec:sh child.sh"]}]
X
hs_on_exit 'for p in $(cat child.pids); do kill $p; done'
i=0
while [ $i -lt 5 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >in
rc=0
timeout -k 5 20 hs-fanout --stats --dlq dlq.ndjson --drain-timeout 1s \
	--rules rules.json in >out 2>err || rc=$?
[ "$rc" != 124 ] && [ "$rc" != 137 ] || fail "hs-fanout hung at end of input"
expect_eq "exit status" "$rc" 1
expect_grep "target:exec:sh child.sh=5/0/5" err
expect_eq "dead letters" "$(count_lines dlq.ndjson)" 5
expect_eq "naming the timeout" \
	"$(grep -c '"error_code":"child_timeout".*drain timeout (1s)' dlq.ndjson)" 5
# SIGTERM while the input is still open
rm -f dlq.ndjson child.pids
mkfifo fifo
hs-fanout --stats --dlq dlq.ndjson --drain-timeout 1s \
	--rules rules.json <fifo >out 2>err &
pid=$!
hs_on_exit "kill $pid"
exec 3>fifo
cat in >&3
# the child starts with the first event routed to it
wait_for 10 test -s child.pids || fail "no child started"
kill -TERM $pid
# its last words are the stats line
wait_for 20 grep -q 'stats in=' err || fail "hs-fanout ignored SIGTERM"
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq "exit status" "$rc" 143
n=$(sed -n 's/.*stats in=\([0-9]*\) .*/\1/p' err)
[ "${n:-0}" -ge 1 ] || fail "no stats: $(cat err)"
expect_grep "target:exec:sh child.sh=$n/0/$n" err
expect_eq "dead letters" "$(count_lines dlq.ndjson)" "$n"
