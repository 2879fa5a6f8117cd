/*
 * summary.c: hs-validate's --summary report (validate.h): failures
 * counted by source/detail-type and keyword location, with an example
 * each, printed at exit.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "validate.h"
#include "banned.h"

struct sum_row {
	char *group, *kwloc, *example; /* owned */
	uint64_t count;
};

void summary_add(struct summary *s, const char *group, const char *kwloc,
                 const char *example)
{
	struct sum_row *r;

	s->invalid++;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->rows[i].group, group) &&
		    !strcmp(s->rows[i].kwloc, kwloc)) {
			s->rows[i].count++;
			return;
		}
	s->rows = hs_xgrow(s->rows, sizeof(*s->rows), s->n + 1, &s->cap);
	r = &s->rows[s->n++];
	r->group = hs_xstrdup(group);
	r->kwloc = hs_xstrdup(kwloc);
	r->example = hs_xstrdup(example);
	r->count = 1;
}

/* Groups by name, and within a group the most frequent first. */
static int cmp_row(const void *a, const void *b)
{
	const struct sum_row *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	if (c)
		return c;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->kwloc, y->kwloc);
}

void summary_print(const struct summary *s, FILE *f)
{
	const char *last = NULL;

	if (s->n)
		qsort(s->rows, s->n, sizeof(*s->rows), cmp_row);
	fprintf(f, "hs-validate: summary: %llu of %llu events invalid\n",
	        (unsigned long long)s->invalid, (unsigned long long)s->events);
	for (size_t i = 0; i < s->n; i++) {
		const struct sum_row *r = &s->rows[i];
		uint64_t total = 0;

		if (!last || strcmp(last, r->group)) {
			for (size_t j = i; j < s->n; j++)
				if (!strcmp(s->rows[j].group, r->group))
					total += s->rows[j].count;
			fprintf(f, "  %s: %llu\n", r->group,
			        (unsigned long long)total);
			last = r->group;
		}
		fprintf(f, "    %6llu  %s\n            e.g. %s\n",
		        (unsigned long long)r->count, r->kwloc, r->example);
	}
}

void summary_release(struct summary *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->rows[i].group);
		free(s->rows[i].kwloc);
		free(s->rows[i].example);
	}
	free(s->rows);
	memset(s, 0, sizeof(*s));
}
