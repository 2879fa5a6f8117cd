# http: "concurrency": 8 keeps up to 8 requests of one target in flight.
# A receiver that takes 200 ms per request sees more than one at a time
# and never more than 8; every event arrives exactly once, over at most 8
# kept-alive connections.  Without "concurrency" (1) the receiver sees one
# request at a time and the input's order; a bad value is refused.
. "$HS_TESTS/cli/hs-fanout/http.sh"
http_events 64

http_receiver --log got --delay 0.2 --inflight inflight --peers peers
cat >rules.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/in","concurrency":8}]}]
X
hs-fanout --stats --rules rules.json in 2>err || fail "exit $?: $(cat err)"
sort got >got.sorted
expect_file_eq got.sorted in.sorted
expect_eq "requests" "$(count_lines peers)" 64
expect_grep "target:http://127.0.0.1:$port/in=64/64/0" err
max=$(cat inflight)
[ "$max" -gt 1 ] || fail "at most $max request in flight at once, want more than 1"
[ "$max" -le 8 ] || fail "$max requests in flight at once, want at most 8"
conns=$(awk '{print $1}' peers | sort -u | wc -l)
[ "$conns" -le 8 ] || fail "$conns connections for concurrency 8"
echo "report: concurrency 8, 200 ms per request: $max in flight at most, 64 requests over $conns connections" >&2
http_receiver_stop

# the default, one at a time: order kept, one connection
http_receiver --log got1 --delay 0.01 --inflight inflight1 --peers peers1
cat >rules1.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":["http://127.0.0.1:$port/in"]}]
X
hs-fanout --rules rules1.json in 2>err1 || fail "exit $?: $(cat err1)"
expect_file_eq got1 in
expect_eq "in flight at once" "$(cat inflight1)" 1
expect_eq "connections" "$(awk '{print $1}' peers1 | sort -u | wc -l | tr -d ' ')" 1

for bad in 0 1.5 1001 '"4"'; do
	sed "s/\"concurrency\":8/\"concurrency\":$bad/" rules.json >bad.json
	expect_exit 2 hs-fanout --rules bad.json in 2>bad.err
	expect_grep "rule 'r': concurrency must be a whole number from 1 to 1000" bad.err
done
