#!/bin/sh
# --help prints the synopsis on stdout and exits 0; --version names the
# libraries.
. "$HS_TESTS/cli/lib.sh"

hs-replay --help >out 2>err || fail "--help failed"
expect_grep '^usage: hs-replay ' out
expect_grep 'checkpoint FILE' out
[ -s err ] && fail "--help wrote on stderr"
hs-replay --version >out || fail "--version failed"
expect_grep '^hs-replay (hs) ' out
expect_grep 'zstd' out
exit 0
