/*
 * libFuzzer harness for vmalloc and the page-table code (`make test-fuzz`).
 *
 * Each input boots a 64 MiB machine with the kernel directory built and
 * one user address space, then reads the input three bytes at a time as
 * operations: vmalloc of 1-12 pages into a slot, vfree, bad vfrees (an
 * interior pointer or the guard page of a live area, an address no area
 * starts at), vmalloc under fault injection, and map/unmap toggles of 64
 * user pages spread over four page tables.  The model: every vmalloc must
 * land at the lowest free range a brute-force scan finds, every bad vfree
 * is refused with the area intact, a failed vmalloc changes nothing, each
 * user page translates to what the model says, and exactly the page
 * tables holding a mapped page exist.  vmalloc_check() runs after every
 * operation, vmm_check() after every page-table one.  At the end all is
 * freed and the buddy allocator must have every frame back.
 */
#include "mm/testing/fault_inject.h"
#include "fuzz.h"
#include "vmm_harness.h"

#define SLOTS		32
#define USER_PAGES	64

struct area {
	uintptr_t start;
	unsigned int pages;
};

static struct area areas[SLOTS];
static bool user_mapped[USER_PAGES];
static pfn_t user_pd;
static uint32_t base_tables;

static unsigned int live_areas(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < SLOTS; i++)
		n += areas[i].start != 0;
	return n;
}

static uintptr_t lowest_fit(unsigned int pages)
{
	uintptr_t va = VMALLOC_START;
	bool moved = true;
	unsigned int i;

	while (moved) {
		moved = false;
		for (i = 0; i < SLOTS; i++) {
			uintptr_t s = areas[i].start;
			uintptr_t e = s + (areas[i].pages + 1) * PAGE_SIZE;

			if (s && va < e && va + (pages + 1) * PAGE_SIZE > s) {
				va = e;
				moved = true;
			}
		}
	}
	return va;
}

static void do_vmalloc(struct area *a, unsigned int pages, unsigned int trim,
		       unsigned long fail_nth)
{
	uintptr_t want = lowest_fit(pages);
	void *p;

	fault_test_fail_nth(fail_nth);
	p = vmalloc(pages * PAGE_SIZE - trim);
	fault_test_fail_nth(0);
	if (!p) {
		FUZZ_ASSERT(fail_nth != 0);
		return;
	}
	FUZZ_ASSERT((uintptr_t)p == want);
	FUZZ_ASSERT(vmalloc_to_page(p) != NULL);
	FUZZ_ASSERT(vmalloc_to_page((char *)p + pages * PAGE_SIZE) == NULL);
	*a = (struct area){ (uintptr_t)p, pages };
}

static void do_bad_vfree(const struct area *a, unsigned int k)
{
	uint64_t refused = 0;
	struct vmalloc_stats st;
	uintptr_t bad;

	vmalloc_stats(&st);
	refused = st.refused_frees;
	if (a->start)
		bad = a->start + (1 + k % a->pages) * PAGE_SIZE;
	else
		bad = VMALLOC_START + (k + 1) * 0x10000 + PAGE_SIZE / 2;
	FUZZ_ASSERT(vfree((void *)bad) == -EINVAL);
	vmalloc_stats(&st);
	FUZZ_ASSERT(st.refused_frees == refused + 1);
	if (a->start)
		FUZZ_ASSERT(vmalloc_to_page((void *)a->start) != NULL);
}

static uintptr_t user_va(unsigned int i)
{
	return 0x00400000u * (1 + i / 16) + (i % 16) * PAGE_SIZE;
}

static void toggle_user_page(unsigned int i)
{
	struct vmm_stats st;
	unsigned int t, tables = 0;
	pfn_t pfn;

	if (user_mapped[i]) {
		FUZZ_ASSERT(vmm_unmap(user_pd, user_va(i), &pfn) == 0);
		FUZZ_ASSERT(pfn == 1000 + i);
	} else {
		FUZZ_ASSERT(vmm_map(user_pd, user_va(i), 1000 + i, MMU_USER) == 0);
	}
	user_mapped[i] = !user_mapped[i];
	for (t = 0; t < 4; t++) {
		bool any = false;

		for (i = t * 16; i < t * 16 + 16; i++) {
			int err = vmm_translate(user_pd, user_va(i), &pfn, NULL);

			FUZZ_ASSERT(user_mapped[i] ? err == 0 && pfn == 1000 + i :
						     err == -ENOENT);
			any |= user_mapped[i];
		}
		tables += any;
	}
	vmm_stats(&st);
	FUZZ_ASSERT(st.pgtables == base_tables + tables);
	FUZZ_ASSERT(vmm_check(user_pd) == 0);
}

static void run_op(const uint8_t *op)
{
	struct area *a = &areas[op[1] % SLOTS];
	unsigned int pages = 1 + op[2] % 12;

	switch (op[0] % 6) {
	case 0:
	case 1:
		if (!a->start)
			do_vmalloc(a, pages, op[2] >> 4, 0);
		break;
	case 2:
		if (a->start) {
			FUZZ_ASSERT(vfree((void *)a->start) == 0);
			a->start = 0;
		}
		break;
	case 3:
		do_bad_vfree(a, op[2]);
		break;
	case 4:
		if (!a->start)
			do_vmalloc(a, pages, 0, 1 + op[0] / 6 % 13);
		break;
	default:
		toggle_user_page(op[1] % USER_PAGES);
		break;
	}
	FUZZ_ASSERT(vmalloc_check() == 0);
	{
		struct vmalloc_stats st;

		vmalloc_stats(&st);
		FUZZ_ASSERT(st.areas == live_areas());
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmm_stats st;
	uint32_t boot_free;
	unsigned int i;
	size_t n;

	vmm_machine_boot(MiB(64), false);
	boot_free = zones_total_free();
	memset(areas, 0, sizeof(areas));
	memset(user_mapped, 0, sizeof(user_mapped));
	user_pd = vmm_pgdir_create();
	FUZZ_ASSERT(user_pd != PFN_NONE);
	vmm_stats(&st);
	base_tables = st.pgtables;
	for (n = 0; n + 3 <= size && n < 3 * 3000; n += 3)
		run_op(data + n);
	for (i = 0; i < SLOTS; i++)
		if (areas[i].start)
			FUZZ_ASSERT(vfree((void *)areas[i].start) == 0);
	for (i = 0; i < USER_PAGES; i++)
		if (user_mapped[i])
			toggle_user_page(i);
	FUZZ_ASSERT(vmm_check(vmm_kernel_pd) == 0);
	FUZZ_ASSERT(vmm_pgdir_destroy(user_pd) == 0);
	vmalloc_shrink();
	FUZZ_ASSERT(buddy_check_all() == 0);
	FUZZ_ASSERT(zones_total_free() == boot_free);
	vmm_machine_shutdown();
	return 0;
}
