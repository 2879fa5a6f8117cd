# Byte-exact: the rejection lines (invalid JSON, invalid UTF-8), the
# missing-value usage error and the --version line of every tool, against
# 017-messages-exact.out (the statuses and version lines) and .err (what
# each tool says on stderr).  A wording change shows here as a diff; after
# a deliberate one, `scripts/run-tests --update all/017` rewrites both.
mkdir store
bad='{"a":1,"hs-claim":2,}'
pad=$(printf '%01100d' 0)
printf '%s\n{"a":"\377"}\n' "$bad" >in
printf '{"pad":"%s","hs-claim":2,}\n' "$pad" >in.big
# st LABEL CMD...: run CMD, print "LABEL: exit N" on stdout.
st() {
	_l=$1
	shift
	"$@" && echo "$_l: exit 0" || echo "$_l: exit $?"
}
st validate hs-validate <in
st transform hs-transform . <in
st put hs-claimcheck put --store file:store --threshold 1K <in.big
st get hs-claimcheck get --store file:store <in
st fanout hs-fanout --pattern '{"source":[{"exists":true}]}' <in
st replay hs-replay - <in
for t in hs-consume hs-validate hs-transform "hs-claimcheck put" hs-fanout hs-replay; do
	st "$t --dlq" $t --dlq </dev/null
	$t --version | head -1
done
