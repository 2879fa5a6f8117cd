# http with "concurrency": 8: 500 and 429 answers are retried per request
# while the other requests go on; a 429's Retry-After holds back only
# that request's retry, and every event arrives exactly once, none
# dead-lettered.  NDJSON batches (batch 4) behave the same.
. "$HS_TESTS/cli/hs-fanout/http.sh"
http_events 40

http_receiver --log got --fail 4 --throttle 4 --retry-after 0.5 --delay 0.1 \
	--journal journal --inflight inflight
cat >rules.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/in","concurrency":8,
              "retry":{"attempts":5}}]}]
X
hs-fanout --stats --dlq dlq.ndjson --rules rules.json in 2>err ||
	fail "exit $?: $(cat err)"
[ ! -s dlq.ndjson ] || fail "dead letters: $(head -c 400 dlq.ndjson)"
sort got >got.sorted
expect_file_eq got.sorted in.sorted
expect_eq "rejected answers" "$(count_lines got.rejected)" 8
expect_grep "target:http://127.0.0.1:$port/in=40/40/0" err
[ "$(cat inflight)" -gt 1 ] || fail "one request at a time"
# each throttled event's next request started no sooner than Retry-After
# (0.5 s) after its 429 was answered; the journal is in answer order
awk '$3 == 429 {end[$4] = $2; next}
     ($4 in end) && !($4 in seen) {seen[$4] = 1; gap = $1 - end[$4]
	printf "%.3f\n", gap; if (gap < 0.49) bad++}
     END {exit bad > 0}' journal >gaps || fail "a retry came before Retry-After: $(tr '\n' ' ' <gaps)"
expect_eq "throttled events retried" "$(count_lines gaps)" 4
echo "report: Retry-After 0.5 s under concurrency 8, retry gaps: $(sort -n gaps | tr '\n' ' ')" >&2
http_receiver_stop

# batches of 4 events as NDJSON bodies, 4 in flight, the first 3 failing
http_receiver --log gotb --fail 3 --delay 0.1 --inflight inflightb
cat >rulesb.json <<X
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/in","concurrency":4,"batch":4,
              "retry":{"attempts":5}}]}]
X
hs-fanout --stats --rules rulesb.json in 2>errb || fail "exit $?: $(cat errb)"
sort gotb >gotb.sorted
expect_file_eq gotb.sorted in.sorted
expect_grep "target:http://127.0.0.1:$port/in=40/40/0" errb
[ "$(cat inflightb)" -le 4 ] || fail "$(cat inflightb) batches in flight, want at most 4"
