# A 12 MB event goes through (and the identity leaves it byte-identical).
awk 'BEGIN { s = "0123456789abcdef"; while (length(s) < 12582912) s = s s;
	printf "{\"id\": 7, \"blob\": \"%s\", \"n\": [1, 2.50]}\n", s }' >in
hs-transform . in >out || fail "exit $?"
expect_file_eq in out
expect_eq "blob length" "$(hs-transform '.blob | length' in)" 16777216
expect_eq "reshape" "$(hs-transform --threads 2 '{id, n}' in)" '{"id":7,"n":[1,2.5]}'
