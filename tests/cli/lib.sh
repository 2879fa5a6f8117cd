# tests/cli/lib.sh: sourced first by every CLI test.  POSIX sh.
#
# The runner sets HS_BIN (tools), HS_TBIN (test helpers), HS_TESTS (this
# tests/ folder) and HS_SHARED (../shared, or empty), and runs each test
# in a fresh scratch directory, its cwd.
#
#   hs_on_exit CMD         run CMD when the test exits, however it exits
#   fail MSG               print MSG and exit 1
#   skip MSG               print MSG and exit 77
#   expect_eq WHAT GOT WANT
#   expect_exit WANT CMD...  run CMD, compare its exit status
#   expect_file_eq A B     files identical (cmp)
#   expect_grep PATTERN FILE
#   expect_no_grep PATTERN FILE
#   count_lines FILE       number of lines
#   need_shared            skip unless ../shared is there
#   need CMD...            skip unless each command exists
#   wait_for SECS CMD...   retry CMD every 0.1 s until it succeeds
#   wait_lines SECS FILE N wait_for FILE to hold at least N lines

# -e: a command that fails outside a check ends the test with its status,
# so a failure no check looked at cannot pass unseen.  A command expected
# to fail is run as `cmd && rc=0 || rc=$?` or through expect_exit.
set -eu
# Byte-exact messages and sort order: no locale may change them.
LC_ALL=C
export LC_ALL
PATH=$HS_BIN:$PATH
# make check-valgrind: wrappers running each tool under valgrind come first.
[ -n "${HS_EXEC_BIN:-}" ] && PATH=$HS_EXEC_BIN:$PATH
export PATH

HS_EXIT_LIST=

hs_on_exit() {
	HS_EXIT_LIST="$* ; $HS_EXIT_LIST"
}

hs_run_exit_list() {
	_rc=$?
	trap - EXIT
	eval "$HS_EXIT_LIST" >/dev/null 2>&1 || :
	exit $_rc
}
trap hs_run_exit_list EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "skip: $*" >&2
	exit 77
}

expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

expect_exit() {
	_want=$1
	shift
	_got=0
	"$@" || _got=$?
	[ "$_got" = "$_want" ] || fail "exit status of '$*': got $_got, want $_want"
}

expect_file_eq() {
	cmp -s "$1" "$2" || {
		diff "$1" "$2" | head -20 >&2
		fail "files differ: $1 $2"
	}
}

expect_grep() {
	grep -q -- "$1" "$2" || {
		head -c 2000 "$2" >&2
		fail "'$1' not found in $2"
	}
}

expect_no_grep() {
	! grep -q -- "$1" "$2" || fail "'$1' unexpectedly found in $2"
}

count_lines() {
	wc -l <"$1" | tr -d ' '
}

need_shared() {
	[ -n "${HS_SHARED:-}" ] && [ -d "$HS_SHARED" ] ||
		skip "no ../shared beside the checkout"
}

need() {
	for _c in "$@"; do
		command -v "$_c" >/dev/null 2>&1 || skip "$_c is not installed"
	done
}

wait_for() {
	_deadline=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_deadline" ] || return 1
		sleep 0.1
	done
}

_has_lines() {
	[ -f "$1" ] && [ "$(count_lines "$1")" -ge "$2" ]
}

wait_lines() {
	wait_for "$1" _has_lines "$2" "$3"
}

for _lib in "$HS_TESTS"/lib/*.sh; do
	[ -f "$_lib" ] && . "$_lib"
done
