/*
 * sig.h: signal manners shared by every tool.  SIGPIPE is ignored (a
 * write to a closed pipe returns EPIPE, which tools turn into a quiet
 * end; librdkafka and libcurl want SIGPIPE ignored anyway).  SIGINT and
 * SIGTERM set hs_sig_stop to the signal number and interrupt blocking
 * reads (no SA_RESTART), so the record loop finishes the record in hand,
 * flushes, commits and exits with 128 + the signal number.
 */
#ifndef HS_SIG_H
#define HS_SIG_H

#include <signal.h>

extern volatile sig_atomic_t hs_sig_stop;

/* Install the handlers described above. */
void hs_sig_init(void);

#endif
