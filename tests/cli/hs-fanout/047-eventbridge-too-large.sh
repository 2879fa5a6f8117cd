# An entry over the bus's limit (256 KB by default, counted as
# EventBridge documents it: Source, DetailType, Detail and each resource
# in UTF-8 bytes, Time 14) is never sent: it is dead-lettered as
# too_large with a message naming hs-claimcheck put, and the events
# around it are delivered.  An eventbridge:// target's max_entry_size
# sets the limit: an entry of exactly the limit goes, one byte more not
# (these runs find the receiver through --endpoint-url, not the
# environment).
. "$HS_TESTS/cli/hs-fanout/aws.sh"
aws_receiver
python3 - <<'P'
import json
big = {"source": "shop", "detail-type": "order", "detail": {"n": 1, "pad": "x" * 262144}}
with open("in", "w") as f:
    for n in (0, 2):
        f.write(json.dumps({"source": "shop", "detail-type": "order", "detail": {"n": n}}, separators=(",", ":")) + "\n")
        if n == 0:
            f.write(json.dumps(big, separators=(",", ":")) + "\n")
P
cat >rules.json <<'R'
[{"name":"orders","pattern":{"source":["shop"]},"targets":["eventbridge://orders?region=eu-west-1"]}]
R
hs-fanout --rules rules.json --dlq dlq.ndjson in 2>err && rc=0 || rc=$?
expect_eq "exit (some dead-lettered)" "$rc" 1
expect_eq "delivered" "$(rec_ns | tr '\n' ' ')" "0 2 "
expect_eq "requests" "$(count_lines reqs)" 1
expect_eq "dead letters" "$(count_lines dlq.ndjson)" 1
expect_grep '"reason":"too_large","message":"entry of 262169 bytes is over the bus.s limit of 262144 bytes; store the event with .hs-claimcheck put. and send its claim instead"' dlq.ndjson

# {"n":0} is 7 bytes of detail, "shop" 4 and "order" 5: 16 in all
rm -f rec reqs dlq.ndjson
unset AWS_ENDPOINT_URL
ep="--endpoint-url=http://127.0.0.1:$port"
head -n 1 in >small
sed 's/?region=eu-west-1/?region=eu-west-1\&max_entry_size=16/' rules.json >r16.json
sed 's/?region=eu-west-1/?region=eu-west-1\&max_entry_size=15/' rules.json >r15.json
hs-fanout "$ep" --rules r16.json --dlq dlq.ndjson small 2>err || fail "exit $?: $(cat err)"
expect_eq "at the limit" "$(rec_ns)" 0
hs-fanout "$ep" --rules r15.json --dlq dlq.ndjson small 2>err && rc=0 || rc=$?
expect_eq "exit" "$rc" 1
expect_eq "over the limit" "$(count_lines dlq.ndjson)" 1
expect_grep '"entry of 16 bytes is over the bus.s limit of 15 bytes' dlq.ndjson
expect_exit 2 hs-fanout --rules /dev/stdin small <<'R' 2>err
[{"name":"o","pattern":{"source":["shop"]},"targets":["eventbridge://orders?max_entry_size=0"]}]
R
expect_grep "max_entry_size is bytes" err
