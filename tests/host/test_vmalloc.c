/*
 * Host tests of mm/vmalloc.c.  The vmalloc area is simulated (its
 * addresses are not the host's), so every area is checked through the
 * kernel page directory: which frames back it, in which zone, with which
 * flags, and that its guard page maps nothing.  A random run compares the
 * placement with a brute-force model of lowest-fit allocation, and
 * vmalloc_check() and vmm_check() run after every step.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "mm/testing/fault_inject.h"
#include "vmm_harness.h"

#define AREA_PAGES	(((VMALLOC_END - VMALLOC_START) >> PAGE_SHIFT))

static struct vmalloc_stats vst(void)
{
	struct vmalloc_stats s;

	vmalloc_stats(&s);
	return s;
}

static void assert_checks(void)
{
	assert_int_equal(vmalloc_check(), 0);
	assert_int_equal(vmm_check(vmm_kernel_pd), 0);
}

/* @p is an area of @pages pages backed by PG_vmalloc frames of @zone. */
static void assert_area(const void *p, unsigned int pages, int zone)
{
	uintptr_t va = (uintptr_t)p;
	unsigned int i, prot;
	pfn_t pfn;

	for (i = 0; i < pages; i++) {
		struct page *page = vmalloc_to_page((const char *)p + i * PAGE_SIZE);

		assert_non_null(page);
		assert_int_equal(vmm_translate(vmm_kernel_pd, va + i * PAGE_SIZE,
					       &pfn, &prot), 0);
		assert_int_equal(pfn, page_to_pfn(page));
		assert_int_equal(prot, MMU_WRITE);
		assert_true(page_test(page, PG_vmalloc));
		assert_int_equal(page_count(page), 1);
		if (zone >= 0)
			assert_int_equal(page_zonenum(page), zone);
	}
	assert_null(vmalloc_to_page((const char *)p + pages * PAGE_SIZE));
}

static void test_vmalloc_basic(void **state)
{
	uint32_t free0;
	void *p, *q;
	pfn_t pfn;

	(void)state;
	vmm_machine_boot(GiB(1), false);
	free0 = zones_total_free();
	p = vmalloc(3 * PAGE_SIZE + 1);
	assert_int_equal((uintptr_t)p, VMALLOC_START);
	assert_area(p, 4, ZONE_HIGHMEM);		/* HIGHMEM first */
	q = vmalloc(1);
	/* after p's four pages and its guard page */
	assert_int_equal((uintptr_t)q, VMALLOC_START + 5 * PAGE_SIZE);
	assert_area(q, 1, ZONE_HIGHMEM);
	assert_int_equal(vst().areas, 2);
	assert_int_equal(vst().pages, 5);
	assert_int_equal(vst().highmem_pages, 5);
	assert_checks();

	assert_int_equal(vmm_translate(vmm_kernel_pd, (uintptr_t)p, &pfn, NULL), 0);
	assert_int_equal(vfree(p), 0);
	assert_false(page_test(pfn_to_page(pfn), PG_vmalloc));
	assert_null(vmalloc_to_page(p));
	assert_int_equal(vfree(q), 0);
	assert_int_equal(vfree(NULL), 0);
	vmalloc_shrink();
	assert_int_equal(zones_total_free(), free0);
	assert_int_equal(vst().areas, 0);
	assert_int_equal(vst().pages, 0);
	assert_int_equal(vst().highmem_pages, 0);
	assert_int_equal(vst().allocs, 2);
	assert_int_equal(vst().frees, 2);
	assert_int_equal(vst().largest_free, VMALLOC_END - VMALLOC_START);
	assert_checks();
	vmm_machine_shutdown();
}

/* Without HIGHMEM the frames come from NORMAL, then DMA. */
static void test_vmalloc_lowmem_machine(void **state)
{
	void *p;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = vmalloc(8 * PAGE_SIZE);
	assert_non_null(p);
	assert_area(p, 8, ZONE_NORMAL);
	assert_int_equal(vst().highmem_pages, 0);
	assert_int_equal(vfree(p), 0);
	assert_checks();
	vmm_machine_shutdown();
}

/*
 * A global function (a dynamic symbol: host tests link with -rdynamic)
 * whose vmalloc() the area list names as its caller.
 */
__attribute__((noinline)) void *vmallocinfo_test_caller(size_t size)
{
	void *p = vmalloc(size);

	__asm__ volatile("" : : "r"(p) : "memory");	/* no tail call */
	return p;
}

/*
 * The line for the area at @start in the log: its caller column must be
 * "@name+0xOFF/0xSIZE" with OFF inside SIZE, then " @rest".
 */
static void expect_area_line(const char *start, const char *name,
			     const char *rest)
{
	const char *line = strstr(host_log(), start);
	unsigned long off, size;
	char sym[128], tail[64];

	assert_non_null(line);
	assert_int_equal(sscanf(line + strlen(start),
				" %127[^+]+0x%lx/0x%lx %63[^\n]", sym, &off,
				&size, tail), 4);
	assert_string_equal(sym, name);
	assert_true(off > 0 && off < size);
	assert_string_equal(tail, rest);
}

static void test_vmallocinfo_format(void **state)
{
	void *p, *q;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = vmallocinfo_test_caller(2 * PAGE_SIZE);
	q = vmalloc(10 * PAGE_SIZE);
	host_log_clear();
	vmallocinfo_dump();
	expect_area_line("0xf8800000-0xf8803000   12288", "vmallocinfo_test_caller",
			 "pages=2 vmalloc");
	/* a static function is no dynamic symbol: the bare address */
	assert_true(host_log_contains("0xf8803000-0xf880e000   45056 0x"));
	assert_true(host_log_contains(" pages=10 vmalloc\n"));
	assert_int_equal(host_log_count("\n"), 2);
	assert_true(strstr(host_log(), "0xf8800000") < strstr(host_log(), "0xf8803000-"));
	assert_int_equal(vfree(p), 0);
	assert_int_equal(vfree(q), 0);
	host_log_clear();
	vmallocinfo_dump();
	assert_string_equal(host_log(), "");
	vmm_machine_shutdown();
}

/* Freed holes are reused lowest first; neighbours merge back. */
static void test_fragmentation_and_reuse(void **state)
{
	void *a[8];
	unsigned int i;
	uintptr_t base = VMALLOC_START;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	for (i = 0; i < 8; i++) {		/* 8 areas of 2 pages + guard */
		a[i] = vmalloc(2 * PAGE_SIZE);
		assert_int_equal((uintptr_t)a[i], base + i * 3 * PAGE_SIZE);
	}
	assert_int_equal(vfree(a[1]), 0);
	assert_int_equal(vfree(a[4]), 0);
	assert_int_equal(vfree(a[5]), 0);	/* a 6-page hole at 4..5 */
	assert_checks();
	/* 3 pages + guard does not fit hole 1 (3 pages) but fits 4..5 */
	a[4] = vmalloc(3 * PAGE_SIZE);
	assert_int_equal((uintptr_t)a[4], base + 4 * 3 * PAGE_SIZE);
	/* one page + guard goes to the lowest hole */
	a[1] = vmalloc(PAGE_SIZE);
	assert_int_equal((uintptr_t)a[1], base + 3 * PAGE_SIZE);
	/* the rest of hole 1 is one page: only 0 pages + guard would fit */
	a[5] = vmalloc(PAGE_SIZE);
	assert_int_equal((uintptr_t)a[5], base + 4 * 3 * PAGE_SIZE + 4 * PAGE_SIZE);
	assert_checks();
	for (i = 0; i < 8; i++)
		assert_int_equal(vfree(a[i]), 0);
	assert_int_equal(vst().largest_free, VMALLOC_END - VMALLOC_START);
	assert_checks();
	vmm_machine_shutdown();
}

/* Bad frees are reported in one line, refused, and change nothing. */
static void test_bad_vfree(void **state)
{
	uint32_t free0;
	void *p;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = vmalloc(3 * PAGE_SIZE);
	free0 = zones_total_free();
	host_log_clear();
	assert_int_equal(vfree((char *)p + PAGE_SIZE), -EINVAL);
	assert_true(host_log_contains(
		"vfree: bad address 0xf8801000: inside area 0xf8800000-0xf8804000, not its start (caller 0x"));
	assert_int_equal(vfree((char *)p + 3 * PAGE_SIZE), -EINVAL); /* guard */
	assert_int_equal(vfree((void *)(uintptr_t)0xc0100000), -EINVAL);
	assert_true(host_log_contains(
		"vfree: bad address 0xc0100000: not a vmalloc area (caller 0x"));
	assert_int_equal(vfree((void *)(uintptr_t)(VMALLOC_START + MiB(1))),
			 -EINVAL);
	assert_int_equal(host_log_count("vfree: bad address"), 4);
	assert_int_equal(vst().refused_frees, 4);
	assert_int_equal(zones_total_free(), free0);
	assert_area(p, 3, -1);
	assert_checks();

	assert_int_equal(vfree(p), 0);
	host_log_clear();
	assert_int_equal(vfree(p), -EINVAL);		/* double free */
	assert_true(host_log_contains(
		"vfree: bad address 0xf8800000: not a vmalloc area (caller 0x"));
	assert_int_equal(vst().refused_frees, 5);
	assert_checks();
	vmm_machine_shutdown();
}

/* Running out of frames, at any page, leaves nothing behind. */
static void test_vmalloc_out_of_memory(void **state)
{
	uint32_t free0;
	unsigned long n;
	void *keep;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	keep = vmalloc(PAGE_SIZE);		/* the descriptor slab exists */
	free0 = zones_total_free();
	for (n = 1; n <= 6; n++) {
		host_log_clear();
		fault_test_fail_nth(n);
		assert_null(vmalloc(6 * PAGE_SIZE));
		assert_true(host_log_contains(
			"vmalloc: allocation of 24576 bytes failed (caller 0x"));
		assert_int_equal(zones_total_free(), free0);
		assert_checks();
	}
	assert_int_equal(vst().failed, 6);
	assert_int_equal(vst().areas, 1);
	fault_test_fail_nth(0);
	host_log_clear();
	assert_null(vmalloc(0));			/* quietly */
	assert_string_equal(host_log(), "");
	assert_int_equal(vst().failed, 6);
	assert_null(vmalloc(VMALLOC_END - VMALLOC_START));
	assert_true(host_log_contains("vmalloc: allocation of 117440512 bytes failed"));
	assert_int_equal(vst().failed, 7);
	assert_int_equal(vfree(keep), 0);
	assert_checks();
	vmm_machine_shutdown();
}

/* The whole area, then nothing more; then everything back. */
static void test_address_space_exhaustion(void **state)
{
	uint32_t free0;
	void *all, *p;

	(void)state;
	vmm_machine_boot(GiB(1), false);
	free0 = zones_total_free();
	all = vmalloc((AREA_PAGES - 1) * PAGE_SIZE);
	assert_int_equal((uintptr_t)all, VMALLOC_START);
	assert_int_equal(vst().pages, AREA_PAGES - 1);
	assert_int_equal(vst().largest_free, 0);
	assert_null(vmalloc(1));
	assert_checks();
	assert_int_equal(vfree(all), 0);
	p = vmalloc(1);
	assert_int_equal((uintptr_t)p, VMALLOC_START);
	assert_int_equal(vfree(p), 0);
	vmalloc_shrink();
	assert_int_equal(zones_total_free(), free0);
	vmm_machine_shutdown();
}

/* vzalloc: frames come back zeroed, HIGHMEM ones through the hook. */
static void test_vzalloc(void **state)
{
	unsigned int i;
	void *p;

	(void)state;
	vmm_machine_boot(GiB(1), false);
	p = vmalloc(4 * PAGE_SIZE);
	for (i = 0; i < 4; i++)
		memset(page_address(vmalloc_to_page((char *)p + i * PAGE_SIZE)),
		       0x77, PAGE_SIZE);
	assert_int_equal(vfree(p), 0);
	p = vzalloc(4 * PAGE_SIZE);
	assert_area(p, 4, ZONE_HIGHMEM);
	for (i = 0; i < 4; i++) {
		const unsigned char *b =
			page_address(vmalloc_to_page((char *)p + i * PAGE_SIZE));
		unsigned int j;

		for (j = 0; j < PAGE_SIZE; j++)
			assert_int_equal(b[j], 0);
	}
	assert_int_equal(vfree(p), 0);
	vmm_machine_shutdown();
}

/* The area around an address, for fault reports. */
static void test_vmalloc_describe(void **state)
{
	void *p;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = vmalloc(2 * PAGE_SIZE);
	assert_string_equal(vmalloc_describe((uintptr_t)p + 5),
			    "in area 0xf8800000-0xf8803000");
	assert_string_equal(vmalloc_describe((uintptr_t)p + 2 * PAGE_SIZE),
			    "guard page of area 0xf8800000-0xf8803000");
	assert_string_equal(vmalloc_describe((uintptr_t)p + 3 * PAGE_SIZE), "");
	assert_string_equal(vmalloc_describe(0), "");
	assert_int_equal(vfree(p), 0);
	vmm_machine_shutdown();
}

/* Lowest fit, checked against a model that scans every page. */
#define MODEL_SLOTS	64

struct model_area {
	uintptr_t start;
	unsigned int pages;	/* guard excluded */
};

static uintptr_t model_lowest_fit(const struct model_area *m, unsigned int pages)
{
	uintptr_t va = VMALLOC_START;
	bool moved = true;
	unsigned int i;

	while (moved) {
		moved = false;
		for (i = 0; i < MODEL_SLOTS; i++) {
			uintptr_t s = m[i].start, e;

			if (!s)
				continue;
			e = s + (m[i].pages + 1) * PAGE_SIZE;
			if (va < e && va + (pages + 1) * PAGE_SIZE > s) {
				va = e;
				moved = true;
			}
		}
	}
	return va;
}

static void test_random_against_model(void **state)
{
	struct model_area m[MODEL_SLOTS] = { { 0, 0 } };
	unsigned int step, live = 0;
	uint32_t free0;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	srand(386);
	free0 = zones_total_free();
	for (step = 0; step < 3000; step++) {
		unsigned int i = (unsigned int)rand() % MODEL_SLOTS;

		if (m[i].start) {
			assert_int_equal(vfree((void *)m[i].start), 0);
			m[i].start = 0;
			live--;
		} else {
			unsigned int pages = 1 + (unsigned int)rand() % 7;
			uintptr_t want = model_lowest_fit(m, pages);
			void *p = vmalloc(pages * PAGE_SIZE - (unsigned int)rand() % 100);

			assert_int_equal((uintptr_t)p, want);
			m[i] = (struct model_area){ want, pages };
			live++;
		}
		assert_int_equal(vst().areas, live);
		if (step % 16 == 0)
			assert_checks();
	}
	for (step = 0; step < MODEL_SLOTS; step++)
		if (m[step].start)
			assert_int_equal(vfree((void *)m[step].start), 0);
	assert_checks();
	assert_int_equal(vst().pages, 0);
	vmalloc_shrink();
	assert_int_equal(zones_total_free(), free0);
	vmm_machine_shutdown();
}

/* The checker sees a mapped guard page and a lost frame. */
static void test_check_catches_corruption(void **state)
{
	void *p;
	pfn_t pfn;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = vmalloc(2 * PAGE_SIZE);
	host_log_clear();
	assert_int_equal(vmm_map(vmm_kernel_pd, (uintptr_t)p + 2 * PAGE_SIZE,
				 300, MMU_WRITE), 0);
	assert_int_equal(vmalloc_check(), 1);
	assert_true(host_log_contains("vmalloc_check: A5 guard page of area 0xf8800000 is mapped"));
	assert_int_equal(vmm_unmap(vmm_kernel_pd, (uintptr_t)p + 2 * PAGE_SIZE,
				   NULL), 0);
	assert_int_equal(vmm_unmap(vmm_kernel_pd, (uintptr_t)p + PAGE_SIZE,
				   &pfn), 0);
	assert_int_equal(vmalloc_check(), 1);
	assert_true(host_log_contains("vmalloc_check: A5 0xf8801000 of area 0xf8800000 maps no PG_vmalloc frame"));
	assert_int_equal(vmm_map(vmm_kernel_pd, (uintptr_t)p + PAGE_SIZE, pfn,
				 MMU_WRITE), 0);
	assert_checks();
	assert_int_equal(vfree(p), 0);
	vmm_machine_shutdown();
}

/* ioremap and memremap_ro map the frames named, and allocate none. */
static void test_ioremap_maps_named_frames(void **state)
{
	uint32_t free0;
	unsigned int prot;
	void *p, *q, *v;
	pfn_t pfn;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	assert_int_equal(vfree(vmalloc(1)), 0);	/* the descriptor slab */
	free0 = zones_total_free();
	p = ioremap(0xfee00020, 0x10);
	assert_int_equal((uintptr_t)p, VMALLOC_START + 0x20);
	assert_int_equal(vmm_translate(vmm_kernel_pd, VMALLOC_START, &pfn,
				       &prot), 0);
	assert_int_equal(pfn, 0xfee00);
	assert_int_equal(prot, MMU_WRITE | MMU_NOCACHE);
	assert_null(vmalloc_to_page(p));	/* no descriptor up there */
	q = memremap_ro(0x9fff0, 0x20);		/* two pages */
	assert_int_equal((uintptr_t)q, VMALLOC_START + 2 * PAGE_SIZE + 0xff0);
	assert_int_equal(vmm_translate(vmm_kernel_pd,
				       VMALLOC_START + 3 * PAGE_SIZE, &pfn,
				       &prot), 0);
	assert_int_equal(pfn, 0xa0);
	assert_int_equal(prot, 0);
	assert_int_equal(vmm_translate(vmm_kernel_pd,
				       VMALLOC_START + 4 * PAGE_SIZE, NULL,
				       NULL), -ENOENT);	/* guard */
	assert_int_equal(vst().ioremap_areas, 2);
	assert_int_equal(vst().ioremap_pages, 3);
	assert_int_equal(vst().areas, 0);
	assert_int_equal(zones_total_free(), free0);
	assert_checks();

	host_log_clear();
	vmallocinfo_dump();
	assert_true(host_log_contains("0xf8800000-0xf8802000    8192 0x"));
	assert_true(host_log_contains(" phys=0xfee00000 ioremap\n"));
	assert_true(host_log_contains("0xf8802000-0xf8805000   12288 0x"));
	assert_true(host_log_contains(" phys=0x0009f000 ioremap\n"));

	assert_int_equal(iounmap(q), 0);
	assert_int_equal(iounmap(p), 0);
	assert_int_equal(vst().ioremap_areas, 0);
	assert_int_equal(vst().ioremap_pages, 0);
	assert_int_equal(vmm_translate(vmm_kernel_pd, VMALLOC_START, NULL,
				       NULL), -ENOENT);
	v = vmalloc(PAGE_SIZE);			/* the range is free again */
	assert_int_equal((uintptr_t)v, VMALLOC_START);
	assert_int_equal(vfree(v), 0);
	assert_int_equal(zones_total_free(), free0);
	assert_checks();
	vmm_machine_shutdown();
}

/* vfree() and iounmap() refuse each other's areas and bad ranges. */
static void test_ioremap_misuse(void **state)
{
	void *p, *v;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = ioremap(0xfec00000, 0x20);
	v = vmalloc(PAGE_SIZE);
	host_log_clear();
	assert_int_equal(vfree(p), -EINVAL);
	assert_true(host_log_contains("vfree: bad address 0xf8800000: an "
				      "ioremap area, for iounmap() (caller "
				      "0x"));
	assert_int_equal(iounmap(v), -EINVAL);
	assert_true(host_log_contains("iounmap: bad address 0xf8802000: not "
				      "an ioremap area (caller 0x"));
	assert_int_equal(vst().refused_frees, 2);
	assert_int_equal(iounmap(p), 0);
	assert_int_equal(iounmap(p), -EINVAL);	/* twice */
	assert_int_equal(vst().refused_frees, 3);
	assert_int_equal(vfree(v), 0);
	assert_checks();

	host_log_clear();
	assert_null(ioremap(0x1000, 0));
	assert_null(ioremap(0xfffff000, 0x2000));	/* past 4 GiB */
	assert_true(host_log_contains("ioremap: cannot map [mem "
				      "0xfffff000-0x100000fff] (caller 0x"));
	assert_null(memremap_ro(~0ull - 0x10, 0x100));	/* wraps */
	assert_null(ioremap(0, VMALLOC_END - VMALLOC_START));	/* no room */
	assert_int_equal(host_log_count("ioremap: cannot map"), 4);
	assert_int_equal(vst().ioremap_areas, 0);
	assert_checks();
	vmm_machine_shutdown();
}

/* A5 sees an ioremap page moved to another frame. */
static void test_check_catches_ioremap_corruption(void **state)
{
	void *p;

	(void)state;
	vmm_machine_boot(MiB(64), false);
	p = ioremap(0xfee00000, 2 * PAGE_SIZE);
	assert_int_equal(vmm_unmap(vmm_kernel_pd, VMALLOC_START + PAGE_SIZE,
				   NULL), 0);
	assert_int_equal(vmm_map(vmm_kernel_pd, VMALLOC_START + PAGE_SIZE,
				 0xfee02, MMU_WRITE), 0);
	host_log_clear();
	assert_int_equal(vmalloc_check(), 1);
	assert_true(host_log_contains("vmalloc_check: A5 0xf8801000 of area "
				      "0xf8800000 maps another frame than "
				      "phys\n"));
	assert_int_equal(vmm_unmap(vmm_kernel_pd, VMALLOC_START + PAGE_SIZE,
				   NULL), 0);
	assert_int_equal(vmm_map(vmm_kernel_pd, VMALLOC_START + PAGE_SIZE,
				 0xfee01, MMU_WRITE), 0);
	assert_checks();
	assert_int_equal(iounmap(p), 0);
	vmm_machine_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmalloc_basic),
		cmocka_unit_test(test_vmalloc_lowmem_machine),
		cmocka_unit_test(test_vmallocinfo_format),
		cmocka_unit_test(test_fragmentation_and_reuse),
		cmocka_unit_test(test_bad_vfree),
		cmocka_unit_test(test_vmalloc_out_of_memory),
		cmocka_unit_test(test_address_space_exhaustion),
		cmocka_unit_test(test_vzalloc),
		cmocka_unit_test(test_vmalloc_describe),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_check_catches_corruption),
		cmocka_unit_test(test_ioremap_maps_named_frames),
		cmocka_unit_test(test_ioremap_misuse),
		cmocka_unit_test(test_check_catches_ioremap_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
