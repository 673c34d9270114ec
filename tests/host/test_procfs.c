/*
 * Host tests of mm/procfs.c: each /proc format against a sample of
 * Linux's own output in tests/data/linux/, and the figures of a live
 * machine and address space.
 *
 * The format cases read a sample the way a script would (the key is the
 * first field up to ':' or the space, the value the next field, as awk's
 * $1 and $2), feed the formatter the sample's own values, and require
 * every line we print to be the sample's line with that key, byte for
 * byte, in the sample's order.  A field kmem386 prints as a constant
 * zero (no swap, no file pages) cannot take the sample's value: its line
 * must have the sample's layout (the same text with digits blanked).
 * The live cases check what the figures mean: MemFree is the zones' free
 * frames, HighTotal + LowTotal is MemTotal, VmRSS grows with the pages
 * touched and VmHWM keeps its peak, maps names the heap and the stack.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmm_harness.h"
#include "mm/procfs.h"
#include "mm/slab.h"

#define MAX_LINES	512

struct sample {
	char *text;
	char *lines[MAX_LINES];
	unsigned int nr;
};

static void sample_load(struct sample *s, const char *name)
{
	char path[128];
	FILE *f;
	long n;
	char *p;

	snprintf(path, sizeof(path), "tests/data/linux/%s", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s->text = malloc((size_t)n + 1);
	assert_non_null(s->text);
	assert_int_equal(fread(s->text, 1, (size_t)n, f), (size_t)n);
	s->text[n] = '\0';
	fclose(f);
	s->nr = 0;
	for (p = strtok(s->text, "\n"); p; p = strtok(NULL, "\n")) {
		assert_true(s->nr < MAX_LINES);
		s->lines[s->nr++] = p;
	}
}

static void sample_free(struct sample *s)
{
	free(s->text);
}

/* awk's $1 with the ':' dropped: the key of a line. */
static void line_key(const char *line, char *key, size_t size)
{
	size_t i = 0;

	while (*line == ' ')
		line++;
	while (line[i] && line[i] != ' ' && line[i] != '\t' &&
	       line[i] != ':' && i + 1 < size) {
		key[i] = line[i];
		i++;
	}
	key[i] = '\0';
}

/* awk's $2 as a number. */
static uint64_t line_value(const char *line)
{
	char *end;

	while (*line == ' ')
		line++;
	line += strcspn(line, " \t");
	return strtoull(line, &end, 10);
}

/* The first sample line from @from on with key @key, or -1. */
static int sample_find(const struct sample *s, unsigned int from,
		       const char *key)
{
	char k[64];
	unsigned int i;

	for (i = from; i < s->nr; i++) {
		line_key(s->lines[i], k, sizeof(k));
		if (strcmp(k, key) == 0)
			return (int)i;
	}
	return -1;
}

static uint64_t sample_value(const struct sample *s, const char *key)
{
	int i = sample_find(s, 0, key);

	if (i < 0)
		fail_msg("the sample has no %s", key);
	return line_value(s->lines[i]);
}

/* Same text once every digit is blanked: the layout, not the value. */
static bool same_layout(const char *a, const char *b)
{
	if (strlen(a) != strlen(b))
		return false;
	for (; *a; a++, b++) {
		bool da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';

		if ((da ? ' ' : *a) != (db ? ' ' : *b))
			return false;
	}
	return true;
}

/*
 * A "(a, b, ...)" line: the same text up to '(' and a closed list.  Linux
 * has one more zone than kmem386 (Movable), so one more entry.
 */
static bool same_list(const char *a, const char *b)
{
	size_t n = strcspn(a, "(");

	return a[n] == '(' && strncmp(a, b, n + 1) == 0 &&
	       a[strlen(a) - 1] == ')' && b[strlen(b) - 1] == ')';
}

static bool in_list(const char *key, const char *const *list)
{
	for (; list && *list; list++)
		if (strcmp(key, *list) == 0)
			return true;
	return false;
}

/*
 * Every line of @ours is the sample's line with its key, in the sample's
 * order from line @from on; keys in @layout_only need the layout only.
 * Returns: the sample line after the last one matched.
 */
static unsigned int compare_lines(const struct sample *s, unsigned int from,
				  char *ours, const char *const *layout_only)
{
	unsigned int next = from, matched = 0;
	char *save = NULL, *line;
	char key[64];

	for (line = strtok_r(ours, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int i;

		line_key(line, key, sizeof(key));
		i = sample_find(s, next, key);
		if (i < 0)
			fail_msg("\"%s\": no such line after sample line %u", line,
				 next);
		if (strcmp(line, s->lines[i]) != 0 &&
		    !(in_list(key, layout_only) &&
		      same_layout(line, s->lines[i])) &&
		    !(strcmp(key, "protection") == 0 &&
		      same_list(line, s->lines[i])))
			fail_msg("ours   \"%s\"\nLinux's \"%s\"", line, s->lines[i]);
		next = (unsigned int)i + 1;
		matched++;
	}
	assert_true(matched > 0);
	return next;
}

static char out[16384];

static void buf_start(struct seq_buf *s)
{
	seq_buf_init(s, out, sizeof(out));
}

/* --- formats against Linux's ------------------------------------------- */

static uint32_t kb_pages(const struct sample *s, const char *key)
{
	return (uint32_t)(sample_value(s, key) / 4);
}

static void test_meminfo_format(void **state)
{
	static const char *const zero[] = { "Buffers", "SwapCached",
					    "SwapTotal", "SwapFree", NULL };
	struct procfs_meminfo mi = { 0 };
	struct sample s;
	struct seq_buf b;

	(void)state;
	sample_load(&s, "meminfo");
	mi.total = kb_pages(&s, "MemTotal");
	mi.free = kb_pages(&s, "MemFree");
	mi.available = kb_pages(&s, "MemAvailable");
	mi.cached = kb_pages(&s, "Cached");
	mi.high_total = kb_pages(&s, "HighTotal");
	mi.high_free = kb_pages(&s, "HighFree");
	mi.anon = kb_pages(&s, "AnonPages");
	mi.mapped = kb_pages(&s, "Mapped");
	mi.shmem = kb_pages(&s, "Shmem");
	mi.slab = kb_pages(&s, "Slab");
	mi.slab_reclaimable = kb_pages(&s, "SReclaimable");
	mi.kernel_stack_kb = (uint32_t)sample_value(&s, "KernelStack");
	mi.page_tables = kb_pages(&s, "PageTables");
	mi.commit_limit = kb_pages(&s, "CommitLimit");
	mi.committed = kb_pages(&s, "Committed_AS");
	mi.vmalloc_total_kb = sample_value(&s, "VmallocTotal");
	mi.vmalloc_used = kb_pages(&s, "VmallocUsed");
	mi.vmalloc_chunk_kb = sample_value(&s, "VmallocChunk");
	buf_start(&b);
	procfs_meminfo_show(&b, &mi);
	assert_false(b.overflow);
	compare_lines(&s, 0, out, zero);
	sample_free(&s);
}

static void zone_from_sample(struct procfs_zone *z, const struct sample *s,
			     unsigned int at, const char *name)
{
	unsigned int i;

	memset(z, 0, sizeof(*z));
	z->name = name;
	z->free = (uint32_t)line_value(s->lines[sample_find(s, at, "pages")] +
				       strlen("  pages"));
	z->min = (uint32_t)line_value(s->lines[sample_find(s, at, "min")]);
	z->low = (uint32_t)line_value(s->lines[sample_find(s, at, "low")]);
	z->high = (uint32_t)line_value(s->lines[sample_find(s, at, "high")]);
	z->spanned = (uint32_t)line_value(s->lines[sample_find(s, at, "spanned")]);
	z->present = (uint32_t)line_value(s->lines[sample_find(s, at, "present")]);
	z->managed = (uint32_t)line_value(s->lines[sample_find(s, at, "managed")]);
	z->nr_zones = MAX_NR_ZONES;
	if (!z->managed)
		return;
	z->start_pfn = (pfn_t)line_value(s->lines[sample_find(s, at, "start_pfn")]);
	z->nr_pcp = 2;
	for (i = 0; i < z->nr_pcp; i++) {
		int c = sample_find(s, at, "cpu");

		for (unsigned int k = 0; k < i; k++)
			c = sample_find(s, (unsigned int)c + 1, "cpu");
		z->pcp[i].cpu = (unsigned int)line_value(s->lines[c]);
		z->pcp[i].count = (uint32_t)line_value(s->lines[c + 1]);
		z->pcp[i].high = (uint32_t)line_value(s->lines[c + 2]);
		z->pcp[i].batch = (uint32_t)line_value(s->lines[c + 3]);
	}
}

static void vmstat_from_sample(struct procfs_vmstat *vs,
			       const struct sample *s)
{
	memset(vs, 0, sizeof(*vs));
	vs->free = (uint32_t)sample_value(s, "nr_free_pages");
	vs->slab_reclaimable = (uint32_t)sample_value(s, "nr_slab_reclaimable");
	vs->slab_unreclaimable = (uint32_t)sample_value(s, "nr_slab_unreclaimable");
	vs->anon = (uint32_t)sample_value(s, "nr_anon_pages");
	vs->mapped = (uint32_t)sample_value(s, "nr_mapped");
	vs->file = (uint32_t)sample_value(s, "nr_file_pages");
	vs->shmem = (uint32_t)sample_value(s, "nr_shmem");
	vs->kernel_stack_kb = (uint32_t)sample_value(s, "nr_kernel_stack");
	vs->page_tables = (uint32_t)sample_value(s, "nr_page_table_pages");
}

static void test_zoneinfo_format(void **state)
{
	static const char *const zones_[] = { "DMA", "Normal", "HighMem",
					      "Movable" };
	struct procfs_vmstat node;
	struct procfs_zone z;
	struct sample s;
	struct seq_buf b;
	unsigned int i, at = 0;

	(void)state;
	sample_load(&s, "zoneinfo");
	vmstat_from_sample(&node, &s);
	for (i = 0; i < ARRAY_SIZE(zones_); i++) {
		char head[32];

		snprintf(head, sizeof(head), "Node 0, zone %8s", zones_[i]);
		while (at < s.nr && strcmp(s.lines[at], head) != 0)
			at++;
		assert_true(at < s.nr);
		zone_from_sample(&z, &s, at, zones_[i]);
		if (i < MAX_NR_ZONES)	/* Movable: kmem386 has no such zone */
			assert_int_equal(z.managed != 0, i < 3);
		/* the zone's nr_free_pages is its pages free */
		if (z.managed)
			assert_int_equal(line_value(s.lines[sample_find(&s, at, "nr_free_pages")]),
					 z.free);
		buf_start(&b);
		procfs_zoneinfo_show(&b, &z, i == 0 ? &node : NULL);
		assert_false(b.overflow);
		/* "Node" is the key of every zone's first line: start there */
		at = compare_lines(&s, at, out, NULL);
	}
	sample_free(&s);
}

static void test_vmstat_format(void **state)
{
	struct procfs_vmstat vs;
	struct sample s;
	struct seq_buf b;

	(void)state;
	sample_load(&s, "vmstat");
	vmstat_from_sample(&vs, &s);
	vs.pgalloc[ZONE_DMA] = sample_value(&s, "pgalloc_dma");
	vs.pgalloc[ZONE_NORMAL] = sample_value(&s, "pgalloc_normal");
	vs.pgalloc[ZONE_HIGHMEM] = sample_value(&s, "pgalloc_high");
	vs.pgfree = sample_value(&s, "pgfree");
	vs.pgfault = sample_value(&s, "pgfault");
	vs.pgmajfault = sample_value(&s, "pgmajfault");
	vs.oom_kill = sample_value(&s, "oom_kill");
	buf_start(&b);
	procfs_vmstat_show(&b, &vs);
	compare_lines(&s, 0, out, NULL);
	sample_free(&s);
}

/* A maps line read back: start-end perms offset dev inode [name]. */
static bool parse_map(const char *line, struct procfs_map *m, char *dev,
		      unsigned long *ino, char *name)
{
	unsigned long start, end, off;
	char perms[8];
	int n = 0;

	if (sscanf(line, "%lx-%lx %7s %lx %7s %lu %n", &start, &end, perms,
		   &off, dev, ino, &n) != 6)
		return false;
	m->start = start;
	m->end = end;
	m->pgoff_bytes = (uint32_t)off;
	m->flags = (perms[0] == 'r' ? VM_READ : 0) |
		   (perms[1] == 'w' ? VM_WRITE : 0) |
		   (perms[2] == 'x' ? VM_EXEC : 0) |
		   (perms[3] == 's' ? VM_SHARED : 0);
	strcpy(name, line + n);
	m->name = *name ? name : NULL;
	return true;
}

static void test_maps_format(void **state)
{
	unsigned int i, exact = 0, named = 0;
	struct sample s;

	(void)state;
	sample_load(&s, "maps");
	for (i = 0; i < s.nr; i++) {
		char dev[8], name[128], line[160];
		struct procfs_map m;
		unsigned long ino;
		struct seq_buf b;

		assert_true(parse_map(s.lines[i], &m, dev, &ino, name));
		buf_start(&b);
		procfs_maps_show_line(&b, &m);
		snprintf(line, sizeof(line), "%s", s.lines[i]);
		assert_int_equal(out[strlen(out) - 1], '\n');
		out[strlen(out) - 1] = '\0';
		if (strcmp(dev, "00:00") == 0 && ino == 0) {
			/* no file: the whole line is Linux's */
			assert_string_equal(out, line);
			exact++;
		} else {
			/* a file: kmem386 has no device or inode, but the
			 * name starts at the column Linux pads to */
			assert_string_equal(strstr(out, name), name);
			assert_int_equal(strstr(out, name) - out, 49);
			assert_int_equal(strstr(line, name) - line, 49);
		}
		named += m.name != NULL;
	}
	assert_true(exact >= 5 && named >= 4);
	sample_free(&s);
}

static void test_status_format(void **state)
{
	/* kmem386 has no locked, pinned, swapped or file-backed pages, so
	 * RssAnon is all of VmRSS that is not shmem */
	static const char *const layout[] = { "VmLck", "VmPin", "VmSwap",
					      "RssFile", "RssAnon", NULL };
	struct procfs_task t = { 0 };
	struct sample s;
	struct seq_buf b;

	(void)state;
	sample_load(&s, "status");
	t.name = "spin";
	t.state = 'R';
	t.pid = (int)sample_value(&s, "Pid");
	t.ppid = (int)sample_value(&s, "PPid");
	t.has_mm = true;
	t.vm.hiwater_vm = kb_pages(&s, "VmPeak");
	t.vm.total_vm = kb_pages(&s, "VmSize");
	t.vm.hiwater_rss = kb_pages(&s, "VmHWM");
	t.vm.rss = kb_pages(&s, "VmRSS");
	t.vm.rss_shmem = kb_pages(&s, "RssShmem");
	t.vm.data = kb_pages(&s, "VmData");
	t.vm.stack = kb_pages(&s, "VmStk");
	t.vm.text = kb_pages(&s, "VmExe");
	t.vm.exec = t.vm.text + kb_pages(&s, "VmLib");
	t.vm.pte_tables = kb_pages(&s, "VmPTE");
	buf_start(&b);
	procfs_status_show(&b, &t);
	compare_lines(&s, 0, out, layout);
	sample_free(&s);
}

/* --- seq_buf ------------------------------------------------------------ */

static char flushed[256];

static void flush_to(const char *text, void *arg)
{
	(void)arg;
	strncat(flushed, text, sizeof(flushed) - strlen(flushed) - 1);
}

static void test_seq_buf(void **state)
{
	struct seq_buf s;
	char small[16];

	(void)state;
	seq_buf_init(&s, small, sizeof(small));
	assert_int_equal(seq_buf_printf(&s, "%s", "0123456789"), 0);
	assert_int_equal(seq_buf_printf(&s, "%s", "abcdefgh"), -E2BIG);
	assert_true(s.overflow);
	assert_string_equal(small, "0123456789");	/* nothing cut in half */
	flushed[0] = '\0';
	seq_buf_init(&s, small, sizeof(small));
	s.flush = flush_to;
	assert_int_equal(seq_buf_printf(&s, "%s", "0123456789"), 0);
	assert_int_equal(seq_buf_printf(&s, "%s", "abcdefgh"), 0);
	assert_false(s.overflow);
	assert_string_equal(flushed, "0123456789");
	seq_buf_flush(&s);
	assert_string_equal(flushed, "0123456789abcdefgh");
	assert_int_equal(s.len, 0);
	/* a piece larger than the buffer is cut, and said so */
	assert_int_equal(seq_buf_printf(&s, "%s", "0123456789abcdefghij"),
			 -E2BIG);
	assert_true(s.overflow);
}

/* --- a live machine ----------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	vmm_machine_boot(MiB(64), false);
	assert_int_equal(kmem_cache_init(0), 0);
	assert_int_equal(mm_subsys_init(), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mm_shrink_caches();
	mm_subsys_reset();
	assert_int_equal(kmem_cache_teardown(), 0);
	vmm_machine_shutdown();
	return 0;
}

/* awk '/^KEY:/ {print $2}' over @text. */
static uint64_t awk_value(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, n) == 0 && p[n] == ':')
			return line_value(p);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	fail_msg("no %s line", key);
	return 0;
}

static void test_meminfo_live(void **state)
{
	struct procfs_meminfo mi;
	struct seq_buf b;
	void *p;

	(void)state;
	p = kmalloc(100, GFP_KERNEL);
	assert_non_null(p);
	procfs_meminfo_fill(&mi);
	buf_start(&b);
	procfs_meminfo_show(&b, &mi);
	assert_int_equal(awk_value(out, "MemFree"), zones_total_free() * 4ull);
	assert_int_equal(awk_value(out, "MemTotal"), zones_total_managed() * 4ull);
	assert_int_equal(awk_value(out, "HighTotal") + awk_value(out, "LowTotal"),
			 awk_value(out, "MemTotal"));
	assert_int_equal(awk_value(out, "HighFree") + awk_value(out, "LowFree"),
			 awk_value(out, "MemFree"));
	assert_int_equal(awk_value(out, "Slab"), slab_total_frames() * 4ull);
	assert_int_equal(awk_value(out, "SReclaimable") + awk_value(out, "SUnreclaim"),
			 awk_value(out, "Slab"));
	assert_true(awk_value(out, "MemAvailable") <= awk_value(out, "MemFree") +
						      awk_value(out, "SReclaimable"));
	assert_true(awk_value(out, "MemAvailable") > 0);
	assert_int_equal(awk_value(out, "SwapTotal"), 0);
	kfree(p);
	/* emptied slabs are reclaimable until reclaim gives them back */
	procfs_meminfo_fill(&mi);
	assert_int_equal(mi.slab_reclaimable, slab_reclaimable_frames());
	kmem_cache_shrink_all();
	procfs_meminfo_fill(&mi);
	assert_int_equal(mi.slab_reclaimable, 0);
}

static void touch(struct mm *mm, uintptr_t va, bool write)
{
	const char *why;

	if (mm_fault(mm, va, FAULT_USER | (write ? FAULT_WRITE : 0), &why))
		fail_msg("fault at 0x%lx: %s", (unsigned long)va, why);
	assert_int_equal(mm_check(mm), 0);
}

static void test_status_live(void **state)
{
	static const uint8_t image[3 * 4096];
	struct procfs_task t = { .name = "t", .state = 'R', .pid = 2,
				 .ppid = 1, .has_mm = true };
	struct mm *mm = mm_create();
	struct mm_stats ms;
	struct seq_buf b;
	uintptr_t heap, shared;
	unsigned int i;

	(void)state;
	assert_non_null(mm);
	assert_int_equal(mm_map_region(mm, 0x08048000, 2 * PAGE_SIZE,
				       VM_READ | VM_EXEC | VM_IMAGE, image,
				       0x08048000, 2 * PAGE_SIZE), 0);
	assert_int_equal(mm_map_region(mm, USER_STACK_TOP - PAGE_SIZE,
				       PAGE_SIZE, VM_READ | VM_WRITE |
				       VM_GROWSDOWN, NULL, 0, 0), 0);
	mm->brk_start = mm->brk = 0x0804a000;
	assert_int_equal(mm_brk(mm, 0x0804a000 + 8 * PAGE_SIZE, &heap), 0);
	assert_int_equal(mm_mmap(mm, 2 * PAGE_SIZE, VM_READ | VM_WRITE |
				 VM_SHARED, &shared), 0);
	touch(mm, 0x08048000, false);
	mm_vm_stats(mm, &t.vm);
	assert_int_equal(t.vm.total_vm, 2 + 1 + 8 + 2);
	assert_int_equal(t.vm.rss, 3);		/* text page, shared pair */
	assert_int_equal(t.vm.rss_shmem, 2);
	assert_int_equal(t.vm.text, 2);
	assert_int_equal(t.vm.exec, 2);
	assert_int_equal(t.vm.data, 8);
	assert_int_equal(t.vm.stack, 1);
	assert_int_equal(t.vm.committed, 1 + 8 + 2);
	assert_int_equal(t.vm.pte_tables, 2);	/* text+heap, mmap */
	mm_get_stats(&ms);
	assert_int_equal(ms.shmem_frames, 2);
	/* touching the heap raises VmRSS and VmHWM */
	for (i = 0; i < 8; i++)
		touch(mm, 0x0804a000 + i * PAGE_SIZE, true);
	touch(mm, USER_STACK_TOP - 2 * PAGE_SIZE, true);	/* grows */
	mm_vm_stats(mm, &t.vm);
	assert_int_equal(t.vm.rss, 3 + 8 + 1);
	assert_int_equal(t.vm.hiwater_rss, 12);
	assert_int_equal(t.vm.total_vm, 14);
	assert_int_equal(t.vm.stack, 2);
	assert_int_equal(t.vm.pte_tables, 3);	/* and the stack's */
	buf_start(&b);
	procfs_status_show(&b, &t);
	assert_int_equal(awk_value(out, "VmRSS"), 48);
	assert_int_equal(awk_value(out, "RssAnon"), 40);
	assert_int_equal(awk_value(out, "RssShmem"), 8);
	assert_int_equal(awk_value(out, "VmExe"), 8);
	assert_int_equal(awk_value(out, "VmLib"), 0);
	/* shrinking keeps the peaks */
	assert_int_equal(mm_brk(mm, 0x0804a000, &heap), 0);
	assert_int_equal(mm_check(mm), 0);
	mm_vm_stats(mm, &t.vm);
	assert_int_equal(t.vm.rss, 4);
	assert_int_equal(t.vm.hiwater_rss, 12);
	assert_int_equal(t.vm.total_vm, 6);
	assert_int_equal(t.vm.hiwater_vm, 14);
	buf_start(&b);
	procfs_status_show(&b, &t);
	assert_int_equal(awk_value(out, "VmPeak"), 56);
	assert_int_equal(awk_value(out, "VmSize"), 24);
	assert_int_equal(awk_value(out, "VmHWM"), 48);
	mm_destroy(mm);
	mm_get_stats(&ms);
	assert_int_equal(ms.shmem_frames, 0);
}

static void test_maps_live(void **state)
{
	static const uint8_t image[0x3000];
	struct procfs_exe exe = { .name = "prog", .image = image };
	struct mm *mm = mm_create();
	struct seq_buf b;
	uintptr_t heap, shared;

	(void)state;
	/* text at file offset 0x1000; data at 0x2100 from vaddr 0x0804a100 */
	assert_int_equal(mm_map_region(mm, 0x08049000, PAGE_SIZE,
				       VM_READ | VM_EXEC | VM_IMAGE,
				       image + 0x1000, 0x08049000, 0x800), 0);
	assert_int_equal(mm_map_region(mm, 0x0804a000, PAGE_SIZE,
				       VM_READ | VM_WRITE | VM_IMAGE,
				       image + 0x2100, 0x0804a100, 0x100), 0);
	assert_int_equal(mm_map_region(mm, USER_STACK_TOP - PAGE_SIZE,
				       PAGE_SIZE, VM_READ | VM_WRITE |
				       VM_GROWSDOWN, NULL, 0, 0), 0);
	mm->brk_start = mm->brk = 0x0804b000;
	assert_int_equal(mm_brk(mm, 0x0804b000 + 2 * PAGE_SIZE, &heap), 0);
	assert_int_equal(mm_mmap(mm, PAGE_SIZE, VM_READ | VM_WRITE | VM_SHARED,
				 &shared), 0);
	assert_int_equal(mm_mmap(mm, PAGE_SIZE, VM_READ, &heap), 0);
	buf_start(&b);
	procfs_maps_show(&b, mm, &exe);
	assert_string_equal(out,
		"08049000-0804a000 r-xp 00001000 00:00 0          prog\n"
		"0804a000-0804b000 rw-p 00002000 00:00 0          prog\n"
		"0804b000-0804d000 rw-p 00000000 00:00 0          [heap]\n"
		"bf6fe000-bf6ff000 r--p 00000000 00:00 0 \n"
		"bf6ff000-bf700000 rw-s 00000000 00:00 0 \n"
		"bffff000-c0000000 rw-p 00000000 00:00 0          [stack]\n");
	mm_destroy(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meminfo_format),
		cmocka_unit_test(test_zoneinfo_format),
		cmocka_unit_test(test_vmstat_format),
		cmocka_unit_test(test_maps_format),
		cmocka_unit_test(test_status_format),
		cmocka_unit_test(test_seq_buf),
		cmocka_unit_test_setup_teardown(test_meminfo_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maps_live, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
