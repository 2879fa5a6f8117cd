# Unpaced hs-replay of a zstd archive to /dev/null against zstd -dc of
# the same files.  The archive is the corpus's valid events repeated to
# HS_BENCH_REPLAY_MB (default 1024) MB uncompressed, in 8 rotated files,
# each a sequence of zstd frames of about 1 MiB, as hs-fanout's file
# targets flush them.  Rows: uncompressed MB/s (10^6 bytes).
set -eu
mb=${HS_BENCH_REPLAY_MB:-1024}
arc=$HS_BENCH_DIR/replay-arc.$mb
if [ ! -d "$arc" ]; then
	mkdir -p "$arc.tmp"
	# valid events only: an archive holds what hs-fanout wrote
	"$HS_BIN/hs-validate" -q "$HS_BENCH_CORPUS" >"$arc.tmp/valid" || :
	want=$((mb * 1000000))
	have=0
	: >"$arc.tmp/all"
	while [ "$have" -lt "$want" ]; do
		cat "$arc.tmp/valid" >>"$arc.tmp/all"
		have=$(wc -c <"$arc.tmp/all")
	done
	head -c "$want" "$arc.tmp/all" | sed '$d' >"$arc.tmp/trim"
	rm "$arc.tmp/all" "$arc.tmp/valid"
	split -n l/8 -d "$arc.tmp/trim" "$arc.tmp/file."
	rm "$arc.tmp/trim"
	for f in "$arc.tmp"/file.*; do
		n=${f##*.}
		split -C 1M -d -a 5 "$f" "$arc.tmp/frame."
		for fr in "$arc.tmp"/frame.*; do
			zstd -q -3 -c "$fr"
		done >"$arc.tmp/events-$n.ndjson.zst"
		rm "$f" "$arc.tmp"/frame.*
	done
	mv "$arc.tmp" "$arc"
fi
bytes=$(zstd -dc "$arc"/*.zst | wc -c)
# Best of HS_BENCH_REPLAY_RUNS (default 5) wall-clock runs each, hs and
# zstd alternating so that load from others on a shared machine weighs
# on both alike: "wall cpu" in seconds (cpu = user+sys of that run, both
# threads), so a busy machine shows in the figures.
runs=${HS_BENCH_REPLAY_RUNS:-5}
one() {
	/usr/bin/time -f '%e %U %S' -o "$HS_BENCH_DIR/replay.time" "$@" >/dev/null
	awk '{ printf "%.3f %.3f", $1, $2 + $3 }' "$HS_BENCH_DIR/replay.time"
}
best() {
	if [ -z "$1" ] || awk -v a="${2% *}" -v b="${1% *}" 'BEGIN { exit !(a < b) }'; then
		echo "$2"
	else
		echo "$1"
	fi
}
hs=
zs=
i=0
while [ "$i" -lt "$runs" ]; do
	hs=$(best "$hs" "$(one "$HS_BIN/hs-replay" "$arc")")
	zs=$(best "$zs" "$(one zstd -q -dc "$arc"/*.zst)")
	i=$((i + 1))
done
rate() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f MB/s", b / t / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b / a }'; }
size=$(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }')
echo "| replay of a $size zstd archive (8 files, 1 MiB frames) to /dev/null, wall clock | $(rate "${hs% *}") | zstd -dc | $(rate "${zs% *}") | $(ratio "${hs% *}" "${zs% *}") |"
echo "| the same, per CPU second (user+sys) | $(rate "${hs#* }") | zstd -dc | $(rate "${zs#* }") | $(ratio "${hs#* }" "${zs#* }") |"
