# Well-formedness check (hs-validate without a schema) against jq -c .
# and cat, on the benchmark corpus.  Rows: events per second.
set -eu
c=$HS_BENCH_CORPUS
n=$(wc -l <"$c")
# Best of three wall-clock runs, in seconds with nanosecond resolution.
secs() {
	best=
	for _ in 1 2 3; do
		s=$(date +%s%N)
		"$@" >/dev/null
		e=$(date +%s%N)
		t=$(((e - s) / 1000))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	awk -v u="$best" 'BEGIN { printf "%.6f", u / 1e6 }'
}
t_hs=$(secs "$HS_BIN/hs-validate" "$c")
t_jq=$(secs jq -c . "$c")
t_cat=$(secs cat "$c")
rate() { awk -v n="$n" -v t="$1" 'BEGIN { printf "%.0f ev/s", n / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", b / a }'; }
echo "| JSON well-formedness, $n events | $(rate "$t_hs") | jq -c . | $(rate "$t_jq") | $(ratio "$t_hs" "$t_jq") |"
echo "| JSON well-formedness vs cat | $(rate "$t_hs") | cat | $(rate "$t_cat") | $(ratio "$t_hs" "$t_cat") |"
