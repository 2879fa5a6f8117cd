# gen.sh: event generators for hs-claimcheck tests (sourced).
#
#   big_event ID BYTES [ASSET]   one line whose /detail holds BYTES random
#                                bytes as base64 plus assetId and type
#   small_event ID               one short line
big_event() {
	printf '{"id":"%s","source":"media","detail":{"assetId":"%s","type":"video","n":1.50e3,"blob":"' \
		"$1" "${3:-asset-$1}"
	head -c "$2" /dev/urandom | base64 -w0
	printf '"},"time":"2026-01-01T00:00:00Z"}\n'
}

small_event() {
	printf '{"id":"%s","detail":{"x":1.0,"s":"caf\\u00e9 \303\251"}}\n' "$1"
}
