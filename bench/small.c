/*
 * Small-object workloads: one allocator's malloc/free (kmem386's
 * kmalloc/kfree, glibc, jemalloc, mimalloc or tcmalloc, chosen when this
 * file is compiled: bench/native.h) against the null allocator.
 *
 *   lifo64  malloc(64) + free, with 1000 other 64-byte objects live
 *   batch   100k allocations, sizes log-uniform in [8, 4096], freed in a
 *           random order; one untimed warm-up round, then 10 timed rounds
 *
 * As in pages.c, each loop is written once (always inline, taking the two
 * functions) and instantiated for the native allocator and the null one,
 * so both are direct calls.  Every returned pointer passes through an empty
 * asm statement, so the compiler cannot pair and delete a malloc and its
 * free.  kmem runs on a booted host machine (tests/host/machine.h) of
 * a->pool bytes with the kmalloc caches made by kmem_cache_init(0) (no
 * debug), allocating with GFP_KERNEL.
 *
 * Locking: none of its own; a worker is one thread.
 */
#include <math.h>
#include <string.h>

#include "bench.h"
#include "native.h"
#ifdef BENCH_KMEM
#include "machine.h"
#endif

#define BENCH_INLINE	static inline __attribute__((always_inline))
#define SMALL_GFP	GFP_KERNEL

#define LIFO64_OPS	2000000u
#define LIFO64_LIVE	1000u
#define BATCH_N		100000u
#define BATCH_ROUNDS	10u

typedef void *(*salloc_fn)(size_t size, gfp_t gfp);
typedef void (*sfree_fn)(const void *p);

/* The pointer escapes: allocation and free cannot be folded away. */
#define ESCAPE(p)	__asm__ volatile("" : : "r"(p) : "memory")

BENCH_INLINE void lifo64_loop(salloc_fn alloc, sfree_fn release,
			      uint64_t n, struct bench_out *out)
{
	void **keep = bench_xmalloc(LIFO64_LIVE * sizeof(*keep));
	uint64_t i, t0, fails = 0;

	for (i = 0; i < LIFO64_LIVE; i++) {
		keep[i] = alloc(64, SMALL_GFP);
		if (!keep[i])
			bench_die("lifo64: no memory for the live objects");
		ESCAPE(keep[i]);
	}
	t0 = bench_start();
	for (i = 0; i < n; i++) {
		void *p = alloc(64, SMALL_GFP);

		ESCAPE(p);
		if (unlikely(!p)) {
			fails++;
			continue;
		}
		release(p);
	}
	out->ns = bench_stop(t0);
	out->ops = n;
	out->fails = fails;
	for (i = 0; i < LIFO64_LIVE; i++)
		release(keep[i]);
	free(keep);
}

/* One round: allocate every size in turn, free in the round's order. */
BENCH_INLINE uint64_t batch_round(salloc_fn alloc, sfree_fn release,
				  const uint32_t *sizes, const uint32_t *perm,
				  void **slot)
{
	uint64_t fails = 0;
	uint32_t i;

	for (i = 0; i < BATCH_N; i++) {
		slot[i] = alloc(sizes[i], SMALL_GFP);
		ESCAPE(slot[i]);
		fails += slot[i] == NULL;
	}
	for (i = 0; i < BATCH_N; i++) {
		void *p = slot[perm[i]];

		if (likely(p != NULL))
			release(p);
	}
	return fails;
}

BENCH_INLINE void batch_loop(salloc_fn alloc, sfree_fn release,
			     const uint32_t *sizes, const uint32_t *perms,
			     uint32_t rounds, struct bench_out *out)
{
	void **slot = bench_xmalloc(BATCH_N * sizeof(*slot));
	uint64_t t0, fails = 0;
	uint32_t r;

	batch_round(alloc, release, sizes, perms, slot);	/* warm-up */
	t0 = bench_start();
	for (r = 1; r <= rounds; r++)
		fails += batch_round(alloc, release, sizes,
				     perms + (size_t)r * BATCH_N, slot);
	out->ns = bench_stop(t0);
	out->ops = (uint64_t)rounds * BATCH_N;
	out->fails = fails;
	free(slot);
}

static void batch_run(bool null, uint32_t rounds, uint64_t seed,
		      struct bench_out *out)
{
	uint32_t *sizes = bench_xmalloc(BATCH_N * sizeof(*sizes));
	uint32_t *perms = bench_xmalloc((size_t)(rounds + 1) * BATCH_N *
					sizeof(*perms));
	const double span = log2(4097.0 / 8.0);
	uint32_t i;

	for (i = 0; i < BATCH_N; i++) {
		double u = (double)(bench_rand(&seed) >> 11) * 0x1p-53;

		sizes[i] = (uint32_t)(8.0 * exp2(u * span));
		if (sizes[i] > 4096)
			sizes[i] = 4096;
	}
	for (i = 0; i <= rounds; i++)
		bench_shuffle(perms + (size_t)i * BATCH_N, BATCH_N, &seed);
	if (null)
		batch_loop(null_kmalloc, null_kfree, sizes, perms, rounds, out);
	else
		batch_loop(native_alloc, native_free, sizes, perms, rounds,
			   out);
	free(perms);
	free(sizes);
}

static void native_setup(const struct bench_args *a, struct bench_out *out)
{
#ifdef BENCH_KMEM
	machine_boot(a->pool);
	if (kmem_cache_init(0) != 0)
		bench_die("kmem_cache_init failed on a %llu-byte pool",
			  (unsigned long long)a->pool);
	out->pages = zones_total_managed();
#else
	(void)a;
	(void)out;
#endif
}

int bench_small_run(const struct bench_args *a, struct bench_out *out)
{
	const char *w = a->workload;
	bool null = strcmp(a->alloc, "null") == 0;
	bool lifo = strcmp(w, "lifo64") == 0;

	if (!lifo && strcmp(w, "kbatch"))
		return -1;
	if (!null && strcmp(a->alloc, NATIVE))
		bench_die("this worker runs %s and null, not %s", NATIVE,
			  a->alloc);
	native_setup(a, out);
	if (lifo && null)
		lifo64_loop(null_kmalloc, null_kfree,
			    a->ops ? a->ops : LIFO64_OPS, out);
	else if (lifo)
		lifo64_loop(native_alloc, native_free,
			    a->ops ? a->ops : LIFO64_OPS, out);
	else
		batch_run(null, a->ops ? (uint32_t)a->ops : BATCH_ROUNDS,
			  a->seed, out);
	return 0;
}
