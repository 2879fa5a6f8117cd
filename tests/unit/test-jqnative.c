/*
 * test-jqnative: which programs the native evaluator takes (compile
 * acceptance and rejection of the subset), and, for the ones it takes,
 * that its outputs on a few events are libjq's, run here side by side.
 */
#include <stdio.h>
#include <string.h>

#include <jq.h>

#include "../unit/check.h"
#include "buf.h"
#include "jqbridge.h"
#include "jqnative.h"
#include "json.h"
#include "banned.h"

static const char *const accepted[] = {
    ".",
    ".a",
    ".a.b.c",
    ".\"a-b\"",
    ".[\"x\"]",
    ".[0]",
    ".[-1]",
    ".a[1].b",
    ".a[]",
    ".a[]?",
    ".a?",
    ".a.\"b\"?",
    ".[.k]",
    "1, 2.5, 1e3, \"s\", true, false, null",
    "\"esc \\u00e9 \\n \\\" \\ud83d\\ude00\"",
    "[.a, .b]",
    "[]",
    "{}",
    "{a, \"b\", c: 1, \"d\": .d, (.k): 2, $x, if: 3}",
    "{a: .b | length}",
    "{a: -.b}",
    ".a | .b",
    ".a // .b // 1",
    ".a and .b or .c",
    ".a == 1, .a != 1, .a < 1, .a <= 1, .a > 1, .a >= 1",
    ".a + .b - .c * .d / .e % .f",
    "-.a",
    "if .a then 1 elif .b then 2 else 3 end",
    "length, utf8bytelength, ascii_downcase, ascii_upcase, add",
    "tostring, tojson, tonumber, keys, keys_unsorted, type, empty, not",
    "values, first, last",
    "select(.a), map(.a), has(\"a\"), startswith(\"a\"), endswith(\"a\")",
    "ltrimstr(\"a\"), rtrimstr(\"a\"), join(\",\")",
    "$x",
    "$ARGS.named.x",
    ".a # a comment\n| .b",
    "(.a)",
};

static const char *const rejected[] = {
    "..",
    ".a[1:2]",
    ".[:2]",
    "def f: .; f",
    ".a as $v | $v",
    "reduce .[] as $x (0; . + $x)",
    "foreach .[] as $x (0; . + 1)",
    "try .a catch .",
    "(.a)?",
    "label $f | 1",
    ".a = 1",
    ".a |= 1",
    ".a += 1",
    ".a //= 1",
    "\"\\(.a)\"",
    "@base64",
    "@base64 \"x\"",
    "$undefined",
    "$ENV",
    "$__loc__",
    "env",
    "input",
    "error",
    "error(\"x\")",
    "test(\"a\")",
    "sort",
    "floor",
    "length(1)",
    "select(.a; .b)",
    "first(.a)",
    "1 + 2",
    "1 / 0",
    "\"a\" + \"b\"",
    ".5",
    "1.",
    ".e5",
    "import \"a\" as a; .",
    "include \"a\"; .",
    "module {}; .",
    "a::b",
    ".a?//1",
    ".[] as [$a] | $a",
};

/* Outputs, each followed by a space; "=" for the input unchanged. */
static int collect(void *ctx, int same, const char *json, size_t len)
{
	struct hs_buf *out = ctx;

	if (same)
		hs_buf_addc(out, '=');
	else
		hs_buf_add(out, json, len);
	hs_buf_addc(out, ' ');
	return 0;
}

/* What run_jq writes for the same program: libjq's outputs. */
static int libjq_outputs(const char *prog, const struct hs_json_doc *d, jv args,
                         struct hs_buf *out)
{
	jq_state *jq = jq_init();
	struct hs_buf scratch = HS_BUF_INIT;
	jv in, o;
	int ok = 1;

	if (!jq_compile_args(jq, prog, jv_copy(args))) {
		jq_teardown(&jq);
		return -1;
	}
	in = hs_jq_from_doc(d, 0, &scratch);
	jq_start(jq, jv_copy(in), 0);
	while (jv_is_valid(o = jq_next(jq))) {
		if (jv_identical(jv_copy(o), jv_copy(in)) ||
		    hs_jq_same(o, d, 0, &scratch)) {
			jv_free(o);
			hs_buf_addc(out, '=');
		} else {
			hs_jq_dump(o, out);
		}
		hs_buf_addc(out, ' ');
	}
	if (jv_invalid_has_msg(jv_copy(o)))
		ok = 0;
	jv_free(o);
	jv_free(in);
	hs_buf_release(&scratch);
	jq_teardown(&jq);
	return ok ? 0 : 1;
}

static void agree(const char *prog, const char *event, int want_native)
{
	jv args = JV_OBJECT(jv_string("x"), jv_string("X"), jv_string("ARGS"),
	                    JV_OBJECT(jv_string("named"),
	                              JV_OBJECT(jv_string("x"), jv_string("X")),
	                              jv_string("positional"), jv_array()));
	struct hs_json_doc d;
	struct hs_buf nat = HS_BUF_INIT, ref = HS_BUF_INIT;
	struct hs_jqn_state *s = hs_jqn_state_new();
	char err[128];
	struct hs_jqn *p = hs_jqn_compile(prog, args, err, sizeof(err));
	int r, jr;

	hs_json_doc_init(&d);
	if (hs_json_parse(&d, event, strlen(event)) < 0 || !p) {
		CHECK(0, "%s on %s: compiles natively (%s)", prog, event,
		      p ? "" : err);
		goto out;
	}
	r = hs_jqn_run(p, s, &d, collect, &nat);
	jr = libjq_outputs(prog, &d, args, &ref);
	if (want_native) {
		CHECK(r == 0, "%s on %s: answered natively", prog, event);
		CHECK(jr == 0 && nat.len == ref.len &&
		          memcmp(nat.data, ref.data, nat.len) == 0,
		      "%s on %s: native %.*s libjq %.*s", prog, event,
		      (int)nat.len, nat.data ? nat.data : "", (int)ref.len,
		      ref.data ? ref.data : "");
	} else {
		CHECK(r == HS_JQN_PUNT && jr == 1,
		      "%s on %s: left to libjq, which raises an error", prog,
		      event);
	}
out:
	hs_jqn_free(p);
	hs_jqn_state_free(s);
	hs_json_doc_release(&d);
	hs_buf_release(&nat);
	hs_buf_release(&ref);
	jv_free(args);
}

int main(void)
{
	jv args = JV_OBJECT(jv_string("x"), jv_string("X"), jv_string("ARGS"),
	                    JV_OBJECT(jv_string("named"), jv_object(),
	                              jv_string("positional"), jv_array()));
	char err[128];

	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		struct hs_jqn *p =
		    hs_jqn_compile(accepted[i], args, err, sizeof(err));
		char shown[128];

		/* One TAP line: the program's newlines shown as spaces. */
		snprintf(shown, sizeof(shown), "%s", accepted[i]);
		for (char *c = shown; *c; c++)
			if (*c == '\n')
				*c = ' ';
		CHECK(p != NULL, "accepted: %s%s%s", shown, p ? "" : " -- ",
		      p ? "" : err);
		hs_jqn_free(p);
	}
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		struct hs_jqn *p;

		err[0] = '\0';
		p = hs_jqn_compile(rejected[i], args, err, sizeof(err));
		CHECK(p == NULL && err[0], "rejected: %s (%s)", rejected[i],
		      err);
		hs_jqn_free(p);
	}
	jv_free(args);

	/* Generator order, duplicate keys, numbers, the input unchanged. */
	agree("[(1,2) + (10,20)]", "null", 1);
	agree("{a: (1,2), b: (3,4)}", "null", 1);
	agree("{(\"x\",\"y\"): (1,2)}", "null", 1);
	agree("(true,false) and (true,false)", "null", 1);
	agree("(true,false) or (true,false)", "null", 1);
	agree("[(.a,.c)[(\"x\",\"y\")]]",
	      "{\"a\":{\"x\":1,\"y\":2},\"c\":{\"x\":3,\"y\":4}}", 1);
	agree(".a, .", "{\"a\":1,\"a\":2}", 1);
	agree("{a}", "{\"a\":1,\"a\":{\"b\":1,\"b\":2}}", 1);
	agree(".[], keys, length", "{\"b\":1,\"a\":2,\"b\":3}", 1);
	agree("{b, a}", "{\"b\":1.0,\"a\":1e0}", 1);
	agree("{b, a}", "{\"a\":1,\"b\":2}", 1);
	agree(".n, -.n, .n * 1", "{\"n\":-0}", 1);
	agree("[.[] | tostring]", "[1e2,1.0,0.1,1e-7,1e300,123456789012]", 1);
	agree(".", "[1e2, 1.0]", 1);
	agree("[.[]]", "[1e2, 1.0, \"\\u00e9\\/\\u007f\"]", 1);
	agree("ascii_downcase, ascii_upcase, length",
	      "\"\\u00c9cOLE \\ud83d\\ude00\"", 1);
	agree("map(. % 3), map(. / 2)", "[-5, 5, 5.9, 7]", 1);
	agree("join(\"-\")", "[\"a\", 1, null, true, \"b\"]", 1);
	agree(".[] | select(. > 1)", "[1, 2, \"a\", null, [0]]", 1);
	agree(".a.b", "{\"a\":\"s\"}", 0);
	agree(".a.b?", "{\"a\":\"s\"}", 1);
	agree(".[]?", "3", 1);
	agree("length", "true", 0);
	agree(".a + 1", "{\"a\":\"s\"}", 0);
	agree("{(.a): 1}", "{\"a\":1}", 0);
	return check_done();
}
