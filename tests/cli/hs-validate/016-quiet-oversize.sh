#!/bin/sh
# -q without --dlq prints no per-event message (hs(7)), for a line over
# --max-event-size too; the event still counts and the status says so.
. "$HS_TESTS/cli/lib.sh"

printf '{"a":"%s"}\n{"b":1}\n' aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa >in
expect_exit 1 hs-validate -q --stats --max-event-size 16 in >out 2>err
expect_eq "output" "$(cat out)" '{"b":1}'
expect_no_grep too_large err
expect_grep 'in=2 out=1 dlq=1 ' err
expect_exit 1 hs-validate --max-event-size 16 in >out 2>err
expect_grep 'in:1: too_large: line longer than --max-event-size (16 bytes)' err
