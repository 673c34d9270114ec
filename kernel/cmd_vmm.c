/*
 * The VMM's kernel glue: vmm_boot_init() (the final page tables, CR0.WP,
 * the HIGHMEM zeroing hook, the page-fault handler) and its console
 * commands.
 *
 *  pgtable ADDR   walk the loaded directory for ADDR: the PDE and PTE with
 *                 their bits decoded, and what ADDR maps to;
 *  vmallocinfo    the vmalloc areas, /proc/vmallocinfo's format;
 *  vmalloc SIZE   allocate an area and print its address; vfree ADDR;
 *  vmm            page-table, vmalloc and kmap counters;
 *  vmfault KIND   fault on purpose (null, text, guard): the panic path.
 *
 * Boot options: "nopse" keeps the direct map in 4 KiB pages; "noinvlpg"
 * flushes the TLB by reloading CR3 as on a 386 (to test that path on
 * CPUs that have invlpg; it also turns global pages off); "nopge" leaves
 * the kernel half non-global.
 *
 * Page faults: vmm_fault() first (it resolves nothing in the kernel half),
 * then the process layer's user_fault() (demand-zero, copy-on-write, or
 * killing the process), then the exception table, then a panic naming the
 * decoded reason, the address, EIP and, for a vmalloc address, the area
 * or guard page it hit.
 *
 * Context: vmm_boot_init() at boot with interrupts off; commands from the
 * shell.
 */
#include "bootmem.h"
#include "cmdline.h"
#include "cpu.h"
#include "mm_init.h"
#include "mmu.h"
#include "shell.h"
#include "trap.h"
#include "mm/buddy.h"
#include "mm/highmem.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"

/* The image from its start (boot code, text) through rodata: read-only. */
extern char __kernel_start[], __rodata_end[];
extern uint32_t boot_page_directory[ARCH_PT_ENTRIES];	/* boot.asm */

static bool wp_on, pse_on, pge_on;

/*
 * The process layer's user-half fault handler (kernel/proc.c), weak so
 * that a kernel without processes still links: demand-zero, copy-on-write,
 * and killing a process that faulted.  Returns 0 if it handled the fault.
 */
#pragma weak user_fault
int user_fault(struct trap_frame *tf, const struct vmm_fault *f);

static void vmm_page_fault(struct trap_frame *tf)
{
	uint32_t ec = tf->error_code;
	struct vmm_fault f = {
		.addr = read_cr2(),
		.ip = tf->eip,
		.present = ec & X86_PF_P,
		.write = ec & X86_PF_W,
		.user = ec & X86_PF_U,
		.fetch = ec & X86_PF_I,
		.rsvd = ec & X86_PF_RSVD,
	};
	const char *area;

	if (vmm_fault(arch_mmu_current(), &f) == 0)
		return;
	if (user_fault && user_fault(tf, &f) == 0)
		return;
	if (!f.user && x86_fixup_exception(tf))
		return;
	area = vmalloc_describe(f.addr);
	trap_panic(tf, "page fault: %s at 0x%08x, eip 0x%08x (%s mode)%s%s",
		   vmm_fault_reason(&f), (unsigned int)f.addr, tf->eip,
		   f.user ? "user" : "kernel", *area ? ", " : "", area);
}

static struct vmm_boot_layout boot_layout(const struct bootmem_layout *b)
{
	struct vmm_boot_layout l = {
		.ram = b->mapped,
		.nr_ram = b->nr_mapped,
		.lowmem_end = PHYS_PFN(b->lowmem_end),
		.isa_end = PHYS_PFN(0x100000),
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
	pse_on = l.use_pse && x86_mmu_enable_pse();
	vmm_switch(vmm_kernel_pd);
	pge_on = l.use_global && x86_mmu_enable_pge();
	wp_on = x86_mmu_enable_wp();
	printk("vmm: %u early page tables given back\n", free_early_tables(b));
	if (vmalloc_init() != 0)
		panic("vmm: no cache for vmalloc areas");
	buddy_zero_highpage_hook = clear_highpage;
	trap_register(T_PAGE_FAULT, vmm_page_fault);
	vmm_stats(&st);
	printk("vmm: kernel page directory pfn 0x%x: %u page-table frames, direct map %u x 4 MiB + %u x 4 KiB\n",
	       vmm_kernel_pd, st.pgtables, st.large_pages, st.direct_pages);
	printk("vmm: kernel image to rodata read-only [mem 0x%08x-0x%08x], CR0.WP %s, TLB flush by %s, global pages %s\n",
	       (unsigned int)PFN_PHYS(l.ro_start),
	       (unsigned int)PFN_PHYS(l.ro_end) - 1, wp_on ? "on" : "off (386)",
	       cpu.has_invlpg ? "invlpg" : "CR3 reload", pge_on ? "on" : "off");
	err = vmm_check(vmm_kernel_pd);
	if (err)
		panic("vmm: %d violations in the kernel page tables", err);
}

/* --- commands ----------------------------------------------------------- */

static void print_entry(const char *what, unsigned int index, arch_pte_t e)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ X86_PTE_P, "P" }, { X86_PTE_W, "W" }, { X86_PTE_U, "U" },
		{ X86_PTE_PWT, "PWT" }, { X86_PTE_PCD, "PCD" },
		{ X86_PTE_A, "A" }, { X86_PTE_D, "D" }, { X86_PTE_PS, "PS" },
		{ X86_PTE_G, "G" },
	};
	unsigned int i;

	printk("%s[%u] 0x%08x", what, index, e);
	if (!arch_pte_present(e)) {
		printk(" not present\n");
		return;
	}
	printk(" pfn 0x%05x", arch_pte_pfn(e));
	for (i = 0; i < ARRAY_SIZE(bits); i++)
		if (e & bits[i].bit)
			printk(" %s", bits[i].name);
	printk("\n");
}

static int cmd_pgtable(int argc, char **argv)
{
	pfn_t pd = arch_mmu_current(), pfn;
	arch_pte_t pde, pte;
	unsigned int prot;
	uint64_t v;
	uintptr_t va;

	if (argc != 2 || shell_parse_u64(argv[1], &v) != 0 || v > 0xffffffffu) {
		printk("usage: pgtable ADDR\n");
		return -EINVAL;
	}
	va = (uintptr_t)v;
	printk("pgtable 0x%08x: directory pfn 0x%05x\n", (unsigned int)va, pd);
	if (vmm_lookup(pd, va, &pde, &pte) == -EINVAL) {
		printk("the loaded directory is not one the VMM built\n");
		return -EINVAL;
	}
	print_entry("PDE", arch_pdx(va), pde);
	if (arch_pte_present(pde) && !arch_pde_large(pde))
		print_entry("PTE", arch_ptx(va), pte);
	if (vmm_translate(pd, va, &pfn, &prot) != 0) {
		printk("0x%08x: not mapped\n", (unsigned int)va);
		return 0;
	}
	printk("0x%08x -> phys 0x%08x %s%s%s%s\n", (unsigned int)va,
	       (unsigned int)(PFN_PHYS(pfn) + (va & ~PAGE_MASK)),
	       prot & MMU_WRITE ? "read-write" : "read-only",
	       prot & MMU_USER ? " user" : " kernel",
	       prot & MMU_NOCACHE ? " uncached" : "",
	       arch_pde_large(pde) ? " (4 MiB page)" : "");
	return 0;
}
SHELL_COMMAND(pgtable, "pgtable", "ADDR",
	      "the PDE and PTE that map ADDR, decoded", cmd_pgtable);

static int cmd_vmallocinfo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	vmallocinfo_dump();
	return 0;
}
SHELL_COMMAND(vmallocinfo, "vmallocinfo", "",
	      "vmalloc areas (/proc/vmallocinfo)", cmd_vmallocinfo);

static int cmd_vmalloc(int argc, char **argv)
{
	uint64_t size;
	void *p;

	if (argc != 2 || shell_parse_u64(argv[1], &size) != 0 ||
	    size > 0xffffffffu) {
		printk("usage: vmalloc SIZE\n");
		return -EINVAL;
	}
	p = vmalloc((size_t)size);
	if (!p)
		return -ENOMEM;
	printk("vmalloc: 0x%08x\n", (unsigned int)(uintptr_t)p);
	return 0;
}
SHELL_COMMAND(vmalloc, "vmalloc", "SIZE", "allocate a vmalloc area",
	      cmd_vmalloc);

static int cmd_vfree(int argc, char **argv)
{
	uint64_t addr;

	if (argc != 2 || shell_parse_u64(argv[1], &addr) != 0 ||
	    addr > 0xffffffffu) {
		printk("usage: vfree ADDR\n");
		return -EINVAL;
	}
	return vfree((void *)(uintptr_t)addr);
}
SHELL_COMMAND(vfree, "vfree", "ADDR", "free a vmalloc area", cmd_vfree);

static int cmd_vmm(int argc, char **argv)
{
	struct vmalloc_stats vs;
	struct vmm_stats st;

	(void)argc;
	(void)argv;
	vmm_stats(&st);
	vmalloc_stats(&vs);
	printk("pgtables %u kernel_pgtables %u large_pages %u direct_pages %u\n",
	       st.pgtables, st.kernel_pgtables, st.large_pages, st.direct_pages);
	printk("maps %llu unmaps %llu protects %llu tables_freed %llu\n",
	       (unsigned long long)st.maps, (unsigned long long)st.unmaps,
	       (unsigned long long)st.protects,
	       (unsigned long long)st.tables_freed);
	printk("vmalloc_areas %u vmalloc_pages %u vmalloc_highmem %u largest_free %u\n",
	       vs.areas, vs.pages, vs.highmem_pages, vs.largest_free);
	printk("vmalloc_allocs %llu vfrees %llu vmalloc_failed %llu refused_vfrees %llu\n",
	       (unsigned long long)vs.allocs, (unsigned long long)vs.frees,
	       (unsigned long long)vs.failed,
	       (unsigned long long)vs.refused_frees);
	printk("kmap_depth %u kmap_refused %lu fixups %lu pse %s pge %s wp %s tlb %s\n",
	       kmap_local_depth(), kmap_local_refused(), x86_fixups_taken,
	       pse_on ? "on" : "off", pge_on ? "on" : "off",
	       wp_on ? "on" : "off", cpu.has_invlpg ? "invlpg" : "cr3");
	return 0;
}
SHELL_COMMAND(vmm, "vmm", "", "page-table, vmalloc and kmap counters", cmd_vmm);

static int cmd_vmfault(int argc, char **argv)
{
	volatile uint8_t *p;
	uintptr_t null = 0;

	__asm__("" : "+r"(null));	/* a plain load, not a known NULL */
	if (argc == 2 && strcmp(argv[1], "null") == 0) {
		p = (volatile uint8_t *)null;
		return *p;
	}
	if (argc == 2 && strcmp(argv[1], "text") == 0) {
		p = (volatile uint8_t *)(uintptr_t)cmd_vmfault;
		*p = 0xcc;
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "guard") == 0) {
		p = vmalloc(PAGE_SIZE);
		if (!p)
			return -ENOMEM;
		p[PAGE_SIZE] = 1;
		return 0;
	}
	printk("usage: vmfault null|text|guard\n");
	return -EINVAL;
}
SHELL_COMMAND(vmfault, "vmfault", "null|text|guard",
	      "fault on purpose (panics)", cmd_vmfault);
