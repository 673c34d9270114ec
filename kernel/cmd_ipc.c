/*
 * Console command of System V IPC:
 *
 *  ipcs     the shared-memory segments, as Linux's `ipcs -m` prints them
 *
 * Context: the shell.
 */
#include "shell.h"
#include "mm/shm.h"

static int cmd_ipcs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	shm_dump();
	return 0;
}
SHELL_COMMAND(ipcs, "ipcs", "", "System V shared memory (ipcs -m)", cmd_ipcs);
