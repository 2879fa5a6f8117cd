# e2e: the S3 claim store (s3rver) stops mid-life and restarts.  As
# hs-claimcheck(1) documents: while it is down, put dead-letters each large
# event with its original bytes (reason store_unavailable), lets small
# events through, and exits 75; nothing refers to an object not stored.
# Replaying the dead letters after the restart stores them, and get
# restores every payload byte for byte.
need jq
. "$HS_TESTS/cli/e2e/pipe.sh"
s3_start claims
"$HS_TBIN/gen-events" -n 60 --big 3 --big-size 400000 >source.ndjson
put() {
	hs-claimcheck put --store s3://claims/media --endpoint "$S3_ENDPOINT" \
		--timeout 3s --retries 1 --keep /detail/assetId --dlq dlq.ndjson "$@"
}
put <source.ndjson >up.ndjson || fail "put with the store up: $?"
expect_eq "offloaded" "$(grep -c '"hs-claim"' up.ndjson)" 3
s3_stop
"$HS_TBIN/gen-events" -n 60 -s 5 --big 3 --big-size 400000 >source2.ndjson
expect_exit 75 put <source2.ndjson >down.ndjson
expect_eq "passed while down" "$(count_lines down.ndjson)" 57
expect_no_grep '"hs-claim"' down.ndjson
expect_eq "dead letters" "$(jq -r .reason dlq.ndjson | sort -u)" store_unavailable
expect_eq "dead-lettered" "$(count_lines dlq.ndjson)" 3
s3_restart || fail "s3 restart"
jq -c .event dlq.ndjson | put >again.ndjson || fail "replay of the dead letters"
expect_eq "offloaded after restart" "$(grep -c '"hs-claim"' again.ndjson)" 3
cat up.ndjson down.ndjson again.ndjson |
	hs-claimcheck get --store s3://claims/media --endpoint "$S3_ENDPOINT" >restored.ndjson ||
	fail "get"
cat source.ndjson source2.ndjson | jq -c -S . | sort >want
jq -c -S . restored.ndjson | sort >got
expect_file_eq got want
