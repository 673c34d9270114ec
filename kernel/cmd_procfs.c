/*
 * Console commands that print Linux's /proc files (mm/procfs.c has the
 * formats), and kmem386's own figures beside them:
 *
 *  meminfo     /proc/meminfo
 *  kmeminfo    kmem386's lines: each zone's pfn span, present, managed
 *              and free frames; kmalloc's requested and wasted bytes
 *  zoneinfo    /proc/zoneinfo: watermarks, sizes, each online CPU's hot
 *              lists as Linux's pagesets
 *  vmstat      /proc/vmstat's counters kmem386 has, then its own (fault
 *              kinds, soft write-protect checks, injected failures, FPU
 *              switches, frames by use, free per zone)
 *  maps PID    /proc/PID/maps
 *  status PID  /proc/PID/status
 *
 * Design.  What only the kernel knows is added here: the committed
 * memory of every live process (Committed_AS), the online CPUs, each
 * process's name, state and program.  Reports go through a small
 * seq_buf that is printed whenever it fills, so none is cut.
 *
 * Locking: none.  The process list and the address spaces change only
 * in processes' own system calls and faults, and no process runs while
 * the shell runs a command (kernel code is never preempted), so they
 * stay still while a report walks them, interrupts on: a long maps
 * listing does not hold the clock.  Context: the shell.
 */
#include "cpus.h"
#include "proc.h"
#include "shell.h"
#include "usercopy.h"
#include "mm/fault_inject.h"
#include "mm/procfs.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

static void print_flush(const char *text, void *arg)
{
	(void)arg;
	printk("%s", text);
}

static char report_buf[512];

/* A seq_buf over report_buf that prints whenever it fills. */
static void report_start(struct seq_buf *s)
{
	seq_buf_init(s, report_buf, sizeof(report_buf));
	s->flush = print_flush;
}

/* Pages all live address spaces have promised (writable regions). */
static uint32_t committed_pages(void)
{
	struct mm_vm_stats st;
	uint32_t pages = 0;
	struct proc *p;

	for (p = proc_first(); p; p = p->next) {
		if (!p->mm)
			continue;
		mm_vm_stats(p->mm, &st);
		pages += st.committed;
	}
	return pages;
}

static int cmd_meminfo(int argc, char **argv)
{
	struct procfs_meminfo mi;
	struct seq_buf s;

	(void)argc;
	(void)argv;
	if (!mem_map) {
		printk("meminfo: the zones are not set up\n");
		return 1;
	}
	procfs_meminfo_fill(&mi);
	mi.committed = committed_pages();
	report_start(&s);
	procfs_meminfo_show(&s, &mi);
	seq_buf_flush(&s);
	return 0;
}
SHELL_COMMAND(meminfo, "meminfo", "", "memory totals (/proc/meminfo)",
	      cmd_meminfo);

static int cmd_kmeminfo(int argc, char **argv)
{
	unsigned int z;

	(void)argc;
	(void)argv;
	if (!mem_map) {
		printk("kmeminfo: the zones are not set up\n");
		return 1;
	}
	for (z = 0; z < MAX_NR_ZONES; z++)
		printk("Zone %-8s pfn [0x%08x, 0x%08x) present %u managed %u free %u\n",
		       zones[z].name, zones[z].start_pfn, zones[z].end_pfn,
		       zones[z].present_pages, zones[z].managed_pages,
		       zone_free_pages(&zones[z]));
	slab_meminfo_dump();
	return 0;
}
SHELL_COMMAND(kmeminfo, "kmeminfo", "",
	      "zones' spans and free frames, kmalloc waste", cmd_kmeminfo);

/* The online CPUs' numbers.  Returns: how many. */
static unsigned int online_cpus(unsigned int *cpus)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr_cpu_slots && n < PROCFS_MAX_CPUS; i++)
		if (cpu_slots[i].online)
			cpus[n++] = i;
	return n;
}

static int cmd_zoneinfo(int argc, char **argv)
{
	unsigned int cpus[PROCFS_MAX_CPUS], nr = online_cpus(cpus), z;
	const struct procfs_vmstat *node;
	static struct procfs_zone pz;
	struct procfs_vmstat vs;
	bool first = true;
	struct seq_buf s;

	(void)argc;
	(void)argv;
	procfs_vmstat_fill(&vs);
	report_start(&s);
	for (z = 0; z < MAX_NR_ZONES; z++) {
		procfs_zone_fill(&pz, &zones[z], cpus, nr);
		node = first && zone_populated(&zones[z]) ? &vs : NULL;
		if (node)
			first = false;
		procfs_zoneinfo_show(&s, &pz, node);
	}
	seq_buf_flush(&s);
	return 0;
}
SHELL_COMMAND(zoneinfo, "zoneinfo", "", "zones in /proc/zoneinfo's format",
	      cmd_zoneinfo);

/* kmem386's own counters, after Linux's. */
static void vmstat_own(void)
{
	struct vmalloc_stats vs;
	struct fault_stats fi;
	struct fpu_stats fs;
	struct vmm_stats ps;
	struct mm_stats s;
	unsigned int z;

	mm_get_stats(&s);
	fpu_get_stats(&fs);
	vmm_stats(&ps);
	vmalloc_stats(&vs);
	printk("pgfault_demand_zero %llu\n", s.demand_zero);
	printk("pgfault_zero_page %llu\n", s.zero_page);
	printk("pgfault_image %llu\n", s.image_fill);
	printk("pgfault_cow_copy %llu\n", s.cow_copy);
	printk("pgfault_cow_reuse %llu\n", s.cow_reuse);
	printk("pgfault_stack_grow %llu\n", s.stack_grow);
	printk("pgfault_soft_wp %lu\n", usercopy_soft_faults);
	printk("segfault %llu\n", s.segfault);
	printk("fork %llu\n", s.forks);
	printk("fork_fail %llu\n", s.fork_fail);
	printk("fork_refused %llu\n", proc_forks_refused);
	printk("fpu_trap %llu\n", fs.traps);
	printk("fpu_restore %llu\n", fs.restores);
	printk("fpu_save %llu\n", fs.saves);
	fault_inject_get(FAULT_PAGE, NULL, &fi);
	printk("fault_inject_page %llu\n", fi.injected);
	fault_inject_get(FAULT_SLAB, NULL, &fi);
	printk("fault_inject_slab %llu\n", fi.injected);
	for (z = 0; z < MAX_NR_ZONES; z++)
		if (zone_populated(&zones[z]))
			printk("nr_free_%s %u\n", zones[z].name,
			       zone_free_pages(&zones[z]));
	printk("nr_user_frames %u\n", s.user_frames);
	printk("nr_zero_page %u\n", mm_zero_pfn != PFN_NONE ? 1u : 0u);
	printk("nr_page_table %u\n", ps.pgtables);
	printk("nr_proc_kstack %u\n", proc_count() * KSTACK_PAGES);
	printk("nr_slab %lu\n", slab_total_frames());
	printk("nr_vmalloc %u\n", vs.pages);
	printk("nr_mm %u\n", s.spaces);
	printk("nr_vma %u\n", s.vmas);
	printk("nr_proc %u\n", proc_count());
	printk("nr_fpu_owner %u\n", fpu_owners());
}

static int cmd_vmstat(int argc, char **argv)
{
	struct procfs_vmstat vs;
	struct seq_buf s;

	(void)argc;
	(void)argv;
	procfs_vmstat_fill(&vs);
	report_start(&s);
	procfs_vmstat_show(&s, &vs);
	seq_buf_flush(&s);
	vmstat_own();
	return 0;
}
SHELL_COMMAND(vmstat, "vmstat", "",
	      "/proc/vmstat's counters, then kmem386's", cmd_vmstat);

/* --- maps PID, status PID ---------------------------------------------- */

/* The process numbered by argv[1], or NULL (the reason printed). */
static struct proc *pid_arg(int argc, char **argv)
{
	uint64_t pid;
	struct proc *p;

	if (argc != 2 || shell_parse_u64(argv[1], &pid) != 0) {
		printk("usage: %s PID\n", argv[0]);
		return NULL;
	}
	for (p = proc_first(); p; p = p->next)
		if ((uint64_t)p->pid == pid)
			return p;
	printk("%s: no process %llu\n", argv[0], (unsigned long long)pid);
	return NULL;
}

static int cmd_maps(int argc, char **argv)
{
	const struct user_prog *prog;
	struct procfs_exe exe;
	struct seq_buf s;
	struct proc *p;

	p = pid_arg(argc, argv);
	if (!p)
		return -EINVAL;
	prog = user_prog_find(p->name);
	exe.name = p->name;
	exe.image = prog ? prog->image : NULL;
	report_start(&s);
	if (p->mm)
		procfs_maps_show(&s, p->mm, &exe);
	seq_buf_flush(&s);
	return 0;
}
SHELL_COMMAND(maps, "maps", "PID", "a process's regions (/proc/PID/maps)",
	      cmd_maps);

static char state_letter(enum proc_state st)
{
	switch (st) {
	case PROC_RUNNABLE:
	case PROC_RUNNING:
		return 'R';
	case PROC_SLEEPING:
		return 'S';
	case PROC_ZOMBIE:
		return 'Z';
	}
	return '?';
}

static int cmd_status(int argc, char **argv)
{
	struct procfs_task t;
	struct seq_buf s;
	struct proc *p;

	p = pid_arg(argc, argv);
	if (!p)
		return -EINVAL;
	memset(&t, 0, sizeof(t));
	t.name = p->name;
	t.state = state_letter(p->state);
	t.pid = p->pid;
	t.ppid = p->parent ? p->parent->pid : 0;
	t.has_mm = p->mm != NULL;
	if (p->mm)
		mm_vm_stats(p->mm, &t.vm);
	report_start(&s);
	procfs_status_show(&s, &t);
	seq_buf_flush(&s);
	return 0;
}
SHELL_COMMAND(status, "status", "PID",
	      "a process's state and sizes (/proc/PID/status)", cmd_status);
