#!/bin/sh
# Rotated archives, plain and zstd multi-frame, given as a directory in
# any name order, replay in time order byte-identical; a window across
# the rotation picks exactly its events.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"
need zstd

mkdir arc
gen 0 3000 10 >all
# three rotated files, names sorting against time order
sed -n '1,1000p' all >arc/c-first.ndjson
# the second as one zstd frame per 100 lines, as hs-fanout flushes
sed -n '1001,2000p' all | split -l 100 - part.
for p in part.*; do zstd -q -c "$p"; done >arc/b-second.ndjson.zst
rm part.*
sed -n '2001,3000p' all | zstd -q -c >arc/a-third.ndjson.zst
expect_eq frames "$(zstd -l arc/b-second.ndjson.zst | awk 'NR == 2 {print $1}')" 10
echo 'not an archive' >arc/notes.txt

hs-replay arc >out 2>err || fail "replay failed: $(cat err)"
expect_file_eq out all
[ -s err ] && fail "unexpected stderr: $(cat err)"

# files given one by one, in the wrong order: the same
hs-replay arc/a-third.ndjson.zst arc/c-first.ndjson arc/b-second.ndjson.zst >out2
expect_file_eq out2 all

# a window across both rotations: events 950 .. 2049 (10 ms apart)
hs-replay --from "$(ms_of 950 10)" --to 2026-01-01T00:00:20.500Z arc >out
sed -n '951,2050p' all >want
expect_file_eq out want
exit 0
