/*
 * libFuzzer harness for the buddy allocator (`make test-fuzz`).
 *
 * Each input boots a machine whose memory layout comes from its first
 * bytes (holes, unaligned zone edges, a Normal zone or not), then reads
 * the rest as operations: allocate with a gfp mask and order, free,
 * get/put, drain the hot list, snapshot and restore, and misuse (double
 * free, wrong order, tail, reserved, foreign pfn).  A per-frame owner
 * array is the model: no frame may be handed out twice, every misuse must
 * be refused with the zones unchanged, and buddy_check_all() must hold
 * after every operation.  Any disagreement aborts, which libFuzzer reports
 * with the input.
 */
#include "fuzz.h"
#include "machine.h"
#include "mm/testing/buddy.h"

#define SLOTS		64
#define MAX_PFNS	(MiB(24) >> PAGE_SHIFT)

struct slot {
	struct page *page;
	unsigned int order;
	int refs;
};

static struct slot slots[SLOTS];
static uint16_t owner[MAX_PFNS];	/* slot + 1 that holds the frame */
static struct buddy_snapshot snap;

static const gfp_t fuzz_gfp[8] = {
	GFP_KERNEL, GFP_ATOMIC, GFP_DMA, GFP_HIGHUSER, GFP_KERNEL | __GFP_ZERO,
	GFP_DMA | __GFP_HIGH, GFP_HIGHUSER | __GFP_ZERO, 0x40,
};

/*
 * The layout from four bytes: usable [1, end) with perhaps a hole
 * [a, b) in it, free from pfn c up to a few frames short of end.
 */
static void boot_from(const uint8_t *d)
{
	pfn_t end = (pfn_t)MAX_PFNS - d[0] * 8u;
	pfn_t a = 2 + (d[1] * 16u + d[2] % 16) % (end - 2);
	pfn_t b = a + d[3] % 64;
	pfn_t c = MIN(1u + d[2] % 8, a - 1);
	pfn_t free_end = end - d[3] % 5;
	struct pfn_range usable[2] = { { 1, a }, { b, end } };
	struct pfn_range free[2] = { { c, a }, { b, free_end } };

	if (b == a || b + 5 >= end) {
		usable[0].end = end;
		free[0].end = free_end;
		machine_boot_ranges(MAX_PFNS << PAGE_SHIFT, usable, 1, free, 1);
		return;
	}
	machine_boot_ranges(MAX_PFNS << PAGE_SHIFT, usable, 2, free, 2);
}

static void own(struct slot *s, unsigned int id, bool take)
{
	pfn_t pfn = page_to_pfn(s->page), i;

	for (i = pfn; i < pfn + (1u << s->order); i++) {
		FUZZ_ASSERT(owner[i] == (take ? 0 : id));
		owner[i] = take ? id : 0;
	}
}

static void do_alloc(struct slot *s, unsigned int id, uint8_t arg)
{
	gfp_t gfp = fuzz_gfp[arg % 8] | __GFP_NOWARN;
	const uint8_t *p;

	s->order = (arg >> 3) % NR_ORDERS;
	s->page = alloc_pages(gfp, s->order);
	if (!s->page) {
		/* no frame stranded: with every list drained it fails too */
		unsigned int z;

		for (z = 0; z < MAX_NR_ZONES; z++)
			buddy_drain_hot(&zones[z]);
		s->page = alloc_pages(gfp, s->order);
		FUZZ_ASSERT(s->page == NULL);
		return;
	}
	FUZZ_ASSERT(IS_ALIGNED(page_to_pfn(s->page), 1u << s->order));
	FUZZ_ASSERT(page_count(s->page) == 1);
	s->refs = 1;
	own(s, id, true);
	if (gfp & __GFP_ZERO) {
		p = arch_phys_to_virt(page_to_phys(s->page));
		FUZZ_ASSERT(p[0] == 0 && p[(PAGE_SIZE << s->order) - 1] == 0);
	}
	memset(arch_phys_to_virt(page_to_phys(s->page)), 0xee, 64);
}

static void do_release(struct slot *s, unsigned int id, bool put)
{
	if (--s->refs == 0)
		own(s, id, false);
	if (put)
		put_page(s->page);
	else
		FUZZ_ASSERT(__free_pages(s->page, s->order) == 0);
	if (s->refs == 0)
		s->page = NULL;
}

/* One bad call: refused, counted, and nothing else changes. */
static void do_misuse(struct slot *s, uint8_t arg)
{
	uint64_t refused = buddy_refused_frees();
	uint32_t free0 = zones_total_free();
	struct page *page = s->page;
	unsigned int order = s->order;

	switch (arg % 5) {
	case 0:		/* wrong order, or misaligned */
		if (!page)
			return;
		order = (order + 1 + arg / 5) % NR_ORDERS;
		if (order == s->order)
			return;
		break;
	case 1:		/* a tail frame */
		if (!page || order == 0)
			return;
		page += 1 + (arg / 5) % ((1u << order) - 1);
		order = 0;
		break;
	case 2:		/* reserved frame 0 or a foreign pfn */
		page = arg & 0x80 ? pfn_to_page(max_pfn + arg) : pfn_to_page(0);
		order = 0;
		break;
	default:	/* a frame that is free right now */
		page = pfn_to_page((pfn_t)(arg * 97u) % max_pfn);
		if (!page_test(page, PG_hot) &&
		    !buddy_frame_free(page_zone(page), page_to_pfn(page)))
			return;
		order = arg % NR_ORDERS;
		break;
	}
	FUZZ_ASSERT(__free_pages(page, order) == -EINVAL);
	FUZZ_ASSERT(buddy_refused_frees() == refused + 1);
	FUZZ_ASSERT(zones_total_free() == free0);
}

static void run_op(uint8_t op, uint8_t arg)
{
	unsigned int id = op % SLOTS;
	struct slot *s = &slots[id];

	switch (op / SLOTS) {
	case 0:
		if (s->page)
			do_release(s, id + 1, arg & 1);
		else
			do_alloc(s, id + 1, arg);
		break;
	case 1:
		if (s->page && s->refs < 4 && (arg & 1)) {
			get_page(s->page);
			s->refs++;
		} else if (s->page) {
			do_release(s, id + 1, true);
		}
		break;
	case 2:
		do_misuse(s, arg);
		break;
	default:
		if (arg & 1) {
			buddy_drain_hot(&zones[arg % MAX_NR_ZONES]);
		} else {
			buddy_snapshot_take(&snap);
			FUZZ_ASSERT(buddy_snapshot_restore(&snap) == 0);
		}
		break;
	}
	FUZZ_ASSERT(buddy_check_all() == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t free0;
	size_t i;

	if (size < 4)
		return 0;
	boot_from(data);
	free0 = zones_total_free();
	FUZZ_ASSERT(buddy_check_all() == 0);
	memset(slots, 0, sizeof(slots));
	memset(owner, 0, sizeof(owner));
	for (i = 4; i + 1 < size; i += 2)
		run_op(data[i], data[i + 1]);
	for (i = 0; i < SLOTS; i++)
		while (slots[i].page)
			do_release(&slots[i], (unsigned int)i + 1, false);
	FUZZ_ASSERT(zones_total_free() == free0);
	FUZZ_ASSERT(buddy_check_all() == 0);
	machine_shutdown();
	return 0;
}
