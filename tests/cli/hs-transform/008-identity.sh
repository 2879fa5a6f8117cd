# An unchanged event leaves byte-identical: spacing and literals kept.
printf '%s\n' '{"a": 1.0,  "b" : [1e2, "\u00e9"] }' '  {"z":-0.0}' >in
hs-transform . in >out || fail "exit $?"
expect_file_eq in out
hs-transform 'select(.a == 1)' in >out || fail "exit $?"
expect_eq "select keeps the text" "$(cat out)" '{"a": 1.0,  "b" : [1e2, "\u00e9"] }'
hs-transform --threads 2 '., .' in >out || fail "exit $?"
expect_eq "two copies" "$(count_lines out)" 4
# A real change is printed as jq prints it.
expect_eq "changed" "$(head -n1 in | hs-transform '.c = 1')" '{"a":1,"b":[100,"é"],"c":1}'
# Same members in another order is a change (jq would print the new order).
expect_eq "reordered" "$(echo '{"a":1,"b":2}' | hs-transform '{b, a}')" '{"b":2,"a":1}'
