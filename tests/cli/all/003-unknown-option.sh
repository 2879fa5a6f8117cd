# An unknown option: exit 2, nothing on stdout, and exactly three parts
# on stderr: the message, the synopsis (the --help lines before the first
# blank line), and "hs-x: try 'hs-x --help'".
. "$HS_TESTS/cli/all/matrix.sh"

usage_case() {
	name=$(tool_name "$1")
	"$name" --help | sed '/^$/,$d' >synopsis
	[ -s synopsis ] || fail "no synopsis in --help"
	{
		echo "$name: unknown option '--no-such-option'"
		cat synopsis
		echo "$name: try '$name --help'"
	} >want
	# put/get: the subcommand comes first, then the bad option.
	case $1 in
	put | get) set -- "$name" "$1" --no-such-option ;;
	*) set -- "$name" --no-such-option ;;
	esac
	expect_exit 2 "$@" </dev/null >out 2>err
	[ ! -s out ] || fail "stdout: $(cat out)"
	expect_file_eq want err
}
for_each_tool usage_case "consume validate transform put get fanout replay"
