# The official JSON Schema Test Suite (draft 2020-12 and draft-07) through
# the real binary: every required test must pass; the optional ones
# (formats with --assert-format) are counted and printed, not enforced.
need_shared
need python3
suite=$HS_SHARED/conformance/json-schema-test-suite
metas=$HS_SHARED/conformance/metaschemas
[ -d "$suite/tests/draft2020-12" ] || skip "no json-schema-test-suite in $HS_SHARED"
mkdir work
python3 "$HS_TESTS/cli/hs-validate/suite.py" "$HS_BIN/hs-validate" \
	"$suite" "$metas" "$PWD/work" >required.txt 2>&1 ||
	{ grep -v '^ok' required.txt >&2; fail "required tests failed"; }
grep '^total' required.txt | sed 's/^/report: /' >&2
# the totals must name every test the suite holds, all passed
grep -q '^total draft2020-12 required: \([0-9]*\)/\1 passed' required.txt ||
	fail "draft2020-12 totals wrong"
grep -q '^total draft7 required: \([0-9]*\)/\1 passed' required.txt ||
	fail "draft7 totals wrong"
python3 "$HS_TESTS/cli/hs-validate/suite.py" "$HS_BIN/hs-validate" \
	"$suite" "$metas" "$PWD/work" --optional >optional.txt 2>&1 || :
grep '^total.*optional' optional.txt | sed 's/^/report: /' >&2
grep -c '^ok.*optional/format' optional.txt >/dev/null ||
	fail "no optional format file passed at all"
