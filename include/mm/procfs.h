/*
 * Reports in the formats of Linux's /proc files, to the column: meminfo,
 * zoneinfo, vmstat, PID/maps and PID/status, so that scripts written for
 * Linux read kmem386's console unchanged.
 *
 * Each report is a figures struct and a formatter.  A _fill() function
 * gathers the figures mm/ knows (zones, slab, vmalloc, address spaces)
 * through their accessors; the caller adds what only it knows (kernel
 * stacks, committed memory of every process, the online CPUs); a _show()
 * function prints them into a struct seq_buf.  The formatters touch
 * nothing but their arguments, so host tests feed them the figures of a
 * Linux sample and compare the text line by line.
 *
 * Which Linux fields are printed, and how each derived figure is
 * computed, is in docs/DESIGN.md ("Introspection").  A field kmem386 has
 * no such thing for is printed only where its value is really zero
 * (no page cache: Buffers, Cached of files; no swap), never invented.
 *
 * Locking: the _fill() functions read counters without locks where a
 * single word is read (a snapshot is all a report needs) and take the
 * locks the accessors take; see each.  The _show() functions take none.
 */
#ifndef MM_PROCFS_H
#define MM_PROCFS_H

#include "mm/mm.h"
#include "mm/zones.h"

/*
 * A bounded text buffer.  With @flush set, text that would not fit is
 * preceded by a flush of what the buffer holds (the kernel prints it), so
 * a report of any length goes through a small buffer; without it, text
 * that does not fit sets @overflow and is cut.  @buf always ends in NUL.
 */
struct seq_buf {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
	void (*flush)(const char *text, void *arg);
	void *flush_arg;
};

/* Start @s on @buf of @size bytes (at least 2), without a flush. */
void seq_buf_init(struct seq_buf *s, char *buf, size_t size);

/* Append formatted text.  Returns: 0, or -E2BIG if it was cut. */
int seq_buf_printf(struct seq_buf *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Hand what @s holds to its flush and empty it (nothing without one). */
void seq_buf_flush(struct seq_buf *s);

/* --- /proc/meminfo ------------------------------------------------------ */

/* Figures in frames unless named otherwise. */
struct procfs_meminfo {
	uint32_t total, free, available;
	uint32_t cached;		/* shared anonymous frames (shmem) */
	uint32_t high_total, high_free;
	uint32_t anon;			/* private user frames */
	uint32_t mapped;		/* shmem frames, all mapped */
	uint32_t shmem;
	uint32_t slab, slab_reclaimable;
	uint32_t kernel_stack_kb;
	uint32_t page_tables;
	uint32_t commit_limit, committed;
	uint64_t vmalloc_total_kb;
	uint32_t vmalloc_used;
	uint64_t vmalloc_chunk_kb;
};

/*
 * procfs_meminfo_fill - the figures of the zones, slab, vmalloc, user
 * frames and page tables; kernel_stack_kb from the kernel-stack area.
 * committed is left 0: the caller sums mm_vm_stats().committed over the
 * live address spaces (mm/ keeps no list of them).  How each derived
 * figure (MemAvailable, CommitLimit, ...) is computed: docs/DESIGN.md.
 * Context: any but an IRQ handler (takes the slab and vmalloc locks;
 * walks mem_map).  Returns: nothing.
 */
void procfs_meminfo_fill(struct procfs_meminfo *mi);

/* Print /proc/meminfo's lines ("%-16s%8lu kB").  Returns: nothing. */
void procfs_meminfo_show(struct seq_buf *s, const struct procfs_meminfo *mi);

/* --- /proc/zoneinfo ----------------------------------------------------- */

#define PROCFS_MAX_CPUS	16

/* One CPU's hot lists in a zone, in frames (zone_pcp_info()). */
struct procfs_pcp {
	unsigned int cpu;
	uint32_t count, high, batch;
};

struct procfs_zone {
	const char *name;
	uint32_t free, min, low, high;
	uint32_t spanned, present, managed;
	pfn_t start_pfn;
	unsigned int nr_zones;		/* entries of protection[] printed */
	uint32_t protection[MAX_NR_ZONES];
	unsigned int nr_pcp;
	struct procfs_pcp pcp[PROCFS_MAX_CPUS];
};

/*
 * procfs_zone_fill - zone @z's figures, and its hot lists on each of the
 * @nr_cpus CPUs in @cpus (at most PROCFS_MAX_CPUS are kept).
 * Context: any (takes zone->lock through zone_counters()).
 */
void procfs_zone_fill(struct procfs_zone *out, struct zone *z,
		      const unsigned int *cpus, unsigned int nr_cpus);

struct procfs_vmstat;

/*
 * Print one zone's block of /proc/zoneinfo ("Node 0, zone %8s" ...); with
 * @node (Linux: for the node's first populated zone) the per-node stats
 * first.  An unpopulated zone ends after its protection line, as Linux's.
 */
void procfs_zoneinfo_show(struct seq_buf *s, const struct procfs_zone *z,
			  const struct procfs_vmstat *node);

/* --- /proc/vmstat ------------------------------------------------------- */

struct procfs_vmstat {
	uint32_t free;
	uint32_t slab_reclaimable, slab_unreclaimable;
	uint32_t anon, mapped, file, shmem;
	uint32_t kernel_stack_kb, page_tables;
	uint64_t pgalloc[MAX_NR_ZONES];	/* frames handed out, per zone */
	uint64_t pgfree;		/* frames given back, all zones */
	uint64_t pgfault;
	uint64_t pgmajfault;		/* 0: no fault waits for I/O */
	uint64_t oom_kill;
};

/*
 * procfs_vmstat_fill - the counters of the zones, slab and user faults;
 * kernel_stack_kb from the kernel-stack area.
 * Context: as procfs_meminfo_fill().
 */
void procfs_vmstat_fill(struct procfs_vmstat *vs);

/* Print /proc/vmstat's "name value" lines for the counters kmem386 has. */
void procfs_vmstat_show(struct seq_buf *s, const struct procfs_vmstat *vs);

/* --- /proc/PID/maps and /proc/PID/status -------------------------------- */

/* The program an address space runs, for the name of its image regions. */
struct procfs_exe {
	const char *name;		/* printed as the regions' path */
	const uint8_t *image;		/* its ELF file; NULL: offsets 0 */
};

/* One line of /proc/PID/maps. */
struct procfs_map {
	uintptr_t start, end;
	unsigned int flags;		/* VM_* */
	uint32_t pgoff_bytes;		/* offset in the file of start */
	const char *name;		/* NULL: an anonymous region */
};

/*
 * procfs_map_of - the line of region @v: [heap] for the brk heap,
 * [stack] for the stack, the program's name for its image regions (with
 * the file offset when @exe->image is known), nothing for the others.
 */
void procfs_map_of(struct procfs_map *out, const struct vma *v,
		   const struct procfs_exe *exe);

/* Print one line: "%08lx-%08lx rwxp %08llx 00:00 0", the name at col 49. */
void procfs_maps_show_line(struct seq_buf *s, const struct procfs_map *m);

/* Print every region of @mm, lowest first.  Context: @mm not changing. */
void procfs_maps_show(struct seq_buf *s, struct mm *mm,
		      const struct procfs_exe *exe);

/* The address-space part of /proc/PID/status (mm_vm_stats()). */
struct procfs_task {
	const char *name;
	char state;			/* 'R', 'S', 'Z' */
	int pid, ppid;
	bool has_mm;			/* false: no Vm* lines (zombie, kernel) */
	struct mm_vm_stats vm;
};

/* Print /proc/PID/status's lines kmem386 has ("VmRSS:\t%8lu kB"). */
void procfs_status_show(struct seq_buf *s, const struct procfs_task *t);

#endif /* MM_PROCFS_H */
