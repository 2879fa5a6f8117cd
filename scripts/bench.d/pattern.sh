#!/bin/sh
# scripts/bench.d/pattern.sh: the pattern matcher's own rows.  Prints
# markdown rows: | workload | hs figure | peer | peer figure | ratio |
# (+ peak RSS of each side where it is the point).
#
#  1. numeric index: 1,000 patterns, each a different numeric range on
#     detail.count, against 10 such patterns (the ranges split 0..999
#     evenly, so each event matches exactly one either way), matched by
#     the driver below: the matcher alone, as hs-fanout --rules with 1,000
#     targets measures its worker threads more than its matcher.  Goal:
#     1,000 at least half as fast as 10.
#  2. no full DOM: a filter on `source` deciding each line from the raw
#     text (hs_pattern_match_line) against a full parse then match, on
#     the bench corpus and on events with a 1 MB payload (a string, and
#     a structure of 40,000 small objects); time and peak RSS both ways.
#     The driver is scripts/bench.d/pattern-filter.c, built here against
#     the build's libhs.a, so both ways run in one program (hs-fanout
#     picks one of them per run).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${HS_BUILD:-.}
case $build in /*) ;; *) build=$top/$build ;; esac
[ -f "$build/obj/libhs.a" ] || { echo "pattern.sh: no $build/obj/libhs.a" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hs-bench-pattern.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
filter=$work/pattern-filter
${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 \
	-I"$top/common" -o "$filter" "$top/scripts/bench.d/pattern-filter.c" \
	"$build/obj/libhs.a" -lm

corpus=${HS_BENCH_CORPUS:-}
if [ -z "$corpus" ] || [ ! -s "$corpus" ]; then
	corpus=$work/corpus.ndjson
	python3 - "$corpus" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        f.write(json.dumps({"version": "0", "id": "%08x" % i,
            "source": "aws.svc%d" % (i % 20), "detail-type": "x",
            "detail": {"count": i % 1000, "state": "running",
                       "note": "x" * 700}}, separators=(",", ":")) + "\n")
PY
fi

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

echo "| workload | hs figure | peer | peer figure | ratio | hs RSS | peer RSS |"
echo "|---|---|---|---|---|---|---|"

# 1. numeric rules: events whose detail.count is 0..999
python3 - "$work/num.ndjson" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        c = (i * 7919) % 1000
        f.write(json.dumps({"source": "s", "detail-type": "x", "id": i,
            "detail": {"count": c if i % 3 else c + 0.5, "pad": "y" * 300}},
            separators=(",", ":")) + "\n")
PY
n=$(wc -l <"$work/num.ndjson")
for k in 10 1000; do
	# K patterns splitting [0, 1000) into K ranges
	awk -v k=$k 'BEGIN { w = 1000 / k; for (i = 0; i < k; i++)
		printf "{\"detail\":{\"count\":[{\"numeric\":[\">=\",%d,\"<\",%d]}]}}\n", i * w, (i + 1) * w }' >"$work/num-$k.pat"
	t0=$(now); "$filter" --dom "@$work/num-$k.pat" <"$work/num.ndjson" >"$work/num-$k.out"; t1=$(now)
	eval "r$k=\$(rate $n $t0 $t1)"
	[ "$(wc -l <"$work/num-$k.out")" = "$n" ] ||
		echo "pattern.sh: $k numeric patterns matched $(wc -l <"$work/num-$k.out") of $n" >&2
done
echo "| match, 1000 vs 10 numeric ranges on one field ($n events) | $r1000 ev/s | 10 numeric ranges | $r10 ev/s | $(ratio "$r1000" "$r10") | | |"

# 2. line vs full DOM
pat='{"source":["aws.svc3"]}'
both() { # both NAME FILE: time and RSS of --line and --dom on FILE
	_n=$(wc -l <"$2")
	t0=$(now)
	/usr/bin/time -f %M -o "$work/rss.line" "$filter" --line "$pat" <"$2" >"$work/line.out"
	t1=$(now)
	/usr/bin/time -f %M -o "$work/rss.dom" "$filter" --dom "$pat" <"$2" >"$work/dom.out"
	t2=$(now)
	cmp -s "$work/line.out" "$work/dom.out" ||
		echo "pattern.sh: line and DOM filters disagree on $1" >&2
	l=$(rate "$_n" "$t0" "$t1")
	d=$(rate "$_n" "$t1" "$t2")
	echo "| filter on source, no full DOM, $1 | $l ev/s | full parse + match | $d ev/s | $(ratio "$l" "$d") | $(mib "$(tail -1 "$work/rss.line")") | $(mib "$(tail -1 "$work/rss.dom")") |"
}
both "bench corpus ($(wc -l <"$corpus") events)" "$corpus"
python3 - "$work/big-str.ndjson" "$work/big-obj.ndjson" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f, open(sys.argv[2], "w") as g:
    for i in range(300):
        src = "aws.svc%d" % (i % 20)
        f.write(json.dumps({"source": src, "id": i, "detail": {"payload": "p" * 1000000}},
                           separators=(",", ":")) + "\n")
        items = [{"k": j, "v": "abcdefghij"} for j in range(40000)]
        g.write(json.dumps({"source": src, "id": i, "detail": {"payload": items}},
                           separators=(",", ":")) + "\n")
PY
both "300 events with a 1 MB string payload" "$work/big-str.ndjson"
both "300 events with a 1 MB payload of 40,000 objects" "$work/big-obj.ndjson"
