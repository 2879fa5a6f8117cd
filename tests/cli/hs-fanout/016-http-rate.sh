# http: "rate" spaces a target's requests evenly (API destinations'
# invocation rate limit), per target: a limited and an unlimited target
# of one rule; every request rides one kept-alive connection.
need python3
python3 "$HS_TESTS/services/http-receiver.py" --port-file port --log got \
	--peers peers 2>receiver.err &
rpid=$!
hs_on_exit "kill $rpid"
wait_for 10 test -s port || fail "receiver did not start"
port=$(cat port)
cat >rules.json <<X2
[{"name":"r","pattern":{"n":[{"exists":true}]},
  "targets":[{"uri":"http://127.0.0.1:$port/slow","rate":20},
             "http://127.0.0.1:$port/fast"]}]
X2
i=0
while [ $i -lt 30 ]; do echo "{\"n\":$i}"; i=$((i + 1)); done >in
hs-fanout --stats --rules rules.json in 2>err || fail "exit $?: $(cat err)"
expect_eq "delivered" "$(count_lines got)" 60
expect_grep "target:http://127.0.0.1:$port/slow=30/30/0" err
# 30 requests at 20/s: 29 gaps of 50 ms, so about 1.45 s from first to last
awk '{print $1}' peers | sort | uniq -c | sort -n >conns
expect_eq "connections" "$(count_lines conns)" 2
span() { awk -v p="$1" '$1 == p {t[n++] = $2} END {printf "%.2f %d\n", t[n-1] - t[0], n}' peers; }
set -- $(awk '{print $2}' conns)
s1=$(span "$1")
s2=$(span "$2")
echo "report: spans (seconds, requests) per connection: $s1; $s2" >&2
ok=0
for s in "$s1" "$s2"; do
	set -- $s
	awk -v t="$1" 'BEGIN {exit !(t >= 1.3 && t <= 4)}' && ok=$((ok + 1))
done
expect_eq "one rate-limited connection over 1.3-4 s" "$ok" 1
