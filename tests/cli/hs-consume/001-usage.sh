#!/bin/sh
# hs-consume: --help, --version, usage errors exit 2 without touching Kafka.
. "$HS_TESTS/cli/lib.sh"

hs-consume --help >help || fail "--help failed"
expect_grep '^usage: hs-consume ' help
expect_grep 'envelope MODE' help
hs-consume --version >version || fail "--version failed"
expect_grep '^librdkafka 2\.' version

expect_exit 2 hs-consume -b 127.0.0.1:1 2>err
expect_grep 'no topic (-t)' err
expect_exit 2 hs-consume -t t 2>err
expect_grep 'no brokers (-b)' err
expect_exit 2 hs-consume --bogus 2>err
expect_grep "try 'hs-consume --help'" err
expect_exit 2 hs-consume -b x -t t --envelope nope 2>err
expect_grep "envelope 'nope'" err
expect_exit 2 hs-consume -b x -t t -o yesterday 2>err
expect_grep "bad offset 'yesterday'" err
expect_exit 2 hs-consume -b x -t t -o s@notatime 2>err
expect_grep "bad timestamp" err
expect_exit 2 hs-consume -b x -t t -X no.such.property=1 2>err
expect_grep "no.such.property" err
expect_exit 2 hs-consume -b x -t t -G g -o 5 2>err
expect_exit 2 hs-consume -b x -t '^t.*' 2>err
expect_grep 'regex needs -G' err
printf 'no.such.key=1\n' >props
expect_exit 2 hs-consume -b x -t t -F props 2>err
expect_grep 'props:1:' err
[ ! -s out ] || fail "stdout not empty"
