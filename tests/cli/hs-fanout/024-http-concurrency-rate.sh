# http: "rate" holds across all the requests a "concurrency": 4 target has
# in flight: 20 requests at 10 per second start over at least 1.9 s
# (19 gaps of 100 ms; 1.7 allowed for clock granularity) even though a
# 300 ms receiver has several of them in flight at once.
. "$HS_TESTS/cli/hs-fanout/http.sh"
http_events 20
http_receiver --log got --delay 0.3 --journal journal --inflight inflight
cat >rules.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/in","concurrency":4,"rate":10}]}]
X
hs-fanout --stats --rules rules.json in 2>err || fail "exit $?: $(cat err)"
sort got >got.sorted
expect_file_eq got.sorted in.sorted
expect_grep "target:http://127.0.0.1:$port/in=20/20/0" err
max=$(cat inflight)
[ "$max" -gt 1 ] && [ "$max" -le 4 ] || fail "$max in flight at once, want 2 to 4"
span=$(sort -n journal | awk 'NR == 1 {a = $1} {b = $1} END {printf "%.2f", b - a}')
echo "report: rate 10/s with concurrency 4: 20 starts over $span s, $max in flight at most" >&2
awk -v s="$span" 'BEGIN {exit !(s >= 1.7)}' || fail "20 requests started within $span s at rate 10"
