# --help, --version, unknown options and bad option combinations.
hs-validate --help >out 2>err
expect_grep '^usage: hs-validate' out
expect_grep 'registry DIR' out
[ ! -s err ] || fail "--help wrote to stderr"
hs-validate --version >out
expect_grep 'hs-validate (hs)' out
expect_exit 2 hs-validate --bogus </dev/null 2>err
expect_grep "try 'hs-validate --help'" err
expect_exit 2 hs-validate --schema a.json --registry r </dev/null 2>err
expect_grep 'exclude each other' err
expect_exit 2 hs-validate --unique-window 10 </dev/null 2>err
expect_grep 'needs --unique' err
expect_exit 2 hs-validate --unique id </dev/null 2>err
expect_grep 'JSON Pointer' err
expect_exit 2 hs-validate --on-unknown maybe </dev/null 2>err
expect_exit 2 hs-validate --max-errors 0 </dev/null 2>err
expect_exit 2 hs-validate --ref-map nodir </dev/null 2>err
expect_grep 'PREFIX=DIR' err
