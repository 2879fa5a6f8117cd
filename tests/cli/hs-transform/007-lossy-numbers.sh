# Numbers libjq cannot hold exactly dead-letter the event by default.
printf '%s\n' '{"detail":{"id":12345678901234567890,"ok":1}}' '{"detail":{"id":42}}' >in
expect_exit 1 hs-transform --dlq dlq '.detail' in >out
expect_eq "outputs" "$(cat out)" '{"id":42}'
expect_grep '"reason":"lossy_number"' dlq
expect_grep 'number 12345678901234567890 at .*/detail/id' dlq
expect_grep '"details":{"literal":"12345678901234567890","pointer":"/detail/id","byte":' dlq
expect_grep '"event":{"detail":{"id":12345678901234567890,"ok":1}}' dlq
# --allow-lossy-numbers lets it through, changed as jq changes it.
expect_exit 0 hs-transform --allow-lossy-numbers '.detail.id' in >out
expect_eq "allowed" "$(head -n1 out)" 12345678901234567000
# The identity, or any output equal to the input, changes nothing: it passes.
expect_exit 0 hs-transform 'select(.detail.ok)' in >out
expect_eq "unchanged" "$(cat out)" '{"detail":{"id":12345678901234567890,"ok":1}}'
# Overflow and underflow are lossy too.
printf '{"x":1e1000}\n{"x":1e-400}\n' >in2
expect_exit 1 hs-transform '.x' in2 >out 2>err
expect_eq "dead letters" "$(grep -c lossy_number err)" 2
