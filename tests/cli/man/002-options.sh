# Each tool's --help and its manual page name the same long options
# (curl's test1139: pages drift from code unless a test holds them).
top=$HS_TESTS/..
for b in "$HS_BIN"/hs-*; do
	t=${b##*/}
	page=$top/man/$t.1
	[ -f "$page" ] || continue
	"$b" --help >help.txt || fail "$t --help exited $?"
	grep -o -- '--[a-z][a-z0-9-]*' help.txt | sort -u >from-help
	# In mdoc, a long option is written "Fl -name".
	grep -o 'Fl -[a-z][a-z0-9-]*' "$page" | sed 's/^Fl -/--/' | sort -u >from-page
	missing=$(comm -23 from-help from-page | tr '\n' ' ')
	extra=$(comm -13 from-help from-page | tr '\n' ' ')
	[ -z "$missing" ] || fail "$t: in --help but not in man/$t.1: $missing"
	[ -z "$extra" ] || fail "$t: in man/$t.1 but not in --help: $extra"
done
