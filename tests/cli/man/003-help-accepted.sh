# Every long option a tool's --help names is one that tool accepts: run
# with it (and a minimal invocation otherwise valid), the tool does not
# refuse it.  Refused means the first message on stderr says "unknown
# option" (opts.c's hs_opts_bad), or names the option alone: neither the
# value given nor "bad/invalid --OPTION" (a value complaint, "bad --rate
# '0'", or "--OPTION may be given once") nor another option (a
# combination, "--reset needs --checkpoint").  A tool with subcommands
# accepts an option when one of them does.  The value given is the first
# choice the help offers (include|skip), else 0; the number of values is
# what the help shows after the option (--arg NAME VALUE takes two).
: >empty.ndjson
# The value 0 as a file exists, so --ack 0 is refused at once (not a FIFO)
# instead of waiting for hs-consume to create it.
: >0
mkdir store
echo '{"source":[{"exists":true}]}' >pattern.json

# variants TOOL: one minimal invocation per line (the option is appended).
variants() {
	case $1 in
	hs-claimcheck)
		echo "put --store file:store"
		echo "get --store file:store"
		echo "gc --store file:store --older-than 1d"
		;;
	hs-fanout) echo "--pattern @pattern.json" ;;
	hs-replay) echo "empty.ndjson" ;;
	hs-transform) echo "." ;;
	*) echo "" ;;
	esac
}

# From help text on stdin: "NAME NVALUES VALUE" for each long option, with
# the most values any mention of it shows.
options() {
	awk '{
		for (i = 1; i <= NF; i++) {
			if ($i !~ /^\[?--[a-z][a-z0-9-]*/)
				continue
			name = $i
			sub(/^\[?--/, "", name)
			sub(/[^a-z0-9-].*/, "", name)
			n = 0; v = ""
			# values: FILE, N/s, KEY=VALUE, JSON|@FILE, include|skip
			# (one space apart, as the help lines write them)
			if ($i !~ /\[=/)
				for (j = i + 1; j <= NF && n < 2; j++) {
					tok = $j
					gsub(/[]\[.]+$/, "", tok)
					if (tok !~ /^[A-Z@]/ && tok !~ /^[a-z]+(\|[a-z]+)+$/)
						break
					if (index($0, $(j-1) " " $j) == 0)
						break
					n++
					if (v == "")
						v = tok ~ /^[a-z]/ ? substr(tok, 1, index(tok, "|") - 1) : "0"
				}
			if (!(name in max) || n > max[name]) {
				max[name] = n
				val[name] = v == "" ? "0" : v
			}
		}
	}
	END { for (o in max) print o, max[o], val[o] }' | sort
}

# refused OPTION VALUE ERRFILE: the first stderr line refuses OPTION.
refused() {
	first=$(head -n1 "$3")
	case $first in *"unknown option"* | *"unrecognized option"*) return 0 ;; esac
	case $first in *"--$1"*) ;; *) return 1 ;; esac
	case $first in *"'$2'"* | *"bad --$1"* | *"invalid --$1"* | *"--$1 may be given once"*) return 1 ;; esac
	rest=$(printf '%s\n' "$first" | sed "s/--$1\([^a-z0-9-]\|\$\)/ \1/g")
	if printf '%s\n' "$rest" | grep -Eq '(^|[^A-Za-z0-9-])--?[A-Za-z]'; then
		return 1
	fi
	return 0
}

bad=
for b in "$HS_BIN"/hs-*; do
	t=${b##*/}
	"$b" --help >help.txt || fail "$t --help exited $?"
	options <help.txt >opts.txt
	[ -s opts.txt ] || fail "$t --help names no long option"
	variants "$t" >variants.txt
	while read -r o n v; do
		case $n in
		0) set -- "--$o" ;;
		1) set -- "--$o=$v" ;;
		*) set -- "--$o" "$v" "$v" ;;
		esac
		ok=0
		why=
		while IFS= read -r pre; do
			# shellcheck disable=SC2086 # the variant is words
			timeout 10 "$b" $pre "$@" </dev/null >/dev/null 2>err.txt || :
			if refused "$o" "$v" err.txt; then
				why=$(head -n1 err.txt)
			else
				ok=1
				break
			fi
		done <variants.txt
		[ "$ok" = 1 ] || bad="$bad
$t --help offers --$o but '$t $*' says: $why"
	done <opts.txt
done
[ -z "$bad" ] || fail "options in --help that the tool refuses:$bad"
