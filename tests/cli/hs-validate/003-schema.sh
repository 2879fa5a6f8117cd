# --schema: valid events pass unchanged, invalid ones are dead-lettered
# with basic-output errors; 20-digit numbers compare exactly; exit 1
# even with --dlq.
cat >s.json <<'J'
{"type":"object","required":["id"],
 "properties":{"id":{"type":"string","minLength":2},
  "n":{"type":"integer","maximum":18446744073709551615},
  "name":{"maxLength":3}}}
J
cat >in <<'J'
{"id":"ab","n":18446744073709551615}
{"id":"ab","n":18446744073709551616}
{"n":1.0}
{"id":"ab","name":"été"}
{"id":"ab","name":"étés"}
J
expect_exit 1 hs-validate --schema s.json --dlq dlq in >out
printf '%s\n' '{"id":"ab","n":18446744073709551615}' '{"id":"ab","name":"été"}' >want
expect_file_eq out want
expect_eq "dlq records" "$(count_lines dlq)" 3
need jq
sed -n 1p dlq >r1
expect_eq reason "$(jq -r .reason r1)" schema
expect_eq valid "$(jq -r .details.valid r1)" false
expect_eq instanceLocation "$(jq -r '.details.errors[0].instanceLocation' r1)" /n
expect_eq keywordLocation "$(jq -r '.details.errors[0].keywordLocation' r1)" /properties/n/maximum
abs=$(jq -r '.details.errors[0].absoluteKeywordLocation' r1)
expect_eq absoluteKeywordLocation "$abs" "file://$(pwd -P)/s.json#/properties/n/maximum"
jq -e '.details.errors[0].error | test("greater than")' r1 >/dev/null ||
	fail "error text: $(cat r1)"
# the event itself is kept as JSON, numbers as written
grep -q '"event":{"id":"ab","n":18446744073709551616}' r1 || fail "event not kept"
sed -n 2p dlq | jq -e '.details.errors | map(.keywordLocation) | index("/required") != null' >/dev/null ||
	fail "missing required not reported"
sed -n 3p dlq | jq -e '.details.errors[0].keywordLocation == "/properties/name/maxLength"' >/dev/null ||
	fail "code point length"
# --max-errors caps the list
printf '{"type":"array","items":{"type":"string"}}' >a.json
echo '[1,2,3,4,5]' | hs-validate --schema a.json --max-errors 2 --dlq d2 >/dev/null || :
expect_eq "capped errors" "$(jq '.details.errors | length' d2)" 2
# any JSON value is an instance
echo '{"type":"string"}' >str.json
printf '"text"\n42\n' >str
expect_exit 1 hs-validate --schema str.json --dlq d3 str >out
expect_eq "string instance" "$(cat out)" '"text"'
