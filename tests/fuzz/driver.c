/*
 * driver.c: a plain main() for fuzz targets, so make check replays each
 * target's corpus (tests/fuzz/corpus/<target>/) without libFuzzer.  Every
 * file is fed to LLVMFuzzerTestOneInput once; a crash or sanitizer report
 * fails the test.  Prints TAP.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return -1;
	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				return -1;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *top = getenv("HS_TESTS");
	const char *name = strrchr(argv[0], '/');
	char dir[4096], path[8192];
	struct dirent **ents;
	int n, count = 0;

	(void)argc;
	name = name ? name + 1 : argv[0];
	if (strncmp(name, "fuzz-", 5) == 0)
		name += 5;
	snprintf(dir, sizeof(dir), "%s/fuzz/corpus/%s", top ? top : "tests",
	         name);
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		printf("ok 1 # SKIP no corpus at %s\n1..1\n", dir);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
			         ents[i]->d_name);
			if (run_file(path) == 0)
				printf("ok %d - %s\n", ++count,
				       ents[i]->d_name);
			else
				printf("not ok %d - cannot read %s\n", ++count,
				       path);
		}
		free(ents[i]);
	}
	free(ents);
	printf("1..%d\n", count);
	return 0;
}
