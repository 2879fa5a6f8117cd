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
		DOC_CASE(
		    "including reserved variables in JSON",
		    "{\n  \"instance\" : <instance>,\n  \"state\": <state>,\n"
		    "  \"ruleArn\" : <aws.events.rule-arn>,\n"
		    "  \"ruleName\" : <aws.events.rule-name>,\n"
		    "  \"originalEvent\" : <aws.events.event>\n}",
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
		CHECK(strcmp(out.data, "{\"e\":\"{\\\"a\\\":\\\"x\\\"}\"}") ==
		          0,
		      "event.json is a string: %s", out.data);
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

	/* Compile errors. */
	CHECK(apply("[1]", "x", "{}", "r", &out) < 0 &&
	          strstr(out.data, "not a JSON object"),
	      "paths map must be an object: %s", out.data);
	CHECK(apply("{\"a\":\"detail.x\"}", "x", "{}", "r", &out) < 0 &&
	          strstr(out.data, "'$'"),
	      "path must start with $: %s", out.data);
	CHECK(apply("{\"aws.events.x\":\"$\"}", "x", "{}", "r", &out) < 0 &&
	          strstr(out.data, "reserved"),
	      "reserved names refused: %s", out.data);
	CHECK(apply("{\"a\":\"$.b[x]\"}", "x", "{}", "r", &out) < 0,
	      "bad index refused: %s", out.data);
	CHECK(apply("{\"a\":1}", "x", "{}", "r", &out) < 0,
	      "non-string path refused: %s", out.data);
	CHECK(apply("{\"a\":", "x", "{}", "r", &out) < 0 &&
	          strstr(out.data, "byte"),
	      "invalid JSON located: %s", out.data);
	CHECK(hs_inputxform_compile("{}", "", err, sizeof(err)) == NULL,
	      "empty template refused");

	hs_json_doc_release(&doc);
	hs_buf_release(&out);
	return check_done();
}
