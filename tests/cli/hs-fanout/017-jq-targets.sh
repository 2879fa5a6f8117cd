# jq-program targets: each target's file holds exactly what `jq -c PROG`
# prints for the same events (several outputs per event, none, errors
# dead-lettered for that target alone while the rule's other targets
# deliver); an output equal to the input is the original line byte for
# byte; numbers libjq cannot hold dead-letter as lossy_number unless
# --allow-lossy-numbers; a program that does not compile refuses the
# rules file (exit 2) naming the rule and target; the AWS shape takes
# the program in HsJq / HsJqFile; --stats counts add up per target.
need jq
printf '%s\n' '[.detail.items[] | {id: .id, v: (.v * 2)}]' >prog.jq
cat >rules.json <<'X2'
[{"name":"ec2","pattern":{"source":["aws.ec2"]},
  "targets":["file:all.ndjson",
             {"uri":"file:ids.ndjson","id":"ids","jq":".detail.items[].id"},
             {"uri":"file:sel.ndjson","jq":"select(.detail.n > 1) | {s: .source, n: .detail.n}"},
             {"uri":"file:math.ndjson","id":"math","jq":".detail.n + 1"},
             {"uri":"file:same.ndjson","jq":"if .detail.n == 2 then . else .detail end"},
             {"uri":"file:file.ndjson","jq_file":"prog.jq"}]}]
X2
cat >in <<'X2'
{"source":"aws.ec2","detail":{"n":1,"items":[{"id":"a","v":1},{"id":"b","v":2.5}]}}
{"source":"aws.ec2",  "detail": {"n": 2.0, "items": []}}
{"source":"aws.s3","detail":{"n":5,"items":[{"id":"z","v":0}]}}
{"source":"aws.ec2","detail":{"n":"three","items":[{"id":"c","v":-1}]}}
{"source":"aws.ec2","detail":{"n":4,"items":[{"id":"d","v":1e3},{"id":"e","v":0.1},{"id":"f","v":7}]}}
X2
grep aws.ec2 in >ec2
hs-fanout --stats --dlq dlq --rules rules.json in >out 2>err && _st=0 || _st=$?
expect_eq "exit status (a jq error was dead-lettered)" "$_st" 1
[ ! -s out ] || fail "stdout not empty"
expect_file_eq all.ndjson ec2
for t in ids sel math file; do
	prog=$(jq -r --arg u "file:$t.ndjson" \
		'.[0].targets[] | objects | select(.uri == $u) | .jq // empty' rules.json)
	[ "$t" = file ] && prog=$(cat prog.jq)
	jq -c "$prog" ec2 >want 2>/dev/null || :
	[ -s want ] || fail "jq gave nothing for $t"
	expect_file_eq $t.ndjson want
done
expect_eq "multi-output" "$(count_lines ids.ndjson)" 6
# output equal to the input: the original bytes (spacing, 2.0); others
# as jq prints them
sed -n 2p in >want
jq -c '.detail' ec2 | sed '2d' >>want
sort want >a
sort same.ndjson >b
expect_file_eq a b
expect_grep '^{"source":"aws.ec2",  "detail": {"n": 2.0, "items": \[\]}}$' same.ndjson
# the error: only math's, one record, jq's message, rule and target named
expect_eq "dead letters" "$(count_lines dlq)" 1
expect_eq "dlq reason" "$(jq -r .reason dlq)" jq_error
expect_eq "dlq message" "$(jq -r .message dlq)" \
	'string ("three") and number (1) cannot be added'
expect_eq "dlq target" "$(jq -r '.details | "\(.rule) \(.target)"' dlq)" "ec2 math"
expect_eq "jq_error details" "$(jq -c '.details | keys' dlq)" \
	'["attempts","error_code","error_message","exhausted","rule","target","uri"]'
expect_eq "dlq event" "$(jq -c .event dlq)" "$(sed -n 4p in)"
# counts: queued = delivered + dead; a jq target adds /filtered
expect_grep 'in=5 out=4 ' err
expect_grep 'rule:ec2=4 ' err
expect_grep 'target:file:all.ndjson=4/4/0 ' err
expect_grep 'target:file:ids.ndjson=6/6/0/1 ' err
expect_grep 'target:file:sel.ndjson=3/3/0/1 ' err
expect_grep 'target:file:math.ndjson=4/3/1/0 ' err
expect_grep 'target:file:file.ndjson=4/4/0/0 ' err

# lossy numbers: that target dead-letters; the option lets them through
printf '%s\n' '{"source":"aws.ec2","detail":{"n":12345678901234567890,"items":[]}}' >big
rm -f *.ndjson dlq
hs-fanout --dlq dlq --rules rules.json big 2>err && _st=0 || _st=$?
expect_eq "lossy exit" "$_st" 1
expect_file_eq all.ndjson big
[ ! -s sel.ndjson ] || fail "a lossy number went through"
expect_eq "lossy reasons" "$(jq -r .reason dlq | sort -u)" lossy_number
expect_grep "12345678901234567890 at '/detail/n' would become 12345678901234567000" dlq
# sel, math, same, file; ids has no output, so nothing to convert
expect_eq "lossy records" "$(count_lines dlq)" 4
# each carries hs-transform's lossy details beside the target's own
# members: the literal, its pointer, its byte (1-based, as the message)
# and what libjq would make of it
at=$(awk '{print index($0, "12345678901234567890")}' big)
expect_eq "lossy details" "$(jq -c '.details | [.literal, .pointer, .byte,
	(.libjq | tostring), .exhausted, .attempts]' dlq | sort -u)" \
	"[\"12345678901234567890\",\"/detail/n\",$at,\"12345678901234567000\",\"not_retryable\",1]"
expect_eq "lossy details' targets" "$(jq -r '.details.rule + " " +
	.details.uri' dlq | sort | tr '\n' ' ')" \
	"ec2 file:file.ndjson ec2 file:math.ndjson ec2 file:same.ndjson ec2 file:sel.ndjson "
expect_eq "lossy details literal text" \
	"$(grep -c '"libjq":12345678901234567000}' dlq)" 4
[ ! -s ids.ndjson ] || fail "ids wrote something"
# output = input needs no conversion either: the original line
printf '[{"name":"id","pattern":{"source":["aws.ec2"]},"targets":[{"uri":"file:id.ndjson","jq":"., ."}]}]' >id.json
hs-fanout --rules id.json big 2>err || fail "identity: exit $?: $(cat err)"
cat big big >want
expect_file_eq id.ndjson want
rm -f *.ndjson dlq
hs-fanout --allow-lossy-numbers --dlq dlq --rules rules.json big 2>err ||
	fail "exit $?: $(cat err)"
expect_eq "allowed" "$(cat sel.ndjson)" '{"s":"aws.ec2","n":12345678901234567000}'
[ ! -s dlq ] || fail "dead letters with --allow-lossy-numbers"

# a program that does not compile: exit 2, rule, target and jq's reason
cat >bad.json <<'X2'
[{"name":"r1","pattern":{"source":["x"]},
  "targets":["file:ok.ndjson",{"uri":"-","id":"t2","jq":".a |||"}]}]
X2
expect_exit 2 hs-fanout --rules bad.json in 2>err
expect_grep "^hs-fanout: rule 'r1': target 't2': jq program: .*syntax error" err
expect_eq "one message line" "$(count_lines err)" 1
printf '[{"name":"r1","pattern":{"source":["x"]},"targets":[{"uri":"-","jq":".","input_path":"$.a"}]}]' >bad.json
expect_exit 2 hs-fanout --rules bad.json in 2>err
expect_grep "a jq program goes alone" err
printf '[{"name":"r1","pattern":{"source":["x"]},"targets":[{"uri":"-","jq_file":"none.jq"}]}]' >bad.json
expect_exit 2 hs-fanout --rules bad.json in 2>err
expect_grep "cannot open 'none.jq'" err
printf '[{"name":"r1","pattern":{"source":["x"]},"targets":[{"uri":"-","jq":5}]}]' >bad.json
expect_exit 2 hs-fanout --rules bad.json in 2>err
expect_grep "rule 'r1': a target's \"jq\" must be a string" err
expect_exit 2 hs-fanout --allow-lossy-numbers --pattern '{}' in 2>err

# the AWS shape: HsJq and HsJqFile on a target; stdout gets several
cat >aws.json <<'X2'
{"Rules":[{"Name":"ec2","State":"ENABLED",
  "EventPattern":"{\"source\":[\"aws.ec2\"]}",
  "Targets":[{"Id":"out","Arn":"-","HsJq":".detail.items[] | .id"},
             {"Id":"f","Arn":"file:aws.ndjson","HsJqFile":"prog.jq"}]}]}
X2
hs-fanout --dlq dlq --rules aws.json in >out 2>err
jq -c '.detail.items[] | .id' ec2 >want
expect_file_eq out want
jq -c -f prog.jq ec2 >want
expect_file_eq aws.ndjson want
printf '{"Rules":[{"Name":"x","EventPattern":"{\\"a\\":[1]}","Targets":[{"Id":"bad","Arn":"-","HsJq":"{"}]}]}' >aws.json
expect_exit 2 hs-fanout --rules aws.json in 2>err
expect_grep "^hs-fanout: rule 'x': target 'bad': jq program: " err
