/*
 * Threaded workloads: the allocators with several threads at once, each
 * thread a CPU of the host model.  The worker runs one workload with one
 * allocator and a number of threads once, and prints one JSON line.
 *
 *   bench-threads[-ALLOC] WORKLOAD ALLOC THREADS [OPS]
 *
 *   page         alloc_pages(GFP_KERNEL, 0) + __free_pages pairs, OPS per
 *                thread (kmem only)
 *   kmalloc      kmalloc(64) + kfree pairs, OPS per thread, with 1000 other
 *                64-byte objects of the thread's live (as lifo64 in small.c)
 *   page-pc      2 threads: thread 0 allocates order-0 pages into a
 *                bounded ring (bench/ring.h), thread 1 frees them; OPS pages
 *                (kmem only)
 *   kmalloc-pc   the same with kmalloc(64) and kfree
 *   lock         two take/release pairs of one shared mm_lock_t per
 *                operation, OPS per thread (kmem only): the floor of any path
 *                that takes one lock per allocation and one per free
 *
 * ALLOC is the worker's allocator (bench/native.h), "kmem-up" or
 * "kmem-cpu1" for the kmem worker, or for kmalloc and kmalloc-pc "null"
 * (bench/null.c: the loop's, or the ring's, own cost).  kmem runs on a
 * booted host machine
 * (tests/host/machine.h) of 256 MiB with the kmalloc caches made by
 * kmem_cache_init(0) and, for "kmem", the SMP lock path and per-CPU hot
 * lists turned on by mm_smp_prepare() for at least two CPUs, whatever
 * THREADS is, so one thread and two take the same paths; "kmem-up" keeps
 * the uniprocessor path and runs one thread only.  "kmem-cpu1" is kmem
 * with thread i as CPU i + 1, so that no thread is the boot CPU, whose
 * set of hot lists mm_smp_prepare() makes apart from the others (it
 * moves the lists out of struct zone): the difference from kmem is what
 * being the boot CPU costs.
 *
 * Each thread makes itself CPU i (host_cpu_enter(); CPUs above 0 come
 * online first), pins itself to the i-th CPU of the process's affinity
 * set (the driver, bench/threads.py, sets it), runs an untimed warm-up of
 * a tenth of its operations, waits at a barrier with the others, and times
 * its part with CLOCK_MONOTONIC.  The result's time is the wall time from
 * the first thread's start to the last one's end; each thread's own time
 * and the CPU it ended on are printed too.  A second barrier after the
 * timed part keeps a CPU from going offline (which drains its lists under
 * the zone lock) while another still measures.
 *
 * For kmem's page workloads the line carries the blocks each CPU's order-0
 * list of the Normal zone moved to and from the buddy maps during the
 * timed part (the refills and drains, each a batch under the zone lock),
 * and the batch size: how often the zone lock was taken.
 *
 * Locking: the workers' own state is per thread; the ring has one producer
 * and one consumer; the allocators take their own locks.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "bench.h"
#include "native.h"
#include "ring.h"

#ifdef BENCH_KMEM
#include "machine.h"
#include "mm/buddy.h"
#include "mm/lock.h"
#include "mm/zones.h"
#endif

#define BENCH_INLINE	static inline __attribute__((always_inline))
#define THREADS_GFP	GFP_KERNEL
#define THREADS_POOL	(256ull << 20)
#define THREADS_MAX	8u
#define OBJ_SIZE	64u
#define KPAIRS_LIVE	1000u


/* The pointer escapes: allocation and free cannot be folded away. */
#define ESCAPE(p)	__asm__ volatile("" : : "r"(p) : "memory")

enum workload { W_PAGE, W_KMALLOC, W_PAGE_PC, W_KMALLOC_PC, W_LOCK };

static const char *const workload_names[] = {
	[W_PAGE] = "page", [W_KMALLOC] = "kmalloc", [W_PAGE_PC] = "page-pc",
	[W_KMALLOC_PC] = "kmalloc-pc", [W_LOCK] = "lock",
};

/*
 * Default operations: per thread for the pairs and lock, blocks through
 * the ring for the pc workloads.  Sized so that the paths on one lock
 * shared by two CPUs keep a repetition short while the fast paths still
 * run long enough to time.
 */
static const uint64_t workload_ops[] = {
	[W_PAGE] = 4000000, [W_KMALLOC] = 1000000, [W_PAGE_PC] = 2000000,
	[W_KMALLOC_PC] = 1000000, [W_LOCK] = 500000,
};

/*
 * The null allocator's pairs run this many times the default, so that
 * the run lasts about as long as an allocator's and meets the same
 * competition for the CPUs from the rest of the machine: its 2-thread
 * figure is then what the machine gives a second thread.  (Through the
 * ring, null is already bound by the exchange between the CPUs.)
 */
#define NULL_OPS_SCALE	20u

/* The run, set up by main() before the threads start; read-only then. */
static struct {
	enum workload w;
	const char *alloc;
	bool null;		/* the null allocator */
	bool kmem;		/* kmem, kmem-up or kmem-cpu1 */
	unsigned int cpu0;	/* kmem CPU number of thread 0 */
	unsigned int threads;
	uint64_t ops;		/* per thread; pc workloads: blocks */
	cpu_set_t cpus;		/* the process's affinity set */
} run;

/* What one thread did; written by that thread, read after the join. */
struct thread_out {
	_Alignas(64) uint64_t t0;	/* CLOCK_MONOTONIC at the start */
	uint64_t t1;			/* and at the end (timed part) */
	uint64_t ops;		/* timed operations */
	uint64_t fails;		/* allocations that returned NULL */
	uint64_t moved;		/* kmem pages: blocks to/from maps */
	int cpu;		/* the CPU it ran on at the end */
};

static struct thread_out thread_out[THREADS_MAX];
static pthread_barrier_t start_line, finish_line;
static struct ring ring;

typedef void *(*salloc_fn)(size_t size, gfp_t gfp);
typedef void (*sfree_fn)(const void *p);

/* ---- small objects --------------------------------------------------- */

BENCH_INLINE uint64_t kpairs_loop(salloc_fn alloc, sfree_fn release,
				  uint64_t n)
{
	uint64_t i, fails = 0;

	for (i = 0; i < n; i++) {
		void *p = alloc(OBJ_SIZE, THREADS_GFP);

		ESCAPE(p);
		if (unlikely(!p)) {
			fails++;
			continue;
		}
		release(p);
	}
	return fails;
}

/* Producer: n objects into the ring (NULL for a failed allocation). */
BENCH_INLINE uint64_t kproduce(salloc_fn alloc, uint64_t n)
{
	uint64_t i, fails = 0;

	for (i = 0; i < n; i++) {
		void *p = alloc(OBJ_SIZE, THREADS_GFP);

		fails += p == NULL;
		ring_put(&ring, p);
	}
	return fails;
}

BENCH_INLINE void kconsume(sfree_fn release, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		void *p = ring_get(&ring, n - i);

		if (likely(p != NULL))
			release(p);
	}
}

/* One pass of the small-object workloads for thread @id. */
static uint64_t small_pass(unsigned int id, uint64_t n)
{
	if (run.w == W_KMALLOC)
		return run.null ? kpairs_loop(null_kmalloc, null_kfree, n) :
				  kpairs_loop(native_alloc, native_free, n);
	if (id == 0)
		return run.null ? kproduce(null_kmalloc, n) :
				  kproduce(native_alloc, n);
	if (run.null)
		kconsume(null_kfree, n);
	else
		kconsume(native_free, n);
	return 0;
}

/* ---- pages and the lock (kmem) ------------------------------------------- */

#ifdef BENCH_KMEM
typedef struct page *(*palloc_fn)(gfp_t gfp, unsigned int order);
typedef int (*pfree_fn)(struct page *page, unsigned int order);

BENCH_INLINE uint64_t ppairs_loop(palloc_fn alloc, pfree_fn release,
				  uint64_t n)
{
	uint64_t i, fails = 0;

	for (i = 0; i < n; i++) {
		struct page *p = alloc(THREADS_GFP, 0);

		ESCAPE(p);
		if (unlikely(!p)) {
			fails++;
			continue;
		}
		release(p, 0);
	}
	return fails;
}

BENCH_INLINE uint64_t pproduce(palloc_fn alloc, uint64_t n)
{
	uint64_t i, fails = 0;

	for (i = 0; i < n; i++) {
		struct page *p = alloc(THREADS_GFP, 0);

		fails += p == NULL;
		ring_put(&ring, p);
	}
	return fails;
}

BENCH_INLINE void pconsume(pfree_fn release, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		struct page *p = ring_get(&ring, n - i);

		if (likely(p != NULL))
			release(p, 0);
	}
}

static mm_lock_t shared_lock = MM_LOCK_INIT(MM_LOCK_NONE);

/* Two lock pairs per operation, as a cache's allocation and its free. */
static uint64_t lock_loop(uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		unsigned long flags = mm_lock_irqsave(&shared_lock);

		mm_unlock_irqrestore(&shared_lock, flags);
		flags = mm_lock_irqsave(&shared_lock);
		mm_unlock_irqrestore(&shared_lock, flags);
	}
	return 0;
}

static uint64_t kmem_pass(unsigned int id, uint64_t n)
{
	if (run.w == W_LOCK)
		return lock_loop(n);
	if (run.w == W_PAGE)
		return ppairs_loop(alloc_pages, __free_pages, n);
	if (id == 0)
		return pproduce(alloc_pages, n);
	pconsume(__free_pages, n);
	return 0;
}

/* Blocks this CPU's order-0 list of the Normal zone moved so far. */
static uint64_t hot_moved(unsigned int cpu)
{
	const struct hot_list *h = zones[ZONE_NORMAL].cpu_hot[cpu];

	if (!h)
		h = zones[ZONE_NORMAL].hot;
	return __atomic_load_n(&h->refilled, __ATOMIC_RELAXED) +
	       __atomic_load_n(&h->drained, __ATOMIC_RELAXED);
}

static uint32_t hot_batch(void)
{
	return zones[ZONE_NORMAL].cpu_hot[0][0].batch;
}

static void kmem_setup(void)
{
	machine_boot(THREADS_POOL);
	if (kmem_cache_init(0) != 0)
		bench_die("kmem_cache_init failed on a %llu-byte pool",
			  (unsigned long long)THREADS_POOL);
	unsigned int ncpus = run.cpu0 + run.threads;

	if (strcmp(run.alloc, "kmem-up") == 0)
		return;
	if (mm_smp_prepare(ncpus > 2 ? ncpus : 2) != 0)
		bench_die("mm_smp_prepare(%u) failed:\n%s", run.threads,
			  host_log());
}

static void kmem_cpu_enter(unsigned int cpu)
{
	host_cpu_enter(cpu);
	if (cpu && mm_cpu_online() != 0)
		bench_die("CPU %u: mm_cpu_online failed", cpu);
}

static void kmem_cpu_leave(unsigned int cpu)
{
	if (cpu)
		mm_cpu_offline();
}
#endif /* BENCH_KMEM */

/* ---- the threads --------------------------------------------------------- */

static bool page_workload(void)
{
	return run.w == W_PAGE || run.w == W_PAGE_PC || run.w == W_LOCK;
}

static uint64_t pass(unsigned int id, uint64_t n)
{
#ifdef BENCH_KMEM
	if (page_workload())
		return kmem_pass(id, n);
#endif
	return small_pass(id, n);
}

/* Pin the calling thread to the id-th CPU of the affinity set. */
static void pin(unsigned int id)
{
	unsigned int n = (unsigned int)CPU_COUNT(&run.cpus), k = id % n, c;
	cpu_set_t one;

	for (c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &run.cpus))
			continue;
		if (k-- == 0)
			break;
	}
	CPU_ZERO(&one);
	CPU_SET(c, &one);
	if (pthread_setaffinity_np(pthread_self(), sizeof(one), &one) != 0)
		bench_die("thread %u: cannot pin to CPU %u", id, c);
}

/* The kmalloc pairs keep KPAIRS_LIVE objects live per thread. */
static void **live_alloc(void)
{
	void **keep;
	unsigned int i;

	if (run.w != W_KMALLOC || run.null)
		return NULL;
	keep = bench_xmalloc(KPAIRS_LIVE * sizeof(*keep));
	for (i = 0; i < KPAIRS_LIVE; i++) {
		keep[i] = native_alloc(OBJ_SIZE, THREADS_GFP);
		if (!keep[i])
			bench_die("kmalloc: no memory for the live objects");
		ESCAPE(keep[i]);
	}
	return keep;
}

static void live_free(void **keep)
{
	unsigned int i;

	if (!keep)
		return;
	for (i = 0; i < KPAIRS_LIVE; i++)
		native_free(keep[i]);
	free(keep);
}

static void *thread_main(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;
	struct thread_out *o = &thread_out[id];
	uint64_t moved0 = 0;
	void **keep;

	pin(id);
#ifdef BENCH_KMEM
	if (run.kmem)
		kmem_cpu_enter(run.cpu0 + id);
#endif
	keep = live_alloc();
	pass(id, run.ops / 10 + 1);			/* warm-up */
#ifdef BENCH_KMEM
	if (run.kmem)
		moved0 = hot_moved(run.cpu0 + id);
#endif
	pthread_barrier_wait(&start_line);
	o->t0 = bench_now_ns();
	o->fails = pass(id, run.ops);
	o->t1 = bench_now_ns();
	o->ops = run.ops;
#ifdef BENCH_KMEM
	if (run.kmem)
		o->moved = hot_moved(run.cpu0 + id) - moved0;
#endif
	(void)moved0;
	o->cpu = sched_getcpu();
	pthread_barrier_wait(&finish_line);
	live_free(keep);
#ifdef BENCH_KMEM
	if (run.kmem)
		kmem_cpu_leave(run.cpu0 + id);
#endif
	return NULL;
}

static void run_threads(void)
{
	pthread_t t[THREADS_MAX];
	unsigned int i;

	pthread_barrier_init(&start_line, NULL, run.threads);
	pthread_barrier_init(&finish_line, NULL, run.threads);
	for (i = 0; i < run.threads; i++)
		if (pthread_create(&t[i], NULL, thread_main,
				   (void *)(uintptr_t)i) != 0)
			bench_die("cannot start thread %u", i);
	for (i = 0; i < run.threads; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start_line);
	pthread_barrier_destroy(&finish_line);
}

/* ---- the command line and the result ------------------------------------ */

static void print_result(void)
{
	uint64_t t0 = UINT64_MAX, t1 = 0, ops = 0, fails = 0, moved = 0;
	unsigned int i, batch = 0;
	bool pc = run.w == W_PAGE_PC || run.w == W_KMALLOC_PC;

	for (i = 0; i < run.threads; i++) {
		const struct thread_out *o = &thread_out[i];

		t0 = o->t0 < t0 ? o->t0 : t0;
		t1 = o->t1 > t1 ? o->t1 : t1;
		ops += o->ops;
		fails += o->fails;
		moved += o->moved;
	}
	if (pc)
		ops = run.ops;		/* blocks through the ring */
#ifdef BENCH_KMEM
	batch = run.kmem ? hot_batch() : 0;
#endif
	printf("{\"workload\": \"%s\", \"alloc\": \"%s\", \"threads\": %u, "
	       "\"ops\": %llu, \"ns\": %llu, \"ns_per_op\": %.4f, "
	       "\"mops\": %.4f, \"fails\": %llu, \"moved\": %llu, "
	       "\"batch\": %u, \"thread_ns\": [",
	       workload_names[run.w], run.alloc, run.threads,
	       (unsigned long long)ops, (unsigned long long)(t1 - t0),
	       (double)(t1 - t0) / (double)ops,
	       (double)ops * 1e3 / (double)(t1 - t0),
	       (unsigned long long)fails, (unsigned long long)moved, batch);
	for (i = 0; i < run.threads; i++) {
		const struct thread_out *o = &thread_out[i];

		printf("%s%llu", i ? ", " : "",
		       (unsigned long long)(o->t1 - o->t0));
	}
	printf("], \"cpus\": [");
	for (i = 0; i < run.threads; i++)
		printf("%s%d", i ? ", " : "", thread_out[i].cpu);
	printf("]}\n");
}

static enum workload parse_workload(const char *s)
{
	unsigned int w;

	for (w = 0; w < sizeof(workload_names) / sizeof(*workload_names); w++)
		if (strcmp(s, workload_names[w]) == 0)
			return (enum workload)w;
	bench_die("unknown workload %s (page, kmalloc, page-pc, kmalloc-pc, "
		  "lock)", s);
}

/* The combinations this worker runs, or bench_die() saying why not. */
static void check_args(void)
{
	bool pc = run.w == W_PAGE_PC || run.w == W_KMALLOC_PC;

	run.null = strcmp(run.alloc, "null") == 0;
#ifdef BENCH_KMEM
	run.kmem = strncmp(run.alloc, "kmem", 4) == 0;
	run.cpu0 = strcmp(run.alloc, "kmem-cpu1") == 0;
	if (!run.null && strcmp(run.alloc, "kmem") &&
	    strcmp(run.alloc, "kmem-up") && strcmp(run.alloc, "kmem-cpu1"))
#else
	if (!run.null && strcmp(run.alloc, NATIVE))
#endif
		bench_die("this worker runs %s and null, not %s", NATIVE,
			  run.alloc);
	if (page_workload() && !run.kmem)
		bench_die("%s runs on kmem only", workload_names[run.w]);
	if (run.threads == 0 || run.cpu0 + run.threads > THREADS_MAX)
		bench_die("THREADS %u: between 1 and %u", run.threads,
			  THREADS_MAX - run.cpu0);
	if (pc && run.threads != 2)
		bench_die("%s runs on 2 threads", workload_names[run.w]);
	if (strcmp(run.alloc, "kmem-up") == 0 && run.threads != 1)
		bench_die("kmem-up is the uniprocessor path: 1 thread");
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5)
		bench_die("usage: %s WORKLOAD ALLOC THREADS [OPS]", argv[0]);
	run.w = parse_workload(argv[1]);
	run.alloc = argv[2];
	run.threads = (unsigned int)bench_parse_u64(argv[3], "THREADS");
	run.ops = argc > 4 ? bench_parse_u64(argv[4], "OPS") : 0;
	check_args();
	if (run.ops == 0)
		run.ops = workload_ops[run.w] *
			  (run.null && run.w == W_KMALLOC ? NULL_OPS_SCALE : 1);
	if (sched_getaffinity(0, sizeof(run.cpus), &run.cpus) != 0)
		bench_die("cannot read the CPU affinity");
#ifdef BENCH_KMEM
	if (run.kmem)
		kmem_setup();
#endif
	run_threads();
	print_result();
	return 0;
}
