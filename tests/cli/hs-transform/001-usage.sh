# --help, --version, usage errors (exit 2, nothing on stdout).
expect_exit 0 hs-transform --help >out
expect_grep '^usage: hs-transform' out
expect_grep 'allow-lossy-numbers' out
expect_exit 0 hs-transform --version >out
expect_grep 'hs-transform (hs)' out
expect_exit 2 hs-transform --no-such-option . >out 2>err
[ ! -s out ] || fail "usage error wrote to stdout"
expect_grep "hs-transform: unknown option '--no-such-option'" err
expect_grep "hs-transform: try 'hs-transform --help'" err
expect_exit 2 hs-transform </dev/null 2>err
expect_grep "no program given" err
expect_exit 2 hs-transform --threads 0 . </dev/null 2>err
expect_grep "threads '0' is too small" err
expect_exit 2 hs-transform --arg x </dev/null 2>err
expect_grep "needs a name and a value" err
expect_exit 2 hs-transform --argjson x '{bad' . </dev/null 2>err
expect_grep "invalid JSON text" err
expect_exit 2 hs-transform -f no-such-file.jq </dev/null 2>err
expect_grep "cannot read 'no-such-file.jq'" err
expect_exit 2 hs-transform --input-paths-map '{}' </dev/null 2>err
expect_grep "needs --input-template" err
