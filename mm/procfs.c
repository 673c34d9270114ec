/*
 * Linux's /proc formats for kmem386's figures: meminfo, zoneinfo, vmstat,
 * PID/maps and PID/status.
 *
 * Design.  Gathering and printing are apart: a _fill() function reads
 * the subsystems through their accessors (zone_free_pages(),
 * zone_counters(), zone_pcp_info(), slab_total_frames(), vmalloc_stats(),
 * mm_get_stats(), mm_vm_stats()) into a plain struct, and a _show()
 * function prints that struct in Linux's layout into a struct seq_buf.
 * Nothing here reads a zone's hot lists or a cache's slabs directly, so
 * a change to how those are kept touches their accessor only.  The
 * layouts are Linux 6.1's: meminfo's "%-16s%8lu kB" (fs/proc/meminfo.c),
 * zoneinfo's blocks (mm/vmstat.c), vmstat's "name value", maps' columns
 * with the name padded to the column a 32-bit kernel pads to
 * (fs/proc/task_mmu.c), status' "Name:\t%8lu kB".  Only the fields
 * kmem386 has a true value for are printed, in Linux's order; the rest
 * are left out rather than printed as zero, except those whose zero is
 * the truth here (no page cache, no swap, no watermark boost, no CMA).
 *
 * Locking: seq_buf and the _show() functions touch only their arguments.
 * The _fill() functions take the locks their accessors take.
 */
#include "mm/buddy.h"
#include "mm/kstack.h"
#include "mm/procfs.h"
#include "mm/shm.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

/* --- seq_buf ------------------------------------------------------------ */

void seq_buf_init(struct seq_buf *s, char *buf, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->size = size;
	buf[0] = '\0';
}

void seq_buf_flush(struct seq_buf *s)
{
	if (!s->flush || !s->len)
		return;
	s->flush(s->buf, s->flush_arg);
	s->len = 0;
	s->buf[0] = '\0';
}

/* Keep @n bytes just formatted at the end of @s if they fitted whole. */
static bool seq_buf_took(struct seq_buf *s, int n)
{
	if (n >= 0 && (size_t)n < s->size - s->len) {
		s->len += (size_t)n;
		return true;
	}
	s->buf[s->len] = '\0';	/* drop the cut piece; a flush may retry */
	return false;
}

int seq_buf_printf(struct seq_buf *s, const char *fmt, ...)
{
	va_list ap, again;
	bool ok;
	int n;

	/* Both lists are started here: clang-analyzer's valist checker
	 * does not follow va_start() into vsnprintf(), hence the NOLINTs. */
	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(s->buf + s->len, s->size - s->len, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
	ok = seq_buf_took(s, n);
	if (!ok && s->flush && s->len) {
		seq_buf_flush(s);
		n = vsnprintf(s->buf, s->size, fmt, again); /* NOLINT(clang-analyzer-valist.Uninitialized) */
		ok = seq_buf_took(s, n);
	}
	va_end(again);
	va_end(ap);
	if (!ok)
		s->overflow = true;
	return ok ? 0 : -E2BIG;
}

/* --- meminfo ------------------------------------------------------------ */

static void kb_line(struct seq_buf *s, const char *name, uint64_t kb)
{
	seq_buf_printf(s, "%-16s%8llu kB\n", name, (unsigned long long)kb);
}

static uint64_t pages_kb(uint64_t pages)
{
	return pages * (PAGE_SIZE / 1024);
}

/* Frames whose descriptor carries @flag. */
static uint32_t count_flag(uint32_t flag)
{
	uint32_t n = 0;
	pfn_t pfn;

	for (pfn = 0; mem_map && pfn < max_pfn; pfn++)
		if (mem_map[pfn].flags & flag)
			n++;
	return n;
}

/*
 * Linux's si_mem_available() with what kmem386 has: the free frames less
 * every zone's reserve (its high watermark; no zone holds a lowmem
 * reserve), plus the reclaimable slab frames less the part reclaim would
 * leave (half of them, at most the sum of the low watermarks).  There is
 * no page cache to add.
 */
static uint32_t mem_available(uint32_t free, uint32_t reclaimable)
{
	uint64_t reserve = 0, wmark_low = 0;
	int64_t avail;
	unsigned int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		reserve += MIN(zones[z].watermark[WMARK_HIGH],
			       zones[z].managed_pages);
		wmark_low += zones[z].watermark[WMARK_LOW];
	}
	avail = (int64_t)free - (int64_t)reserve;
	avail += reclaimable - MIN(reclaimable / 2, wmark_low);
	return avail > 0 ? (uint32_t)avail : 0;
}

static uint32_t kernel_stack_kb(void)
{
	struct kstack_stats ks;

	kstack_stats(&ks);
	return ks.stacks * (KSTACK_SIZE / 1024);
}

void procfs_meminfo_fill(struct procfs_meminfo *mi)
{
	const struct zone *high = &zones[ZONE_HIGHMEM];
	struct vmalloc_stats vs;
	struct shm_stats ss;
	struct mm_stats ms;

	memset(mi, 0, sizeof(*mi));
	mm_get_stats(&ms);
	vmalloc_stats(&vs);
	mi->total = zones_total_managed();
	mi->free = zones_total_free();
	mi->high_total = high->managed_pages;
	mi->high_free = zone_free_pages(high);
	shm_get_stats(&ss);
	/* shared anonymous frames and System V segments' resident pages */
	mi->shmem = mi->mapped = mi->cached = ms.shmem_frames + ss.resident;
	mi->anon = ms.user_frames - mi->shmem;
	mi->slab = (uint32_t)slab_total_frames();
	mi->slab_reclaimable = (uint32_t)slab_reclaimable_frames();
	mi->available = mem_available(mi->free, mi->slab_reclaimable);
	mi->kernel_stack_kb = kernel_stack_kb();
	mi->page_tables = count_flag(PG_pgtable);
	mi->commit_limit = mm_commit_limit();
	mi->vmalloc_total_kb = (VMALLOC_END - VMALLOC_START) / 1024;
	mi->vmalloc_used = vs.pages;
	mi->vmalloc_chunk_kb = vs.largest_free / 1024;
}

void procfs_meminfo_show(struct seq_buf *s, const struct procfs_meminfo *mi)
{
	kb_line(s, "MemTotal:", pages_kb(mi->total));
	kb_line(s, "MemFree:", pages_kb(mi->free));
	kb_line(s, "MemAvailable:", pages_kb(mi->available));
	kb_line(s, "Buffers:", 0);
	kb_line(s, "Cached:", pages_kb(mi->cached));
	kb_line(s, "SwapCached:", 0);
	kb_line(s, "HighTotal:", pages_kb(mi->high_total));
	kb_line(s, "HighFree:", pages_kb(mi->high_free));
	kb_line(s, "LowTotal:", pages_kb(mi->total - mi->high_total));
	kb_line(s, "LowFree:", pages_kb(mi->free - mi->high_free));
	kb_line(s, "SwapTotal:", 0);
	kb_line(s, "SwapFree:", 0);
	kb_line(s, "AnonPages:", pages_kb(mi->anon));
	kb_line(s, "Mapped:", pages_kb(mi->mapped));
	kb_line(s, "Shmem:", pages_kb(mi->shmem));
	kb_line(s, "KReclaimable:", pages_kb(mi->slab_reclaimable));
	kb_line(s, "Slab:", pages_kb(mi->slab));
	kb_line(s, "SReclaimable:", pages_kb(mi->slab_reclaimable));
	kb_line(s, "SUnreclaim:", pages_kb(mi->slab - mi->slab_reclaimable));
	kb_line(s, "KernelStack:", mi->kernel_stack_kb);
	kb_line(s, "PageTables:", pages_kb(mi->page_tables));
	kb_line(s, "CommitLimit:", pages_kb(mi->commit_limit));
	kb_line(s, "Committed_AS:", pages_kb(mi->committed));
	kb_line(s, "VmallocTotal:", mi->vmalloc_total_kb);
	kb_line(s, "VmallocUsed:", pages_kb(mi->vmalloc_used));
	kb_line(s, "VmallocChunk:", mi->vmalloc_chunk_kb);
}

/* --- zoneinfo ----------------------------------------------------------- */

void procfs_zone_fill(struct procfs_zone *out, struct zone *z,
		      const unsigned int *cpus, unsigned int nr_cpus)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	out->name = z->name;
	out->free = zone_free_pages(z);
	out->min = z->watermark[WMARK_MIN];
	out->low = z->watermark[WMARK_LOW];
	out->high = z->watermark[WMARK_HIGH];
	out->spanned = z->end_pfn - z->start_pfn;
	out->present = z->present_pages;
	out->managed = z->managed_pages;
	out->start_pfn = z->start_pfn;
	out->nr_zones = MAX_NR_ZONES;	/* protection: no lowmem reserve */
	out->nr_pcp = MIN(nr_cpus, (unsigned int)PROCFS_MAX_CPUS);
	for (i = 0; i < out->nr_pcp; i++) {
		struct zone_pcp_info pi;

		zone_pcp_info(z, cpus[i], &pi);
		out->pcp[i].cpu = cpus[i];
		out->pcp[i].count = pi.count;
		out->pcp[i].high = pi.high;
		out->pcp[i].batch = pi.batch;
	}
}

/* One "      %-12s %lu" item line of zoneinfo. */
static void item_line(struct seq_buf *s, const char *name, uint64_t v)
{
	seq_buf_printf(s, "\n      %-12s %llu", name, (unsigned long long)v);
}

/* The node items kmem386 has, in Linux's order (enum node_stat_item). */
static void node_items(struct seq_buf *s, const struct procfs_vmstat *vs,
		       void (*line)(struct seq_buf *, const char *, uint64_t))
{
	line(s, "nr_slab_reclaimable", vs->slab_reclaimable);
	line(s, "nr_slab_unreclaimable", vs->slab_unreclaimable);
	line(s, "nr_anon_pages", vs->anon);
	line(s, "nr_mapped", vs->mapped);
	line(s, "nr_file_pages", vs->file);
	line(s, "nr_shmem", vs->shmem);
	line(s, "nr_kernel_stack", vs->kernel_stack_kb);
	line(s, "nr_page_table_pages", vs->page_tables);
}

static void zone_pagesets(struct seq_buf *s, const struct procfs_zone *z)
{
	unsigned int i;

	seq_buf_printf(s, "\n  pagesets");
	for (i = 0; i < z->nr_pcp; i++)
		seq_buf_printf(s,
			       "\n    cpu: %u"
			       "\n              count: %u"
			       "\n              high:  %u"
			       "\n              batch: %u",
			       z->pcp[i].cpu, z->pcp[i].count, z->pcp[i].high,
			       z->pcp[i].batch);
}

void procfs_zoneinfo_show(struct seq_buf *s, const struct procfs_zone *z,
			  const struct procfs_vmstat *node)
{
	unsigned int i;

	seq_buf_printf(s, "Node 0, zone %8s", z->name);
	if (node) {
		seq_buf_printf(s, "\n  per-node stats");
		node_items(s, node, item_line);
	}
	seq_buf_printf(s,
		       "\n  pages free     %u"
		       "\n        boost    0"
		       "\n        min      %u"
		       "\n        low      %u"
		       "\n        high     %u"
		       "\n        spanned  %u"
		       "\n        present  %u"
		       "\n        managed  %u"
		       "\n        cma      0",
		       z->free, z->min, z->low, z->high, z->spanned,
		       z->present, z->managed);
	seq_buf_printf(s, "\n        protection: (%u", z->protection[0]);
	for (i = 1; i < z->nr_zones && i < MAX_NR_ZONES; i++)
		seq_buf_printf(s, ", %u", z->protection[i]);
	seq_buf_printf(s, ")");
	if (!z->managed) {
		seq_buf_printf(s, "\n");
		return;
	}
	item_line(s, "nr_free_pages", z->free);
	zone_pagesets(s, z);
	seq_buf_printf(s, "\n  start_pfn:           %u\n", z->start_pfn);
}

/* --- vmstat ------------------------------------------------------------- */

void procfs_vmstat_fill(struct procfs_vmstat *vs)
{
	struct procfs_meminfo mi;
	struct mm_stats ms;
	unsigned int z;

	memset(vs, 0, sizeof(*vs));
	procfs_meminfo_fill(&mi);
	mm_get_stats(&ms);
	vs->free = mi.free;
	vs->slab_reclaimable = mi.slab_reclaimable;
	vs->slab_unreclaimable = mi.slab - mi.slab_reclaimable;
	vs->anon = mi.anon;
	vs->mapped = mi.mapped;
	vs->file = mi.cached;		/* shmem is all Linux would file */
	vs->shmem = mi.shmem;
	vs->kernel_stack_kb = mi.kernel_stack_kb;
	vs->page_tables = mi.page_tables;
	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone_counters c;

		zone_counters(&zones[z], &c);
		vs->pgalloc[z] = c.alloc_pages;
		vs->pgfree += c.freed_pages;
	}
	vs->pgfault = ms.faults;
	vs->oom_kill = ms.oom_kill;
}

static void vmstat_line(struct seq_buf *s, const char *name, uint64_t v)
{
	seq_buf_printf(s, "%s %llu\n", name, (unsigned long long)v);
}

void procfs_vmstat_show(struct seq_buf *s, const struct procfs_vmstat *vs)
{
	vmstat_line(s, "nr_free_pages", vs->free);
	node_items(s, vs, vmstat_line);
	vmstat_line(s, "pgalloc_dma", vs->pgalloc[ZONE_DMA]);
	vmstat_line(s, "pgalloc_normal", vs->pgalloc[ZONE_NORMAL]);
	vmstat_line(s, "pgalloc_high", vs->pgalloc[ZONE_HIGHMEM]);
	vmstat_line(s, "pgfree", vs->pgfree);
	vmstat_line(s, "pgfault", vs->pgfault);
	vmstat_line(s, "pgmajfault", vs->pgmajfault);
	vmstat_line(s, "oom_kill", vs->oom_kill);
}

/* --- maps --------------------------------------------------------------- */

/* The column a 32-bit Linux pads the prefix to before the name. */
#define MAPS_NAME_PAD	(25 + 4 * 6 - 1)

void procfs_map_of(struct procfs_map *out, const struct vma *v,
		   const struct procfs_exe *exe)
{
	out->start = v->start;
	out->end = v->end;
	out->flags = v->flags;
	out->pgoff_bytes = 0;
	out->name = NULL;
	if (v->flags & VM_HEAP) {
		out->name = "[heap]";
	} else if (v->flags & VM_GROWSDOWN) {
		out->name = "[stack]";
	} else if (v->flags & VM_IMAGE) {
		out->name = exe ? exe->name : NULL;
		/* image + (start - img_start) is start's byte of the file */
		if (exe && exe->image)
			out->pgoff_bytes = (uint32_t)((v->image - exe->image) +
						      (intptr_t)(v->start -
								 v->img_start));
	}
}

void procfs_maps_show_line(struct seq_buf *s, const struct procfs_map *m)
{
	char line[96];
	int n;

	n = snprintf(line, sizeof(line), "%08lx-%08lx %c%c%c%c %08lx 00:00 0 ",
		     (unsigned long)m->start, (unsigned long)m->end,
		     m->flags & VM_READ ? 'r' : '-',
		     m->flags & VM_WRITE ? 'w' : '-',
		     m->flags & VM_EXEC ? 'x' : '-',
		     m->flags & VM_SHARED ? 's' : 'p',
		     (unsigned long)m->pgoff_bytes);
	if (m->name)
		seq_buf_printf(s, "%-*s %s\n", MAPS_NAME_PAD, line, m->name);
	else
		seq_buf_printf(s, "%.*s\n", n, line);
}

void procfs_maps_show(struct seq_buf *s, struct mm *mm,
		      const struct procfs_exe *exe)
{
	struct vma *v;

	for (v = mm_next_vma(mm, 0); v; v = mm_next_vma(mm, v->start)) {
		struct procfs_map m;

		procfs_map_of(&m, v, exe);
		procfs_maps_show_line(s, &m);
	}
}

/* --- status ------------------------------------------------------------- */

static const char *state_text(char state)
{
	switch (state) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'Z': return "Z (zombie)";
	}
	return "? (unknown)";
}

static void status_kb(struct seq_buf *s, const char *name, uint64_t kb)
{
	seq_buf_printf(s, "%s:\t%8llu kB\n", name, (unsigned long long)kb);
}

/* Linux's task_mem() lines, for the figures of @vm. */
static void status_vm(struct seq_buf *s, const struct mm_vm_stats *vm)
{
	uint32_t lib = vm->exec > vm->text ? vm->exec - vm->text : 0;

	status_kb(s, "VmPeak", pages_kb(vm->hiwater_vm));
	status_kb(s, "VmSize", pages_kb(vm->total_vm));
	status_kb(s, "VmLck", 0);
	status_kb(s, "VmPin", 0);
	status_kb(s, "VmHWM", pages_kb(vm->hiwater_rss));
	status_kb(s, "VmRSS", pages_kb(vm->rss));
	status_kb(s, "RssAnon", pages_kb(vm->rss - vm->rss_shmem));
	status_kb(s, "RssFile", 0);
	status_kb(s, "RssShmem", pages_kb(vm->rss_shmem));
	status_kb(s, "VmData", pages_kb(vm->data));
	status_kb(s, "VmStk", pages_kb(vm->stack));
	status_kb(s, "VmExe", pages_kb(vm->text));
	status_kb(s, "VmLib", pages_kb(lib));
	status_kb(s, "VmPTE", pages_kb(vm->pte_tables));
	status_kb(s, "VmSwap", 0);
}

void procfs_status_show(struct seq_buf *s, const struct procfs_task *t)
{
	seq_buf_printf(s, "Name:\t%s\n", t->name);
	seq_buf_printf(s, "State:\t%s\n", state_text(t->state));
	seq_buf_printf(s, "Tgid:\t%d\n", t->pid);
	seq_buf_printf(s, "Pid:\t%d\n", t->pid);
	seq_buf_printf(s, "PPid:\t%d\n", t->ppid);
	if (t->has_mm)
		status_vm(s, &t->vm);
	seq_buf_printf(s, "Threads:\t1\n");
}
