#!/bin/sh
# References an event could forge are refused with a dead letter: other
# directories, other buckets, other schemes, absolute paths, "..", keys
# that are not the content address.  Nothing outside the store is read.
. "$HS_TESTS/cli/lib.sh"

mkdir store other
echo secret >other/secret
sum=$(printf '{"a":1}' | sha256sum | cut -c1-64)
ref() {
	printf '{"id":"%s","detail":{"hs-claim":{"store":"%s","key":"%s","sha256":"%s","size":7,"stored_size":7,"encoding":"%s","media_type":"application/json"}}}\n' \
		"$1" "$2" "$3" "${4:-$sum}" "${5:-identity}"
}
{
	ref 1 file:other secret
	ref 2 file:///etc/passwd passwd
	ref 3 file:/etc passwd
	ref 4 file:store ../../../other/secret
	ref 5 file:store /etc/passwd
	ref 6 file:store "$sum/../x"
	ref 7 s3://other-bucket "$sum"
	ref 8 https://169.254.169.254/latest "$sum"
	ref 9 file:store passwd
	ref 10 file:store "$sum.zst" "$sum" identity
	ref 11 file:store "../$sum" "$sum"
	ref 12 'file:store/../other' "$sum"
	printf '{"id":"13","detail":{"hs-claim":"file:/etc/passwd"}}\n'
	printf '{"id":"14","detail":{"hs-claim":{"store":"file:store","key":"%s","sha256":"%s","size":-1,"encoding":"identity"}}}\n' "$sum" "$sum"
} >in

expect_exit 1 hs-claimcheck get --store file:store --dlq dlq <in >out 2>err
[ ! -s out ] || fail "something was written: $(cat out)"
expect_eq "dead letters" "$(count_lines dlq)" 14
expect_eq "refused" "$(grep -c '"reason":"claim_refused"' dlq)" 12
expect_eq "invalid" "$(grep -c '"reason":"claim_invalid"' dlq)" 2
expect_no_grep 'root:' dlq
expect_no_grep 'secret' out

# A reference to a store on the command line, under its content address,
# is honoured (the same events minus the forgeries).
d=store/$(echo "$sum" | cut -c1-2)/$(echo "$sum" | cut -c3-4)
mkdir -p "$d"
printf '{"a":1}' >"$d/$sum"
ref 20 file:store "$sum" >good
hs-claimcheck get --store file:store <good >out || fail "good reference refused"
expect_eq "restored" "$(cat out)" '{"id":"20","detail":{"a":1}}'
