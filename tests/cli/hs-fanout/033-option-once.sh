# A single-valued option given twice is refused (exit 2, "--NAME may be
# given once"), as hs-replay refuses a second --pattern; hs-fanout used
# to keep the last --pattern silently.
printf '%s\n' '{"a":1}' '{"a":2}' >in
expect_exit 2 hs-fanout --pattern '{"a":[1]}' --pattern '{"a":[2]}' in >out 2>err
expect_grep "^hs-fanout: --pattern may be given once$" err
[ ! -s out ] || fail "events written: $(cat out)"
echo '[{"name":"r","pattern":{"a":[1]},"targets":["-"]}]' >rules.json
expect_exit 2 hs-fanout --rules rules.json --rules rules.json in 2>err
expect_grep "^hs-fanout: --rules may be given once$" err
expect_exit 2 hs-replay --pattern '{"a":[1]}' --pattern '{"a":[2]}' in 2>err
expect_grep "^hs-replay: --pattern may be given once$" err
