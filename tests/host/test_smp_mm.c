/*
 * The allocators on several CPUs: N threads (2, then 4), each a CPU of
 * the host model (host_cpu_enter()), allocate and free at random from
 * the buddy allocator (orders 0-3 and 5; orders 0-3 through each CPU's
 * own hot lists), a cache of their own kind and
 * kmalloc (small classes and large blocks), and hand what they allocate
 * to one another through a table of slots, so that most frees are of
 * what another CPU allocated.  Every block carries a tag, checked before
 * it is freed: a block handed out twice at once would show.  After the
 * join, the rest is freed, every checker runs, the cache counted every
 * allocation of every CPU and the free frames must be what they were
 * before.  Then the drain protocol: a request asks another CPU for its
 * lists, and one that only that CPU's frames can meet succeeds once the
 * CPU takes its kick (host_cpu_poll()), or fails after the bounded wait
 * when it does not.  The slab layer's side: two CPUs free one object at
 * once, round after round, and exactly one free is refused, with one
 * report, each time; shrink, shrink_all and destroy get the magazines of
 * a CPU that holds objects through its kick.  Shared frames: four CPUs
 * take and drop references at once, and the last drops race, each frame
 * freed once.  Built twice: in
 * `make test-host` (under valgrind, SMP_MM_OPS operations per thread)
 * and with ThreadSanitizer in `make test-tsan`, which must report
 * nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "machine.h"
#include "mm/slab.h"
#include "../../mm/slab_internal.h"

#define SLOTS		512
#define DEFAULT_OPS	4000u
#define TAG		0x5eed5eed00000000ull

enum item_kind { ITEM_PAGE, ITEM_OBJ, ITEM_KMALLOC };

/* A slot: 0, or (kind << 60 | order << 56 | address). */
static uintptr_t slots[SLOTS];
static struct kmem_cache *obj_cache;
static unsigned int ops_per_thread;
static uint64_t obj_allocs;	/* of obj_cache by every CPU (atomic) */

static uintptr_t item_make(enum item_kind kind, unsigned int order, void *p)
{
	return (uintptr_t)kind << 60 | (uintptr_t)order << 56 | (uintptr_t)p;
}

static void *item_ptr(uintptr_t it)
{
	return (void *)(it & ((1ull << 56) - 1));
}

/* The first word of a block: its tag, which names the block itself. */
static uint64_t *item_word(uintptr_t it)
{
	if (it >> 60 == ITEM_PAGE)
		return page_address(item_ptr(it));
	return item_ptr(it);
}

static uint64_t item_tag(uintptr_t it)
{
	return TAG ^ (uint64_t)it;
}

static unsigned int rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned int)(*s >> 33);
}

static uintptr_t item_alloc(uint64_t *seed)
{
	unsigned int r = rnd(seed), order;
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	size_t size;
	void *p;

	switch (r % 3) {
	case ITEM_PAGE:
		order = (r >> 4) % 16 == 0 ? 5 : (r >> 8) % 4;
		p = alloc_pages(gfp, order);
		return p ? item_make(ITEM_PAGE, order, p) : 0;
	case ITEM_OBJ:
		p = kmem_cache_alloc(obj_cache, gfp);
		if (p)
			__atomic_add_fetch(&obj_allocs, 1, __ATOMIC_RELAXED);
		return p ? item_make(ITEM_OBJ, 0, p) : 0;
	default:
		size = (r >> 4) % 32 == 0 ? 9000 + (r >> 10) % 8000 :
					    8 + (r >> 10) % 2000;
		p = kmalloc(size, gfp);
		return p ? item_make(ITEM_KMALLOC, 0, p) : 0;
	}
}

static void item_free(uintptr_t it)
{
	uint64_t *w = item_word(it);

	if (*w != item_tag(it))
		fail_msg("block %p: tag 0x%llx, not 0x%llx", item_ptr(it),
			 (unsigned long long)*w,
			 (unsigned long long)item_tag(it));
	*w = 0;
	switch (it >> 60) {
	case ITEM_PAGE:
		assert_int_equal(__free_pages(item_ptr(it), (it >> 56) & 0xf), 0);
		break;
	case ITEM_OBJ:
		kmem_cache_free(obj_cache, item_ptr(it));
		break;
	default:
		kfree(item_ptr(it));
	}
}

/* One CPU: allocate, tag, swap into a random slot, free what was there. */
static void *cpu_run(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg, i;
	uint64_t seed = 0x9e3779b97f4a7c15ull * (cpu + 1);

	host_cpu_enter(cpu);
	if (cpu)
		assert_int_equal(mm_cpu_online(), 0);
	for (i = 0; i < ops_per_thread; i++) {
		unsigned int r = rnd(&seed);
		uintptr_t it = r % 4 ? item_alloc(&seed) : 0, old;

		if (it)
			*item_word(it) = item_tag(it);
		old = __atomic_exchange_n(&slots[(r >> 8) % SLOTS], it,
					  __ATOMIC_ACQ_REL);
		if (old)
			item_free(old);
	}
	if (!host_irqs_enabled())
		fail_msg("CPU %u: interrupts left off", cpu);
	if (cpu)
		mm_cpu_offline();	/* its lists go back */
	return NULL;
}

/* Put every cached frame back: hot lists, empty slabs. */
static void settle(void)
{
	unsigned int z;

	kmem_cache_shrink_all();
	for (z = 0; z < MAX_NR_ZONES; z++)
		buddy_drain_hot(&zones[z]);
}

static void run_cpus(unsigned int ncpus)
{
	struct kmem_cache_stats st0, st;
	pthread_t t[MM_MAX_CPUS];
	uint32_t free_before;
	unsigned int i;

	assert_int_equal(mm_smp_prepare(ncpus), 0);	/* takes frames */
	settle();
	free_before = zones_total_free();
	kmem_cache_stats(obj_cache, &st0);
	obj_allocs = 0;
	for (i = 1; i < ncpus; i++)
		assert_int_equal(pthread_create(&t[i], NULL, cpu_run,
						 (void *)(uintptr_t)i), 0);
	cpu_run((void *)0);
	for (i = 1; i < ncpus; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (i = 0; i < SLOTS; i++) {
		if (slots[i])
			item_free(slots[i]);
		slots[i] = 0;
	}
	assert_int_equal(kmem_cache_check_all(), 0);
	assert_int_equal(buddy_check_all(), 0);
	settle();
	assert_int_equal(buddy_check_all(), 0);
	assert_int_equal(zones_total_free(), free_before);
	for (i = 1; i < ncpus; i++)	/* each CPU used its own lists */
		assert_true(zones[ZONE_NORMAL].cpu_hot[i][0].pushed_fast > 0);
	for (i = 0; i < ncpus; i++)	/* and its own magazine */
		assert_true(obj_cache->cpu[i]->ng >= SLAB_CPU_GEN);
	kmem_cache_stats(obj_cache, &st);
	assert_int_equal(st.allocs - st0.allocs, obj_allocs);
	if (host_log_contains("lockdebug") || host_log_contains("buddy:") ||
	    host_log_contains("slab") || host_log_contains("kmalloc"))
		fail_msg("reports during the run:\n%s", host_log());
}

/*
 * The drain protocol: CPU 1 fills its order-0 list and waits; CPU 0
 * drains the zone, which can only ask CPU 1 (it is online); CPU 1
 * honours the request at its next allocation; offline, its lists are
 * empty.
 */
static pthread_barrier_t step;

static void *cpu1_drained(void *arg)
{
	struct page *p[16];
	unsigned int i;

	(void)arg;
	host_cpu_enter(1);
	assert_int_equal(mm_cpu_online(), 0);
	for (i = 0; i < 16; i++)
		p[i] = alloc_pages(GFP_KERNEL, 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(__free_pages(p[i], 0), 0);
	pthread_barrier_wait(&step);		/* CPU 0 asks */
	pthread_barrier_wait(&step);
	p[0] = alloc_pages(GFP_KERNEL, 0);	/* honours, then refills */
	assert_non_null(p[0]);
	assert_int_equal(__free_pages(p[0], 0), 0);
	pthread_barrier_wait(&step);		/* CPU 0 looks */
	pthread_barrier_wait(&step);
	mm_cpu_offline();
	return NULL;
}

static void test_remote_drain(void **state)
{
	struct zone *z = &zones[ZONE_NORMAL];
	struct hot_list *h1;
	uint64_t drained;
	uint32_t count;
	pthread_t t;

	(void)state;
	assert_int_equal(mm_smp_prepare(2), 0);
	h1 = &z->cpu_hot[1][0];
	pthread_barrier_init(&step, NULL, 2);
	assert_int_equal(pthread_create(&t, NULL, cpu1_drained, NULL), 0);
	pthread_barrier_wait(&step);
	count = h1->count;
	drained = h1->drained;
	assert_true(count > 0);
	buddy_drain_hot(z);
	assert_true(z->drain_req & 2u);		/* asked, not drained */
	assert_int_equal(h1->count, count);
	assert_int_equal(buddy_check(z), 0);
	pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);
	assert_false(z->drain_req & 2u);
	assert_true(h1->drained >= drained + count);
	pthread_barrier_wait(&step);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(h1->count + h1[1].count + h1[2].count + h1[3].count, 0);
	pthread_barrier_destroy(&step);
	assert_int_equal(buddy_check_all(), 0);
	assert_string_equal(host_log(), "");
}

/*
 * Drains by kick.  CPU 0 takes every frame of the DMA zone, then frees
 * the lower half of an aligned order-5 range (to the maps) and 32
 * scattered frames (so that the zone keeps its reserve), and hands the
 * upper half to CPU 1, which frees it onto its order-0 list: the maps
 * hold no free block of order 5 or above, and only CPU 1's frames
 * complete one.  CPU 0 then asks for order 5.
 */
#define DRAIN_GFP	(GFP_DMA | __GFP_HIGH | __GFP_NOWARN)
#define DRAIN_ORDER	5
#define DRAIN_HALF	(1u << (DRAIN_ORDER - 1))

static struct page **held;		/* CPU 0's frames, NULL when freed */
static unsigned int nr_held;
static struct page *handed[DRAIN_HALF];	/* for CPU 1 to free */
static bool cpu1_polls;			/* CPU 1 takes its kicks */
static unsigned int cpu1_stop;

static void *cpu1_holder(void *arg)
{
	unsigned int i;

	(void)arg;
	host_cpu_enter(1);
	assert_int_equal(mm_cpu_online(), 0);
	pthread_barrier_wait(&step);		/* online */
	pthread_barrier_wait(&step);		/* CPU 0 has the range */
	for (i = 0; i < DRAIN_HALF; i++)
		assert_int_equal(__free_pages(handed[i], 0), 0);
	pthread_barrier_wait(&step);		/* holding */
	if (!cpu1_polls)
		pthread_barrier_wait(&step);	/* deaf until CPU 0 says */
	while (!__atomic_load_n(&cpu1_stop, __ATOMIC_ACQUIRE)) {
		host_cpu_poll();
		host_cpu_relax();
	}
	mm_cpu_offline();
	return NULL;
}

/* The first pfn aligned to 2^DRAIN_ORDER whose every frame CPU 0 holds. */
static pfn_t held_range(const struct zone *z)
{
	uint8_t *mine = calloc(z->end_pfn, 1);
	pfn_t base, pfn;
	unsigned int i;

	assert_non_null(mine);
	for (i = 0; i < nr_held; i++)
		mine[page_to_pfn(held[i])] = 1;
	for (base = ALIGN_UP(z->start_pfn, 1u << DRAIN_ORDER);
	     base + (1u << DRAIN_ORDER) <= z->end_pfn;
	     base += 1u << DRAIN_ORDER) {
		for (pfn = base; pfn < base + (1u << DRAIN_ORDER); pfn++)
			if (!mine[pfn])
				break;
		if (pfn == base + (1u << DRAIN_ORDER))
			break;
	}
	free(mine);
	assert_true(base + (1u << DRAIN_ORDER) <= z->end_pfn);
	return base;
}

/* Set the zone up as above; returns the range's first pfn. */
static pfn_t drain_case_setup(struct zone *z)
{
	unsigned int i, scattered = 0;
	struct page *p;
	pfn_t base, pfn;

	held = calloc(z->managed_pages, sizeof(*held));
	assert_non_null(held);
	nr_held = 0;
	while ((p = alloc_pages(DRAIN_GFP, 0)) != NULL)
		held[nr_held++] = p;
	base = held_range(z);
	for (i = 0; i < nr_held; i++) {
		pfn = page_to_pfn(held[i]);
		if (pfn >= base && pfn < base + (1u << DRAIN_ORDER)) {
			if (pfn < base + DRAIN_HALF)
				assert_int_equal(__free_pages(held[i], 0), 0);
			else
				handed[pfn - base - DRAIN_HALF] = held[i];
			held[i] = NULL;
		} else if ((pfn & 1) && scattered < 2 * DRAIN_HALF) {
			assert_int_equal(__free_pages(held[i], 0), 0);
			held[i] = NULL;
			scattered++;
		}
	}
	buddy_drain_hot(z);		/* CPU 0's lists to the maps */
	return base;
}

/* CPU 1 holds the upper half; no map can meet the request. */
static void drain_case_check(const struct zone *z)
{
	unsigned int o;

	assert_int_equal(__atomic_load_n(&z->cpu_hot[1][0].count,
					 __ATOMIC_RELAXED), DRAIN_HALF);
	for (o = DRAIN_ORDER; o < NR_ORDERS; o++)
		assert_int_equal(z->free_area[o].nr_free, 0);
}

static void drain_case_finish(struct zone *z, pthread_t t)
{
	unsigned int i;

	__atomic_store_n(&cpu1_stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(t, NULL), 0);
	for (i = 0; i < nr_held; i++)
		if (held[i])
			assert_int_equal(__free_pages(held[i], 0), 0);
	free(held);
	held = NULL;
	assert_int_equal(buddy_check(z), 0);
	pthread_barrier_destroy(&step);
}

static pthread_t drain_case_start(bool polls)
{
	pthread_t t;

	assert_int_equal(mm_smp_prepare(2), 0);
	cpu1_polls = polls;
	cpu1_stop = 0;
	pthread_barrier_init(&step, NULL, 2);
	assert_int_equal(pthread_create(&t, NULL, cpu1_holder, NULL), 0);
	return t;
}

/* CPU 1 takes its kick: the request waits for its drain and succeeds. */
static void test_drain_by_kick(void **state)
{
	struct zone *z = &zones[ZONE_DMA];
	struct buddy_drain_stats st0, st;
	unsigned int kicks;
	struct page *p;
	pthread_t t = drain_case_start(true);
	pfn_t base;

	(void)state;
	pthread_barrier_wait(&step);		/* CPU 1 is online */
	base = drain_case_setup(z);
	pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);		/* CPU 1 holds, and polls */
	drain_case_check(z);
	buddy_drain_stats(z, &st0);
	kicks = __atomic_load_n(&host_kicks[1], __ATOMIC_RELAXED);
	p = alloc_pages(DRAIN_GFP, DRAIN_ORDER);
	assert_non_null(p);
	assert_int_equal(page_to_pfn(p), base);
	assert_int_equal(__atomic_load_n(&host_kicks[1], __ATOMIC_RELAXED),
			 kicks + 1);
	buddy_drain_stats(z, &st);
	assert_int_equal(st.waits, st0.waits + 1);
	assert_int_equal(st.timeouts, st0.timeouts);
	assert_int_equal(__atomic_load_n(&z->cpu_hot[1][0].count,
					 __ATOMIC_RELAXED), 0);
	assert_int_equal(__free_pages(p, DRAIN_ORDER), 0);
	drain_case_finish(z, t);
	assert_string_equal(host_log(), "");
}

/*
 * CPU 1 does not take its kick (interrupts off, as it were): the request
 * fails after the bounded wait, CPU 1 keeps its lists and its request;
 * once it polls it drains, and the same request succeeds.
 */
static void test_drain_kick_unanswered(void **state)
{
	struct zone *z = &zones[ZONE_DMA];
	struct buddy_drain_stats st0, st, st1;
	struct page *p;
	pthread_t t = drain_case_start(false);
	pfn_t base;

	(void)state;
	pthread_barrier_wait(&step);
	base = drain_case_setup(z);
	pthread_barrier_wait(&step);
	pthread_barrier_wait(&step);		/* CPU 1 holds, deaf */
	drain_case_check(z);
	buddy_drain_stats(z, &st0);
	assert_null(alloc_pages(DRAIN_GFP, DRAIN_ORDER));
	buddy_drain_stats(z, &st);	/* a reclaim retry waits again */
	assert_true(st.waits > st0.waits);
	assert_int_equal(st.timeouts - st0.timeouts, st.waits - st0.waits);
	assert_true(__atomic_load_n(&z->drain_req, __ATOMIC_RELAXED) & 2u);
	drain_case_check(z);
	pthread_barrier_wait(&step);		/* CPU 1 polls now */
	while (__atomic_load_n(&z->drain_req, __ATOMIC_RELAXED) & 2u)
		host_cpu_relax();
	p = alloc_pages(DRAIN_GFP, DRAIN_ORDER);
	assert_non_null(p);
	assert_int_equal(page_to_pfn(p), base);
	buddy_drain_stats(z, &st1);
	assert_int_equal(st1.waits, st.waits);	/* the maps met it */
	assert_int_equal(__free_pages(p, DRAIN_ORDER), 0);
	drain_case_finish(z, t);
	assert_string_equal(host_log(), "");
}

/*
 * Two CPUs free one object at once.  Each round CPU 0 allocates an
 * object and hands it to CPUs 1 and 2, which spin for the round to
 * start, so that both leave the spin together, and free it: one free
 * must put it into its CPU's magazine and the other be refused with its
 * report, however the two interleave.
 */
static void *df_obj;
static unsigned int df_rounds, df_round, df_freed;

/*
 * Spin until @word, a count that only rises, reaches @want (it may be
 * past it already): a while hot, then giving the host CPU up.
 */
static void spin_until(const unsigned int *word, unsigned int want)
{
	unsigned int i;

	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) < want) {
		for (i = 0; i < 2000; i++)
			if (__atomic_load_n(word, __ATOMIC_ACQUIRE) >= want)
				return;
		host_cpu_relax();
	}
}

static void *df_cpu(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg, r;

	host_cpu_enter(cpu);
	assert_int_equal(mm_cpu_online(), 0);
	for (r = 0; r < df_rounds; r++) {
		spin_until(&df_round, r + 1);
		kmem_cache_free(obj_cache, __atomic_load_n(&df_obj,
							   __ATOMIC_ACQUIRE));
		__atomic_add_fetch(&df_freed, 1, __ATOMIC_RELEASE);
	}
	spin_until(&df_round, df_rounds + 1);	/* CPU 0 has looked */
	mm_cpu_offline();
	return NULL;
}

/* How many entries of CPU @cpu's magazine of obj_cache are @p. */
static unsigned int in_magazine(unsigned int cpu, const void *p)
{
	const struct slab_cpu *pc = obj_cache->cpu[cpu];
	unsigned int k, n = 0;

	for (k = 0; k < (pc->ng & SLAB_CPU_N_MASK); k++)
		n += pc->mag[k].obj == p;
	return n;
}

static void test_concurrent_double_free(void **state)
{
	struct kmem_cache_info info;
	uint64_t refused = obj_cache->stats.refused;
	pthread_t t[2];
	unsigned int r, i;
	char line[160];
	void *p;

	(void)state;
	assert_int_equal(mm_smp_prepare(3), 0);
	df_rounds = MAX(ops_per_thread / 8, 100u);
	df_round = df_freed = 0;
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, df_cpu,
						(void *)(uintptr_t)(i + 1)), 0);
	for (r = 0; r < df_rounds; r++) {
		p = kmem_cache_alloc(obj_cache, GFP_KERNEL);
		assert_non_null(p);
		__atomic_store_n(&df_obj, p, __ATOMIC_RELEASE);
		__atomic_store_n(&df_round, r + 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&df_freed, __ATOMIC_ACQUIRE) != 2 * (r + 1))
			host_cpu_relax();
		snprintf(line, sizeof(line),
			 "slab: double free in cache smp-obj: object %p offset 0 bytes - (caller ",
			 p);
		if (host_log_count(line) != 1 ||
		    obj_cache->stats.refused != ++refused ||
		    in_magazine(1, p) + in_magazine(2, p) != 1)
			fail_msg("round %u: object %p freed %u times\n%s", r, p,
				 in_magazine(1, p) + in_magazine(2, p),
				 host_log());
		host_log_clear();
	}
	__atomic_store_n(&df_round, df_rounds + 1, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	kmem_cache_info(obj_cache, &info);
	assert_int_equal(info.active_objs, 0);
	assert_int_equal(kmem_cache_check_all(), 0);
	assert_string_equal(host_log(), "");
}

/*
 * References without a lock: four CPUs take and drop references to the
 * same frames at once (get_page()/put_page() on a plain head take no
 * lock unless the reference is the last), and every count must come back
 * to 1.  Then each frame has four references and the four CPUs drop one
 * each at once: whichever drop is the last frees the frame, exactly once,
 * on its CPU's list, and the free count comes back to what it was.
 */
#define REF_PAGES	48
#define REF_CPUS	4u

static struct page *ref_page[REF_PAGES];
static unsigned int ref_rounds, ref_go;	/* counts steps taken, only up */

static void *ref_cpu(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg, r, i;

	host_cpu_enter(cpu);
	if (cpu)
		assert_int_equal(mm_cpu_online(), 0);
	spin_until(&ref_go, 1);
	for (r = 0; r < ref_rounds; r++) {
		for (i = 0; i < REF_PAGES; i++)
			get_page(ref_page[(i + cpu * 7) % REF_PAGES]);
		for (i = 0; i < REF_PAGES; i++)
			put_page(ref_page[(i + cpu * 5) % REF_PAGES]);
	}
	__atomic_add_fetch(&ref_go, 1, __ATOMIC_ACQ_REL);
	spin_until(&ref_go, 2 + REF_CPUS);	/* the last references */
	for (i = 0; i < REF_PAGES; i++)
		put_page(ref_page[(i + cpu * 3) % REF_PAGES]);
	__atomic_add_fetch(&ref_go, 1, __ATOMIC_ACQ_REL);
	if (cpu) {
		spin_until(&ref_go, 3 + 2 * REF_CPUS);
		mm_cpu_offline();
	}
	return NULL;
}

static void test_shared_references(void **state)
{
	pthread_t t[REF_CPUS];
	uint32_t free_before;
	unsigned int i, k;

	(void)state;
	assert_int_equal(mm_smp_prepare(REF_CPUS), 0);
	settle();
	free_before = zones_total_free();
	ref_rounds = MAX(ops_per_thread / 16, 50u);
	ref_go = 0;
	for (i = 0; i < REF_PAGES; i++) {
		ref_page[i] = alloc_pages(GFP_KERNEL, i % 3 ? 0 : 2);
		assert_non_null(ref_page[i]);
	}
	for (i = 1; i < REF_CPUS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, ref_cpu,
						(void *)(uintptr_t)i), 0);
	host_cpu_enter(0);
	__atomic_store_n(&ref_go, 1, __ATOMIC_RELEASE);
	/* CPU 0 runs the shared phase, then gives every frame 3 more. */
	for (k = 0; k < ref_rounds; k++) {
		for (i = 0; i < REF_PAGES; i++)
			get_page(ref_page[i]);
		for (i = 0; i < REF_PAGES; i++)
			put_page(ref_page[REF_PAGES - 1 - i]);
	}
	__atomic_add_fetch(&ref_go, 1, __ATOMIC_ACQ_REL);
	spin_until(&ref_go, 1 + REF_CPUS);
	for (i = 0; i < REF_PAGES; i++) {
		assert_int_equal(page_count(ref_page[i]), 1);
		for (k = 1; k < REF_CPUS; k++)
			get_page(ref_page[i]);
	}
	__atomic_add_fetch(&ref_go, 1, __ATOMIC_ACQ_REL);
	for (i = 0; i < REF_PAGES; i++)
		put_page(ref_page[i]);
	__atomic_add_fetch(&ref_go, 1, __ATOMIC_ACQ_REL);
	spin_until(&ref_go, 2 + 2 * REF_CPUS);
	__atomic_add_fetch(&ref_go, 1, __ATOMIC_ACQ_REL);
	for (i = 1; i < REF_CPUS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(buddy_check_all(), 0);
	settle();
	assert_int_equal(buddy_check_all(), 0);
	assert_int_equal(zones_total_free(), free_before);
	assert_string_equal(host_log(), "");
}

/*
 * CPU 1 holds objects in its magazines and takes its kicks, as an idle
 * CPU does: kmem_cache_shrink(), kmem_cache_shrink_all() and
 * kmem_cache_destroy() each ask it, wait for it, and get every object.
 */
static struct kmem_cache *held_cache;
static unsigned int held_phase;

static void *cpu1_magazines(void *arg)
{
	unsigned int phase, i;
	void *o[40], *k;

	(void)arg;
	host_cpu_enter(1);
	assert_int_equal(mm_cpu_online(), 0);
	for (phase = 0; phase < 3; phase++) {
		for (i = 0; i < 40; i++)
			o[i] = kmem_cache_alloc(held_cache, GFP_KERNEL);
		k = kmalloc(64, GFP_KERNEL);
		for (i = 0; i < 40; i++)
			kmem_cache_free(held_cache, o[i]);
		kfree(k);
		pthread_barrier_wait(&step);	/* holding; CPU 0 asks */
		while (__atomic_load_n(&held_phase, __ATOMIC_ACQUIRE) == phase) {
			host_cpu_poll();
			host_cpu_relax();
		}
	}
	mm_cpu_offline();
	return NULL;
}

static unsigned int held_by_cpu1(struct kmem_cache *c)
{
	return __atomic_load_n(&c->cpu[1]->ng, __ATOMIC_ACQUIRE) &
	       SLAB_CPU_N_MASK;
}

static void test_magazines_by_kick(void **state)
{
	struct kmem_cache *k = kmalloc_cache(64);
	struct kmem_cache_info info;
	unsigned int kicks;
	pthread_t t;

	(void)state;
	assert_int_equal(mm_smp_prepare(2), 0);
	held_cache = kmem_cache_create("smp-held", 200, 0, 0, NULL);
	held_phase = 0;
	pthread_barrier_init(&step, NULL, 2);
	assert_int_equal(pthread_create(&t, NULL, cpu1_magazines, NULL), 0);
	pthread_barrier_wait(&step);
	assert_true(held_by_cpu1(held_cache) > 0);
	kicks = __atomic_load_n(&host_kicks[1], __ATOMIC_RELAXED);
	assert_true(kmem_cache_shrink(held_cache) > 0);
	assert_int_equal(host_kicks[1], kicks + 1);
	assert_int_equal(held_by_cpu1(held_cache), 0);
	kmem_cache_info(held_cache, &info);
	assert_int_equal(info.num_slabs, 0);
	__atomic_store_n(&held_phase, 1, __ATOMIC_RELEASE);
	pthread_barrier_wait(&step);
	assert_true(held_by_cpu1(held_cache) > 0 && held_by_cpu1(k) > 0);
	kmem_cache_shrink_all();
	assert_int_equal(held_by_cpu1(held_cache) + held_by_cpu1(k), 0);
	kmem_cache_info(held_cache, &info);
	assert_int_equal(info.num_slabs, 0);
	__atomic_store_n(&held_phase, 2, __ATOMIC_RELEASE);
	pthread_barrier_wait(&step);
	assert_true(held_by_cpu1(held_cache) > 0);
	assert_int_equal(kmem_cache_destroy(held_cache), 0);
	__atomic_store_n(&held_phase, 3, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(t, NULL), 0);
	pthread_barrier_destroy(&step);
	assert_int_equal(kmem_cache_check_all(), 0);
	assert_string_equal(host_log(), "");
}

/*
 * mm_smp_prepare() moves the boot CPU's lists out of struct zone into a
 * set of its own, in an allocated block that holds nothing else: the
 * blocks and their order on the stack go with them, as do the counters,
 * zone->hot keeps no list, and the checker refuses a zone->hot that
 * holds blocks beside CPU 0's own set.
 */
static void test_boot_set_moved(void **state)
{
	static struct page *stack[HOT_HIGH_MAX];
	struct zone *z = &zones[ZONE_NORMAL];
	struct zone_counters before, after;
	uint32_t count, n, high[HOT_ORDERS], o, i;
	const struct hot_list *set;
	struct page *p[8];

	(void)state;
	for (i = 0; i < 8; i++)
		p[i] = alloc_pages(GFP_KERNEL, 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(__free_pages(p[i], 0), 0);
	count = z->hot[0].count;
	assert_true(count >= 8);
	memcpy(stack, z->hot[0].slots, count * sizeof(stack[0]));
	for (o = 0; o < HOT_ORDERS; o++)
		high[o] = z->hot[o].high;
	zone_counters(z, &before);

	assert_int_equal(mm_smp_prepare(2), 0);
	set = z->cpu_hot[0];
	assert_ptr_not_equal(set, z->hot);
	assert_int_equal((uintptr_t)set & (PAGE_SIZE - 1), 0);
	assert_true(page_test(virt_to_page(set), PG_head));
	/* the sets of a smaller zone may have taken blocks from the top */
	n = set[0].count;
	assert_true(n > 0 && n <= count);
	for (i = 0; i < n; i++)
		assert_ptr_equal(set[0].slots[i], stack[i]);
	for (o = 0; o < HOT_ORDERS; o++) {
		assert_int_equal(set[o].high, high[o]);
		assert_int_equal(z->hot[o].count, 0);
		assert_int_equal(z->hot[o].high, 0);
	}
	zone_counters(z, &after);
	assert_true(after.freed == before.freed);
	assert_true(after.alloc_ok >= before.alloc_ok + (count - n));
	assert_int_equal(buddy_check(z), 0);

	assert_ptr_equal(alloc_pages(GFP_KERNEL, 0), stack[n - 1]);
	assert_int_equal(set[0].count, n - 1);
	assert_int_equal(__free_pages(stack[n - 1], 0), 0);
	assert_int_equal(set[0].count, n);
	assert_int_equal(z->hot[0].count, 0);

	__atomic_store_n(&z->hot[0].count, 1, __ATOMIC_RELAXED);
	assert_int_equal(buddy_check(z), 1);
	assert_true(host_log_contains("B6 order-0: the zone's own hot list holds 1 blocks"));
	__atomic_store_n(&z->hot[0].count, 0, __ATOMIC_RELAXED);
	host_log_clear();
	assert_int_equal(buddy_check(z), 0);
}

static int setup(void **state)
{
	const char *ops = getenv("SMP_MM_OPS");

	(void)state;
	ops_per_thread = ops ? (unsigned int)strtoul(ops, NULL, 0) : DEFAULT_OPS;
	machine_boot(MiB(64));
	assert_int_equal(kmem_cache_init(0), 0);
	obj_cache = kmem_cache_create("smp-obj", 72, 0, 0, NULL);
	assert_non_null(obj_cache);
	host_log_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_int_equal(kmem_cache_destroy(obj_cache), 0);
	assert_int_equal(kmem_cache_teardown(), 0);
	machine_shutdown();
	return 0;
}

static void test_two_cpus(void **state)
{
	(void)state;
	run_cpus(2);
}

static void test_four_cpus(void **state)
{
	(void)state;
	run_cpus(4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_four_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_set_moved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remote_drain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_by_kick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain_kick_unanswered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_double_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_magazines_by_kick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_references, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
