# SIGTERM while a "concurrency": 4 target has requests in flight to a slow
# receiver (500 ms each): the requests in flight finish, what waits is
# dead-lettered as "shutdown" once --drain-timeout passes, the tool exits
# 143 soon after, and every event is either delivered or dead-lettered,
# exactly once.
# hs-test: serial (bounds elapsed time)
. "$HS_TESTS/cli/hs-fanout/http.sh"
http_receiver --log got --delay 0.5 --inflight inflight
cat >rules.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":["file:ok.ndjson",
             {"uri":"http://127.0.0.1:$port/in","concurrency":4,
              "retry":{"attempts":100,"max_age":3600}}]}]
X
http_events 60
mkfifo fifo
hs-fanout --stats --dlq dlq.ndjson --drain-timeout 1 --rules rules.json <fifo >out 2>err &
pid=$!
hs_on_exit "kill $pid"
exec 3>fifo
cat in >&3
lines_are() { [ "$(count_lines "$1" 2>/dev/null)" = "$2" ]; }
wait_for 10 lines_are ok.ndjson 60 || fail "file target not delivered"
in_flight() { [ "$(cat inflight 2>/dev/null)" -ge 2 ]; }
wait_for 10 in_flight || fail "never 2 requests in flight"
kill -TERM $pid
start=$(date +%s)
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq "exit status" "$rc" 143
# the bound: the drain time, one request's timeout (5 s) and slack
[ $(($(date +%s) - start)) -le 10 ] || fail "drain not bounded"
{
	cat got
	dlq_events dlq.ndjson
} | sort >both.sorted
expect_file_eq both.sorted in.sorted
[ -s dlq.ndjson ] || fail "nothing dead-lettered: 60 requests of 500 ms, 4 at a time, in 1 s?"
expect_grep '"exhausted":"shutdown"' dlq.ndjson
delivered=$(count_lines got)
dead=$(count_lines dlq.ndjson)
expect_grep "target:http://127.0.0.1:$port/in=60/$delivered/$dead" err
echo "report: SIGTERM drain with 4 in flight: $delivered delivered, $dead dead-lettered" >&2
