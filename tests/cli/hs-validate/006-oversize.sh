# --max-size rejects events over the limit with reason too_large.
echo '{"type":"object"}' >s.json
printf '{"a":"%s"}\n' "$(head -c 300 /dev/zero | tr '\0' x)" >in
echo '{"a":1}' >>in
expect_exit 1 hs-validate --schema s.json --max-size 256 --dlq dlq in >out
expect_eq "passed" "$(cat out)" '{"a":1}'
expect_grep '"reason":"too_large"' dlq
expect_grep 'larger than --max-size 256' dlq
expect_exit 2 hs-validate --max-size lots in 2>err
