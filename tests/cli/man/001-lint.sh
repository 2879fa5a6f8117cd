# Every tool has a manual page, and every page passes mandoc's linter at
# warning level (STYLE messages, such as pages not installed, aside).
need mandoc
top=$HS_TESTS/..
n=0
for b in "$HS_BIN"/hs-*; do
	t=${b##*/}
	[ -f "$top/man/$t.1" ] || fail "no manual page man/$t.1 for $t"
done
for m in "$top"/man/*.[1-9]; do
	out=$(mandoc -Tlint -W warning "$m" 2>&1) || fail "mandoc -Tlint $m: $out"
	[ -z "$out" ] || fail "mandoc -Tlint $m: $out"
	n=$((n + 1))
done
[ "$n" -ge 2 ] || fail "only $n manual pages"
