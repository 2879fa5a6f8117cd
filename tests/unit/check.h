/*
 * check.h: tiny TAP checks for unit tests.  Every CHECK prints one
 * "ok N - what" or "not ok N - what" line and counts; check_done()
 * prints the plan and returns the exit status (1 if anything failed).
 */
#ifndef HS_CHECK_H
#define HS_CHECK_H

#include <stdio.h>

static int check_n, check_failed;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		int check_ok_ = !!(cond);                                  \
		check_n++;                                                 \
		if (!check_ok_)                                            \
			check_failed++;                                    \
		printf("%sok %d - ", check_ok_ ? "" : "not ", check_n);    \
		printf(__VA_ARGS__);                                       \
		if (!check_ok_)                                            \
			printf(" (%s:%d: %s)", __FILE__, __LINE__, #cond); \
		printf("\n");                                              \
	} while (0)

static inline int check_done(void)
{
	printf("1..%d\n", check_n);
	return check_failed ? 1 : 0;
}

#endif
