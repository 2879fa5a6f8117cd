/*
 * test-jqrun.c: the runner's rules whichever engine answers (original
 * line for an unchanged output, lossy_number with its pointer and
 * details, jq_error, halt_error), which engine answers (native, libjq on
 * a punt, --engine jq, ~/.jq), compile messages, and the event context's
 * one lazily built libjq input shared by two programs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "jqrun.h"
#include "json.h"
#include "../unit/check.h"

static struct hs_json_doc doc;
static struct hs_jqrun_ev ev;
static struct hs_buf out = HS_BUF_INIT;

static int compile(struct hs_jqrun *r, const char *prog, jv args, int engine_jq)
{
	struct hs_jqrun_opts o = {prog, args, jv_invalid(), NULL, engine_jq,
	                          0,    0};

	return hs_jqrun_init(r, &o);
}

static void event(const char *line)
{
	if (hs_json_parse(&doc, line, strlen(line)) < 0) {
		printf("Bail out! test event does not parse: %s\n", line);
		exit(1);
	}
	hs_jqrun_ev_set(&ev, &doc, line, strlen(line));
}

/* Run prog on line with one engine; out holds the outputs. */
static int run1(const char *prog, const char *line, int engine_jq,
                enum hs_jqrun_ran *ran)
{
	struct hs_jqrun r;
	int n;

	if (compile(&r, prog, jv_invalid(), engine_jq) < 0) {
		hs_jqrun_release(&r);
		return -2;
	}
	event(line);
	hs_buf_reset(&out);
	n = hs_jqrun_run(&r, &ev, &out);
	*ran = r.ran;
	hs_jqrun_release(&r);
	return n;
}

static void both_engines(void)
{
	static const char *const cases[][3] = {
	    {"{s: .source, n: .detail.n}",
	     "{\"source\":\"a\",\"detail\":{\"n\":1.50}}",
	     "{\"s\":\"a\",\"n\":1.5}\n"},
	    {".", "{ \"a\" : 1.0 ,\"b\":[ ]}", "{ \"a\" : 1.0 ,\"b\":[ ]}\n"},
	    {"., .a", "{\"a\": 2e0}", "{\"a\": 2e0}\n2\n"},
	    {"select(.a > 5)", "{\"a\":1}", ""},
	    {".a[]", "{\"a\":[1,\"x\",null]}", "1\n\"x\"\nnull\n"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum hs_jqrun_ran ran = HS_JQRUN_NONE;
		int n, want = 0;

		for (const char *p = cases[i][2]; *p; p++)
			want += *p == '\n';
		for (int jq = 0; jq < 2; jq++) {
			n = run1(cases[i][0], cases[i][1], jq, &ran);
			CHECK(n == want && strcmp(out.data, cases[i][2]) == 0,
			      "%s on %s (%s): %d outputs", cases[i][0],
			      cases[i][1], jq ? "libjq" : "auto", n);
			CHECK(ran == (jq ? HS_JQRUN_JQ : HS_JQRUN_NATIVE),
			      "%s answered by %s", cases[i][0],
			      jq ? "libjq" : "the native evaluator");
		}
	}
}

static void lossy(void)
{
	const char *line = "{\"detail\":{\"a/b\":[0,12345678901234567890]}}";
	struct hs_jqrun r;
	int n;

	for (int jq = 0; jq < 2; jq++) {
		compile(&r, ".detail", jv_invalid(), jq);
		event(line);
		hs_buf_reset(&out);
		hs_buf_adds(&out, "kept");
		n = hs_jqrun_run(&r, &ev, &out);
		CHECK(n == -1 && r.reason &&
		          strcmp(r.reason, "lossy_number") == 0,
		      "lossy number dead-letters (%s)", jq ? "libjq" : "auto");
		CHECK(strcmp(out.data, "kept") == 0,
		      "a failure leaves out as it was: '%s'", out.data);
		CHECK(strstr(r.msg.data, "byte 21: number 12345678901234567890 "
		                         "at '/detail/a~1b/1' would become "
		                         "12345678901234567000") != NULL,
		      "message: %s", r.msg.data);
		CHECK(strcmp(r.details.data,
		             "{\"literal\":\"12345678901234567890\","
		             "\"pointer\":\"/detail/a~1b/1\",\"byte\":21,"
		             "\"libjq\":12345678901234567000}") == 0,
		      "details: %s", r.details.data);
		/* the input unchanged needs no conversion */
		hs_buf_reset(&out);
		CHECK(hs_jqrun_run(&r, &ev, &out) == -1, "still lossy");
		hs_jqrun_release(&r);
		compile(&r, ".", jv_invalid(), jq);
		hs_buf_reset(&out);
		n = hs_jqrun_run(&r, &ev, &out);
		CHECK(n == 1 && strncmp(out.data, line, strlen(line)) == 0,
		      "identity of a lossy event is its line");
		hs_jqrun_release(&r);
	}
	hs_jqrun_ev_release(&ev);
	hs_jqrun_ev_init(&ev, 1);
	compile(&r, ".detail", jv_invalid(), 0);
	event(line);
	hs_buf_reset(&out);
	n = hs_jqrun_run(&r, &ev, &out);
	CHECK(n == 1 && strcmp(out.data, "{\"a/b\":[0,12345678901234567000]}"
	                                 "\n") == 0,
	      "allowed lossy numbers go through changed");
	hs_jqrun_release(&r);
	hs_jqrun_ev_release(&ev);
	hs_jqrun_ev_init(&ev, 0);
}

static void errors(void)
{
	struct hs_jqrun r;
	int n;

	/* the native evaluator punts on the error: libjq's message */
	compile(&r, ".a + 1", jv_invalid(), 0);
	CHECK(r.jqn != NULL, ".a + 1 is in the subset");
	event("{\"a\":\"x\"}");
	hs_buf_reset(&out);
	n = hs_jqrun_run(&r, &ev, &out);
	CHECK(n == -1 && strcmp(r.reason, "jq_error") == 0 &&
	          r.ran == HS_JQRUN_JQ && r.details.len == 0,
	      "runtime error: jq_error from libjq");
	CHECK(strcmp(r.msg.data,
	             "string (\"x\") and number (1) cannot be added") == 0,
	      "jq's message: %s", r.msg.data);
	event("{\"a\":1}");
	hs_buf_reset(&out);
	n = hs_jqrun_run(&r, &ev, &out);
	CHECK(n == 1 && strcmp(out.data, "2\n") == 0 && r.reason == NULL &&
	          r.ran == HS_JQRUN_NATIVE,
	      "the next event runs natively again");
	hs_jqrun_release(&r);

	compile(&r, "\"bye\\n\" | halt_error", jv_invalid(), 0);
	CHECK(r.jqn == NULL, "halt_error is outside the subset");
	hs_buf_reset(&out);
	n = hs_jqrun_run(&r, &ev, &out);
	CHECK(n == -1 && strcmp(r.reason, "jq_error") == 0 &&
	          strncmp(r.msg.data, "halt_error: ", 12) == 0,
	      "halt_error dead-letters: %s", r.msg.data);
	hs_jqrun_release(&r);

	compile(&r, "1, halt", jv_invalid(), 0);
	hs_buf_reset(&out);
	n = hs_jqrun_run(&r, &ev, &out);
	CHECK(n == 1 && strcmp(out.data, "1\n") == 0,
	      "halt keeps what was written");
	hs_jqrun_release(&r);

	CHECK(compile(&r, ".a |||", jv_invalid(), 0) == -1 && r.jq,
	      "a syntax error does not compile");
	CHECK(r.errs.len > 0 && strstr(r.errs.data, "syntax error") &&
	          r.errs.data[r.errs.len - 1] == '\0',
	      "jq's messages, NUL-terminated");
	CHECK(strstr(r.errs.data + strlen(r.errs.data) + 1, "compile error") !=
	          NULL,
	      "the second message: %s", r.errs.data + strlen(r.errs.data) + 1);
	hs_jqrun_release(&r);
}

static void args_and_sharing(void)
{
	struct hs_jqrun a, b;
	jv args = JV_OBJECT(jv_string("x"), jv_number(5));
	jv in;
	int n;

	compile(&a, "{x: $x, s: .s}", args, 0);
	CHECK(a.jqn != NULL, "a named argument is in the subset");
	compile(&b, "[$x, .s]", args, 1);
	jv_free(args);
	event("{\"s\":\"v\"}");
	hs_buf_reset(&out);
	n = hs_jqrun_run(&a, &ev, &out);
	CHECK(n == 1 && strcmp(out.data, "{\"x\":5,\"s\":\"v\"}\n") == 0,
	      "$x natively");
	CHECK(!ev.have_in, "no libjq input built while only native ran");
	n = hs_jqrun_run(&b, &ev, &out);
	CHECK(n == 1 &&
	          strcmp(out.data, "{\"x\":5,\"s\":\"v\"}\n[5,\"v\"]\n") == 0,
	      "outputs append");
	CHECK(ev.have_in, "libjq's input built on its first use");
	in = jv_copy(ev.in);
	hs_jqrun_run(&b, &ev, &out);
	CHECK(jv_identical(jv_copy(in), jv_copy(ev.in)),
	      "the same input value for the event's next program");
	jv_free(in);
	event("{\"s\":\"w\"}");
	CHECK(!ev.have_in, "a new event drops the old input");
	hs_jqrun_release(&a);
	hs_jqrun_release(&b);
}

static void home_jq(const char *home)
{
	struct hs_buf path = HS_BUF_INIT;
	struct hs_jqrun r;
	FILE *f;

	hs_buf_addf(&path, "%s/.jq", home);
	f = fopen(path.data, "w");
	if (!f || fputs("def hs_test_def: 1;\n", f) < 0 || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path.data);
		exit(1);
	}
	compile(&r, ".a", jv_invalid(), 0);
	CHECK(r.jqn == NULL, "~/.jq keeps libjq");
	event("{\"a\":3}");
	hs_buf_reset(&out);
	CHECK(hs_jqrun_run(&r, &ev, &out) == 1 && r.ran == HS_JQRUN_JQ &&
	          strcmp(out.data, "3\n") == 0,
	      "libjq answers with ~/.jq");
	hs_jqrun_release(&r);
	unlink(path.data);
	hs_buf_release(&path);
}

int main(void)
{
	char home[] = "/tmp/hs-test-jqrun.XXXXXX";

	/* A HOME of our own: a ~/.jq in the real one changes the engine. */
	if (!mkdtemp(home) || setenv("HOME", home, 1) != 0) {
		printf("Bail out! cannot make a HOME\n");
		return 1;
	}
	hs_json_doc_init(&doc);
	hs_jqrun_ev_init(&ev, 0);
	both_engines();
	lossy();
	errors();
	args_and_sharing();
	home_jq(home);
	hs_jqrun_ev_release(&ev);
	hs_json_doc_release(&doc);
	hs_buf_release(&out);
	rmdir(home);
	return check_done();
}
