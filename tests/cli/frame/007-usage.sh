# --help to stdout exit 0; unknown option: message, synopsis, hint, exit 2.
expect_exit 0 hs-validate --help >out
expect_grep '^usage: hs-validate' out
expect_exit 0 hs-validate --version >out
expect_grep 'hs-validate (hs)' out
expect_grep 'librdkafka' out
expect_exit 2 hs-validate --no-such-option >out 2>err
[ ! -s out ] || fail "usage error wrote to stdout"
expect_grep "hs-validate: unknown option '--no-such-option'" err
expect_grep "hs-validate: try 'hs-validate --help'" err
expect_exit 2 hs-validate --dlq 2>err
expect_grep "needs a value" err
expect_exit 2 hs-validate --max-event-size lots 2>err
expect_grep "invalid --max-event-size 'lots'" err
