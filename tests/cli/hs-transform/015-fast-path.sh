# Identity and select(PATH), select(PATH == LITERAL), select(PATH != ...)
# are answered on the parsed event without libjq (common/jqnative.c, the
# shapes the first fast path took; 016 covers the whole subset).  They must
# agree with jq -c, write selected events byte-identical, and leave
# errors (indexing an array, a string) to libjq with its message; programs
# that only look alike must go through libjq and agree too.
need jq
cat >events <<'JSON'
{"source":"aws.ec2","detail-type":"A","detail":{"state":"RUNNING","n":1,"flag":true,"sub key":{"v":"A"}},"dup":1,"dup":2,"s":"\u0041"}
{"source":"aws.ec2","detail":{"state":"STOPPED","n":1.0,"flag":false,"x":null},"s":"A"}
{"source":"com.shop","detail":{"n":-0.0,"flag":0,"x":[1]},"n":100}
{"source":"x","detail":null,"n":1e2}
{"detail":{"n":0,"big":12345678901234567890,"flag":"","state":{"x":1}},"dup":2,"dup":1}
{"detail":"a string","s":"a"}
[1,2,3]
"just a string"
null
{ "source" : "aws.ec2" , "detail" : { "state" : "RUNNING" , "n" : 2 } }
{"detail":{"sub key":{"v":"\u0041"}},"detail-type":"A","s":"\u00e9"}
{"s":"é","detail":{"state":"x\"y"}}
JSON
cat >programs <<'JQ'
.
  .  
select(.source == "aws.ec2")
select( .source=="aws.ec2" )
select(.detail.state == "RUNNING")
select(.detail.state != "RUNNING")
select(.detail.n == 1)
select(.detail.n == 1.0)
select(.detail.n == -0)
select(.detail.n == 0)
select(.detail.n != 0)
select(.n == 1e2)
select(.n == 100)
select(.detail.flag)
select(.detail.flag == false)
select(.detail.flag == true)
select(.detail.x == null)
select(.detail.x != null)
select(.detail)
select(."detail-type" == "A")
select(.detail."sub key".v == "A")
select(.dup == 2)
select(.dup == 1)
select(.s == "A")
select(.s == "a")
select(.missing.deeper == null)
select(.detail.big == 12345678901234567890)
select(.detail.state.x == 1)
select(.detail.items == [])
select(.source == "aws.ec2" and .detail.n == 1)
select(.detail.state | startswith("R"))
select(.s == "\u00e9")
select(.detail.state == "x\"y")
select(.source == "aws.ec2") | .detail
select(.detail.n == 1) # comment
JQ
n=0
while IFS= read -r prog; do
	n=$((n + 1))
	jq -c "$prog" events >want 2>jqerr || :
	for j in 1 2; do
		rm -f dlq
		hs-transform --threads $j --dlq dlq "$prog" events >got 2>err && rc=0 || rc=$?
		jq -c . got >got.norm ||
			fail "program $n ($prog) -j $j: output is not JSON"
		cmp -s want got.norm || {
			diff want got.norm | head -10 >&2
			fail "program $n differs from jq -c (-j $j): $prog"
		}
		nerr=$(grep -c '^jq: error' jqerr) || :
		ndlq=0
		[ -f dlq ] && ndlq=$(count_lines dlq)
		expect_eq "program $n ($prog) -j $j dead letters" "$ndlq" "$nerr"
		if [ "$nerr" -gt 0 ]; then
			expect_eq "program $n -j $j exit" "$rc" 1
			sed -n 's/^jq: error (at [^)]*): //p' jqerr >want.msg
			jq -r .message dlq >got.msg
			cmp -s want.msg got.msg ||
				fail "program $n: messages $(cat got.msg), jq: $(cat want.msg)"
		else
			expect_eq "program $n ($prog) -j $j exit" "$rc" 0
		fi
	done
	# An unchanged event leaves byte-identical: its line is in the input.
	case $prog in *'|'*) continue ;; esac
	if grep -Fxvf events got >stray; then
		fail "program $n ($prog): output lines not in the input: $(cat stray)"
	fi
done <programs
[ "$n" -ge 30 ] || fail "only $n programs"
