/*
 * sig.c: the signal manners every tool shares (sig.h): SIGPIPE ignored,
 * SIGINT and SIGTERM recorded in hs_sig_stop without SA_RESTART.  What a
 * stop means for the record loop is the tool frame's.
 */
#include <signal.h>
#include <string.h>

#include "sig.h"
#include "banned.h"

volatile sig_atomic_t hs_sig_stop;

static void on_stop(int sig)
{
	hs_sig_stop = sig;
}

void hs_sig_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
