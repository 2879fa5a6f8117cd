/*
 * exit.c: the one rule that combines two exit statuses (see exit.h).
 * It owns only that precedence; which status a failure earns is the
 * caller's business.
 */
#include "exit.h"
#include "banned.h"

int hs_exit_worse(int a, int b)
{
	return b > a ? b : a;
}
