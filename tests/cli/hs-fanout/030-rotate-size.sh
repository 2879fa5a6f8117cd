# rotate-size bounds each file: 1.2 MB through rotate-size=100K makes a
# series x.ndjson, x.1.ndjson, ... each at most 100K, no event lost, and
# hs-replay reads the directory back in the original order (the events
# carry no time).  A restart appends to the last file of the series.
# The same for a .zst target, whose files may pass the limit by a frame.
. "$HS_TESTS/cli/lib.sh"
command -v hs-replay >/dev/null 2>&1 || skip "no hs-replay"

# rules.json with one file target URI, and that URI's directory made
target() {
	printf '[{"name":"r","pattern":{"source":["a"]},"targets":["%s"]}]\n' \
		"$1" >rules.json
	mkdir -p "$2"
}

awk 'BEGIN { for (i = 0; i < 12000; i++)
	printf "{\"source\":\"a\",\"n\":%d,\"pad\":\"%090d\"}\n", i, i }' >in
target "file:p/x.ndjson?rotate-size=100K" p
hs-fanout --rules rules.json in 2>err || fail "hs-fanout: $(cat err)"
nfiles=$(ls p | wc -l | tr -d ' ')
[ "$nfiles" -ge 12 ] || fail "only $nfiles files: $(ls -l p)"
[ -f p/x.ndjson ] && [ -f p/x.1.ndjson ] && [ -f p/x.10.ndjson ] ||
	fail "names: $(ls p)"
for f in p/*; do
	size=$(wc -c <"$f" | tr -d ' ')
	[ "$size" -le 102400 ] || fail "$f has $size bytes"
done
expect_eq "events" "$(cat p/* | wc -l | tr -d ' ')" 12000
hs-replay --untimed include p >out 2>err || fail "hs-replay: $(cat err)"
expect_file_eq out in

# a restart goes on with the last file, not the first
last=p/x.$((nfiles - 1)).ndjson
before=$(count_lines "$last")
head -n 3 in | hs-fanout --rules rules.json 2>err || fail "restart: $(cat err)"
expect_eq "files after restart" "$(ls p | wc -l | tr -d ' ')" "$nfiles"
expect_eq "appended to $last" "$(count_lines "$last")" $((before + 3))
expect_eq "first file untouched" "$(count_lines p/x.ndjson)" \
	"$(head -c 102400 in | wc -l | tr -d ' ')"

# .zst: poorly compressible events, each file past 100K by one frame at most
need zstd
awk 'BEGIN { srand(7); for (i = 0; i < 12000; i++) {
	s = ""; for (j = 0; j < 12; j++) s = s sprintf("%08x", int(rand() * 4294967296))
	printf "{\"source\":\"a\",\"n\":%d,\"pad\":\"%s\"}\n", i, s } }' >zin
target "file:z/x.ndjson.zst?rotate-size=100K" z
hs-fanout --rules rules.json zin 2>err || fail "hs-fanout zst: $(cat err)"
[ -f z/x.1.ndjson.zst ] || fail "zst names: $(ls z)"
for f in z/*; do
	size=$(wc -c <"$f" | tr -d ' ')
	[ "$size" -le $((102400 + 40000)) ] || fail "$f has $size bytes"
	zstd -t -q "$f" || fail "$f is bad zstd"
done
hs-replay --untimed include z >out 2>err || fail "hs-replay zst: $(cat err)"
expect_file_eq out zin
exit 0
