# jq 1.6's command-line flags (issue 17): for each flag, the same program
# and input through `jq -c FLAG` and `hs-transform FLAG` give the same
# bytes and exit status, with the native evaluator and with libjq alone
# (--engine jq).  Outputs here hold no raw string with a newline (see
# 021 for that NDJSON rule).
need jq
cat >raw <<'JSON'
{"id":"a1","b":2,"a":{"z":[],"y":{},"x":[1,{"k":"Zo\u00eb \u6771"}]},"ok":true,"none":null}
{"id":"a2","b":-0.5,"a":{"z":[3],"y":{"q":false}},"ok":false,"none":null,"s":"tab\there"}
{"id":"a3","b":1e2,"a":{},"ok":null,"list":["x","y"]}
JSON
jq -c . raw >events
cat >programs <<'JQ'
.
.id
.a
.list[]?
select(.ok) | .id
[.id, .b]
.s // "caf\u00e9"
empty
JQ
cmp_flags() {
	_in=$1
	shift
	jq -c "$@" <"$_in" >want 2>/dev/null && _wrc=0 || _wrc=$?
	for _e in auto jq; do
		hs-transform --engine $_e "$@" <"$_in" >got 2>err && _grc=0 ||
			_grc=$?
		cmp -s got want || {
			diff got want | head -10 >&2
			fail "$* (--engine $_e): output differs from jq -c"
		}
		expect_eq "$* (--engine $_e) exit" "$_grc" "$_wrc"
	done
}
n=0
while IFS= read -r prog; do
	for flags in -r -j -a -S --tab "--indent 3" "--indent 0" -e \
		"-S --tab -a" "--sort-keys --raw-output" "-e -S"; do
		# shellcheck disable=SC2086
		cmp_flags events $flags "$prog"
		n=$((n + 1))
	done
done <programs

# -r -a (and -j -a) on a string: jq 1.6 aborts (a double free, fixed in
# 1.7); hs prints what 1.7 prints, the string quoted as -a writes it.
for prog in .id '.s // "caf\u00e9"' '.a.x[1].k // "\u6771"'; do
	jq -c -a "$prog" events >want
	for e in auto jq; do
		hs-transform --engine $e -r -a "$prog" events >got
		expect_file_eq got want
		hs-transform --engine $e -j -a "$prog" events >got
		tr -d '\n' <want >want.j
		expect_file_eq got want.j
	done
	n=$((n + 2))
done

# --seq: RS before each output; jq 1.6 reads RS-separated input then.
printf '\036%s\n' "$(sed -n 1p events)" "$(sed -n 2p events)" >seq
for prog in . .id '.a | keys'; do
	cmp_flags seq --seq "$prog"
	cmp_flags seq --seq -S --indent 2 "$prog"
	n=$((n + 2))
done
# -n: once, on null, nothing read.
for prog in . '1, "two", [3]' '{a: 1} | .a' empty 'null, false'; do
	cmp_flags events -n "$prog"
	cmp_flags events -n -e "$prog"
	n=$((n + 2))
done
# -R: each line a string; -s: one array; -R -s: one string.
printf 'plain\n"quoted"\n{"a":1}\n\ttab \\ back\n' >lines
for prog in . length 'ascii_upcase' 'split(" ")'; do
	cmp_flags lines -R "$prog"
	cmp_flags lines -R -r "$prog"
	cmp_flags lines -R -s "$prog"
	n=$((n + 3))
done
for prog in . length 'map(.id)' 'map(.b) | add' '.[1]'; do
	cmp_flags events -s "$prog"
	cmp_flags events -s -S --tab "$prog"
	n=$((n + 2))
done
: >empty
cmp_flags empty -s .
cmp_flags empty -R -s .
cmp_flags empty -e .
echo "report: $((n + 3)) flag cases agree with jq 1.6 on both engines" >&2
