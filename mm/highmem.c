/*
 * kmap_local: temporary mappings of HIGHMEM frames in the kmap window.
 *
 * Design.  The window is KMAP_SLOTS pages below the page-table window,
 * backed by a kernel page table that vmm_kernel_init() made, so a mapping
 * is one entry written through vmm_map() and is seen by every address
 * space.  Each CPU owns KMAP_CPU_SLOTS of them, used as a stack:
 * kmap_local() takes its next one, kunmap_local() must give back its top
 * one, so no search and no bitmap is needed, and a mapping made in an IRQ
 * handler is undone before the interrupted code runs again.  A CPU
 * touches only its own slots, so the TLB entry is flushed on that CPU
 * alone when a slot is unmapped (vmm_unmap() knows the window:
 * vmm_cpu_local_va()), and a reused slot never shows a stale frame.
 * Direct-mapped frames never use a slot.
 *
 * Locking: a CPU's stack top changes on that CPU with interrupts off; the
 * entry itself is written under vmm_lock by vmm_map()/vmm_unmap().
 */
#include "mm/highmem.h"
#include "mm/vmm.h"

#define KMAP_CPU_SLOTS	(KMAP_SLOTS / MM_MAX_CPUS)

/* Each CPU's slots in use: [0, kmap_top[cpu]) of its own. */
static unsigned int kmap_top[MM_MAX_CPUS];
static unsigned long kmap_refused;

/* This CPU's slot @slot. */
static uintptr_t kmap_slot_va(unsigned int slot)
{
	return KMAP_BASE +
	       (uintptr_t)(arch_cpu_id() * KMAP_CPU_SLOTS + slot) * PAGE_SIZE;
}

static bool kmap_va(uintptr_t va)
{
	return va >= KMAP_BASE && va - KMAP_BASE < KMAP_SLOTS * PAGE_SIZE;
}

void *kmap_local(struct page *page)
{
	unsigned long flags;
	unsigned int slot;
	int err;

	if (page_zonenum(page) != ZONE_HIGHMEM)
		return page_address(page);
	flags = arch_irq_save();
	slot = kmap_top[arch_cpu_id()];
	if (slot >= KMAP_CPU_SLOTS)
		panic("kmap_local: all %u slots of CPU %u in use (pfn 0x%x, caller %pS)",
		      KMAP_CPU_SLOTS, arch_cpu_id(), page_to_pfn(page),
		      MM_CALLER());
	err = vmm_map(vmm_kernel_pd, kmap_slot_va(slot), page_to_pfn(page),
		      MMU_WRITE);
	if (err)
		panic("kmap_local: slot %u: vmm_map returned %d", slot, err);
	kmap_top[arch_cpu_id()]++;
	arch_irq_restore(flags);
	return (void *)kmap_slot_va(slot);
}

int kunmap_local(const void *addr)
{
	uintptr_t va = ALIGN_DOWN((uintptr_t)addr, PAGE_SIZE);
	unsigned long flags;
	unsigned int top;
	int err = 0;

	if (!kmap_va(va))
		return 0;
	flags = arch_irq_save();
	top = kmap_top[arch_cpu_id()];
	if (top == 0 || va != kmap_slot_va(top - 1)) {
		__atomic_fetch_add(&kmap_refused, 1, __ATOMIC_RELAXED);
		printk("kmap: kunmap_local of 0x%08x out of order on CPU %u (%u slots in use) (caller %pS)\n",
		       (unsigned int)va, arch_cpu_id(), top, MM_CALLER());
		err = -EINVAL;
	} else {
		err = vmm_unmap(vmm_kernel_pd, va, NULL);
		if (err)
			panic("kunmap_local: slot 0x%08x: vmm_unmap returned %d",
			      (unsigned int)va, err);
		kmap_top[arch_cpu_id()]--;
	}
	arch_irq_restore(flags);
	return err;
}

unsigned int kmap_local_depth(void)
{
	return kmap_top[arch_cpu_id()];
}

unsigned long kmap_local_refused(void)
{
	return kmap_refused;
}

void clear_highpage(struct page *page)
{
	void *p = kmap_local(page);

	memset(p, 0, PAGE_SIZE);
	kunmap_local(p);
}

void kmap_local_reset(void)
{
	memset(kmap_top, 0, sizeof(kmap_top));
	kmap_refused = 0;
}
