/*
 * Kernel stacks in their own area, each above an unmapped guard page.
 *
 * Design.  The area is an array of KSTACK_SLOT-sized slots (a guard page,
 * then KSTACK_PAGES stack pages; include/mm/kstack.h draws one), tracked
 * by two bitmaps: `used` (the slot is taken, its frames may be being
 * mapped or unmapped) and `live` (the stack is handed out).  A slot goes
 * free -> used -> used+live -> used (frames being unmapped) -> free, so a
 * second kstack_free() racing the first is refused like any other bad
 * free.  The lowest free slot is taken: a scan of a few words.  Frames are
 * found again through the page tables, as vmalloc does; nothing else
 * records them.
 *
 * Why not vmalloc: its areas carry the guard page after them, the wrong
 * side for a stack, and the kernel's own stack (process 0) lives from boot
 * to halt, where it would sit among vmalloc's areas and its accounting.
 * A dedicated area also lets the double-fault handler tell a stack
 * overflow from any other fault by address alone, without a lock.
 *
 * Invariants (kstack_check()):
 *  K1. Every live slot is used.
 *  K2. The guard page of every slot maps nothing; every page of a live
 *      stack maps a frame with one reference; a slot that is not used maps
 *      nothing.
 *  K3. The stacks and highmem_pages counters equal what the live slots
 *      hold.
 *
 * Locking: kstack_lock (IRQs off) guards the bitmaps and the counters.
 * Frames are allocated, mapped, unmapped and freed with it dropped.
 */
#include "mm/buddy.h"
#include "mm/kstack.h"
#include "mm/vmm.h"

#define KSTACK_WORDS	((KSTACK_SLOTS + 31) / 32)

static mm_lock_t kstack_lock = MM_LOCK_INIT(MM_LOCK_KSTACK);
static uint32_t used[KSTACK_WORDS], live[KSTACK_WORDS];
static struct kstack_stats kstats;

static bool bit_test(const uint32_t *map, uint32_t i)
{
	return map[i / 32] & (1u << (i % 32));
}

static void bit_set(uint32_t *map, uint32_t i)
{
	map[i / 32] |= 1u << (i % 32);
}

static void bit_clear(uint32_t *map, uint32_t i)
{
	map[i / 32] &= ~(1u << (i % 32));
}

static uintptr_t slot_guard(uint32_t slot)
{
	return KSTACK_AREA_START + (uintptr_t)slot * KSTACK_SLOT;
}

static uintptr_t slot_stack(uint32_t slot)
{
	return slot_guard(slot) + PAGE_SIZE;
}

/* The slot holding @addr, or KSTACK_SLOTS when outside every slot. */
static uint32_t slot_of(uintptr_t addr)
{
	if (addr < KSTACK_AREA_START || addr >= KSTACK_AREA_END)
		return KSTACK_SLOTS;
	return (uint32_t)((addr - KSTACK_AREA_START) / KSTACK_SLOT);
}

/* Take the lowest free slot; KSTACK_SLOTS when all are taken. */
static uint32_t slot_reserve(void)
{
	unsigned long flags = mm_lock_irqsave(&kstack_lock);
	uint32_t slot;

	for (slot = 0; slot < KSTACK_SLOTS; slot++)
		if (!bit_test(used, slot))
			break;
	if (slot < KSTACK_SLOTS)
		bit_set(used, slot);
	mm_unlock_irqrestore(&kstack_lock, flags);
	return slot;
}

static void slot_release(uint32_t slot)
{
	unsigned long flags = mm_lock_irqsave(&kstack_lock);

	bit_clear(used, slot);
	mm_unlock_irqrestore(&kstack_lock, flags);
}

void *kstack_alloc(void)
{
	uint32_t slot = slot_reserve(), high = 0;
	bool ok = slot < KSTACK_SLOTS;
	unsigned long flags;

	if (ok && vmm_kernel_back(slot_stack(slot), KSTACK_PAGES, GFP_HIGHUSER,
				  0, &high) != 0) {
		slot_release(slot);
		ok = false;
	}
	flags = mm_lock_irqsave(&kstack_lock);
	if (ok) {
		bit_set(live, slot);
		kstats.stacks++;
		kstats.highmem_pages += high;
		kstats.allocs++;
	} else {
		kstats.failed++;
	}
	mm_unlock_irqrestore(&kstack_lock, flags);
	return ok ? (void *)slot_stack(slot) : NULL;
}

/* Claim the live stack at @va (no longer live), or count a refused free. */
static bool slot_claim(uintptr_t va, uint32_t slot)
{
	unsigned long flags = mm_lock_irqsave(&kstack_lock);
	bool ok = slot < KSTACK_SLOTS && va == slot_stack(slot) &&
		  bit_test(live, slot);

	if (ok)
		bit_clear(live, slot);
	else
		kstats.refused_frees++;
	mm_unlock_irqrestore(&kstack_lock, flags);
	return ok;
}

int kstack_free(void *stack)
{
	uintptr_t va = (uintptr_t)stack;
	uint32_t slot = slot_of(va), high;
	unsigned long flags;

	if (!stack)
		return 0;
	if (!slot_claim(va, slot)) {
		printk("kstack_free: bad address 0x%08x: %s (caller %pS)\n",
		       (unsigned int)va,
		       slot == KSTACK_SLOTS ? "not in the kernel-stack area" :
		       va != slot_stack(slot) ? "not the start of a stack" :
		       "not a live stack", MM_CALLER());
		return -EINVAL;
	}
	high = vmm_kernel_unback(slot_stack(slot), KSTACK_PAGES, 0, "kstack");
	flags = mm_lock_irqsave(&kstack_lock);
	bit_clear(used, slot);
	kstats.stacks--;
	kstats.highmem_pages -= high;
	kstats.frees++;
	mm_unlock_irqrestore(&kstack_lock, flags);
	return 0;
}

bool kstack_in_guard(uintptr_t addr)
{
	uint32_t slot = slot_of(addr);

	return slot < KSTACK_SLOTS && bit_test(live, slot) &&
	       addr < slot_stack(slot);
}

bool kstack_bounds(uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
	uint32_t slot = slot_of(addr);

	if (slot == KSTACK_SLOTS || !bit_test(live, slot) ||
	    addr < slot_stack(slot))
		return false;
	*lo = slot_stack(slot);
	*hi = *lo + KSTACK_SIZE;
	return true;
}

const char *kstack_describe(uintptr_t addr)
{
	static char buf[80];
	uint32_t slot = slot_of(addr);
	unsigned int lo, hi;

	if (slot == KSTACK_SLOTS || !bit_test(live, slot))
		return "";
	lo = (unsigned int)slot_stack(slot);
	hi = lo + KSTACK_SIZE;
	if (addr < slot_stack(slot))
		snprintf(buf, sizeof(buf), "guard page 0x%08x-0x%08x below "
			 "kernel stack 0x%08x-0x%08x",
			 (unsigned int)slot_guard(slot), lo, lo, hi);
	else
		snprintf(buf, sizeof(buf), "in kernel stack 0x%08x-0x%08x",
			 lo, hi);
	return buf;
}

void kstack_stats(struct kstack_stats *st)
{
	unsigned long flags = mm_lock_irqsave(&kstack_lock);

	*st = kstats;
	st->slots = KSTACK_SLOTS;
	mm_unlock_irqrestore(&kstack_lock, flags);
}

/* --- invariants --------------------------------------------------------- */

#define KS_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printk("kstack_check: " __VA_ARGS__);		\
			bad++;						\
		}							\
	} while (0)

/* K2 for one page: is it mapped (to a frame with one reference)? */
static bool page_mapped(uintptr_t va, uint32_t *high)
{
	pfn_t pfn;

	if (vmm_translate(vmm_kernel_pd, va, &pfn, NULL) != 0)
		return false;
	if (!pfn_valid(pfn) || page_count(pfn_to_page(pfn)) != 1)
		return false;
	*high += page_zonenum(pfn_to_page(pfn)) == ZONE_HIGHMEM;
	return true;
}

/* K1 and K2 for @slot; counts its live stack into *@stacks and *@high. */
static unsigned int slot_check(uint32_t slot, uint32_t *stacks,
			       uint32_t *high)
{
	unsigned int bad = 0;
	uint32_t i;

	KS_CHECK(!bit_test(live, slot) || bit_test(used, slot),
		 "K1 slot %u is live but not used\n", slot);
	KS_CHECK(vmm_translate(vmm_kernel_pd, slot_guard(slot), NULL,
			       NULL) == -ENOENT,
		 "K2 guard page 0x%08x of slot %u is mapped\n",
		 (unsigned int)slot_guard(slot), slot);
	if (bit_test(live, slot)) {
		for (i = 0; i < KSTACK_PAGES; i++)
			KS_CHECK(page_mapped(slot_stack(slot) + i * PAGE_SIZE,
					     high),
				 "K2 page %u of stack %u maps no frame of its "
				 "own\n", i, slot);
		(*stacks)++;
	} else if (!bit_test(used, slot)) {
		for (i = 0; i < KSTACK_PAGES; i++)
			KS_CHECK(vmm_translate(vmm_kernel_pd, slot_stack(slot) +
					       i * PAGE_SIZE, NULL, NULL) ==
				 -ENOENT, "K2 free slot %u maps page %u\n",
				 slot, i);
	}
	return bad;
}

unsigned int kstack_check(void)
{
	unsigned long flags = mm_lock_irqsave(&kstack_lock);
	uint32_t slot, stacks = 0, high = 0;
	unsigned int bad = 0;

	for (slot = 0; slot < KSTACK_SLOTS; slot++)
		bad += slot_check(slot, &stacks, &high);
	KS_CHECK(stacks == kstats.stacks && high == kstats.highmem_pages,
		 "K3 counters say %u stacks, %u highmem pages; the slots hold "
		 "%u, %u\n", kstats.stacks, kstats.highmem_pages, stacks, high);
	mm_unlock_irqrestore(&kstack_lock, flags);
	return bad;
}

void kstack_reset(void)
{
	uint32_t slot;

	for (slot = 0; slot < KSTACK_SLOTS; slot++)
		if (bit_test(live, slot))
			kstack_free((void *)slot_stack(slot));
	memset(&kstats, 0, sizeof(kstats));
}
