# --summary groups failures by source/detail-type and keyword location;
# --fail-fast stops at the first invalid event.
echo '{"properties":{"detail":{"properties":{"n":{"minimum":0}}}},"required":["id"]}' >s.json
cat >in <<'J'
{"id":1,"source":"s1","detail-type":"t1","detail":{"n":-1}}
{"id":2,"source":"s1","detail-type":"t1","detail":{"n":-2}}
{"source":"s1","detail-type":"t1","detail":{"n":1}}
{"id":3,"source":"s2","detail-type":"t2","detail":{"n":1}}
not json
J
expect_exit 1 hs-validate -q --schema s.json --summary in >out 2>err
expect_eq "passed" "$(count_lines out)" 1
expect_grep 'summary: 4 of 5 events invalid' err
expect_grep '^  s1/t1: 3$' err
expect_grep '2  /properties/detail/properties/n/minimum' err
expect_grep 'e.g. in:1: -1 is less than 0' err
expect_grep '(invalid_json)' err
expect_exit 1 hs-validate -q --schema s.json --fail-fast --stats in >out 2>err
expect_eq "stopped early" "$(count_lines out)" 0
expect_grep 'in=1 ' err
