#!/bin/sh
# Usage errors exit 2 with a message, the synopsis and a hint.
. "$HS_TESTS/cli/lib.sh"

: >a.ndjson
expect_exit 2 hs-replay --bogus a.ndjson 2>err
expect_grep "hs-replay: unknown option '--bogus'" err
expect_grep "hs-replay: try 'hs-replay --help'" err
expect_exit 2 hs-replay 2>err
expect_grep 'no source given' err
expect_exit 2 hs-replay --from yesterday a.ndjson 2>err
expect_grep "bad time 'yesterday' for --from" err
expect_exit 2 hs-replay --from 2026-01-02T00:00:00Z --to 2026-01-01T00:00:00Z a.ndjson 2>err
expect_grep 'to must be after' err
expect_exit 2 hs-replay --reset a.ndjson 2>err
expect_exit 2 hs-replay --rate fast a.ndjson 2>err
expect_exit 2 hs-replay --speed 0 a.ndjson 2>err
expect_exit 2 hs-replay --untimed maybe a.ndjson 2>err
expect_exit 2 hs-replay --pattern '{"a":' a.ndjson 2>err
expect_grep 'bad --pattern' err
expect_exit 2 hs-replay -b 127.0.0.1:1 a.ndjson 2>err
expect_grep 'need a kafka://TOPIC source' err
expect_exit 2 hs-replay --checkpoint 2>err
expect_grep "option '--checkpoint' needs a value" err
exit 0
