/*
 * The VMM's boot stage: the kernel's final page tables, and what comes
 * with them.
 *
 * Design.  vmm_boot_init() describes this boot to vmm_kernel_init() (the
 * usable RAM, where low memory ends, the read-only span of the image from
 * its start through rodata, whether to use 4 MiB and global pages),
 * loads the directory it built, then turns on CR4.PSE, CR4.PGE and
 * CR0.WP as the CPU allows.  The page tables early paging took from
 * memblock then serve nothing and go to the buddy allocator.  Last come
 * vmalloc, the buddy allocator's HIGHMEM zeroing hook, the page-fault
 * and double-fault handlers (kernel/fault.c; the double-fault task gets
 * the new directory as its CR3), and vmm_check() over the new tables.
 *
 * Boot options: "nopse" keeps the direct map in 4 KiB pages; "noinvlpg"
 * flushes the TLB by reloading CR3 as on a 386 (to test that path on
 * CPUs that have invlpg; it also turns global pages off); "nopge" leaves
 * the kernel half non-global; "nowp" leaves CR0.WP clear on any CPU, so
 * that kernel writes to user memory take the 386's path (the page checked
 * in software before the write, arch/i386/usercopy.c).
 *
 * Locking: none; vmm_boot_init() runs once at boot (kernel/mm_init.c,
 * after the slab layer), one CPU, interrupts off.
 */
#include "bootmem.h"
#include "cmdline.h"
#include "cpu.h"
#include "early_paging.h"
#include "fault.h"
#include "mm_init.h"
#include "mmu.h"
#include "sections.h"
#include "usercopy.h"
#include "vmm_boot.h"
#include "mm/buddy.h"
#include "mm/highmem.h"
#include "mm/page_debug.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"

static struct vmm_boot_info info;

const struct vmm_boot_info *vmm_boot_info(void)
{
	return &info;
}

static struct vmm_boot_layout boot_layout(const struct bootmem_layout *b)
{
	struct vmm_boot_layout l = {
		.ram = b->mapped,
		.nr_ram = b->nr_mapped,
		.lowmem_end = PHYS_PFN(b->lowmem_end),
		.isa_end = PHYS_PFN(0x100000),
		/* the image from its start (boot code, text) through rodata */
		.ro_start = PHYS_PFN((uintptr_t)__kernel_start - PAGE_OFFSET),
		.ro_end = PHYS_PFN(ALIGN_UP((uintptr_t)__rodata_end - PAGE_OFFSET,
					    PAGE_SIZE)),
		.use_pse = cpu.has_pse && !cmdline_has_flag("nopse"),
		/* a CR3 reload keeps global entries: invlpg must flush them */
		.use_global = cpu.has_pge && cpu.has_invlpg &&
			      !cmdline_has_flag("nopge"),
	};
	return l;
}

/*
 * Once the VMM's directory is loaded, the page tables that early paging
 * took from memblock serve nothing: give them to the buddy allocator.  The
 * one boot.asm built lives in the kernel image and stays.
 */
static unsigned int free_early_tables(const struct bootmem_layout *b)
{
	unsigned int pdx, n = 0;

	for (pdx = arch_pdx(PAGE_OFFSET); pdx < ARCH_PT_ENTRIES; pdx++) {
		arch_pte_t e = boot_page_directory[pdx];
		pfn_t pfn = arch_pte_pfn(e);

		if (!arch_pte_present(e) || arch_pde_large(e) ||
		    (PFN_PHYS(pfn) >= b->kernel_start &&
		     PFN_PHYS(pfn) < b->kernel_end))
			continue;
		boot_page_directory[pdx] = 0;
		buddy_free_bootmem(&zones[zone_type_of_pfn(pfn)], pfn, pfn + 1);
		n++;
	}
	return n;
}

/*
 * page_poison and init_on_free from the command line: turned on here, as
 * soon as HIGHMEM frames can be mapped, so that every frame free from
 * then on is filled (include/mm/page_debug.h).
 */
static void page_debug_boot(void)
{
	unsigned int flags = 0;

	if (cmdline_has_flag("page_poison"))
		flags |= PAGE_DEBUG_POISON;
	if (cmdline_has_flag("init_on_free"))
		flags |= PAGE_DEBUG_INIT_ON_FREE;
	page_debug_kmap_hook = kmap_local;
	page_debug_kunmap_hook = kunmap_local;
	if (!flags)
		return;
	page_debug_set(flags);
	printk("page_debug: page_poison %s, init_on_free %s\n",
	       flags & PAGE_DEBUG_POISON ? "on" : "off",
	       flags & PAGE_DEBUG_INIT_ON_FREE ? "on" : "off");
}

void vmm_boot_init(void)
{
	const struct bootmem_layout *b = bootmem_layout();
	struct vmm_boot_layout l;
	struct vmm_stats st;
	int err;

	if (!b)
		panic("vmm: no boot memory layout");
	if (cmdline_has_flag("noinvlpg"))
		cpu.has_invlpg = false;		/* flush as on a 386 */
	l = boot_layout(b);
	err = vmm_kernel_init(&l);
	if (err)
		panic("vmm: cannot build the kernel page tables (%d)", err);
	info.pse = l.use_pse && x86_mmu_enable_pse();
	vmm_switch(vmm_kernel_pd);
	info.pge = l.use_global && x86_mmu_enable_pge();
	info.wp = !cmdline_has_flag("nowp") && x86_mmu_enable_wp();
	if (!info.wp)
		usercopy_write_fault = fault_user_write;
	info.early_tables_freed = free_early_tables(b);
	printk("vmm: %u early page tables given back\n",
	       info.early_tables_freed);
	if (vmalloc_init() != 0)
		panic("vmm: no cache for vmalloc areas");
	buddy_zero_highpage_hook = clear_highpage;
	page_debug_boot();
	trap_register(T_PAGE_FAULT, do_page_fault);
	tss_set_fault_cr3((uint32_t)PFN_PHYS(vmm_kernel_pd));
	trap_register(T_DOUBLE_FAULT, do_double_fault);
	vmm_stats(&st);
	printk("vmm: kernel page directory pfn 0x%x: %u page-table frames, direct map %u x 4 MiB + %u x 4 KiB\n",
	       vmm_kernel_pd, st.pgtables, st.large_pages, st.direct_pages);
	printk("vmm: kernel image to rodata read-only [mem 0x%08x-0x%08x], CR0.WP %s, TLB flush by %s, global pages %s\n",
	       (unsigned int)PFN_PHYS(l.ro_start),
	       (unsigned int)PFN_PHYS(l.ro_end) - 1,
	       info.wp ? "on" :
	       cpu.family < 4 ? "off (386)" : "off (nowp)",
	       cpu.has_invlpg ? "invlpg" : "CR3 reload",
	       info.pge ? "on" : "off");
	err = vmm_check(vmm_kernel_pd);
	if (err)
		panic("vmm: %d violations in the kernel page tables", err);
}
