# Filter mode decides each event from its line, building nodes only for
# the pattern's fields (every other subtree validated and skipped); rules
# whose targets read the event parse it whole.  Both must refuse exactly
# the same lines with the same reason and byte, and pass the same ones:
# the filter's stdout equals a rules-mode jq "." target's file (identity
# keeps the original line), and the dead letters agree record for record.
# A large nested payload in an unread field costs no tape: peak RSS of
# the filter stays below the whole parse's.
need jq
printf '%s\n' \
	'{"source":"a","detail":{"x":[1,2,{"y":null}],"s":"caf\u00e9"}}' \
	'{"source":"b","detail":{"x":1}}' \
	'{"source":"a","detail":{"x":[1,2,}}' \
	'{"source":"a","detail":{"bad":"\u00"}}' \
	'{"source":"a","detail":{"n":01}}' \
	'{"source":"a","detail":{"deep":[[[[[[[[[[[[1]]]]]]]]]]]]}}' \
	'{"source":"a","detail":{"ctl":"tab	here"}}' \
	'{"source":"a"} trailing' \
	'{"source":"a","source":"b"}' \
	'  {"detail":{},"source":"a"}  ' \
	'[{"source":"a"}]' \
	'"a"' >in
printf '{"source":"a","detail":{"u":"\377"}}\n' >>in
cat >rules.json <<'X'
[{"name":"r","pattern":{"source":["a"]},
  "targets":[{"uri":"file:whole.ndjson","jq":"."}]}]
X
pat='{"source":["a"]}'
hs-fanout --max-depth 8 --dlq dlq.line --pattern "$pat" in >line.out && _st=0 || _st=$?
expect_eq "filter exit status" "$_st" 1
hs-fanout --max-depth 8 --dlq dlq.whole --rules rules.json in >/dev/null && _st=0 || _st=$?
expect_eq "rules exit status" "$_st" 1
expect_file_eq line.out whole.ndjson
[ "$(count_lines line.out)" -ge 3 ] || fail "too few events passed: $(count_lines line.out)"
jq -c '[.reason, .message, .line]' dlq.line >r.line
jq -c '[.reason, .message, .line]' dlq.whole >r.whole
expect_file_eq r.line r.whole
expect_eq "dead letters" "$(count_lines r.line)" 7
expect_grep 'too_deep' r.line
expect_grep 'invalid_utf8\|utf' r.line

# memory: one event whose unread field holds 200,000 small objects (the
# whole parse holds a tape node for each value in it)
[ -x /usr/bin/time ] || skip "/usr/bin/time not installed"
awk 'BEGIN { printf "{\"source\":\"a\",\"detail\":{\"blob\":["
	for (i = 0; i < 200000; i++) printf "%s{\"k\":%d,\"v\":[true,null]}", i ? "," : "", i
	print "]}}" }' >big
/usr/bin/time -f %M -o rss.line hs-fanout --pattern "$pat" big >big.line
# the whole parse, with a target that only reads one small field
echo '[{"name":"r","pattern":{"source":["a"]},"targets":[{"uri":"file:big.whole","input_path":"$.source"}]}]' >rules.big
/usr/bin/time -f %M -o rss.whole hs-fanout --rules rules.big big >/dev/null
expect_file_eq big.line big
expect_eq "input path target" "$(cat big.whole)" '"a"'
l=$(tail -1 rss.line) w=$(tail -1 rss.whole)
echo "report: peak RSS on a 5 MB event of 200,000 objects: line path $l KiB, whole parse $w KiB" >&2
[ "$l" -lt "$w" ] || fail "line path peak RSS $l KiB not below whole parse $w KiB"
