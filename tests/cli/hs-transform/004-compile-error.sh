# A program that does not compile: jq's message and position, exit 2.
printf '{"a":1}\n' >in
expect_exit 2 hs-transform '.a | {' in >out 2>err
[ ! -s out ] || fail "stdout not empty"
expect_grep '^hs-transform: error: syntax error' err
expect_grep 'line 1' err
expect_grep 'compile error' err
expect_exit 2 hs-transform --threads 3 'nosuchfunction(1)' in >out 2>err
expect_grep 'nosuchfunction/1 is not defined' err
expect_eq "reported once" "$(grep -c 'is not defined' err)" 1
printf '.a |\n  map(.)) \n' >prog.jq
expect_exit 2 hs-transform -f prog.jq in 2>err
expect_grep 'line 2' err
