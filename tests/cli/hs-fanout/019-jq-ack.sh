# --ack with jq targets: a program decides how many copies an event
# becomes (several outputs to stdout, none, a jq error dead-lettered), and
# the acknowledgements still add up per event: the '-' lines hs-fanout
# writes plus the copies it hands on through stdout equal 1 plus the
# units it announced with '+'.  No event is acknowledged twice or never.
mkfifo ackfifo
cat ackfifo >acks &
reader=$!
hs_on_exit "kill $reader"
cat >rules.json <<'X2'
[{"name":"all","pattern":{"source":[{"prefix":""}]},
  "targets":[{"uri":"-","jq":".hs.kafka.offset as $o | .detail.items[] | {o: $o, v: .}"}]},
 {"name":"b","pattern":{"source":["b"]},
  "targets":[{"uri":"file:sel.ndjson","jq":"select(.detail.items | length > 1)"},
             {"uri":"file:math.ndjson","jq":".detail.items[0] + 1"},
             {"uri":"-","jq":"empty"}]}]
X2
i=0
for items in '[1,2,3]' '[]' '["x",1]' '[4]' '[]' '[5,6]'; do
	src=b
	[ $i = 3 ] || [ $i = 4 ] && src=a
	printf '{"source":"%s","detail":{"items":%s},"hs":{"kafka":{"topic":"t","partition":0,"offset":%d}}}\n' \
		$src "$items" $i
	i=$((i + 1))
done >in
echo '{"nosource":1,"hs":{"kafka":{"topic":"t","partition":0,"offset":6}}}' >>in
hs-fanout --ack ackfifo --dlq dlq --stats --rules rules.json in >out 2>err && _st=0 || _st=$?
expect_eq "exit (one jq error)" "$_st" 1
wait $reader
expect_eq "dead letters" "$(jq -r '"\(.reason) \(.details.target) \(.event.hs.kafka.offset)"' dlq)" \
	"jq_error file:math.ndjson 2"
expect_eq "stdout copies" "$(count_lines out)" 8
# per offset: minus + copies on stdout == 1 + plus
awk '$1 == "-" { m[$4]++ } $1 == "+" { p[$4] += $5 }
     END { for (o = 0; o < 7; o++) print o, m[o] + 0, p[o] + 0 }' acks >counts
sed -n 's/^{"o":\([0-9]*\),.*/\1/p' out | sort | uniq -c |
	awk '{ print $2, $1 }' >copies
while read -r o m p; do
	c=$(awk -v o="$o" '$1 == o { print $2 }' copies)
	c=${c:-0}
	expect_eq "offset $o: $m minus + $c copies vs 1 + $p plus" \
		$((m + c)) $((1 + p))
	[ "$m" -le 1 ] || fail "offset $o acknowledged $m times"
done <counts
# all but 3, whose one copy went on through stdout; 6 matched no rule
expect_eq "acknowledged offsets" "$(awk '$1 == "-" { print $4 }' acks | sort | tr '\n' ' ')" \
	"0 1 2 4 5 6 "
expect_grep 'target:-=8/8/0/2 ' err
expect_grep 'target:file:sel.ndjson=3/3/0/1 ' err
expect_grep 'target:file:math.ndjson=4/3/1/0 ' err
expect_grep 'target:-=0/0/0/4 ' err
