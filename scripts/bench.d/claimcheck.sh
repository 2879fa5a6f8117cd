#!/bin/sh
# claimcheck.sh: hs-claimcheck benchmarks, as markdown table rows
#   | workload | hs figure | peer | peer figure | ratio |
# 1. put pass-through of small events vs cat on the same file (goal >= 0.5)
# 2. put offload of one 40 MB payload to a file: store (fsync included)
#    vs zstd -1 -T1 compressing the same bytes to a file (goal >= 0.8)
# 3. peak RSS of that offload against the payload size (goal < 4)
# Each figure is the best of 3 runs.  Needs HS_BUILD (or ./bin) and zstd.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${HS_BUILD:-.}
case $build in /*) ;; *) build=$top/$build ;; esac
tool=$build/bin/hs-claimcheck
[ -x "$tool" ] || { echo "claimcheck.sh: no $tool" >&2; exit 1; }
command -v zstd >/dev/null || { echo "claimcheck.sh: zstd not installed" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/hs-bench-claim.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
# best SECONDS of 3 runs of "sh -c CMD"
best() {
	b=
	for _ in 1 2 3; do
		t0=$(now)
		sh -c "$1"
		t1=$(now)
		b=$(echo "$t0 $t1 ${b:-1e9}" | awk '{d = $2 - $1; print (d < $3 ? d : $3)}')
	done
	echo "$b"
}

# 1. 200k small events (~200 B each, ~40 MB).
awk 'BEGIN { for (i = 0; i < 200000; i++)
	printf "{\"version\":\"0\",\"id\":\"%08d\",\"detail-type\":\"x\",\"source\":\"s\",\"time\":\"2026-01-01T00:00:00Z\",\"detail\":{\"n\":%d,\"s\":\"abcdefghijklmnopqrstuvwxyz0123456789abcdefghij\"}}\n", i, i }' >"$work/small"
mkdir "$work/store"
size=$(wc -c <"$work/small")
hs=$(best "'$tool' put --store file:'$work/store' <'$work/small' >/dev/null")
cat_t=$(best "cat '$work/small' >/dev/null")
# through a pipe, as in a pipeline
hs_p=$(best "cat '$work/small' | '$tool' put --store file:'$work/store' | cat >/dev/null")
cat_p=$(best "cat '$work/small' | cat | cat >/dev/null")
awk -v n="$size" -v a="$hs_p" -v b="$cat_p" 'BEGIN {
	printf "| claimcheck put pass-through, 200k small events (pipe) | %.0f MB/s | cat | %.0f MB/s | %.2f |\n",
		n / a / 1e6, n / b / 1e6, b / a }'
awk -v n="$size" -v a="$hs" -v b="$cat_t" 'BEGIN {
	printf "| claimcheck put pass-through, 200k small events (file to /dev/null) | %.0f MB/s | cat | %.0f MB/s | %.2f |\n",
		n / a / 1e6, n / b / 1e6, b / a }'

# 2. One event with a 40 MB base64 payload (30 MB of random bytes).
{
	printf '{"id":"big","detail":{"blob":"'
	head -c 30000000 /dev/urandom | base64 -w0
	printf '"}}\n'
} >"$work/big"
sed 's/^{"id":"big","detail"://; s/}$//' "$work/big" | tr -d '\n' >"$work/payload"
size=$(wc -c <"$work/payload")
hs=$(best "rm -rf '$work/s2'; mkdir '$work/s2'; '$tool' put --store file:'$work/s2' <'$work/big' >/dev/null")
zs=$(best "zstd -1 -T1 -q -f -o '$work/payload.zst' '$work/payload'")
awk -v n="$size" -v a="$hs" -v b="$zs" 'BEGIN {
	printf "| claimcheck put offload, 40 MB base64 payload to file: (fsync) | %.0f MB/s | zstd -1 -T1 | %.0f MB/s | %.2f |\n",
		n / a / 1e6, n / b / 1e6, b / a }'

# 3. Peak memory of that offload (issue 6: under 4 times the payload).
if [ -x /usr/bin/time ]; then
	rm -rf "$work/s2"; mkdir "$work/s2"
	kb=$(/usr/bin/time -f %M "$tool" put --store file:"$work/s2" <"$work/big" 2>&1 >/dev/null | tail -n1)
	awk -v n="$size" -v kb="$kb" 'BEGIN {
		printf "| claimcheck put offload, 40 MB payload, peak RSS | %.0f MB | payload | %.0f MB | %.2f |\n",
			kb * 1024 / 1e6, n / 1e6, kb * 1024 / n }'
fi
