# SIGTERM with a slow, failing target: the tool drains for at most
# --drain-timeout, dead-letters what is left (exhausted "shutdown" or the
# retry limit) and exits 143; nothing is lost.
# hs-test: serial (bounds elapsed time)
python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >port 2>/dev/null ||
	skip "no python3"
cat >rules.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":["file:ok.ndjson",
             {"uri":"http://127.0.0.1:$(cat port)/","retry":{"attempts":1000,"max_age":3600},"timeout":1}]}]
X
mkfifo fifo
hs-fanout --stats --dlq dlq.ndjson --drain-timeout 1 --rules rules.json <fifo >out 2>err &
pid=$!
hs_on_exit "kill $pid"
exec 3>fifo
i=0
while [ $i -lt 20 ]; do echo "{\"n\":$i}" >&3; i=$((i + 1)); done
lines_are() { [ "$(count_lines "$1" 2>/dev/null)" = "$2" ]; }
wait_for 5 lines_are ok.ndjson 20 || fail "file target not delivered"
kill -TERM $pid
start=$(date +%s)
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq "exit status" "$rc" 143
[ $(($(date +%s) - start)) -le 5 ] || fail "drain not bounded"
expect_eq "dead letters" "$(count_lines dlq.ndjson)" 20
expect_grep '"exhausted":"shutdown"' dlq.ndjson
