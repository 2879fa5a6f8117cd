# --threads N is the worker count; -j is jq's --join-output.  The old
# "-j N PROGRAM" (a positive integer and another operand after it) keeps
# meaning --threads N for one release, with one warning.
printf '%s\n' '{"a":1}' '{"a":2}' >in
hs-transform --threads 2 .a in >out 2>err
expect_eq "--threads" "$(cat out)" "$(printf '1\n2')"
[ ! -s err ] || fail "--threads warned: $(cat err)"
# Old spelling: same output, one warning.
hs-transform -j 2 .a in >out 2>err
expect_eq "old -j N" "$(cat out)" "$(printf '1\n2')"
expect_eq "warning" "$(cat err)" \
	"hs-transform: -j N is deprecated: use --threads N"
hs-transform -j 3 .a <in >out 2>err
expect_eq "old -j N, stdin" "$(cat out)" "$(printf '1\n2')"
expect_eq "one warning" "$(count_lines err)" 1
# jq's -j: no value, raw strings, no newlines.
printf '"x"\n"y"\n' >s
expect_eq "-j ." "$(hs-transform -j . s)" "xy"
# "-j 2" with nothing after it: 2 is the program, as in jq.
expect_eq "-j 2, stdin" "$(hs-transform -j 2 <s)" "22"
# "-j 0 ...": not a positive integer, so jq's -j with program 0.
expect_eq "-j 0 FILE" "$(hs-transform -j 0 s)" "00"
expect_eq "-rj" "$(hs-transform -rj '.' s)" "xy"
expect_exit 2 hs-transform -j 2 --threads 2 . </dev/null 2>err
expect_grep "^hs-transform: --threads may be given once$" err
expect_exit 2 hs-transform -j 300 . </dev/null 2>err
expect_grep "^hs-transform: -j '300' is too large (1 to 256)$" err
