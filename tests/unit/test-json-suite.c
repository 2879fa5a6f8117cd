/*
 * test-json-suite.c: run hs_json_parse() over every file of JSONTestSuite
 * (../shared/conformance/json-test-suite/test_parsing): each y_ file must
 * parse, each n_ file must fail.  i_ files are implementation-defined;
 * their outcomes are counted in a TAP comment and the choices json.h
 * documents are checked one by one.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "json.h"

#include "../unit/check.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			data = hs_xrealloc(data, cap);
		}
		r = fread(data + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return data;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The i_ files whose outcome json.h documents: huge numbers are valid
 * syntax (we keep the literal), 500 levels fit the default depth of 512;
 * everything else (bad UTF-8, lone surrogates, UTF-16, a BOM) is refused.
 */
static int i_expected(const char *name)
{
	return !strncmp(name, "i_number_", 9) ||
	       !strcmp(name, "i_structure_500_nested_arrays.json");
}

int main(void)
{
	const char *shared = getenv("HS_SHARED");
	char dir[4096], path[4096 + 256];
	struct hs_json_doc d;
	struct dirent *de;
	DIR *dp;
	char **names = NULL;
	size_t nn = 0, cap = 0, iacc = 0, irej = 0;

	if (!shared || !*shared) {
		printf("ok 1 # SKIP no ../shared\n1..1\n");
		return 0;
	}
	snprintf(dir, sizeof(dir),
	         "%s/conformance/json-test-suite/test_parsing", shared);
	dp = opendir(dir);
	if (!dp) {
		printf("ok 1 # SKIP no %s\n1..1\n", dir);
		return 0;
	}
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.' || !strstr(de->d_name, ".json"))
			continue;
		names = hs_xgrow(names, sizeof(*names), nn + 1, &cap);
		names[nn++] = hs_xstrdup(de->d_name);
	}
	closedir(dp);
	qsort(names, nn, sizeof(*names), by_name);

	hs_json_doc_init(&d);
	for (size_t i = 0; i < nn; i++) {
		const char *nm = names[i];
		size_t len = 0;
		char *text;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, nm);
		text = slurp(path, &len);
		if (!text) {
			CHECK(0, "%s: cannot read", nm);
			continue;
		}
		rc = hs_json_parse(&d, text, len);
		if (nm[0] == 'y')
			CHECK(rc == 0, "%s accepted%s%s", nm, rc ? ": " : "",
			      rc ? d.err : "");
		else if (nm[0] == 'n')
			CHECK(rc == -1 && d.err[0], "%s rejected (%s at %zu)",
			      nm, d.err, d.err_off);
		else if (nm[0] == 'i') {
			if (rc == 0)
				iacc++;
			else
				irej++;
			CHECK((rc == 0) == i_expected(nm),
			      "%s %s as documented", nm,
			      rc == 0 ? "accepted" : "rejected");
		}
		free(text);
	}
	printf("# i_ files: %zu accepted, %zu rejected\n", iacc, irej);
	CHECK(nn > 300, "found %zu suite files", nn);
	hs_json_doc_release(&d);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	return check_done();
}

#include "banned.h"
