/*
 * Benchmark worker: runs one workload with one allocator once and prints
 * the result as one JSON line.
 *
 *   bench-ALLOC WORKLOAD ALLOC POOL_MIB [OPS [SEED]]
 *
 * WORKLOAD is lifo, hot, batch, mixed (page workloads, kmem worker only),
 * lifo64 or kbatch (small objects; OPS counts rounds for kbatch); ALLOC is
 * the worker's own allocator (kmem, glibc, ...), "null", or for lifo, hot
 * and batch "kmem-kernel" (GFP_KERNEL instead of GFP_HIGHUSER); OPS 0 keeps
 * the workload's default.  build/host/bench is the kmem worker; run without arguments (or
 * with driver options: --reps N, --cpu N, --callgrind) it hands over to the
 * driver, bench/run.py, which starts a fresh pinned worker for every
 * repetition and prints the table.
 *
 * Locking: none; a worker is one thread and runs one workload.
 */
#include <string.h>
#include <unistd.h>

#include "bench.h"

static void print_result(const struct bench_args *a,
			 const struct bench_out *o)
{
	unsigned int z;

	printf("{\"workload\": \"%s\", \"alloc\": \"%s\", \"pool_mib\": %llu, "
	       "\"pages\": %llu, \"ops\": %llu, \"ns\": %llu, "
	       "\"ns_per_op\": %.4f, \"fails\": %llu",
	       a->workload, a->alloc, (unsigned long long)(a->pool >> 20),
	       (unsigned long long)o->pages, (unsigned long long)o->ops,
	       (unsigned long long)o->ns,
	       o->ops ? (double)o->ns / (double)o->ops : 0.0,
	       (unsigned long long)o->fails);
	if (o->max_order >= 0)
		printf(", \"frag\": %.6f, \"max_order\": %d", o->frag,
		       o->max_order);
	for (z = 0; z < o->nr_zones; z++)
		printf("%s\"%s\": {\"free_pages\": %llu, \"frag\": %.6f}%s",
		       z ? ", " : ", \"zones\": {", o->zone[z].name,
		       (unsigned long long)o->zone[z].free, o->zone[z].frag,
		       z + 1 == o->nr_zones ? "}" : "");
	printf("}\n");
}

int main(int argc, char **argv)
{
	struct bench_args a = { 0 };
	struct bench_out out = { .frag = -1.0, .max_order = -1 };
	int rc;

#ifdef BENCH_DRIVER
	if (argc == 1 || argv[1][0] == '-') {	/* the driver and its options */
		char **dargv = bench_xmalloc((size_t)(argc + 2) * sizeof(char *));

		dargv[0] = "python3";
		dargv[1] = BENCH_DRIVER;
		memcpy(dargv + 2, argv + 1, (size_t)argc * sizeof(char *));
		execv("/usr/bin/python3", dargv);
		bench_die("cannot run /usr/bin/python3 %s", BENCH_DRIVER);
	}
#endif
	if (argc < 4 || argc > 6)
		bench_die("usage: %s WORKLOAD ALLOC POOL_MIB [OPS [SEED]]",
			  argv[0]);
	a.workload = argv[1];
	a.alloc = argv[2];
	a.pool = bench_parse_u64(argv[3], "POOL_MIB") << 20;
	a.ops = argc > 4 ? bench_parse_u64(argv[4], "OPS") : 0;
	a.seed = argc > 5 ? bench_parse_u64(argv[5], "SEED") :
			    0x6b6d656d333836ull;
	if (a.seed == 0)
		a.seed = 1;		/* xorshift must not start at 0 */
#ifdef BENCH_KMEM
	rc = bench_pages_run(&a, &out);
	if (rc < 0)
		rc = bench_small_run(&a, &out);
#else
	rc = bench_small_run(&a, &out);
#endif
	if (rc < 0)
		bench_die("unknown workload %s", a.workload);
	print_result(&a, &out);
	return 0;
}
