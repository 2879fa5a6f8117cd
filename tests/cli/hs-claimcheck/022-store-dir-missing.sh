# A file: store whose directory does not exist (or is a file) is refused
# at start, exit 2, before any event is read -- not at the first event
# large enough to need it, after the small ones went through.
. "$HS_TESTS/cli/lib.sh"
. "$HS_TESTS/cli/hs-claimcheck/gen.sh"

small_event 1 >in
for mode in put get; do
	expect_exit 2 hs-claimcheck $mode --store file:nope <in >out 2>err
	expect_grep "^hs-claimcheck: store directory 'nope': No such file or directory$" err
	[ ! -s out ] || fail "$mode: events written: $(cat out)"
	[ ! -e nope ] || fail "$mode: the directory was created"
done
touch afile
expect_exit 2 hs-claimcheck put --store file:afile <in >out 2>err
expect_grep "^hs-claimcheck: store directory 'afile': not a directory$" err
