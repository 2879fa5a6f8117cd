# gen.sh: sourced by hs-replay's tests (not a test itself).
#
#   gen FIRST N STEP_MS     N events numbered from FIRST whose "time" is
#                           2026-01-01T00:00:00Z + number * STEP_MS
#   ms_of N STEP_MS         epoch ms of event number N
#   ids FILE                the event numbers in FILE, one per line
gen() {
	awk -v f="$1" -v n="$2" -v st="$3" 'BEGIN {
		for (i = f; i < f + n; i++) {
			ms = i * st
			h = int(ms / 3600000); m = int(ms / 60000) % 60
			s = int(ms / 1000) % 60; r = ms % 1000
			printf "{\"id\":\"e%d\",\"source\":\"test\",\"time\":\"2026-01-01T%02d:%02d:%02d.%03dZ\",\"detail\":{\"n\":%d,\"x\":1.50}}\n", i, h, m, s, r, i
		}
	}'
}

# 2026-01-01T00:00:00Z is 1767225600000 ms after the epoch.
ms_of() {
	echo $((1767225600000 + $1 * $2))
}

ids() {
	sed 's/.*"id":"e\([0-9]*\)".*/\1/' "$1"
}
