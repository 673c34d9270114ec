/*
 * forkbomb: every process forks until the kernel refuses, then spins
 * without another system call.  The machine ends up with as many
 * processes as its memory holds, each taking whole slices; only a Ctrl-C
 * at the console ends them.  The first process refused says so once.
 *
 * After the first fork the loop touches registers and the MAP_SHARED page
 * only: every other page is shared copy-on-write by then, and a write to
 * one would need a frame that a full machine no longer has.
 */
#include "ulib.h"

static const char refused[] = "forkbomb: fork refused\n";

int main(int argc, char **argv)
{
	volatile unsigned int *said;

	(void)argc;
	(void)argv;
	said = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (said == MAP_FAILED)
		fail("no shared page");
	printf("forkbomb: forking until refused\n");
	__asm__ volatile("1:	mov %[fork], %%eax\n"
			 "	int $0x80\n"
			 "	test %%eax, %%eax\n"
			 "	jns 1b\n"		/* parent and child alike */
			 "	mov $1, %%eax\n"	/* refused: the first? */
			 "	xchg %%eax, (%%esi)\n"
			 "	test %%eax, %%eax\n"
			 "	jnz 2f\n"
			 "	mov %[write], %%eax\n"
			 "	mov $1, %%ebx\n"
			 "	mov %[msg], %%ecx\n"
			 "	mov %[len], %%edx\n"
			 "	int $0x80\n"
			 "2:	jmp 2b\n"
			 :
			 : "S"(said), [fork] "i"(SYS_fork),
			   [write] "i"(SYS_write), [msg] "i"(refused),
			   [len] "i"(sizeof(refused) - 1)
			 : "eax", "ebx", "ecx", "edx", "memory", "cc");
	return 0;
}
