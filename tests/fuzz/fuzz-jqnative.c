/*
 * fuzz-jqnative.c: differential fuzzing of the native jq evaluator
 * (jqnative.h) against libjq.  Input: a jq program, a NUL byte, then one
 * JSON event (no NUL: the program runs on a few fixed events).  When the
 * event parses, libjq compiles the program and the native evaluator takes
 * it, both run: where the native evaluator answers (does not give up),
 * its outputs must be libjq's, output for output, with the input-unchanged
 * marks hs-transform uses, and libjq must not have raised an error.  Any
 * difference abort()s.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jq.h>

#include "buf.h"
#include "jqbridge.h"
#include "jqnative.h"
#include "json.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const events[] = {
    "{\"id\":\"a1\",\"detail\":{\"name\":\"Zo\\u00eb\",\"n\":1,\"x\":1.0,"
    "\"y\":1e2,\"z\":-0,\"items\":[{\"qty\":2,\"p\":19.99},{\"qty\":1}],"
    "\"ok\":true,\"no\":null},\"dup\":1,\"dup\":2,\"arr\":[3,1,2]}",
    "[1,\"a\",null,true,[2],{\"k\":\"v\"},-0.5e-3]",
    "\"Just A String \\ud83d\\ude00\\u007f\"",
    "null",
};

static void quiet(void *ctx, jv msg)
{
	(void)ctx;
	jv_free(msg);
}

static int collect(void *ctx, int same, const char *json, size_t len)
{
	struct hs_buf *out = ctx;

	if (same)
		hs_buf_addc(out, '=');
	else
		hs_buf_add(out, json, len);
	hs_buf_addc(out, '\n');
	return 0;
}

static jv named_args(void)
{
	return JV_OBJECT(jv_string("x"), jv_string("X"), jv_string("n"),
	                 jv_number(2), jv_string("ARGS"),
	                 JV_OBJECT(jv_string("named"),
	                           JV_OBJECT(jv_string("x"), jv_string("X"),
	                                     jv_string("n"), jv_number(2)),
	                           jv_string("positional"), jv_array()));
}

static void one(const char *prog, const char *ev, size_t evlen)
{
	struct hs_json_doc d;
	struct hs_buf nat = HS_BUF_INIT, ref = HS_BUF_INIT,
	              scratch = HS_BUF_INIT;
	struct hs_jqn *p = NULL;
	struct hs_jqn_state *s = NULL;
	jq_state *jq = NULL;
	jv args = named_args(), in, o;
	char err[128];
	int r, jq_error;

	hs_json_doc_init(&d);
	if (hs_json_parse(&d, ev, evlen) < 0)
		goto out;
	/* The native compile first: libjq runs only programs it takes.
	 * libjq 1.6's ltrimstr and rtrimstr leak the error value of their
	 * startswith/endswith check on anything but strings (LeakSanitizer
	 * would report libjq, not us): those two are checked by the CLI
	 * test 016 and the unit test instead. */
	if (strstr(prog, "trimstr"))
		goto out;
	p = hs_jqn_compile(prog, args, err, sizeof(err));
	if (!p)
		goto out;
	s = hs_jqn_state_new();
	r = hs_jqn_run(p, s, &d, collect, &nat);
	if (r == HS_JQN_PUNT)
		goto out;
	if (r != 0)
		abort();
	/* libjq (slow to set up) only where there is an answer to check;
	 * a program libjq rejects is never offered natively. */
	jq = jq_init();
	if (!jq)
		abort();
	jq_set_error_cb(jq, quiet, NULL);
	if (!jq_compile_args(jq, prog, jv_copy(args)))
		goto out;
	in = hs_jq_from_doc(&d, 0, &scratch);
	jq_start(jq, jv_copy(in), 0);
	while (jv_is_valid(o = jq_next(jq))) {
		if (jv_identical(jv_copy(o), jv_copy(in)) ||
		    hs_jq_same(o, &d, 0, &scratch)) {
			jv_free(o);
			hs_buf_addc(&ref, '=');
		} else {
			hs_jq_dump(o, &ref);
		}
		hs_buf_addc(&ref, '\n');
	}
	jq_error = jv_invalid_has_msg(jv_copy(o));
	jv_free(o);
	jv_free(in);
	/* The native evaluator answered: libjq must agree, error-free. */
	if (jq_error || nat.len != ref.len ||
	    (nat.len && memcmp(nat.data, ref.data, nat.len) != 0))
		abort();
out:
	if (jq)
		jq_teardown(&jq);
	hs_jqn_free(p);
	hs_jqn_state_free(s);
	hs_json_doc_release(&d);
	hs_buf_release(&nat);
	hs_buf_release(&ref);
	hs_buf_release(&scratch);
	jv_free(args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t plen = nul ? (size_t)(nul - (const char *)data) : size;
	char *prog = malloc(plen + 1);

	if (!prog)
		abort();
	memcpy(prog, data, plen);
	prog[plen] = '\0';
	if (nul)
		one(prog, nul + 1, size - plen - 1);
	else
		for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
			one(prog, events[i], strlen(events[i]));
	free(prog);
	return 0;
}
