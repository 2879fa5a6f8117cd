# Retry-After in both of RFC 9110's forms: an HTTP date is honoured (the
# retry waits until that time), and a long delay is honoured within the
# target's maximum age: when waiting would pass it, the event is
# dead-lettered at once (exhausted MaximumEventAgeInSeconds) instead of
# being retried early.
. "$HS_TESTS/cli/hs-fanout/http.sh"
http_events 1

# An HTTP date 3 s ahead (whole seconds, so at least 2 s from now).
http_receiver --log got --throttle 1 --retry-after-date 3 --journal journal
cat >rules.json <<X2
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/in","retry":{"attempts":3}}]}]
X2
hs-fanout --dlq dlq.ndjson --rules rules.json in 2>err || fail "exit $?: $(cat err)"
expect_file_eq got in
awk '$3 == 429 {t = $2} $3 == 200 {gap = $1 - t} END {printf "%.3f\n", gap; exit !(gap >= 1.99)}' \
	journal >gap || fail "retried $(cat gap) s after a Retry-After date about 3 s ahead"
http_receiver_stop

# Retry-After: 3600 with a maximum age of 60 s.
http_receiver --log got2 --throttle 1 --retry-after 3600
cat >rules2.json <<X2
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/in",
              "retry":{"attempts":3,"max_age":60}}]}]
X2
expect_exit 75 hs-fanout --dlq dlq2.ndjson --rules rules2.json in 2>err
[ ! -s got2 ] || fail "retried before the asked 3600 s: $(cat got2)"
expect_eq "dead letters" "$(count_lines dlq2.ndjson)" 1
expect_grep '"exhausted":"MaximumEventAgeInSeconds"' dlq2.ndjson
