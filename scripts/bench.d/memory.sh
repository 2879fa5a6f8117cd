#!/bin/sh
# memory.sh: peak RSS checks, as markdown rows of scripts/bench
#   | workload | hs figure | peer | peer figure | ratio | hs RSS | peer RSS |
# 1. each tool over N and 10 N events: peak RSS must not grow with input
#    length (goal: 10 N within 1.25 x + 2 MiB of N)
# 2. hs-fanout with 1,000 rules (goal < 64 MiB)
# 3. hs-claimcheck put of one 40 MB payload (goal < 4 x the payload)
# Each row ends in "ok" or "OVER GOAL".  /usr/bin/time -f %M measures.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${HS_BUILD:-.}
case $build in /*) ;; *) build=$top/$build ;; esac
bin=$build/bin tbin=$build/obj/tests
[ -x /usr/bin/time ] || { echo "memory.sh: /usr/bin/time not installed" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hs-bench-mem.XXXXXX")
trap 'rm -rf "$work"' EXIT
demo=$top/scripts/demo.d
n=${HS_BENCH_MEM_EVENTS:-20000}

# rss FILE-IN CMD...: peak RSS in KiB of CMD reading FILE-IN
rss() {
	_in=$1
	shift
	/usr/bin/time -f %M -o "$work/rss" "$@" <"$_in" >/dev/null 2>"$work/err" || :
	tail -1 "$work/rss"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

"$tbin/gen-events" -n "$n" --invalid 5 >"$work/n"
"$tbin/gen-events" -n $((10 * n)) --invalid 5 >"$work/10n"
mkdir "$work/store"
echo '[{"name":"all","pattern":{"source":[{"prefix":""}]},"targets":["file:/dev/null"]}]' >"$work/rules1"
grow() { # grow NAME CMD...
	_name=$1
	shift
	a=$(rss "$work/n" "$@")
	b=$(rss "$work/10n" "$@")
	awk -v w="$_name" -v n="$n" -v a="$a" -v b="$b" 'BEGIN {
		ok = (b <= a * 1.25 + 2048) ? "ok" : "OVER GOAL";
		printf "| peak RSS of %s, %d vs %d events | %.1f MiB at 10x | same, 1x | %.1f MiB | %.2f %s | %.1f MiB | %.1f MiB |\n",
			w, n, 10 * n, b / 1024, a / 1024, b / a, ok, b / 1024, a / 1024 }'
}
grow hs-validate "$bin/hs-validate" --registry "$demo/schemas" \
	--ref-map "https://schemas.example.com/=$demo/schemas/" -q --on-unknown pass
grow hs-transform "$bin/hs-transform" -q -f "$demo/normalize.jq"
grow "hs-claimcheck put" "$bin/hs-claimcheck" put --store "file:$work/store"
grow "hs-fanout --rules" "$bin/hs-fanout" --rules "$work/rules1"
grow "hs-replay" "$bin/hs-replay" --untimed include -
# The window fills by N/2 events in both runs: what must stay flat is a
# full window, not one still filling.
grow "hs-validate --unique (window $((n / 2)))" "$bin/hs-validate" --unique /id --unique-window $((n / 2)) -q

# 2. 1,000 rules (one shared target)
awk 'BEGIN { printf "["; for (i = 0; i < 1000; i++)
	printf "%s{\"name\":\"r%d\",\"pattern\":{\"detail\":{\"assetId\":[\"a%06d\"],\"codec\":[\"h264\",\"av1\"]}},\"targets\":[\"file:/dev/null?%d\"]}", i ? "," : "", i, i * 7, i % 10
	print "]" }' >"$work/rules1000"
sed -i 's|?\([0-9]\)"|"|g' "$work/rules1000"
k=$(rss "$work/n" "$bin/hs-fanout" --rules "$work/rules1000")
awk -v k="$k" -v n="$n" 'BEGIN {
	printf "| peak RSS of hs-fanout with 1,000 rules, %d events (goal < 64 MiB) | %.1f MiB | | | %s | %.1f MiB | |\n",
		n, k / 1024, k < 65536 ? "ok" : "OVER GOAL", k / 1024 }'

# 3. one 40 MB payload
"$tbin/gen-events" -n 3 --big 1 --big-size 40000000 >"$work/big"
size=$(wc -c <"$work/big")
k=$(rss "$work/big" "$bin/hs-claimcheck" put --store "file:$work/store")
z=$(rss "$work/big" zstd -1 -T1 -c)
awk -v k="$k" -v z="$z" -v s="$size" 'BEGIN {
	printf "| peak RSS of hs-claimcheck put, one 40 MB payload (goal < 4x) | %.1f MiB | zstd -1 -c | %.1f MiB | %.2fx payload %s | %.1f MiB | %.1f MiB |\n",
		k / 1024, z / 1024, k * 1024 / s, (k * 1024 < 4 * s) ? "ok" : "OVER GOAL", k / 1024, z / 1024 }'
