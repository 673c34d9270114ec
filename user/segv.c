/*
 * segv MODE: make one illegal access; the kernel must kill this process
 * with a "segfault:" line and go on.  Reaching the end prints FAIL.
 *
 *   null      read address 0            unmapped  read where no region is
 *   text      write to own code         rodata    write to a string constant
 *   kread     read the kernel half      kwrite    write the kernel half
 *   guard     recurse through the stack into its guard gap
 *   none      read a PROT_NONE mapping  readonly  write a PROT_READ mapping
 *   munmap    touch a page after munmap
 *   gpf       a privileged instruction (cli)
 *   step      set the trap flag: a debug exception after one instruction
 *   divide    divide by zero
 *   fpe       x87 division by zero with the exception unmasked: #MF at
 *             the next FWAIT, with the exception still pending in the FPU
 *   efault    (not killed) system calls given bad pointers get -EFAULT
 */
#include "ulib.h"

static const char message[] = "constant";

static volatile int sink;

__attribute__((noinline)) static int recurse(int depth)
{
	volatile char frame[60000];

	frame[0] = (char)depth;
	if (depth > 100000)		/* 6 GB: the guard gap comes first */
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void *map(int prot)
{
	void *p = mmap(0, PAGE_SIZE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("mmap");
	return p;
}

static int efault(void)
{
	struct kmem_ustats st;
	char *none = map(PROT_NONE);
	char *ro = map(PROT_READ);

	if (write(1, (void *)0, 10) != -14)
		fail("write(NULL) did not return -EFAULT");
	if (write(1, (void *)0xc0100000, 10) != -14)
		fail("write(kernel address) did not return -EFAULT");
	if (write(1, (void *)0xbffffff0, 100) != -14)
		fail("write across the kernel boundary did not return -EFAULT");
	if (write(1, none, 10) != -14)
		fail("write(PROT_NONE buffer) did not return -EFAULT");
	if (kmem_stats((void *)0x70000000) != -14)
		fail("kmem_stats(unmapped) did not return -EFAULT");
	if (kmem_stats((void *)ro) != -14)
		fail("kmem_stats(read-only buffer) did not return -EFAULT");
	if (kmem_stats((void *)message) != -14)
		fail("kmem_stats(rodata) did not return -EFAULT");
	if (waitpid(-1, (int *)0xc0000000, 0) != -14)
		fail("waitpid(kernel address) did not return -EFAULT");
	if (kmem_stats(&st) != 0)
		fail("kmem_stats(&st) failed");
	printf("efault: every bad pointer refused\nPASS\n");
	return 0;
}

static void fpe(void)
{
	static const uint16_t cw = 0x037b;	/* zero-divide unmasked */
	static const uint32_t zero;

	__asm__ volatile("fninit\n\tfldcw %0\n\tfld1\n\tfdivs %1\n\tfwait"
			 : : "m"(cw), "m"(zero));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	printf("segv: %s\n", mode);
	if (!strcmp(mode, "null"))
		sink = *(volatile int *)0;
	else if (!strcmp(mode, "unmapped"))
		sink = *(volatile int *)0x70000000;
	else if (!strcmp(mode, "text"))
		*(volatile unsigned char *)(void *)main = 0xcc;
	else if (!strcmp(mode, "rodata"))
		*(volatile char *)message = 'X';
	else if (!strcmp(mode, "kread"))
		sink = *(volatile int *)0xc0100000;
	else if (!strcmp(mode, "kwrite"))
		*(volatile int *)0xc0100000 = 1;
	else if (!strcmp(mode, "guard"))
		sink = recurse(0);
	else if (!strcmp(mode, "none"))
		sink = *(volatile int *)map(PROT_NONE);
	else if (!strcmp(mode, "readonly"))
		*(volatile int *)map(PROT_READ) = 1;
	else if (!strcmp(mode, "munmap")) {
		int *p = map(PROT_READ | PROT_WRITE);

		*p = 1;
		munmap(p, PAGE_SIZE);
		sink = *(volatile int *)p;
	} else if (!strcmp(mode, "gpf"))
		__asm__ volatile("cli");
	else if (!strcmp(mode, "step"))
		__asm__ volatile("pushf; orl $0x100, (%esp); popf; nop");
	else if (!strcmp(mode, "divide"))
		__asm__ volatile("xor %%ecx, %%ecx; mov $1, %%eax; cltd; idiv %%ecx"
				 : : : "eax", "ecx", "edx");
	else if (!strcmp(mode, "fpe"))
		fpe();
	else if (!strcmp(mode, "efault"))
		return efault();
	else
		fail("unknown mode '%s'", mode);
	fail("mode %s survived", mode);
}
