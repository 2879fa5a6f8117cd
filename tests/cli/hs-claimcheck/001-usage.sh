#!/bin/sh
# --help, --version, usage errors.
. "$HS_TESTS/cli/lib.sh"

hs-claimcheck --help >help || fail "--help failed"
expect_grep '^usage: hs-claimcheck put --store STORE' help
expect_grep 'refs-only' help
hs-claimcheck --version >ver || fail "--version failed"
expect_grep 'zstd 1\.' ver
expect_grep 'libcurl/' ver

expect_exit 2 hs-claimcheck --bogus
expect_exit 2 hs-claimcheck
expect_exit 2 hs-claimcheck frob --store file:.
expect_exit 2 hs-claimcheck put </dev/null
expect_exit 2 hs-claimcheck put --store file:. --store file:.. </dev/null
expect_exit 2 hs-claimcheck put --store ftp://x </dev/null
expect_exit 2 hs-claimcheck put --store file:. --threshold 12 </dev/null
expect_exit 2 hs-claimcheck put --store file:. --keep /other/x </dev/null
expect_exit 2 hs-claimcheck put --store file:. --level 99 </dev/null
expect_exit 2 hs-claimcheck gc --store file:.
expect_exit 2 hs-claimcheck put --store file:. --format sqs-extended </dev/null
hs-claimcheck put --store 'ftp://x' </dev/null 2>err || :
expect_grep "hs-claimcheck: bad store 'ftp://x'" err

# --help goes to stdout with the synopsis and nothing on stderr.
hs-claimcheck --help >help 2>err || fail "--help"
[ ! -s err ] || fail "--help wrote to stderr"
expect_grep '^Exit status:' help
hs-claimcheck put --help >help2 || fail "put --help"
expect_file_eq help help2
# --version names the tool and the linked libraries, on stdout.
expect_grep '^hs-claimcheck ' ver
# An unknown option: the message, the synopsis, the hint; nothing on stdout.
expect_exit 2 hs-claimcheck put --store file:. --bogus </dev/null >out 2>err
[ ! -s out ] || fail "usage error wrote to stdout"
expect_grep "^hs-claimcheck: unknown option '--bogus'$" err
expect_grep '^usage: hs-claimcheck put' err
expect_grep "^hs-claimcheck: try 'hs-claimcheck --help'$" err
expect_exit 2 hs-claimcheck get --store file:. --threshold </dev/null 2>err
expect_grep "threshold" err
