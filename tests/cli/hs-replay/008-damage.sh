#!/bin/sh
# A zstd frame truncated by a crash: every event before it is replayed,
# the damage is reported and counted, exit 1.  A corrupt frame in the
# middle: the frames after it are still replayed.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"
need zstd

gen 0 1000 10 >all
split -l 100 all part.
for p in part.*; do zstd -q -c "$p"; done >a.ndjson.zst
# cut the last frame in its middle, as a crash during a flush would
size=$(wc -c <a.ndjson.zst)
last=$(zstd -q -c part.aj | wc -c)
head -c $((size - last / 2)) a.ndjson.zst >cut.ndjson.zst
expect_exit 1 hs-replay --stats --dlq dlq cut.ndjson.zst >out 2>err
head -900 all >want
expect_file_eq out want
expect_grep "cut.ndjson.zst: zstd frame at byte $((size - last)) is truncated" err
expect_grep 'damaged=1' err
expect_grep '1 damaged zstd frames' err

# flip bytes inside the fifth frame
python3 - <<'X' || skip "no python3"
d = bytearray(open("a.ndjson.zst", "rb").read())
import subprocess
off = sum(len(subprocess.run(["zstd", "-q", "-c", "part.a" + c], capture_output=True).stdout) for c in "abcd")
for i in range(20, 40):
    d[off + i] ^= 0x5a
open("bad.ndjson.zst", "wb").write(d)
X
expect_exit 1 hs-replay bad.ndjson.zst >out 2>err
expect_grep 'bad.ndjson.zst: zstd frame at byte [0-9]* is corrupt' err
{ head -400 all; tail -500 all; } >want
expect_file_eq out want
exit 0
