# The native evaluator (common/jqnative.c) must be invisible: for every
# program and event, hs-transform (--engine auto, the default) writes the
# same lines and the same dead letters as --engine jq (libjq for every
# event), and where numbers survive libjq, the same values as `jq -c`.
# Programs marked "n" are in the native subset: --stats must show that
# the native evaluator answered events; "j" programs are outside it and
# must show native=0; "p" ones are in it but raise an error on every
# event, which the native evaluator leaves to libjq.  The corpus has the awkward cases: missing fields,
# nulls, wrong types that make jq raise errors, escapes, surrogate pairs,
# control characters, big/small/exponent numbers, -0, 1.0, 1e2, duplicate
# keys, deep nesting, empty containers, a number libjq cannot hold (the
# event is dead-lettered as lossy_number unless it leaves unchanged).
need jq
cat >events <<'JSON'
{"id":"a1","source":"com.shop","detail":{"name":"Zo\u00eb O'Brien","email":"Zoe@Example.COM","n":1,"x":1.0,"y":1e2,"z":-0,"f":-0.125e-3,"items":[{"sku":"A","qty":2,"price":19.99,"tags":["new","sale"]},{"sku":"B","qty":1,"price":5.5,"tags":[]}],"paid":true,"coupon":null,"emoji":"\ud83d\ude00","ctl":"tab\there\u0001\u007f","esc":"a\/b\"c\\d"},"dup":1,"dup":2,"arr":[3,1,2],"big":1e300,"tiny":5e-324}
{"id":"a2","source":"aws.ec2","detail":{"name":"ANA","email":"ana@x.io","n":2.5,"items":[],"paid":false,"coupon":"SPRING","nested":{"a":{"b":{"c":{"d":[1,[2,[3,{"e":"deep"}]]]}}}}},"arr":[],"obj":{}}
{"id":"a3","detail":null,"arr":null}
{"id":7,"source":["x"],"detail":{"name":7,"email":null,"n":"12","items":{"k1":{"qty":3},"k2":{"qty":4}},"paid":"yes"},"arr":"str"}
{"detail":{"items":[1,null,"s",true,[1],{"a":1}],"n":"1e2","name":"","email":"x"},"arr":[1,1.0,1e0,-0,0]}
{"id":"a6","detail":{"b":2,"a":1,"b":3,"c":{"x":1,"x":{"y":2}}},"arr":[{"k":"v"},{"k":"w","k":"z"}]}
{"\u0069d":"esc-key","d\u0065tail":{"n":100000000000000000000},"arr":[0.1,0.2,0.30000000000000004,1.5e10,123456789012345,1e-7]}
[1,2,3]
"just a string"
null
{}
{"id":"s","detail":{"n":-3,"name":"A\u00c5\u6771\u4eac z","email":"MiXeD@CaSe"},"arr":[true,false,null]}
{"id":"lossy","n":12345678901234567890,"detail":{"n":1,"name":"L"},"arr":[1]}
{ "id" : "spaced" , "detail" : { "n" : 1.50 , "items" : [ { "qty" : 1 } ] } , "arr" : [ 1 , 2 ] }
JSON
cat >programs <<'JQ'
n .
n .id
n ."id"
n .["id"]
n .detail.name
n .detail."name"
n .detail.items[0].sku
n .detail.items[-1]
n .detail.items[5]
n .arr[0]
n .arr[-1]
n .arr[1.5]
n .detail.items[]
n .detail.items[]?
n .arr[]?
n .detail.name?
n .detail.items[0]?
n .detail.nested.a.b.c.d
n .dup
n .detail.b
n .detail.c
n .arr[1]
n [.arr[]?]
n [.detail.items[]?.qty?]
n {id}
n {id, source}
n {"id", x: .detail.n}
n {(.id): 1}
n {a: .detail.name, b: .detail.email | ascii_downcase}
n {a: (1,2), b: (3,4)}
n {(.id, "k"): (.arr, 5)}
n {if: 1, then: .id, "a-b": 2}
n {a: - .detail.n}
n [.id, .source, .detail.n]
n []
n {}
n 1, "two", null, true, false
n [-0], 1.0, 1e2, 1.5e300, 5e-324, 100000000000000000000, 0.1
n "esc \u00e9 \ud83d\ude00 \t \" \\ \/ end"
n .detail.n + 1
n .detail.n - 1
n .detail.n * 2
n .detail.n / 4
n .detail.n % 2
p .detail.n / 0
n .detail.n / 0.5
n .detail | -.n
n .arr + [9]
n .arr - [1]
n .detail.name + "!"
n .detail + {extra: 1}
n null + .id
n .detail.n == 1
n .detail.n != 1
n .detail.n < 2
n .detail.n >= 2
n .arr < [1,2]
n .detail > {"a":1}
n .id == "a1" and .detail.paid
n .id == "a1" or .detail.paid
n (true, false) and (true, false)
n (true, false) or (true, false)
n [(1,2) + (10,20)]
n .detail.coupon // "none"
n .detail.missing // .id // "x"
n if .detail.paid then "paid" elif .detail.paid == false then "unpaid" else "?" end
n if .arr then .arr else empty end
n .detail.name | length
n .arr | length
n .detail | length
n .big | length
n .detail.paid | length
n .detail.name | ascii_downcase
n .detail.email | ascii_upcase
n .detail.items | map(.qty)
n [.detail.items[].qty] | add
n .arr | add
n .detail.items | add
n .detail | keys
n .arr | keys
n .detail | keys_unsorted
n .detail | has("name")
n .arr | has(0)
n .detail.n | tostring
n .detail | tostring
n .detail.n | tonumber
n .detail | tojson
n .arr | map(type)
n .detail | type
n .detail.items | map(select(.qty? > 1))
n select(.source == "aws.ec2")
n select(.detail.n == 1)
n select(.arr | length > 1) | .id
n .detail.email | startswith("Z"), endswith(".io")
n .detail.email | ltrimstr("ana@"), rtrimstr(".io")
n .arr | join(",")
n .detail.items | first, last
n .arr | values
n .detail.paid | not
n empty
n .detail.name, empty, .id
n $x
n {x: $x, y: $ARGS.named.x}
n .ctl
n .detail.ctl, .detail.esc, .detail.emoji
n .detail.emoji | length
n .tiny, .big, .detail.f, .detail.z, .detail.x, .detail.y
n .detail.items[0].tags[]
n [.arr[] | . * 2]
n .detail.nested
n {detail}
n [.[]?]
n .detail | .n as $v | $v
n .detail.n | floor
n reduce .arr[] as $i (0; . + $i)
n [.arr[] | tostring]
n .detail | to_entries
n .id | test("a")
n .arr | sort
n "\(.id)"
n .detail | del(.n)
n .arr[1:]
n .. | numbers
n .detail.n |= . + 1
n try .detail.n.x catch "caught"
n (.detail.n.x)?
n @base64
n def f: .id; f
JQ
# A "j" line: change the marker of every unsupported program above.
sed -e 's/^n \(.detail | \.n as \$v | \$v\)$/j \1/' \
    -e 's/^n \(.detail.n | floor\)$/j \1/' \
    -e 's/^n \(reduce .*\)$/j \1/' \
    -e 's/^n \(.detail | to_entries\)$/j \1/' \
    -e 's/^n \(.id | test("a")\)$/j \1/' \
    -e 's/^n \(.arr | sort\)$/j \1/' \
    -e 's/^n \("\\(.id)"\)$/j \1/' \
    -e 's/^n \(.detail | del(.n)\)$/j \1/' \
    -e 's/^n \(.arr\[1:\]\)$/j \1/' \
    -e 's/^n \(\.\. | numbers\)$/j \1/' \
    -e 's/^n \(.detail.n |= . + 1\)$/j \1/' \
    -e 's/^n \(try .*\)$/j \1/' \
    -e 's/^n \((.detail.n.x)?\)$/j \1/' \
    -e 's/^n \(@base64\)$/j \1/' \
    -e 's/^n \(def f: .id; f\)$/j \1/' programs >programs.marked
# Events whose numbers libjq carries exactly, for the comparison with jq.
grep -v -e 100000000000000000000 -e 12345678901234567890 events >events.exact
n=0 nn=0 nj=0
while IFS= read -r line; do
	mark=${line%% *}
	prog=${line#* }
	n=$((n + 1))
	for f in events; do
		rm -f dlq.auto dlq.jq
		hs-transform --threads 1 --arg x 'X"y' --stats --dlq dlq.auto "$prog" $f \
			>auto.out 2>auto.err && rc_auto=0 || rc_auto=$?
		hs-transform --threads 1 --arg x 'X"y' --engine jq --dlq dlq.jq "$prog" $f \
			>jq.out 2>jq.err && rc_jq=0 || rc_jq=$?
		expect_eq "program $n ($prog) on $f: exit" "$rc_auto" "$rc_jq"
		cmp -s auto.out jq.out || {
			diff jq.out auto.out | head -10 >&2
			fail "program $n ($prog) on $f: output differs from --engine jq"
		}
		touch dlq.auto dlq.jq
		jq -c 'del(.time)' dlq.auto >dlq.auto.n
		jq -c 'del(.time)' dlq.jq >dlq.jq.n
		cmp -s dlq.auto.n dlq.jq.n || {
			diff dlq.jq.n dlq.auto.n | head -6 >&2
			fail "program $n ($prog) on $f: dead letters differ"
		}
		native=$(sed -n 's/.* native=\([0-9]*\) .*/\1/p' auto.err)
		[ -n "$native" ] || fail "program $n: no native= in --stats: $(cat auto.err)"
		case $mark in
		n) [ "$native" -gt 0 ] ||
			fail "program $n ($prog) on $f: the native evaluator answered nothing" ;;
		*) expect_eq "program $n ($prog) on $f: native" "$native" 0 ;;
		esac
	done
	case $mark in
	n) nn=$((nn + 1)) ;;
	j) nj=$((nj + 1)) ;;
	esac
	# The values are jq's: event by event, where jq raised no error, the
	# same values (normalised: unchanged events leave byte-identical).
	# try [...] isolates each event's error as hs-transform does.
	jq -c --arg x 'X"y' "(try ([$prog] | {ok: .}) catch {err: 1}) |
		select(.ok) | .ok[]" events.exact >want 2>/dev/null ||
		fail "program $n ($prog): jq failed"
	hs-transform --threads 1 --arg x 'X"y' "$prog" events.exact >exact.out 2>/dev/null || : # jq errors are compared below
	jq -c . exact.out >got 2>/dev/null || fail "program $n: output is not JSON"
	jq -c . want >want.n
	cmp -s want.n got || {
		diff want.n got | head -10 >&2
		fail "program $n ($prog) differs from jq -c"
	}
done <programs.marked
[ "$nn" -ge 60 ] || fail "only $nn native programs"
[ "$nj" -ge 10 ] || fail "only $nj programs outside the subset"
# --threads 2: the same lines, in order, with native and libjq events mixed.
hs-transform --threads 2 '.detail.n + 1' events >j2.out 2>/dev/null && rc2=0 || rc2=$?
hs-transform --threads 1 --engine jq '.detail.n + 1' events >j1.out 2>/dev/null && rc1=0 || rc1=$?
expect_eq "--threads 2 exit as --threads 1" "$rc2" "$rc1"
expect_file_eq j2.out j1.out
echo "report: $nn native programs, $nj outside the subset agree with libjq and jq -c" >&2
