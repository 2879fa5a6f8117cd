# hs(7) COMMON OPTIONS: an option that takes a value may be given once
# (exit 2, "--NAME may be given once", nothing read); the options each page
# documents as repeatable apply every time.  Checked in every tool, for a
# common option (--dlq), one of the tool's own, and a repeatable one.
once() {
	_name=$1
	shift
	expect_exit 2 "$@" </dev/null >out 2>err
	[ ! -s out ] || fail "$*: stdout: $(cat out)"
	expect_eq "$*: first line" "$(head -1 err)" "${1}: $_name may be given once"
}
for t in hs-consume hs-validate hs-transform hs-fanout hs-replay; do
	once --dlq $t --dlq a --dlq b
done
once --dlq hs-claimcheck put --dlq a --dlq b
once --group hs-consume -t t -G a -G b
once --brokers hs-consume -t t -b x:1 -b y:1
expect_exit 2 hs-consume -t t -o 5 -o end 2>err
expect_grep "^hs-consume: -o takes one start and one e@ end$" err
expect_exit 2 hs-consume -t t -o e@1 -o e@2 2>err
expect_grep "^hs-consume: -o takes one start and one e@ end$" err
once --at hs-validate --at /a --at /b
once -j hs-transform -j 1 -j 2 .
once --threads hs-transform --threads 1 --threads 2 .
once --indent hs-transform --indent 1 --indent 2 .
once --threshold hs-claimcheck put --store file:s --threshold 2K --threshold 3K
once --rules hs-fanout --rules a --rules b
once --rate hs-replay --rate 1/s --rate=2/s -
once --checkpoint hs-replay --checkpoint a --checkpoint b -

# Repeatable: each given twice is taken, not refused.
echo '{"a":1}' >ev
hs-validate --ref-map http://a/=. --ref-map http://b/=. ev >out
expect_file_eq ev out
hs-transform -L . -L /tmp . ev >out
expect_file_eq ev out
mkdir s1 s2
hs-claimcheck get --store file:s1 --store file:s2 ev >out
expect_file_eq ev out
hs-claimcheck put --store file:s1 --keep /detail/a --keep /detail/b ev >out
expect_file_eq ev out
printf 'queue.buffering.max.ms=5\n' >k.conf
hs-fanout -F k.conf -F k.conf -X linger.ms=1 -X linger.ms=2 \
	--rules /nonexistent ev 2>err && rc=0 || rc=$?
expect_eq "fanout -F/-X twice: exit" "$rc" 2
expect_no_grep 'may be given once' err
expect_grep '/nonexistent' err
