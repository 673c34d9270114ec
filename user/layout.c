/*
 * layout: print where this process's stack, mmap areas and heap start, for
 * the layout-randomisation tests, and check that a forked child keeps the
 * layout: its first mmap lands right below the parent's.
 *
 * Printed: "layout: stack 0x... mmap 0x... brk 0x... end 0x..." with the
 * stack top (the end of the last argument string), the mmap base (the end
 * of the first anonymous page mmap gives), the first break and the end of
 * the program image.
 */
#include "ulib.h"

extern char _end[];

int main(int argc, char **argv)
{
	const char *last = argv[argc - 1];
	uintptr_t stack_top = (uintptr_t)last + strlen(last) + 1;
	char *page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long brk0 = brk(0);
	int pid, status = -1;

	if (page == MAP_FAILED)
		fail("mmap of one page failed");
	printf("layout: stack 0x%08x mmap 0x%08x brk 0x%08x end 0x%08x\n",
	       (unsigned int)stack_top, (unsigned int)(page + PAGE_SIZE),
	       (unsigned int)brk0, (unsigned int)(uintptr_t)_end);
	pid = fork();
	if (pid == 0) {
		char *child = mmap(NULL, PAGE_SIZE, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		exit(child == page - PAGE_SIZE && brk(0) == brk0 ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
		fail("the child did not keep the layout (status 0x%x)", status);
	printf("layout: the child kept the layout\nPASS\n");
	return 0;
}
