# A rotated series x.ndjson, x.1.ndjson, ... x.10.ndjson replays in
# sequence order (numeric, not by name) where the listing order ties:
# events without a time and equal mtimes, or equal first event times.
. "$HS_TESTS/cli/lib.sh"

mkdir a
: >want
for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
	if [ "$i" = 0 ]; then f=a/x.ndjson; else f=a/x.$i.ndjson; fi
	printf '{"file":%d,"line":1}\n{"file":%d,"line":2}\n' "$i" "$i" >"$f"
	cat "$f" >>want
done
touch -d '2026-01-01 00:00:00' a/*
hs-replay --untimed include a >out 2>err || fail "hs-replay: $(cat err)"
expect_file_eq out want

# the same with .zst members, given as a directory and as files
need zstd
mkdir z
for i in 0 1 2 10; do
	if [ "$i" = 0 ]; then f=z/x.ndjson.zst; else f=z/x.$i.ndjson.zst; fi
	printf '{"zfile":%d}\n' "$i" | zstd -q -o "$f"
done
touch -d '2026-01-01 00:00:00' z/*
hs-replay --untimed include z >out 2>err || fail "hs-replay zst: $(cat err)"
expect_eq "zst order" "$(tr -d '\n' <out)" \
	'{"zfile":0}{"zfile":1}{"zfile":2}{"zfile":10}'
hs-replay --untimed include z/x.10.ndjson.zst z/x.2.ndjson.zst \
	z/x.ndjson.zst >out 2>err || fail "hs-replay files: $(cat err)"
expect_eq "zst files order" "$(tr -d '\n' <out)" \
	'{"zfile":0}{"zfile":2}{"zfile":10}'

# timed: members whose first events tie go by number; a file whose first
# event is older stays before them, one whose first event is newer after
mkdir t
for i in 10 2 1 0; do
	if [ "$i" = 0 ]; then f=t/x.ndjson; else f=t/x.$i.ndjson; fi
	printf '{"time":"2026-01-01T00:00:05Z","n":%d}\n' "$i" >"$f"
done
printf '{"time":"2026-01-01T00:00:00Z","n":-1}\n' >t/y.ndjson
printf '{"time":"2026-01-01T00:00:09Z","n":99}\n' >t/a.ndjson
hs-replay t >out 2>err || fail "hs-replay timed: $(cat err)"
expect_eq "timed order" \
	"$(sed 's/.*"n":\(-*[0-9]*\).*/\1/' out | tr '\n' ' ')" "-1 0 1 2 10 99 "
exit 0
