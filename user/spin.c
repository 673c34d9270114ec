/*
 * spin: three processes (a parent and two children) that never yield and
 * never end: only preemption by the timer lets each of them, and the
 * shell, run.  Each says once that it is alive; Ctrl-C at the console
 * ends them all.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	volatile unsigned long n = 0;
	int i;

	(void)argc;
	(void)argv;
	for (i = 0; i < 2; i++)
		if (fork() == 0)
			break;
	for (;;) {
		if (++n == 1000000)
			printf("spin: pid %d alive\n", getpid());
	}
}
