/*
 * test-inputxform.c: EventBridge's input transformer against the examples
 * in the EventBridge User Guide ("Transforming target input", Input
 * Transform Examples) and the InputTransformer API reference, with the
 * documented outputs (minified, as EventBridge hands them to targets).
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "inputxform.h"
#include "json.h"
#include "../unit/check.h"

/* The guide's example EC2 event. */
static const char event[] =
    "{\n  \"version\": \"0\",\n  \"id\": "
    "\"7bf73129-1428-4cd3-a780-95db273d1602\",\n"
    "  \"detail-type\": \"EC2 Instance State-change Notification\",\n"
    "  \"source\": \"aws.ec2\",\n  \"account\": \"123456789012\",\n"
    "  \"time\": \"2015-11-11T21:29:54Z\",\n  \"region\": \"us-east-1\",\n"
    "  \"resources\": [\n    "
    "\"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111\"\n  ],\n"
    "  \"detail\": {\n    \"instance-id\": \"i-0123456789\",\n    \"state\": "
    "\"RUNNING\"\n  }\n}";

static const char paths[] = "{\n  \"timestamp\" : \"$.time\",\n"
                            "  \"instance\" : \"$.detail.instance-id\", \n"
                            "  \"state\" : \"$.detail.state\"\n}";

static const char rule_arn[] =
    "arn:aws:events:us-east-2:123456789012:rule/example";

static struct hs_json_doc doc;

static int apply(const char *map, const char *tmpl, const char *ev,
                 const char *rule, struct hs_buf *out)
{
	char err[256] = "";
	struct hs_inputxform *x =
	    hs_inputxform_compile(map, tmpl, err, sizeof(err));
	int r;

	hs_buf_reset(out);
	if (!x) {
		hs_buf_adds(out, "ERROR: ");
		hs_buf_adds(out, err);
		return -1;
	}
	if (hs_json_parse(&doc, ev, strlen(ev)) < 0) {
		hs_inputxform_free(x);
		return -1;
	}
	r = hs_inputxform_apply(x, &doc, rule, out);
	hs_inputxform_free(x);
	return r;
}

#define DOC_CASE(what, tmpl, want)                                     \
	do {                                                           \
		apply(paths, tmpl, event, rule_arn, &out);             \
		CHECK(strcmp(out.data, want) == 0, "%s: got %s", what, \
		      out.data);                                       \
	} while (0)

/* The template filled for ev gives exactly want. */
#define FILL_CASE(what, map, tmpl, ev, want)                           \
	do {                                                           \
		apply(map, tmpl, ev, "r", &out);                       \
		CHECK(strcmp(out.data, want) == 0, "%s: got %s", what, \
		      out.data);                                       \
	} while (0)

/* Compiling map and template fails with a message holding needle. */
#define REFUSED(what, map, tmpl, needle)               \
	CHECK(apply(map, tmpl, "{}", "r", &out) < 0 && \
	          strstr(out.data, needle),            \
	      "%s: %s", what, out.data)

int main(void)
{
	struct hs_buf out = HS_BUF_INIT;
	char err[256];

	hs_json_doc_init(&doc);

	DOC_CASE("simple string", "\"instance <instance> is in <state>\"",
	         "\"instance i-0123456789 is in RUNNING\"");
	DOC_CASE("string with escaped quotes",
	         "\"instance \\\"<instance>\\\" is in <state>\"",
	         "\"instance \\\"i-0123456789\\\" is in RUNNING\"");
	DOC_CASE("simple JSON",
	         "{\n  \"instance\" : <instance>,\n  \"state\": <state>\n}",
	         "{\"instance\":\"i-0123456789\",\"state\":\"RUNNING\"}");
	DOC_CASE("JSON with strings and variables",
	         "{\n \"instance\" : <instance>,\n \"state\": \"<state>\",\n"
	         " \"instanceStatus\": \"instance \\\"<instance>\\\" is in "
	         "<state>\"\n}",
	         "{\"instance\":\"i-0123456789\",\"state\":\"RUNNING\","
	         "\"instanceStatus\":\"instance \\\"i-0123456789\\\" is in "
	         "RUNNING\"}");
	DOC_CASE(
	    "JSON with a mix of variables and static information",
	    "{\n  \"instance\" : <instance>,\n  \"state\": [ 9, <state>, true "
	    "],\n"
	    "  \"Transformed\" : \"Yes\"\n}\n",
	    "{\"instance\":\"i-0123456789\",\"state\":[9,\"RUNNING\",true],"
	    "\"Transformed\":\"Yes\"}");
	{
		struct hs_buf want = HS_BUF_INIT;

		hs_buf_adds(
		    &want,
		    "{\"instance\":\"i-0123456789\",\"state\":\"RUNNING\","
		    "\"ruleArn\":\"arn:aws:events:us-east-2:123456789012:rule/"
		    "example\","
		    "\"ruleName\":\"example\",\"originalEvent\":");
		hs_buf_adds(&want, event); /* the event's own text, unchanged */
		hs_buf_adds(&want, "}");
		/* The guide's example: the whole event, as a JSON object. */
		DOC_CASE(
		    "including reserved variables in JSON",
		    "{\n  \"instance\" : <instance>,\n  \"state\": <state>,\n"
		    "  \"ruleArn\" : <aws.events.rule-arn>,\n"
		    "  \"ruleName\" : <aws.events.rule-name>,\n"
		    "  \"originalEvent\" : <aws.events.event.json>\n}",
		    want.data);
		hs_buf_release(&want);
	}
	DOC_CASE("including reserved variables in a string",
	         "\"<aws.events.rule-name> triggered\"",
	         "\"example triggered\"");
	/* The guide prints this one as the AWS CLI shows it, unescaped;
	 * the text handed over is the JSON below. */
	DOC_CASE(
	    "CloudWatch log group",
	    "{\n  \"timestamp\" : <timestamp>,\n"
	    "  \"message\": \"instance \\\"<instance>\\\" is in <state>\"\n}",
	    "{\"timestamp\":\"2015-11-11T21:29:54Z\","
	    "\"message\":\"instance \\\"i-0123456789\\\" is in RUNNING\"}");

	/* The API reference's examples (InputTransformer). */
	{
		const char *ev = "{\"detail\":{\"instance\":\"i-1\",\"status\":"
		                 "\"stopped\"}}";
		const char *map =
		    "{\"instance\": \"$.detail.instance\",\"status\": "
		    "\"$.detail.status\"}";

		apply(map, "<instance> is in state <status>", ev, "r", &out);
		CHECK(strcmp(out.data, "i-1 is in state stopped") == 0,
		      "API reference: plain text template: %s", out.data);
		apply(map, "<instance> is in state \"<status>\"", ev, "r",
		      &out);
		CHECK(strcmp(out.data, "i-1 is in state \"stopped\"") == 0,
		      "API reference: quotes in text: %s", out.data);
		apply(map,
		      "{\"myInstance\": <instance>,\"myStatus\": \"<instance> "
		      "is in state \\\"<status>\\\"\"}",
		      ev, "r", &out);
		CHECK(strcmp(out.data,
		             "{\"myInstance\":\"i-1\",\"myStatus\":"
		             "\"i-1 is in state \\\"stopped\\\"\"}") == 0,
		      "API reference: JSON template: %s", out.data);
	}

	/* Values keep their JSON text; missing paths give null / nothing. */
	{
		const char *ev =
		    "{\"region\":\"eu-west-1\",\"account\":\"42\","
		    "\"detail\":{\"id\":12345678901234567890,\"p\":1.50,"
		    "\"o\":{\"a\": [1, "
		    "2]},\"s\":\"a\\\"b\"},\"r\":[\"x\",\"y\"]}";
		const char *map = "{\"id\":\"$.detail.id\",\"p\":\"$.detail."
		                  "p\",\"o\":\"$.detail.o\","
		                  "\"s\":\"$.detail.s\",\"r1\":\"$.r[1]\","
		                  "\"no\":\"$.detail.nothing\","
		                  "\"all\":\"$\"}";

		apply(
		    map,
		    "{\"id\":<id>,\"p\":<p>,\"o\":<o>,\"r1\":<r1>,\"no\":<no>}",
		    ev, "myrule", &out);
		CHECK(
		    strcmp(out.data,
		           "{\"id\":12345678901234567890,\"p\":1.50,"
		           "\"o\":{\"a\": [1, 2]},\"r1\":\"y\",\"no\":null}") ==
		        0,
		    "JSON context keeps literals, missing is null: %s",
		    out.data);
		apply(map, "\"<id>/<s>/<no>/<o>\"", ev, "myrule", &out);
		CHECK(strcmp(out.data, "\"12345678901234567890/a\\\"b//"
		                       "{\\\"a\\\": [1, 2]}\"") == 0,
		      "string context: raw string, escaped JSON, missing "
		      "empty: %s",
		      out.data);
		apply(map, "<s> <no>|<p>", ev, "myrule", &out);
		CHECK(strcmp(out.data, "a\"b |1.50") == 0,
		      "text context decodes: %s", out.data);
		apply(map,
		      "{\"arn\":<aws.events.rule-arn>,\"n\":\"<aws.events.rule-"
		      "name>\"}",
		      ev, "myrule", &out);
		CHECK(
		    strcmp(
		        out.data,
		        "{\"arn\":\"arn:aws:events:eu-west-1:42:rule/myrule\","
		        "\"n\":\"myrule\"}") == 0,
		    "rule ARN from the event's region and account: %s",
		    out.data);
		apply(map, "{\"e\":<aws.events.event.json>}", "{\"a\":\"x\"}",
		      "r", &out);
		CHECK(strcmp(out.data, "{\"e\":{\"a\":\"x\"}}") == 0,
		      "event.json is the event as JSON: %s", out.data);
		apply(map, "{\"t\":<aws.events.event.ingestion-time>}", "{}",
		      "r", &out);
		CHECK(strlen(out.data) ==
		              strlen("{\"t\":\"2024-01-01T00:00:00.000Z\"}") &&
		          out.data[10] == '-' &&
		          out.data[strlen(out.data) - 3] == 'Z',
		      "ingestion time is an RFC 3339 string: %s", out.data);
		apply(map, "<x> <b>bold</b> <all>", "{\"k\":1}", "r", &out);
		CHECK(strcmp(out.data, "<x> <b>bold</b> {\"k\":1}") == 0,
		      "unknown placeholders stay as text: %s", out.data);
		apply(NULL, "{ \"a\" : \"b c\" }", "{}", "r", &out);
		CHECK(strcmp(out.data, "{\"a\":\"b c\"}") == 0,
		      "no paths map: %s", out.data);
	}

	/* The guide's predefined variables: <aws.events.event> is the event
	 * without "detail", <aws.events.event.json> the whole event. */
	{
		const char *ev = "{\"version\":\"0\",\"detail\":{\"a\":1},"
		                 "\"source\":\"s\",\"resources\":[1, 2]}";

		FILL_CASE("aws.events.event has no detail", NULL,
		          "{\"e\":<aws.events.event>}", ev,
		          "{\"e\":{\"version\":\"0\",\"source\":"
		          "\"s\",\"resources\":[1, 2]}}");
		FILL_CASE("aws.events.event.json has detail", NULL,
		          "{\"e\":<aws.events.event.json>}", ev,
		          "{\"e\":{\"version\":\"0\",\"detail\":{"
		          "\"a\":1},\"source\":\"s\",\"resources\":"
		          "[1, 2]}}");
		FILL_CASE("aws.events.event in a string is escaped", NULL,
		          "\"<aws.events.event>\"", "{\"a\":\"x\"}",
		          "\"{\\\"a\\\":\\\"x\\\"}\"");
	}

	/* Wildcards (the guide lists them as supported): the JSON array of
	 * every match, in document order. */
	{
		const char *ev =
		    "{\"detail\":{\"items\":[{\"id\":\"a\"},{\"x\":1},"
		    "{\"id\":2}],\"o\":{\"p\":[1],\"q\":[2, 3]}}}";
		const char *map = "{\"ids\":\"$.detail.items[*].id\","
		                  "\"all\":\"$.detail.o.*[*]\","
		                  "\"vals\":\"$.detail.o.*\","
		                  "\"none\":\"$.detail.nothing[*]\"}";

		FILL_CASE("wildcards give arrays of matches", map,
		          "{\"ids\":<ids>,\"all\":<all>,\"vals\":<vals>,"
		          "\"none\":<none>}",
		          ev,
		          "{\"ids\":[\"a\",2],\"all\":[1,2,3],"
		          "\"vals\":[[1],[2, 3]],\"none\":[]}");
		FILL_CASE("wildcard in a string is escaped JSON", map,
		          "\"ids: <ids>\"", ev, "\"ids: [\\\"a\\\",2]\"");
		REFUSED("deep scan refused", "{\"a\":\"$..id\"}", "x", "'[*]'");
		CHECK(apply("{\"a\":\"$.a*\"}", "x", "{}", "r", &out) < 0,
		      "partial wildcard refused: %s", out.data);
	}

	/* A placeholder as an object key (API reference: refused). */
	REFUSED("placeholder as a key refused", "{\"instance\":\"$.i\"}",
	        "{<instance>: \"x\"}", "<instance> is an object key");
	REFUSED("reserved placeholder as a key refused", NULL,
	        "{ <aws.events.rule-name> \n : 1}", "object key");
	CHECK(apply(NULL, "{\"a\": \"<aws.events.rule-name>: x\"}", "{}", "r",
	            &out) == 0,
	      "a colon after a placeholder in a string is text: %s", out.data);

	/* The API's limits (InputTransformer). */
	{
		struct hs_buf big = HS_BUF_INIT, m = HS_BUF_INIT;

		REFUSED("AWS. prefix refused", "{\"AWS.x\":\"$\"}", "x",
		        "'AWS.'");
		REFUSED("dot in a key refused", "{\"a.b\":\"$\"}", "x",
		        "invalid input paths map key 'a.b'");
		CHECK(apply("{\"a_b-C9\":\"$\"}", "<a_b-C9>", "{}", "r",
		            &out) == 0 &&
		          strcmp(out.data, "{}") == 0,
		      "key charset A-Za-z0-9_-: %s", out.data);
		for (int i = 0; i < 257; i++)
			hs_buf_addc(&big, 'k');
		hs_buf_adds(&m, "{\"");
		hs_buf_add(&m, big.data, 256);
		hs_buf_adds(&m, "\":\"$\"}");
		CHECK(apply(m.data, "x", "{}", "r", &out) == 0,
		      "256-character key accepted: %s", out.data);
		hs_buf_reset(&m);
		hs_buf_adds(&m, "{\"");
		hs_buf_add(&m, big.data, 257);
		hs_buf_adds(&m, "\":\"$\"}");
		REFUSED("257-character key refused", m.data, "x",
		        "257 characters (at most 256)");
		hs_buf_reset(&m);
		hs_buf_adds(&m, "{\"k\":\"$.");
		hs_buf_add(&m, big.data, 255);
		hs_buf_adds(&m, "\"}");
		REFUSED("257-character path refused", m.data, "x",
		        "path of 'k' is 257 characters "
		        "(at most 256)");
		hs_buf_reset(&m);
		hs_buf_adds(&m, "{");
		for (int i = 0; i <= 100; i++)
			hs_buf_addf(&m, "%s\"k%d\":\"$\"", i ? "," : "", i);
		hs_buf_adds(&m, "}");
		REFUSED("101 keys refused", m.data, "x",
		        "101 keys (at most 100)");
		hs_buf_reset(&big);
		for (int i = 0; i < 8192; i++)
			hs_buf_addc(&big, 'x');
		CHECK(apply(NULL, big.data, "{}", "r", &out) == 0,
		      "8192-character template accepted");
		hs_buf_addc(&big, 'x');
		REFUSED("8193-character template refused", NULL, big.data,
		        "8193 characters (at most 8192)");
		hs_buf_release(&big);
		hs_buf_release(&m);
	}

	/* Compile errors. */
	REFUSED("paths map must be an object", "[1]", "x", "not a JSON object");
	REFUSED("path must start with $", "{\"a\":\"detail.x\"}", "x", "'$'");
	REFUSED("reserved names refused", "{\"aws.events.x\":\"$\"}", "x",
	        "reserved");
	CHECK(apply("{\"a\":\"$.b[x]\"}", "x", "{}", "r", &out) < 0,
	      "bad index refused: %s", out.data);
	CHECK(apply("{\"a\":1}", "x", "{}", "r", &out) < 0,
	      "non-string path refused: %s", out.data);
	REFUSED("invalid JSON located", "{\"a\":", "x", "byte");
	CHECK(hs_inputxform_compile("{}", "", err, sizeof(err)) == NULL,
	      "empty template refused");

	hs_json_doc_release(&doc);
	hs_buf_release(&out);
	return check_done();
}
