/* hello: the smallest program: print the arguments and the pid. */
#include "ulib.h"

int main(int argc, char **argv)
{
	int i;

	printf("hello from pid %d:", getpid());
	for (i = 0; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\nPASS\n");
	return 0;
}
