#!/bin/sh
# consume.sh: hs-consume against kcat -C -J on the same mock-cluster topic,
# as markdown rows | workload | hs figure | peer | peer figure | ratio |.
# HS_BENCH_KAFKA_RECORDS records (default 1000000) of about 1 KB, keys
# spread over 256 partitions of a 3-broker librdkafka mock cluster: about
# 3900 records (4 MB) a partition, under the mock's 5 MB / 100000
# message-set cap, so nothing is dropped.  Each consumer reads the whole
# topic once with -e; the line count is checked, so a figure is never for
# a partial read.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${HS_BUILD:-.}
case $build in /*) ;; *) build=$top/$build ;; esac
tool=$build/bin/hs-consume
mock=$build/obj/tests/kafka-mock
n=${HS_BENCH_KAFKA_RECORDS:-1000000}
[ -x "$tool" ] && [ -x "$mock" ] || { echo "consume.sh: build hs-consume and kafka-mock first" >&2; exit 1; }
command -v kcat >/dev/null || { echo "consume.sh: kcat not installed" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hs-bench-consume.XXXXXX")
"$mock" --brokers 3 --topic bench:256 --port-file "$work/port" \
	--control "$work/ctl" >"$work/reply" 2>"$work/mock.err" </dev/null &
mockpid=$!
trap 'kill $mockpid 2>/dev/null; wait $mockpid 2>/dev/null; rm -rf "$work"' EXIT
i=0
while [ ! -s "$work/port" ]; do
	i=$((i + 1)); [ $i -lt 200 ] || { echo "consume.sh: mock did not start" >&2; exit 1; }
	sleep 0.05
done
b=$(cat "$work/port")

# ~1 KB EventBridge-shaped events, keyed so they spread over partitions.
awk -v n="$n" 'BEGIN {
	pad = sprintf("%0880d", 0); gsub(/0/, "x", pad)
	for (i = 0; i < n; i++)
		printf "k%d:{\"version\":\"0\",\"id\":\"%012d\",\"detail-type\":\"media.play\",\"source\":\"bench\",\"time\":\"2026-11-26T00:00:00Z\",\"detail\":{\"n\":%d,\"pad\":\"%s\"}}\n", i, i, i, pad
}' | kcat -P -b "$b" -t bench -K: -X linger.ms=50 -X batch.num.messages=10000 \
	-X queue.buffering.max.messages=500000 2>"$work/produce.err"

# Seconds (best of HS_BENCH_RUNS, default 1) for CMD, checking n lines.
secs() {
	best=
	for _ in $(seq "${HS_BENCH_RUNS:-1}"); do
		s=$(date +%s%N)
		got=$(sh -c "$1" | wc -l)
		e=$(date +%s%N)
		[ "$got" -eq "$n" ] || { echo "consume.sh: '$1' read $got of $n" >&2; exit 1; }
		t=$(((e - s) / 1000))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	echo "$best"
}
rate() { awk -v n="$n" -v u="$1" 'BEGIN { printf "%.0f", n / (u / 1e6) }'; }

k=$(secs "kcat -C -b '$b' -t bench -e -q -J")
r=$(secs "'$tool' -b '$b' -t bench -e --envelope record")
ev=$(secs "'$tool' -b '$b' -t bench -e --envelope event")
kr=$(rate "$k")
for row in "record:$r" "event:$ev"; do
	mode=${row%%:*}
	hr=$(rate "${row#*:}")
	echo "| consume $n x 1 KB, 256 partitions, --envelope $mode | $hr rec/s | kcat -C -J -e -q | $kr rec/s | $(awk -v a="$hr" -v b="$kr" 'BEGIN { printf "%.2f", a / b }') |"
done
