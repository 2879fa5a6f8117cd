# Files are read in turn; a missing one is reported (exit 3) and the
# rest are still read; positions name the file and line.
printf '{"a":1}\n' >one
printf '{"b":2}\nnope\n' >two
expect_exit 3 hs-validate one missing two >out 2>err
expect_eq "lines out" "$(count_lines out)" 2
expect_grep "hs-validate: cannot open 'missing': No such file or directory" err
expect_grep "hs-validate: two:2: invalid_json:" err
printf '' | hs-validate >out2 || fail "empty input failed"
[ ! -s out2 ] || fail "empty input wrote something"
