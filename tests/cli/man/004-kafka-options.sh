# Every Kafka tool lists the one Kafka option group (common/kafkaconf.h,
# HS_KAFKA_HELP) in its --help with the same spellings; that each accepts
# them is man/003, their precedence hs-consume/012, hs-fanout/032 and
# hs-replay/021.
for t in hs-consume hs-fanout hs-replay; do
	"$t" --help >help || fail "$t --help failed"
	for o in '-b, --brokers LIST ' '-F, --config FILE ' \
		'-X, --property KEY=VALUE '; do
		grep -q -e "^  $o" help || fail "$t --help lacks '$o'"
	done
done
