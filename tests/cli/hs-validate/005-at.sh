# --at validates a part of the event; locations are from the event's root.
echo '{"type":"object","required":["id"],"properties":{"id":{"type":"integer"}}}' >s.json
cat >in <<'J'
{"detail":{"id":1},"id":"not checked"}
{"detail":{"id":"x"}}
{"other":1}
J
expect_exit 1 hs-validate --schema s.json --at /detail --dlq dlq in >out
expect_eq "passed" "$(cat out)" '{"detail":{"id":1},"id":"not checked"}'
expect_grep '"instanceLocation":"/detail/id"' dlq
expect_grep "no value at '/detail'" dlq
expect_exit 2 hs-validate --at /detail in 2>err
