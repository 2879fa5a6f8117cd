# The committed .clang-format keeps the layout, not reviewers.
need clang-format
top=$HS_TESTS/..
files=$(cd "$top" && git ls-files 'common/*.[ch]' 'cmd/*.[ch]' 'tests/*.[ch]' 2>/dev/null) ||
	skip "not a git checkout"
[ -n "$files" ] || fail "no C files found"
here=$PWD
cd "$top" && clang-format --dry-run -Werror $files 2>"$here/err.txt" || {
	head -20 "$here/err.txt" >&2
	fail "clang-format: files need formatting (run clang-format -i on them)"
}
