/*
 * Console commands of the VMM: page tables, vmalloc and kmap.
 *
 *  pgtable ADDR   walk the loaded directory for ADDR: the PDE and PTE with
 *                 their bits decoded, and what ADDR maps to;
 *  vmallocinfo    the vmalloc areas, /proc/vmallocinfo's format;
 *  vmalloc SIZE   allocate an area and print its address; vfree ADDR;
 *  vmm            page-table, vmalloc, kernel-stack and kmap counters, and
 *                 the paging features the boot stage turned on
 *                 (kernel/vmm_boot.c);
 *  vmfault KIND   fault on purpose (null, text, guard): the panic path of
 *                 the page-fault handler (kernel/fault.c); kstack: recurse
 *                 until the shell's kernel stack runs into its guard page,
 *                 the double-fault panic.
 *
 * Design.  Each command is a thin reader of the VMM's public calls and
 * counters; none changes a mapping except vmalloc/vfree, which go through
 * the same calls as any kernel code.
 *
 * Locking: none here; the commands run from the shell (process context,
 * interrupts on) and the VMM's calls take the locks they need.
 */
#include "cpu.h"
#include "cpus.h"
#include "ipi.h"
#include "mmu.h"
#include "shell.h"
#include "vmm_boot.h"
#include "mm/highmem.h"
#include "mm/kstack.h"
#include "mm/vmalloc.h"
#include "mm/vmm.h"

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
	const struct vmm_boot_info *b = vmm_boot_info();
	struct vmalloc_stats vs;
	struct kstack_stats ks;
	struct vmm_stats st;

	(void)argc;
	(void)argv;
	vmm_stats(&st);
	vmalloc_stats(&vs);
	kstack_stats(&ks);
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
	printk("kstacks %u kstack_slots %u kstack_highmem %u kstack_allocs %llu kstack_frees %llu kstack_failed %llu refused_kstack_frees %llu\n",
	       ks.stacks, ks.slots, ks.highmem_pages,
	       (unsigned long long)ks.allocs, (unsigned long long)ks.frees,
	       (unsigned long long)ks.failed,
	       (unsigned long long)ks.refused_frees);
	printk("kmap_depth %u kmap_refused %lu fixups %lu pse %s pge %s wp %s tlb %s\n",
	       kmap_local_depth(), kmap_local_refused(), x86_fixups_taken,
	       b->pse ? "on" : "off", b->pge ? "on" : "off",
	       b->wp ? "on" : "off", cpu.has_invlpg ? "invlpg" : "cr3");
	return 0;
}
SHELL_COMMAND(vmm, "vmm", "", "page-table, vmalloc and kmap counters", cmd_vmm);

/* How deep kstack_recurse() goes: never reached, but the compiler cannot
 * know, so the recursion stays a recursion. */
static volatile unsigned int kstack_depth_limit = ~0u;

/* Each level keeps a 512-byte frame live across the call (well under the
 * guard page, so the stack walks into it rather than jumping past). */
static __attribute__((noinline)) unsigned int kstack_recurse(unsigned int n)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)n;
	if (n >= kstack_depth_limit)
		return frame[0];
	return kstack_recurse(n + 1) + frame[0];
}

static void kstack_overflow(void)
{
	kstack_recurse(0);
}

/*
 * The AP's double-fault task panics, and the panic stops the machine:
 * wait for it here (a second at most) rather than print the prompt into
 * its report.
 */
static int vmfault_wait_panic(unsigned int cpu)
{
	unsigned long start = arch_ticks();

	while (arch_ticks() - start < ARCH_HZ)
		__asm__ volatile("sti; hlt");
	printk("vmfault: CPU %u did not overflow its kernel stack within a second\n",
	       cpu);
	return -EBUSY;
}

/* `vmfault kstack CPU`: the overflow on an AP, by IPI, to show its own
 * double-fault task catches it. */
static int vmfault_kstack_on(const char *arg)
{
	uint64_t cpu;
	int err = shell_parse_u64(arg, &cpu);

	if (err || cpu >= nr_cpu_slots ||
	    !__atomic_load_n(&cpu_slots[cpu].online, __ATOMIC_ACQUIRE)) {
		printk("vmfault: %s: not an online CPU\n", arg);
		return -EINVAL;
	}
	if (cpu == 0)
		return (int)kstack_recurse(0);
	err = ipi_call((unsigned int)cpu, kstack_overflow);
	if (err)
		return err;
	return vmfault_wait_panic((unsigned int)cpu);
}

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
	if (argc == 2 && strcmp(argv[1], "kstack") == 0)
		return (int)kstack_recurse(0);
	if (argc == 3 && strcmp(argv[1], "kstack") == 0)
		return vmfault_kstack_on(argv[2]);
	printk("usage: vmfault null|text|guard|kstack [CPU]\n");
	return -EINVAL;
}
SHELL_COMMAND(vmfault, "vmfault", "null|text|guard|kstack [CPU]",
	      "fault on purpose (panics)", cmd_vmfault);
