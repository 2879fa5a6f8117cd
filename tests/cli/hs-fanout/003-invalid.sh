# An invalid JSON line is dead-lettered (exit 1) and the rest goes on; an
# invalid pattern is refused at start with its JSON pointer (exit 2).
printf '{"a":1}\n{"a":\n{"a":2}\n' >in
expect_exit 1 hs-fanout --dlq dlq.ndjson --pattern '{"a":[{"numeric":[">",0]}]}' in >out 2>err
expect_eq "passed" "$(count_lines out)" 2
expect_grep '"reason":"invalid_json"' dlq.ndjson
expect_grep '"line":2' dlq.ndjson
expect_exit 2 hs-fanout --pattern '{"detail":{"state":[{"prefx":"a"}]}}' </dev/null 2>err
expect_grep "invalid pattern: /detail/state/0/prefx: unknown operator 'prefx'" err
expect_exit 2 hs-fanout --pattern '{"a":[{"wildcard":"a**"}]}' </dev/null 2>err
expect_grep '/a/0/wildcard: consecutive wildcard' err
