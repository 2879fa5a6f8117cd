#!/bin/sh
# A zstd archive of many 1 MiB decoding chunks: lines straddling chunk
# boundaries, a 5 MB event longer than a chunk, and spans of unchanged
# lines written straight from the chunks all come out byte-identical; a
# line over --max-event-size is dead-lettered whatever chunk holds it.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-replay/gen.sh"
need zstd

gen 0 60000 1 >all
awk 'BEGIN { printf "{\"id\":\"big\",\"time\":\"2026-01-01T00:00:30Z\",\"detail\":\""; for (i = 0; i < 50000; i++) printf "%s", "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrs"; print "\"}" }' >big
gen 60000 60000 1 >rest
cat big rest >>all
zstd -q -c all >arc.ndjson.zst

hs-replay arc.ndjson.zst >out 2>err || fail "replay failed: $(cat err)"
cmp -s out all || fail "output differs from the archive"
[ -s err ] && fail "unexpected stderr: $(cat err)"

# the same through a pipe (no thread) and with a window cutting spans
zstd -dc arc.ndjson.zst | hs-replay - >out || fail "pipe replay failed"
cmp -s out all || fail "piped output differs"
hs-replay --from "$(ms_of 100 1)" --to "$(ms_of 119000 1)" arc.ndjson.zst >out
grep -v '"id":"big"' all | sed -n '101,119000p' >want
# the big event's time (30 s) is inside the window, in file order
awk 'NR == 60001 - 100 { while ((getline l < "big") > 0) print l } { print }' want >want2
cmp -s out want2 || fail "window output differs"

expect_exit 1 hs-replay --max-event-size 1M --dlq dlq arc.ndjson.zst >out
expect_eq "dead-lettered" "$(count_lines dlq)" 1
expect_grep '"too_large"' dlq
grep -v '"id":"big"' all >want
cmp -s out want || fail "lines around the oversize one differ"
exit 0
