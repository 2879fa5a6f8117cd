# --help prints the synopsis on stdout and exits 0; --version names the
# libraries; an unknown option is a usage error (exit 2).
hs-fanout --help >out 2>err || fail "--help failed"
expect_grep '^usage: hs-fanout' out
expect_grep 'rules FILE' out
[ ! -s err ] || fail "stderr not empty"
hs-fanout --version >out || fail "--version failed"
expect_grep 'librdkafka' out
expect_exit 2 hs-fanout --no-such-option --pattern '{"a":[1]}' </dev/null 2>err
expect_grep "hs-fanout: try 'hs-fanout --help'" err
expect_exit 2 hs-fanout </dev/null 2>err
expect_grep 'exactly one of --pattern and --rules' err
expect_exit 2 hs-fanout --pattern '{"a":[1]}' --cells 4 </dev/null 2>err
