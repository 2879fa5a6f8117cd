# --stats adds up on a mixed input: in = out + dlq + filtered, in counts
# every non-blank line, blank lines apart, out equals the lines written,
# dlq the records dead-lettered, and the exit status is 1.
. "$HS_TESTS/cli/all/matrix.sh"
need jq

stats_case() {
	{
		ev 1
		echo
		big_bad_line
		ev 2
		# no time and no source: fanout filters it out, replay skips
		# it as untimed (counted filtered), the others pass it.
		echo '{"n":3}'
		printf '{"hs-claim":"\377","pad":"%s"}\n' "$(pad1500)"
		echo
		ev 4
	} >in
	expect_exit 1 run "$1" --stats --dlq dlq <in >out 2>err
	line=$(grep ' stats ' err) || fail "no stats line: $(cat err)"
	get() { echo "$line" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
	in=$(get in) o=$(get out) d=$(get dlq) f=$(get filtered) b=$(get blank)
	expect_eq "in" "$in" 6
	expect_eq "blank" "$b" 2
	expect_eq "in = out + dlq + filtered" "$in" $((o + d + f))
	expect_eq "out = lines written" "$o" "$(count_lines out)"
	expect_eq "dlq = records" "$d" "$(count_lines dlq)"
	expect_eq "dlq" "$d" 2
	case $1 in
	fanout | replay) expect_eq "filtered" "$f" 1 ;;
	*) expect_eq "filtered" "$f" 0 ;;
	esac
}
for_each_tool stats_case
