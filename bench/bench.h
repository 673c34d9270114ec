/*
 * Shared pieces of the host benchmark workers (the files in bench/): the
 * clock, a cheap random generator, the null allocators and the result line.
 *
 * A worker runs one workload with one allocator once and prints one JSON
 * line on stdout; bench/run.py starts a fresh, pinned worker per
 * repetition and does the statistics.  Everything here is small enough to
 * inline, so the timed loops of every allocator carry the same overhead,
 * which the "null" allocator then measures.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include "mm/gfp.h"

/* Options of one worker run (parsed by bench/main.c). */
struct bench_args {
	const char *workload;		/* "lifo", "hot", "lifo64", ... */
	const char *alloc;		/* "kmem", "null", "glibc", ... */
	uint64_t pool;			/* bytes of arena (kmem page/kmalloc pool) */
	uint64_t ops;			/* timed operations (0: workload default) */
	uint64_t seed;
};

/* What a workload measured; printed as one JSON line. */
struct bench_out {
	uint64_t ops;			/* timed operations */
	uint64_t ns;			/* wall time of the timed part */
	uint64_t fails;			/* allocations that returned NULL (timed) */
	uint64_t pages;			/* frames the pool manages (page workloads) */
	double frag;			/* mixed: order-10 share of free memory, or -1 */
	int max_order;			/* mixed: largest obtainable order, or -1 */
	unsigned int nr_zones;		/* mixed: zones with a figure below */
	struct {
		const char *name;
		uint64_t free;		/* free frames */
		double frag;		/* order-10 share of them */
	} zone[4];
};

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Bracket the timed part: the clock for the normal run, the instruction
 * counter for `make bench-callgrind` (run with --instr-atstart=no, so only
 * the timed part is counted; outside valgrind the macros cost a few
 * instructions once per run).
 */
static inline uint64_t bench_start(void)
{
	CALLGRIND_ZERO_STATS;
	CALLGRIND_START_INSTRUMENTATION;
	return bench_now_ns();
}

static inline uint64_t bench_stop(uint64_t t0)
{
	uint64_t t1 = bench_now_ns();

	CALLGRIND_STOP_INSTRUMENTATION;
	return t1 - t0;
}

/*
 * A 64-bit linear congruential generator (Knuth's MMIX constants): one
 * multiply and one add, which matters because `mixed` draws a number in
 * its timed loop.  Its high bits are good enough for workload choices;
 * its low bits are not, so callers use the top of the word only
 * (bench_below() takes the top 32 bits).
 */
static inline uint64_t bench_rand(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return *state;
}

/* A number in [0, n) without a division (n < 2^32). */
static inline uint32_t bench_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(((bench_rand(state) >> 32) * (uint64_t)n) >> 32);
}

/* Fill perm with a random permutation of 0..n-1 (Fisher-Yates). */
static inline void bench_shuffle(uint32_t *perm, uint32_t n, uint64_t *state)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n; i > 1; i--) {
		uint32_t j = bench_below(state, i);
		uint32_t t = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = t;
	}
}

__attribute__((noreturn, format(printf, 1, 2)))
void bench_die(const char *fmt, ...);

void *bench_xmalloc(size_t n);

/* @s as a number (0x for hex), or bench_die() naming @what. */
uint64_t bench_parse_u64(const char *s, const char *what);

/*
 * The null allocators (bench/null.c, a separate unit so they are never
 * inlined): same signatures as the real ones, return a fixed non-NULL
 * pointer and do nothing else.
 */
struct page;
struct page *null_alloc_pages(gfp_t gfp, unsigned int order);
int null_free_pages(struct page *page, unsigned int order);
void *null_kmalloc(size_t size, gfp_t gfp);
void null_kfree(const void *p);

/* Workload families: 0 on success, -1 if the name is not theirs. */
int bench_pages_run(const struct bench_args *a, struct bench_out *out);
int bench_small_run(const struct bench_args *a, struct bench_out *out);

#endif /* BENCH_BENCH_H */
