# Without a schema: well-formed lines pass byte-identical, the rest are
# dead-lettered; empty input and a missing final newline are fine.
expect_exit 0 hs-validate </dev/null >out
[ ! -s out ] || fail "output from empty input"
printf '{"a": 1.0,  "b":[ ]}\n"x"\n{"bad":}\n[1,2]' >in
expect_exit 1 hs-validate --dlq dlq in >out
printf '{"a": 1.0,  "b":[ ]}\n"x"\n[1,2]\n' >want
expect_file_eq out want
expect_eq "dlq records" "$(count_lines dlq)" 1
expect_grep '"reason":"invalid_json"' dlq
expect_grep '"line":3' dlq
expect_grep '"event_text":"{\\"bad\\":}"' dlq
# without --dlq: one located message per rejected line
expect_exit 1 hs-validate <in >/dev/null 2>err
expect_grep '^hs-validate: <stdin>:3: invalid_json: byte 8' err
