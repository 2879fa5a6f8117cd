# A write error on stdout is reported and exits 3.
[ -w /dev/full ] || skip "no /dev/full"
printf '{"a":1}\n' >in
expect_exit 3 hs-transform --threads 2 .a in >/dev/full 2>err
expect_grep 'hs-transform: write error on stdout: No space left on device' err
