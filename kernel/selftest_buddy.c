/*
 * In-kernel tests of the buddy allocator (`selftest buddy`): splitting
 * and coalescing, every order, misuse refused without a trace, reference
 * counts, __GFP_ZERO, zone fallback, watermarks, the hot list, and the
 * invariants after each case.
 *
 * Design.  Each case runs between buddy_snapshot_take() and
 * buddy_snapshot_restore(): the hot lists are set aside, so the free lists
 * are fully coalesced and a block given back must restore every free
 * count exactly; afterwards the hot frames go back, and the zones are as
 * the case found them (buddyinfo shows the same numbers).
 *
 * Context: the shell (process context, interrupts on).
 */
#include "selftest.h"
#include "mm/buddy.h"
#include "mm/testing/buddy.h"

static struct buddy_snapshot snap;
static uint64_t refused_at_start;

static void begin(void)
{
	buddy_snapshot_take(&snap);
	refused_at_start = buddy_refused_frees();
}

/* Close a case: its own verdict first, then the counts and invariants. */
static const char *end(const char *why)
{
	unsigned int changed = buddy_snapshot_restore(&snap);
	unsigned int bad = buddy_check_all();

	if (why)
		return why;
	if (changed)
		return selftest_fail("%u free block counts changed", changed);
	if (bad)
		return selftest_fail("buddy_check: %u violations", bad);
	return NULL;
}

/* The zone GFP_KERNEL uses first. */
static struct zone *kernel_zone(void)
{
	return zone_populated(&zones[ZONE_NORMAL]) ? &zones[ZONE_NORMAL] :
						     &zones[ZONE_DMA];
}

SELFTEST(buddy, invariants)
{
	unsigned int i;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &zones[i];

		if (!zone_populated(z))
			continue;
		if (z->watermark[WMARK_MIN] > z->watermark[WMARK_LOW] ||
		    z->watermark[WMARK_LOW] > z->watermark[WMARK_HIGH])
			return selftest_fail("zone %s watermarks out of order",
					     z->name);
	}
	if (zones_total_free() > zones_total_managed())
		return selftest_fail("free %u > managed %u",
				     zones_total_free(), zones_total_managed());
	if (buddy_check_all())
		return selftest_fail("buddy_check found violations");
	return NULL;
}

static const char *check_block(struct page *page, unsigned int order)
{
	unsigned int i;

	if (!page)
		return selftest_fail("order %u allocation failed", order);
	if (!IS_ALIGNED(page_to_pfn(page), 1u << order))
		return selftest_fail("pfn 0x%x not aligned to order %u",
				     page_to_pfn(page), order);
	if (!page_test(page, PG_head) || page_order(page) != order ||
	    page_count(page) != 1)
		return selftest_fail("head pfn 0x%x flags 0x%x count %d",
				     page_to_pfn(page), page->flags,
				     page_count(page));
	for (i = 1; i < (1u << order); i++)
		if (buddy_block_head(page + i) != page)
			return selftest_fail("pfn 0x%x not in the block at 0x%x",
					     page_to_pfn(page + i),
					     page_to_pfn(page));
	return NULL;
}

SELFTEST(buddy, split_and_merge)
{
	struct zone *zone = kernel_zone();
	struct page *page;
	uint32_t free0;
	const char *why;

	begin();
	free0 = zone_free_pages(zone);
	page = alloc_pages(GFP_KERNEL, 3);
	why = check_block(page, 3);
	if (!why && page_zone(page) != zone)
		why = selftest_fail("came from zone %s", page_zone(page)->name);
	if (!why && zone_free_pages(zone) != free0 - 8)
		why = selftest_fail("free %u, expected %u", zone_free_pages(zone),
				    free0 - 8);
	if (!why && buddy_check_all())
		why = "buddy_check failed with the block out";
	if (page)
		__free_pages(page, 3);
	return end(why);
}

SELFTEST(buddy, every_order)
{
	struct page *pages[NR_ORDERS] = { NULL };
	const char *why = NULL;
	unsigned int o;

	begin();
	for (o = 0; o <= 8 && !why; o++) {
		pages[o] = alloc_pages(GFP_KERNEL, o);
		why = check_block(pages[o], o);
	}
	for (o = 0; o <= 8; o++)
		if (pages[o])
			__free_pages(pages[o], o);
	return end(why);
}

/*
 * Ten bad calls, each refused: only the refused counter may change.  The
 * last three free by addresses outside the direct map (vmalloc, kmap and
 * user space), which must be refused, not converted.
 */
SELFTEST(buddy, misuse_refused)
{
	static int in_kernel_image;
	struct page *a, *p;
	int bad = 0;
	const char *why = NULL;

	begin();
	a = alloc_pages(GFP_KERNEL, 1);
	p = alloc_pages(GFP_KERNEL, 0);
	if (!a || !p) {
		/* either may have come back alone: out: gives back only a */
		if (p)
			__free_pages(p, 0);
		why = "allocation failed";
		goto out;
	}
	__free_pages(p, 0);
	printk("selftest buddy: 10 misuse reports follow\n");
	bad += __free_pages(p, 0) == -EINVAL;			/* double */
	put_page(p);						/* free */
	bad += __free_pages(a, 0) == -EINVAL;			/* wrong order */
	bad += __free_pages(a + 1, 1) == -EINVAL;		/* misaligned */
	bad += __free_pages(a + 1, 0) == -EINVAL;		/* tail */
	bad += __free_pages(virt_to_page(&in_kernel_image), 0) == -EINVAL;
	bad += __free_pages(pfn_to_page(max_pfn), 0) == -EINVAL;
	bad += free_pages((void *)VMALLOC_START, 0) == -EINVAL;
	bad += free_pages((void *)KMAP_BASE, 0) == -EINVAL;
	bad += free_pages((void *)0x08048000, 0) == -EINVAL;
	if (bad != 9 || buddy_refused_frees() != refused_at_start + 10)
		why = selftest_fail("%d of 9 refused, counter +%llu", bad,
				    (unsigned long long)(buddy_refused_frees() -
							 refused_at_start));
out:
	if (a)
		__free_pages(a, 1);
	return end(why);
}

SELFTEST(buddy, refcount)
{
	struct zone *zone = kernel_zone();
	struct page *page;
	uint32_t free0;
	const char *why = NULL;

	begin();
	free0 = zone_free_pages(zone);
	page = alloc_pages(GFP_KERNEL, 2);
	if (!page)
		return end("allocation failed");
	get_page(page);
	__free_pages(page, 2);
	if (page_count(page) != 1 || zone_free_pages(zone) != free0 - 4)
		why = selftest_fail("after get+free: count %d, free %u",
				    page_count(page), zone_free_pages(zone));
	put_page(page);
	if (!why && zone_free_pages(zone) != free0)
		why = selftest_fail("last put_page left free at %u, not %u",
				    zone_free_pages(zone), free0);
	return end(why);
}

SELFTEST(buddy, zeroing)
{
	struct page *page;
	const uint8_t *p;
	const char *why = NULL;
	unsigned int i;

	begin();
	page = alloc_pages(GFP_KERNEL, 2);
	if (!page)
		return end("allocation failed");
	memset(page_address(page), 0xa5, 4 * PAGE_SIZE);
	__free_pages(page, 2);
	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	if (!page)
		return end("zeroed allocation failed");
	p = page_address(page);
	for (i = 0; i < 4 * PAGE_SIZE && !why; i++)
		if (p[i])
			why = selftest_fail("byte %u is 0x%x", i, p[i]);
	__free_pages(page, 2);
	return end(why);
}

SELFTEST(buddy, zone_fallback)
{
	struct page *k, *d, *h;
	const char *why = NULL;

	begin();
	k = alloc_pages(GFP_KERNEL, 0);
	d = alloc_pages(GFP_DMA, 0);
	h = alloc_pages(GFP_HIGHUSER, 0);
	if (!k || !d || !h)
		why = "allocation failed";
	else if (page_zone(k) != kernel_zone() ||
		 page_zonenum(d) != ZONE_DMA)
		why = selftest_fail("GFP_KERNEL from %s, GFP_DMA from %s",
				    page_zone(k)->name, page_zone(d)->name);
	else if (zone_populated(&zones[ZONE_HIGHMEM]) &&
		 page_zonenum(h) != ZONE_HIGHMEM)
		why = selftest_fail("GFP_HIGHUSER from %s", page_zone(h)->name);
	if (k)
		put_page(k);
	if (d)
		put_page(d);
	if (h)
		put_page(h);
	return end(why);
}

#define WM_BLOCKS	512
static struct page *wm_held[WM_BLOCKS];
static uint8_t wm_order[WM_BLOCKS];

/* Take DMA blocks, largest first, until gfp is refused. */
static unsigned int take_dma(gfp_t gfp, unsigned int n)
{
	int o;

	for (o = MAX_ORDER; o >= 0; o--)
		while (n < WM_BLOCKS &&
		       (wm_held[n] = alloc_pages(gfp | __GFP_NOWARN, o)))
			wm_order[n++] = o;
	return n;
}

SELFTEST(buddy, watermarks)
{
	struct zone *dma = &zones[ZONE_DMA];
	unsigned int n, low = dma->watermark[WMARK_LOW];
	unsigned int atomic = dma->watermark[WMARK_MIN] / 2;
	const char *why = NULL;

	begin();
	n = take_dma(GFP_DMA, 0);
	if (zone_free_pages(dma) != low)
		why = selftest_fail("GFP_DMA stopped at %u free, low is %u",
				    zone_free_pages(dma), low);
	n = take_dma(GFP_DMA | __GFP_HIGH, n);
	if (!why && zone_free_pages(dma) != atomic)
		why = selftest_fail("atomic stopped at %u free, not %u",
				    zone_free_pages(dma), atomic);
	if (!why && n == WM_BLOCKS)
		why = "ran out of slots";
	while (n--)
		__free_pages(wm_held[n], wm_order[n]);
	return end(why);
}

SELFTEST(buddy, hot_list)
{
	struct zone *zone = kernel_zone();
	static struct page *pages[HOT_HIGH_MAX + 8];	/* too big for a stack */
	unsigned int i, o, n;
	const char *why = NULL;

	begin();
	for (o = 0; o < HOT_ORDERS && !why; o++) {
		const struct hot_list *hot = &zone->cpu_hot[0][o];

		n = hot->high + 8;
		for (i = 0; i < n; i++)
			pages[i] = alloc_pages(GFP_KERNEL, o);
		for (i = 0; i < n; i++) {
			if (pages[i])
				__free_pages(pages[i], o);
			if (hot->count > hot->high)
				why = selftest_fail("order-%u hot list at %u, high %u",
						    o, hot->count, hot->high);
		}
		if (!why && buddy_check_all())
			why = "buddy_check failed with blocks on the hot lists";
	}
	return end(why);
}

SELFTEST(buddy, highmem_zero_hook)
{
	void (*hook)(struct page *) = buddy_zero_highpage_hook;
	struct page *page;
	const char *why = NULL;

	if (!zone_populated(&zones[ZONE_HIGHMEM]))
		return NULL;
	begin();
	buddy_zero_highpage_hook = NULL;
	page = alloc_pages(GFP_HIGHUSER | __GFP_ZERO, 0);
	buddy_zero_highpage_hook = hook;
	if (!page)
		why = "allocation failed";
	else if (page_zonenum(page) == ZONE_HIGHMEM)
		why = "HighMem frame handed out for __GFP_ZERO without a hook";
	if (page)
		put_page(page);
	return end(why);
}
