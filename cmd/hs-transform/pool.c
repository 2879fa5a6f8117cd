/*
 * pool.c: worker threads over a ring of batches.  The main thread fills
 * the batch at tail, submits it, and accounts batches from head once they
 * are done, so output order is input order whatever each event costs.
 * Workers take batches in order (next) and never touch the tool frame.
 * With one thread there are no threads: batches run inline.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "tool.h"
#include "xf.h"
#include "banned.h"

struct xf_pool {
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	struct xf_batch *ring;
	unsigned nslots;
	uint64_t head, tail, next; /* head <= next <= tail <= head + nslots */
	struct xf_tally tally;     /* of the accounted events */
	int quit, nth, neng, started;
	pthread_t *th;
	struct xf_engine *eng;
	struct worker {
		struct xf_pool *p;
		int i;
	} * w;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct xf_pool *p = w->p;

	for (;;) {
		struct xf_batch *b;

		pthread_mutex_lock(&p->mu);
		while (p->next == p->tail && !p->quit)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->next == p->tail) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		b = &p->ring[p->next++ % p->nslots];
		pthread_mutex_unlock(&p->mu);
		xf_engine_batch(&p->eng[w->i], b);
		pthread_mutex_lock(&p->mu);
		b->done = 1;
		pthread_cond_broadcast(&p->done);
		pthread_mutex_unlock(&p->mu);
	}
}

/*
 * Initialise engines 0..n-1 one after another; -1 when any fails (all
 * are initialised).  Not on threads: each engine makes private copies of
 * the shared --arg values and library paths, and libjq's reference
 * counts are plain integers, so copying them from several threads at
 * once corrupted the heap (seen as "corrupted double-linked list" under
 * load with -j 3).
 */
static int compile_all(struct xf_pool *p, const struct xf_conf *c, int n)
{
	int rc = 0;

	for (int i = 0; i < n; i++)
		if (xf_engine_init(&p->eng[i], c) < 0)
			rc = -1;
	p->neng = n;
	return rc;
}

struct xf_pool *xf_pool_new(const struct xf_conf *c, int nthreads,
                            struct hs_buf *errs)
{
	struct xf_pool *p = hs_xcalloc(1, sizeof(*p));

	p->nth = nthreads;
	p->nslots = nthreads == 1 ? 1 : 4 * (unsigned)nthreads;
	p->ring = hs_xcalloc(p->nslots, sizeof(*p->ring));
	for (unsigned i = 0; i < p->nslots; i++) {
		hs_buf_init(&p->ring[i].lines);
		hs_buf_init(&p->ring[i].outs);
		hs_buf_init(&p->ring[i].msgs);
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->eng = hs_xcalloc((size_t)nthreads, sizeof(*p->eng));
	p->th = hs_xcalloc((size_t)nthreads, sizeof(*p->th));
	p->w = hs_xcalloc((size_t)nthreads, sizeof(*p->w));
	/*
	 * Compile every engine before any worker runs (libjq 1.6 compiles
	 * its builtins per jq_state, which costs about as much as 1,000
	 * events).  A program that does not compile is reported once, from
	 * the first.
	 */
	if (compile_all(p, c, nthreads) < 0) {
		for (int i = 0; i < nthreads && !errs->len; i++)
			hs_buf_add(errs, p->eng[i].errs.data,
			           p->eng[i].errs.len);
		xf_pool_free(p);
		return NULL;
	}
	if (nthreads > 1) {
		sigset_t stop, old;

		/*
		 * SIGINT and SIGTERM go to the main thread, whose blocked
		 * read they interrupt; workers see hs_sig_stop (jqjail.h).
		 */
		sigemptyset(&stop);
		sigaddset(&stop, SIGINT);
		sigaddset(&stop, SIGTERM);
		pthread_sigmask(SIG_BLOCK, &stop, &old);
		for (int i = 0; i < nthreads; i++) {
			p->w[i].p = p;
			p->w[i].i = i;
			if (pthread_create(&p->th[i], NULL, worker_main,
			                   &p->w[i]))
				break;
			p->started++;
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (p->started == 0) /* no thread at all: run inline */
			p->nth = 1;
	}
	return p;
}

static void account_oldest(struct xf_pool *p, struct hs_tool *t)
{
	struct xf_batch *b = &p->ring[p->head % p->nslots];

	pthread_mutex_lock(&p->mu);
	while (!b->done)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	xf_batch_account(b, t, &p->tally);
	xf_batch_reset(b);
	pthread_mutex_lock(&p->mu);
	p->head++;
	pthread_mutex_unlock(&p->mu);
}

struct xf_batch *xf_pool_current(struct xf_pool *p, struct hs_tool *t)
{
	if (p->nth > 1)
		while (p->tail - p->head >= p->nslots)
			account_oldest(p, t);
	return &p->ring[p->tail % p->nslots];
}

void xf_pool_submit(struct xf_pool *p, struct hs_tool *t)
{
	struct xf_batch *b = &p->ring[p->tail % p->nslots];

	/* With the ring full, the slot at tail is the oldest one in flight,
	 * not one being filled. */
	if (b->n == 0 || (p->nth > 1 && p->tail - p->head >= p->nslots))
		return;
	if (p->nth <= 1) {
		xf_engine_batch(&p->eng[0], b);
		xf_batch_account(b, t, &p->tally);
		xf_batch_reset(b);
		return;
	}
	pthread_mutex_lock(&p->mu);
	b->done = 0;
	p->tail++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void xf_pool_drain(struct xf_pool *p, struct hs_tool *t)
{
	xf_pool_submit(p, t);
	while (p->head < p->tail)
		account_oldest(p, t);
}

void xf_pool_free(struct xf_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->started; i++)
		pthread_join(p->th[i], NULL);
	for (int i = 0; i < p->neng; i++)
		xf_engine_release(&p->eng[i]);
	for (unsigned i = 0; i < p->nslots; i++)
		xf_batch_release(&p->ring[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p->ring);
	free(p->eng);
	free(p->th);
	free(p->w);
	free(p);
}

const struct xf_tally *xf_pool_tally(const struct xf_pool *p)
{
	return &p->tally;
}
