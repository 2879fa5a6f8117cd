# tests/cli/all/matrix.sh: sourced by the cross-tool tests in this folder
# (its name does not start with a digit, so the runner does not run it).
#
# Each test states one property of hs(7) and checks it for every tool
# that reads events from standard input, with a minimal valid invocation
# of each (run ID ARGS...).  A case runs in a subshell in its own
# directory, so one tool's failure does not hide another's; the test
# prints one "report:" line naming each tool's result and fails when any
# tool fails a property it is not excused from.
#
#   HS_TOOLS              the tool ids: validate transform put get fanout replay
#   tool_name ID          the program name in messages (hs-claimcheck for put/get)
#   run ID ARGS...        the tool's minimal invocation reading stdin, ARGS
#                         (options) placed before its operands; with
#                         HS_RUN_EXEC=exec the shell becomes the tool, so
#                         $! of (HS_RUN_EXEC=exec; run ...) & is its pid
#   same A B              files identical; on failure the first difference
#                         (not a diff: the lines here are long)
#   ev N                  one small valid event, with a time and a source
#   big_bad_line          an invalid JSON line over 1 KiB that names hs-claim
#   for_each_tool FUNC [IDS]  run FUNC ID in ./ID/ for each tool, report, judge
#   known_bug ID WHY      inside FUNC, before the failing check: the tool is
#                         known to fail this property (reported upstream);
#                         a failure is reported, not counted, and a pass
#                         fails the test so the entry gets removed

HS_TOOLS="validate transform put get fanout replay"

tool_name() {
	case $1 in
	put | get) echo hs-claimcheck ;;
	*) echo "hs-$1" ;;
	esac
}

# Why each invocation looks the way it does:
# - put: --threshold 1K (its minimum), because put passes lines at or
#   under the threshold byte for byte without parsing them (hs-claimcheck(1)
#   DESCRIPTION); the bad lines below are over 1 KiB so put parses them.
# - get: parses only lines that mention "hs-claim" (others cannot hold a
#   reference), so the bad lines below all name hs-claim.
# - fanout: hs-pattern(7) refuses an empty pattern, so "match all" is
#   {"source":[{"exists":true}]}; every ev has a source.
# - replay: "-" is standard input (hs-replay(1) Archives); every ev has a
#   "time", since events without one are skipped by default.
run() {
	_id=$1
	shift
	case $_id in
	validate) ${HS_RUN_EXEC:-} hs-validate "$@" ;;
	transform) ${HS_RUN_EXEC:-} hs-transform "$@" . ;;
	put) ${HS_RUN_EXEC:-} hs-claimcheck put --store file:store --threshold 1K "$@" ;;
	get) ${HS_RUN_EXEC:-} hs-claimcheck get --store file:store "$@" ;;
	fanout) ${HS_RUN_EXEC:-} hs-fanout --pattern '{"source":[{"exists":true}]}' "$@" ;;
	replay) ${HS_RUN_EXEC:-} hs-replay "$@" - ;;
	*) fail "unknown tool id '$_id'" ;;
	esac
}

ev() {
	printf '{"source":"matrix","time":"2026-01-01T00:00:%02dZ","n":%d}\n' \
		"$(($1 % 60))" "$1"
}

# 1500 filler bytes: over put's 1 KiB threshold.
pad1500() {
	head -c 1500 /dev/zero | tr '\0' a
}

big_bad_line() {
	printf '{"hs-claim":1,"pad":"%s",}\n' "$(pad1500)"
}

same() {
	cmp "$1" "$2" >cmp.out 2>&1 || fail "files differ: $(cat cmp.out)"
}

known_bug() {
	echo "$2" >.known_bug
}

for_each_tool() {
	_func=$1
	_ids=${2:-$HS_TOOLS}
	_summary=
	_bad=0
	for _t in $_ids; do
		mkdir -p "$_t/store"
		_rc=0
		(cd "$_t" && "$_func" "$_t") >"$_t.log" 2>&1 || _rc=$?
		if [ -f "$_t/.known_bug" ]; then
			if [ "$_rc" = 0 ]; then
				_summary="$_summary $_t:FIXED?"
				echo "FAIL: $_t passes although known_bug says: $(cat "$_t/.known_bug"); remove the entry" >&2
				_bad=1
			else
				_summary="$_summary $_t:known-bug"
				echo "known bug in $_t: $(cat "$_t/.known_bug")" >&2
				sed 's/^/    /' "$_t.log" | tail -5 >&2
			fi
		elif [ "$_rc" = 0 ]; then
			_summary="$_summary $_t:ok"
		else
			_summary="$_summary $_t:FAIL"
			echo "FAIL in $_t (status $_rc):" >&2
			sed 's/^/    /' "$_t.log" | tail -15 >&2
			_bad=1
		fi
	done
	echo "report: $(basename "$0" .sh):$_summary" >&2
	[ "$_bad" = 0 ] || exit 1
}

# bad_line_case ID REASON [OPTION...]: ./bad holds one bad line; between two good
# events it is dead-lettered with REASON at line 2, the others pass, exit
# 1, stderr empty with --dlq; without --dlq, one located line on stderr.
# The file name in the position is checked by 006-invalid-json only.
bad_line_case() {
	_id=$1
	_reason=$2
	shift 2
	_name=$(tool_name "$_id")
	{ ev 1; cat bad; ev 2; } >in
	{ ev 1; ev 2; } >want
	expect_exit 1 run "$_id" "$@" --dlq dlq <in >out 2>err
	same want out
	[ ! -s err ] || fail "stderr with --dlq: $(head -c 300 err)"
	expect_eq "dead-letter records" "$(count_lines dlq)" 1
	jq -e --arg r "$_reason" --arg t "$_name" \
		'.reason == $r and .tool == $t and .input.line == 2' dlq >/dev/null ||
		fail "record: $(head -c 300 dlq)"
	expect_exit 1 run "$_id" "$@" <in >out 2>err
	same want out
	expect_eq "stderr lines" "$(count_lines err)" 1
	grep -q "^$_name: [^ ]*:2: $_reason: " err || fail "stderr: $(head -c 300 err)"
}
