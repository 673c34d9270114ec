/*
 * Host tests of mm/kmalloc.c: every size class and its boundaries, large
 * requests straight from the buddy allocator, kzalloc/kcalloc/krealloc/
 * ksize, every kfree misuse (with the exact report), exhaustion, the
 * internal-waste counters and their meminfo lines, a randomized run of a
 * million operations against a shadow record (with debug, and without:
 * the inline fast paths, the magazine and the maps), and proof that memcheck
 * itself catches a use after kfree() and a leaked object (a child valgrind
 * runs this same binary in probe mode and must fail).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "mm/testing/fault_inject.h"
#include "slab_harness.h"
#include "../../mm/slab_internal.h"

static const char *self_path;	/* argv[0], for the valgrind probes */
static const unsigned int classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

static void test_size_classes(void **state)
{
	unsigned int i, prev = 0;
	size_t size;
	void *p;
	char name[32];

	(void)state;
	assert_null(kmalloc_cache(0));
	assert_null(kmalloc(0, GFP_KERNEL));
	for (i = 0; i < ARRAY_SIZE(classes); i++) {
		snprintf(name, sizeof(name), "kmalloc-%u", classes[i]);
		assert_ptr_equal(kmalloc_cache(classes[i]),
				 kmem_cache_find(name));
		/* Every size in (previous class, this class] maps here. */
		for (size = prev + 1; size <= classes[i];
		     size += size < 300 ? 1 : 61) {
			if (kmalloc_cache(size) != kmem_cache_find(name))
				fail_msg("size %zu not in %s", size, name);
		}
		assert_ptr_equal(kmalloc_cache(classes[i]), kmalloc_cache(prev + 1));
		p = kmalloc(prev + 1, GFP_KERNEL);
		assert_int_equal(ksize(p), classes[i]);
		assert_ptr_equal(slab_of_addr(p)->cache, kmem_cache_find(name));
		assert_true(IS_ALIGNED((uintptr_t)p, 8));
		fill(p, classes[i]);
		expect_filled(p, classes[i]);
		kfree(p);
		p = kmalloc(classes[i], GFP_KERNEL);
		assert_int_equal(ksize(p), classes[i]);
		fill(p, classes[i]);
		kfree(p);
		prev = classes[i];
	}
	assert_null(kmalloc_cache(8193));
	check_all();
}

static void test_large_requests(void **state)
{
	static const size_t sizes[] = { 8193, 12288, 16384, 16385, 100000,
					(size_t)PAGE_SIZE << MAX_ORDER };
	static const unsigned int orders[] = { 2, 2, 2, 3, 5, MAX_ORDER };
	struct kmalloc_stats st;
	struct page *page;
	unsigned int i;
	void *p;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t before = zones_total_free();

		p = kmalloc(sizes[i], GFP_KERNEL);
		assert_non_null(p);
		assert_true(IS_ALIGNED((uintptr_t)p - (uintptr_t)arch_phys_to_virt(0),
				       PAGE_SIZE));
		page = virt_to_page(p);
		assert_true(page_test(page, PG_large_kmalloc));
		assert_false(page_test(page, PG_slab));
		assert_int_equal(page_order(page), orders[i]);
		assert_int_equal(ksize(p), (size_t)PAGE_SIZE << orders[i]);
		assert_int_equal(zones_total_free(), before - (1u << orders[i]));
		kmalloc_get_stats(&st);
		assert_int_equal(st.large_pages, 1u << orders[i]);
		fill(p, sizes[i]);
		expect_filled(p, sizes[i]);
		kfree(p);
		assert_false(page_test(page, PG_large_kmalloc));
		assert_int_equal(zones_total_free(), before);
	}
	kmalloc_get_stats(&st);
	assert_int_equal(st.large_allocs, ARRAY_SIZE(sizes));
	assert_int_equal(st.large_pages, 0);
	/* Beyond the largest buddy block: NULL, counted. */
	assert_null(kmalloc(((size_t)PAGE_SIZE << MAX_ORDER) + 1, GFP_KERNEL));
	kmalloc_get_stats(&st);
	assert_int_equal(st.failed, 1);
}

/* GFP_DMA memory is whole frames from the DMA zone, whatever the size. */
static void test_gfp_dma(void **state)
{
	uint8_t *p = kmalloc(100, GFP_DMA);
	struct page *page = virt_to_page(p);

	(void)state;
	assert_true(page_to_pfn(page) < DMA_PFN);
	assert_true(page_test(page, PG_large_kmalloc));
	assert_int_equal(ksize(p), PAGE_SIZE);
	fill(p, 100);
	expect_filled(p, 100);
	kfree(p);
	assert_false(page_test(page, PG_large_kmalloc));
}

static void test_kzalloc_kcalloc(void **state)
{
	uint8_t *p;
	size_t i;

	(void)state;
	/* Dirty an object first so zeroing is visible. */
	p = kmalloc(200, GFP_KERNEL);
	memset(p, 0xee, 200);
	kfree(p);
	p = kzalloc(200, GFP_KERNEL);
	for (i = 0; i < ksize(p); i++)
		assert_int_equal(p[i], 0);
	kfree(p);
	p = kcalloc(100, 30, GFP_KERNEL);
	assert_int_equal(ksize(p), 4096);
	for (i = 0; i < 3000; i++)
		assert_int_equal(p[i], 0);
	kfree(p);
	p = kzalloc(20000, GFP_KERNEL);
	for (i = 0; i < 20000; i++)
		assert_int_equal(p[i], 0);
	kfree(p);
	/* Overflow of n * size is refused, not wrapped. */
	assert_null(kcalloc((size_t)-1 / 8 + 1, 8, GFP_KERNEL));
	assert_null(kcalloc(2, (size_t)-1 / 2 + 1, GFP_KERNEL));
	assert_null(kcalloc(0, 8, GFP_KERNEL));
}

static void test_krealloc(void **state)
{
	uint8_t *p, *q;
	size_t i;

	(void)state;
	p = krealloc(NULL, 20, GFP_KERNEL);
	assert_int_equal(ksize(p), 32);
	for (i = 0; i < 20; i++)
		p[i] = (uint8_t)i;
	/* Within ksize: same object. */
	assert_ptr_equal(krealloc(p, 32, GFP_KERNEL), p);
	assert_ptr_equal(krealloc(p, 5, GFP_KERNEL), p);
	/* Growing moves and keeps the contents. */
	q = krealloc(p, 1000, GFP_KERNEL);
	assert_ptr_not_equal(q, p);
	assert_int_equal(ksize(q), 1024);
	for (i = 0; i < 20; i++)
		assert_int_equal(q[i], i);
	/* Into a large block and back into a class. */
	p = krealloc(q, 50000, GFP_KERNEL | __GFP_ZERO);
	assert_true(page_test(virt_to_page(p), PG_large_kmalloc));
	for (i = 0; i < 20; i++)
		assert_int_equal(p[i], i);
	for (i = 1024; i < 50000; i++)
		assert_int_equal(p[i], 0);
	/* A failed krealloc leaves the old block alone. */
	fault_test_fail_nth(1);
	assert_null(krealloc(p, 200000, GFP_KERNEL));
	assert_int_equal(p[19], 19);
	/* Size 0 frees. */
	assert_null(krealloc(p, 0, GFP_KERNEL));
	assert_false(host_log_contains("slab:"));
}

static void test_ksize(void **state)
{
	static char outside[8];
	struct page *page = alloc_page(GFP_KERNEL);

	(void)state;
	assert_int_equal(ksize(NULL), 0);
	assert_int_equal(ksize(outside), 0);
	assert_int_equal(ksize(page_address(page)), 0);
	__free_pages(page, 0);
}

static void expect_line(const char *line)
{
	if (host_log_count(line) != 1)
		fail_msg("expected once: %s\nlog:\n%s", line, host_log());
	host_log_clear();
}

static void test_kfree_misuse(void **state)
{
	static char outside[16];
	char line[200];
	struct kmalloc_stats st;
	struct page *page = alloc_page(GFP_KERNEL);
	char *small = kmalloc(64, GFP_KERNEL);
	char *large = kmalloc(40000, GFP_KERNEL);
	uint32_t before;

	(void)state;
	kfree(NULL);
	assert_int_equal(strlen(host_log()), 0);
	kfree(outside);
	snprintf(line, sizeof(line), "kmalloc: kfree of a foreign pointer %p: no slab object or large kmalloc block (caller ", (void *)outside);
	expect_line(line);
	kfree(page_address(page));	/* a buddy page kmalloc never saw */
	snprintf(line, sizeof(line), "kmalloc: kfree of a foreign pointer %p:", page_address(page));
	expect_line(line);
	kfree(large + PAGE_SIZE);	/* tail frame of a large block */
	snprintf(line, sizeof(line), "kmalloc: kfree of a foreign pointer %p:", (void *)(large + PAGE_SIZE));
	expect_line(line);
	kfree(large + 8);		/* inside the head frame */
	snprintf(line, sizeof(line), "kmalloc: kfree of a foreign pointer %p:", (void *)(large + 8));
	expect_line(line);
	kfree(small + 1);		/* inside a slab object */
	snprintf(line, sizeof(line), "slab: free of a pointer inside an object in cache kmalloc-64: object %p offset 1 bytes - (caller ", (void *)(small + 1));
	expect_line(line);
	kmalloc_get_stats(&st);
	assert_int_equal(st.refused, 4);
	assert_int_equal(kmalloc_cache(64)->stats.refused, 1);
	check_all();
	/* Everything still works and is still owned. */
	kfree(small);
	kfree(small);			/* double free, caught by debug */
	snprintf(line, sizeof(line), "slab: double free in cache kmalloc-64: object %p offset -8 bytes cc cc cc cc cc cc cc cc (caller ", (void *)small);
	expect_line(line);
	before = zones_total_free();
	kfree(large);
	assert_int_equal(zones_total_free(), before + 16);
	kfree(large);			/* large double free: no longer ours */
	snprintf(line, sizeof(line), "kmalloc: kfree of a foreign pointer %p:", (void *)large);
	expect_line(line);
	assert_int_equal(zones_total_free(), before + 16);
	assert_null(krealloc(outside, 100, GFP_KERNEL));
	expect_line("kmalloc: krealloc of a foreign pointer");
	__free_pages(page, 0);
	check_all();
}

/* The double free of @p, refused once with its line. */
static void expect_double_free(const void *p)
{
	char line[200];

	snprintf(line, sizeof(line), "slab: double free in cache kmalloc-64: object %p offset 0 bytes - (caller ", p);
	expect_line(line);
}

/*
 * With the magazine full, a free to a full slab moves it to the partial
 * list (the full path), and the next free to that slab sets its bit in
 * the slab's map inline; a double free of either is refused.
 */
static void test_kfree_plain_map(struct kmem_cache *c)
{
	enum { N = 200 };
	void **o = malloc(N * sizeof(*o));
	struct slab *s;
	unsigned int i;

	assert_non_null(o);
	for (i = 0; i < N; i++)
		o[i] = kmalloc(64, GFP_KERNEL);
	for (i = N - SLAB_MAG_SIZE; i < N; i++)	/* fill the magazine */
		kfree(o[i]);
	assert_int_equal(slab_mag_count(c), SLAB_MAG_SIZE);
	s = slab_of_addr(o[0]);
	assert_ptr_equal(slab_of_addr(o[1]), s);
	assert_int_equal(s->list, SLAB_FULL);
	kfree(o[0]);				/* full -> partial */
	assert_int_equal(s->list, SLAB_PARTIAL);
	kfree(o[1]);				/* inline, into the map */
	assert_int_equal(s->inuse, c->objs_per_slab - 2);
	i = slab_obj_index(c, s, o[1], 0);
	assert_true(*slab_map_word(s, i) & slab_map_bit(i));
	kfree(o[1]);
	expect_double_free(o[1]);
	kfree(o[0]);
	expect_double_free(o[0]);
	check_all();
	for (i = 2; i < N - SLAB_MAG_SIZE; i++)
		kfree(o[i]);
	free(o);
	check_all();
}

/*
 * Without debug, kfree()'s inline path (slab_free_try()) frees into the
 * magazine and leaves everything else to the full path: each double free
 * is refused exactly wherever the first free put the object (the
 * magazine, the slab's map once the magazine is full, the word the
 * cache holds), misuse is reported as with debug, and the counts and
 * the checker stay exact throughout.
 */
static void test_kfree_plain(void **state)
{
	struct kmem_cache *c = kmalloc_cache(64);
	void *objs[SLAB_MAG_SIZE + 4];
	struct kmem_cache_info info;
	unsigned int i, n = SLAB_MAG_SIZE + 4;
	char line[200];
	uint64_t allocs;
	char *p;

	(void)state;
	assert_int_equal(c->flags & SLAB_DEBUG, 0);
	allocs = c->stats.allocs;
	for (i = 0; i < n; i++)
		objs[i] = kmalloc(64, GFP_KERNEL);
	assert_int_equal(c->stats.allocs, allocs + n);
	assert_int_equal(c->stats.requested, 64ull * n);
	kfree(objs[0]);				/* inline: the magazine */
	assert_int_equal(slab_mag_count(c), 1);
	kfree(objs[0]);
	expect_double_free(objs[0]);
	assert_int_equal(slab_mag_count(c), 1);
	for (i = 1; i < n; i++)	/* the last four: the word the cache holds */
		kfree(objs[i]);
	assert_int_equal(slab_mag_count(c), SLAB_MAG_SIZE);
	for (i = 0; i < n; i++) {	/* in the magazine or the word held */
		kfree(objs[i]);
		expect_double_free(objs[i]);
	}
	assert_int_equal(c->stats.refused, n + 1);
	kmem_cache_info(c, &info);
	assert_int_equal(info.active_objs, 0);
	check_all();
	p = kmalloc(64, GFP_KERNEL);		/* the newest of the magazine */
	assert_ptr_equal(p, objs[SLAB_MAG_SIZE - 1]);
	kfree(p + 8);				/* inside it: the full path */
	snprintf(line, sizeof(line), "slab: free of a pointer inside an object in cache kmalloc-64: object %p offset 8 bytes - (caller ", (void *)(p + 8));
	expect_line(line);
	kfree(p);
	for (i = 0; i < SLAB_MAG_SIZE; i++)	/* empty the magazine */
		objs[i] = kmalloc(64, GFP_KERNEL);
	assert_int_equal(slab_mag_count(c), 0);
	p = kmalloc(64, GFP_KERNEL);		/* a slot of the word held */
	assert_ptr_equal(p, objs[SLAB_MAG_SIZE]);
	assert_non_null(c->free_word);
	kfree(p);				/* into the magazine */
	kfree(p);
	expect_double_free(p);
	for (i = 0; i < SLAB_MAG_SIZE; i++)
		kfree(objs[i]);
	check_all();
	test_kfree_plain_map(c);
	slab_of_addr(p)->inverse++;		/* the slab's copy (inv. 2) */
	assert_int_equal(kmem_cache_check(c), 1);
	assert_true(host_log_contains("2: slab"));
	slab_of_addr(p)->inverse--;
	host_log_clear();
}

static void test_exhaustion(void **state)
{
	void **objs = malloc(200000 * sizeof(void *));
	struct kmalloc_stats st;
	size_t n = 0;
	void *p;

	(void)state;
	/* Fault injection at the first frame request of a fresh cache. */
	fault_test_fail_nth(1);
	assert_null(kmalloc(300, GFP_KERNEL));
	fault_test_fail_nth(1);
	assert_null(kmalloc(30000, GFP_KERNEL));
	kmalloc_get_stats(&st);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.requested, 0);
	check_all();
	/* Real exhaustion, mixed sizes: NULL at the end, all given back. */
	while (n < 200000 &&
	       (p = kmalloc(n % 3 ? 2000 : 20000, GFP_KERNEL | __GFP_NOWARN)))
		objs[n++] = p;
	/* Then smaller blocks into what is left, down to nothing. */
	while (n < 200000 && (p = kmalloc(2000, GFP_KERNEL | __GFP_NOWARN)))
		objs[n++] = p;
	assert_true(n < 200000);
	assert_null(kmalloc(20000, GFP_KERNEL | __GFP_NOWARN));
	check_all();
	while (n)
		kfree(objs[--n]);
	free(objs);
}

static void test_waste_counters_and_meminfo(void **state)
{
	struct kmalloc_stats st;
	void *p[4];
	char want[64];

	(void)state;
	p[0] = kmalloc(100, GFP_KERNEL);	/* 128 */
	p[1] = kmalloc(1000, GFP_KERNEL);	/* 1024 */
	p[2] = kmalloc(5000, GFP_KERNEL);	/* 8192 */
	p[3] = kmalloc(9000, GFP_KERNEL);	/* 16384 */
	kmalloc_get_stats(&st);
	assert_int_equal(st.requested, 100 + 1000 + 5000 + 9000);
	assert_int_equal(st.allocated, 128 + 1024 + 8192 + 16384);
	slab_meminfo_dump();
	snprintf(want, sizeof(want), "%-16s%8llu kB\n", "KmallocRequested:",
		 (unsigned long long)(15100 >> 10));
	assert_non_null(strstr(host_log(), want));
	snprintf(want, sizeof(want), "%-16s%8llu kB\n", "KmallocWaste:",
		 (unsigned long long)((25728 - 15100) >> 10));
	assert_non_null(strstr(host_log(), want));
	assert_string_equal(want, "KmallocWaste:         10 kB\n");
	kfree(p[0]);
	kfree(p[1]);
	kfree(p[2]);
	kfree(p[3]);
	assert_true(slab_total_frames() > 0);
}

/*
 * A million random operations against a shadow record: every live block
 * has its requested size and a fill derived from its address, checked
 * before it is freed or moved.  Sizes lean small, as kmalloc's do.
 */
#define SLOTS 2048
#define OPS 1000000

struct shadow {
	uint8_t *p;
	size_t size;
};

static uint32_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static size_t random_size(void)
{
	uint32_t r = rng() % 1000;

	if (r < 850)
		return 1 + rng() % 128;
	if (r < 980)
		return 1 + rng() % 1024;
	if (r < 998)
		return 1 + rng() % 8192;
	return 8193 + rng() % 30000;
}

/* Fill the first and last 16 bytes and every 64th: cheap, and it catches
 * any overlap between two live blocks. */
static void shadow_fill(struct shadow *s)
{
	size_t i;

	for (i = 0; i < s->size; i++) {
		if (i >= 16 && i + 16 < s->size && i % 64)
			continue;
		s->p[i] = pattern(s->p, i);
	}
}

static void shadow_check(const struct shadow *s)
{
	size_t i;

	for (i = 0; i < s->size; i++) {
		if (i >= 16 && i + 16 < s->size && i % 64)
			continue;
		if (s->p[i] != pattern(s->p, i))
			fail_msg("%p (size %zu) byte %zu is 0x%02x", s->p,
				 s->size, i, s->p[i]);
	}
}

static void random_op(struct shadow *s)
{
	uint32_t r = rng() % 16;

	if (!s->p) {
		s->size = random_size();
		s->p = r < 2 ? kzalloc(s->size, GFP_KERNEL) :
		       r < 4 ? kcalloc(1, s->size, GFP_KERNEL) :
			       kmalloc(s->size, GFP_KERNEL);
		if (!s->p)
			fail_msg("allocation of %zu failed", s->size);
		if (ksize(s->p) < s->size)
			fail_msg("ksize %zu < %zu", ksize(s->p), s->size);
		if (r < 4 && (s->p[0] || s->p[s->size - 1]))
			fail_msg("zeroed allocation is not zero");
		shadow_fill(s);
		return;
	}
	shadow_check(s);
	if (r < 3) {
		size_t keep = s->size;
		uint8_t *old = s->p;
		size_t i;

		s->size = random_size();
		s->p = krealloc(s->p, s->size, GFP_KERNEL);
		for (i = 0; i < MIN(keep, s->size); i++)
			if ((i < 16 || i + 16 >= keep || i % 64 == 0) &&
			    s->p[i] != pattern(old, i))
				fail_msg("krealloc lost byte %zu", i);
		shadow_fill(s);
		return;
	}
	kfree(s->p);
	s->p = NULL;
}

static void test_random_million(void **state)
{
	struct shadow *sh = calloc(SLOTS, sizeof(*sh));
	unsigned long op;
	unsigned int i;

	(void)state;
	rng_state = 0x5eed1234;
	for (op = 0; op < OPS; op++) {
		/* Work mostly in a moving window of slots, so the live set
		 * grows and shrinks and slabs empty and refill. */
		unsigned int win = (unsigned int)(op / 50000) % 4;

		i = (win * (SLOTS / 4) + rng() % (SLOTS / 2)) % SLOTS;
		random_op(&sh[i]);
		if (op % 250000 == 0)
			check_all();
	}
	check_all();
	for (i = 0; i < SLOTS; i++)
		if (sh[i].p) {
			shadow_check(&sh[i]);
			kfree(sh[i].p);
		}
	free(sh);
	assert_int_equal(strlen(host_log()), 0);
}

/* --- memcheck sees slab objects as it sees malloc blocks ------------ */

static int run_probe(const char *mode, const char *vgopts, char *out,
		     size_t outsz)
{
	char cmd[512];
	char log[] = "/tmp/kmalloc-probe-XXXXXX";
	int fd = mkstemp(log);
	FILE *f;
	size_t n;
	int status;

	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "valgrind --error-exitcode=99 %s %s %s >%s 2>&1", vgopts,
		 self_path, mode, log);
	status = system(cmd);
	f = fopen(log, "r");
	n = fread(out, 1, outsz - 1, f);
	out[n] = '\0';
	fclose(f);
	unlink(log);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_memcheck_catches_use_after_kfree(void **state)
{
	static char out[16384];

	(void)state;
	assert_int_equal(system("command -v valgrind >/dev/null"), 0);
	assert_int_equal(run_probe("--probe-use-after-free", "", out,
				   sizeof(out)), 99);
	assert_non_null(strstr(out, "Invalid read of size 1"));
	assert_non_null(strstr(out, "probe_use_after_free"));
	assert_non_null(strstr(out, "ERROR SUMMARY: 1 errors"));
}

static void test_memcheck_catches_leak(void **state)
{
	static char out[16384];

	(void)state;
	assert_int_equal(run_probe("--probe-leak",
				   "--leak-check=full --errors-for-leak-kinds=definite",
				   out, sizeof(out)), 99);
	assert_non_null(strstr(out, "64 bytes in 1 blocks are definitely lost"));
	assert_non_null(strstr(out, "probe_leak"));
}

/* Probe bodies: run only in the child, under its own valgrind. */
static __attribute__((noinline)) void probe_use_after_free(void)
{
	volatile uint8_t *p = kmalloc(32, GFP_KERNEL);
	uint8_t v;

	p[0] = 1;
	kfree((void *)p);
	v = p[3];		/* memcheck: Invalid read of size 1 */
	(void)v;
}

static __attribute__((noinline)) void probe_leak(void)
{
	volatile uintptr_t p = (uintptr_t)kmalloc(48, GFP_KERNEL);	/* kmalloc-64 */

	p = 0;			/* the only reference is gone */
	(void)p;
}

static int probe(const char *mode)
{
	machine_boot(MiB(64));
	kmem_cache_init(SLAB_DEBUG);
	if (strcmp(mode, "--probe-use-after-free") == 0) {
		probe_use_after_free();
		kmem_cache_teardown();
	} else {
		probe_leak();
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_size_classes, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_large_requests, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_gfp_dma, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_kzalloc_kcalloc, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_krealloc, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_ksize, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_kfree_misuse, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_kfree_plain, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_waste_counters_and_meminfo, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_random_million, setup_debug, teardown),
		cmocka_unit_test_setup_teardown(test_random_million, setup_plain, teardown),
		cmocka_unit_test(test_memcheck_catches_use_after_kfree),
		cmocka_unit_test(test_memcheck_catches_leak),
	};

	self_path = argv[0];
	if (argc > 1)
		return probe(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
