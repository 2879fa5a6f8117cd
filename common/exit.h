/*
 * exit.h: the exit statuses every hs tool uses (hs(7), EXIT STATUS).
 * 75 is sysexits(3)'s EX_TEMPFAIL: cron and supervisors retry it.
 */
#ifndef HS_EXIT_H
#define HS_EXIT_H

#define HS_EXIT_OK 0        /* every event handled */
#define HS_EXIT_REJECT 1    /* some events dead-lettered or rejected */
#define HS_EXIT_USAGE 2     /* usage error, bad configuration, bad program */
#define HS_EXIT_IO 3        /* I/O or system failure */
#define HS_EXIT_LOCKED 4    /* another run holds the lock (hs-replay) */
#define HS_EXIT_TEMPFAIL 75 /* broker or store unreachable: retry later */
#define HS_EXIT_SIGNAL 128  /* + signal number */

/*
 * hs_exit_worse: the status to exit with when both a and b happened.
 * Precedence is numeric, so a later, graver failure wins:
 * 128+n (signal, including 141 for a closed stdout) over 75 (retry later)
 * over 4 over 3 (I/O) over 2 over 1 (rejections) over 0.
 * Every place that raises a tool's status goes through this.
 */
int hs_exit_worse(int a, int b);

#endif
