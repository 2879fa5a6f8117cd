# --registry: DIR/<source>/<detail-type>.json per event, DIR/default.json
# otherwise; --on-unknown decides without a default.
mkdir -p reg/com.example.media
echo '{"properties":{"detail":{"required":["assetId"]}}}' >"reg/com.example.media/media.uploaded.json"
echo '{"properties":{"detail":{"required":["size"]}}}' >"reg/com.example.media/media deleted.json"
cat >in <<'J'
{"source":"com.example.media","detail-type":"media.uploaded","detail":{"assetId":"a"}}
{"source":"com.example.media","detail-type":"media.uploaded","detail":{"size":1}}
{"source":"com.example.media","detail-type":"media deleted","detail":{"size":1}}
{"source":"com.example.media","detail-type":"media deleted","detail":{"assetId":"a"}}
{"source":"other","detail-type":"x","detail":{}}
J
expect_exit 1 hs-validate --registry reg --dlq dlq in >out
expect_eq "passed" "$(count_lines out)" 2
expect_eq "dead" "$(count_lines dlq)" 3
expect_grep '"reason":"no_schema"' dlq
expect_exit 1 hs-validate --registry reg --on-unknown pass --dlq dlq2 in >out
expect_eq "passed with --on-unknown pass" "$(count_lines out)" 3
echo '{"required":["source"]}' >reg/default.json
echo '{"detail":{}}' >>in
expect_exit 1 hs-validate --registry reg --dlq dlq3 in >out
expect_eq "passed with a default" "$(count_lines out)" 3
expect_grep '"keywordLocation":"/required"' dlq3
# a registry schema that does not compile stops the tool at start
echo '{"type":12}' >reg/com.example.media/broken.json
expect_exit 2 hs-validate --registry reg in >/dev/null 2>err
expect_grep "broken.json" err
expect_exit 2 hs-validate --registry nowhere in 2>err
