# A write error on stdout is reported and exits 3.
[ -w /dev/full ] || skip "no /dev/full"
printf '{"a":1}\n' >in
expect_exit 3 hs-validate in >/dev/full 2>err
expect_grep 'hs-validate: write error on stdout: No space left on device' err
