# Each tool's --help and its manual page name the same long options, and
# every page renders without a warning: scripts/check-man holds the one
# copy of these checks (make lint runs it too).
"$HS_TESTS/../scripts/check-man" "$HS_BIN" 2>err.txt || fail "$(cat err.txt)"
