/*
 * memblock: a boot-time allocator over the cleaned E820 map.
 *
 * Design.  Two fixed arrays (no allocator exists yet to grow them): the
 * memory list, sorted, disjoint and merged, in whole frames; and the
 * reservation list, sorted by base but free to overlap, each entry named
 * after its holder so that the list is also the record of boot memory
 * that `memmap` draws.  memblock_alloc() searches top-down (as Linux
 * does): from the highest memory region below the limit, it takes the
 * highest aligned block and, if a reservation overlaps it, retries just
 * below that reservation.  Everything is in whole frames: allocations are
 * rounded up, and a frame that a reservation touches at all is not free.
 * With at most a few dozen ranges, linear scans are the simple choice.
 *
 * The allocator does not free: boot allocations live as long as the
 * kernel (page descriptors, early page tables).  Once the zones are set
 * up it is retired, and a late request is a misuse, reported and refused.
 *
 * Invariants (memblock_check()):
 *  1. memory regions are non-empty, frame-aligned, sorted, and neither
 *     overlap nor touch;
 *  2. reservations are non-empty and sorted by base;
 *  3. an allocated reservation is frame-aligned and lies inside one
 *     memory region;
 *  4. allocated reservations do not overlap any other reservation.
 *
 * Locking: none; early boot on one CPU with interrupts off.
 */
#include "mm/arch.h"
#include "mm/memblock.h"
#include "mm/zones.h"

static struct memblock_region memory[MEMBLOCK_MAX_MEMORY];
static struct memblock_region reserved[MEMBLOCK_MAX_RESERVED];
static unsigned int nr_memory, nr_reserved;
static bool retired;
static unsigned int refused;
static phys_addr_t allocated_bytes;

static phys_addr_t region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

void memblock_reset(void)
{
	nr_memory = nr_reserved = 0;
	retired = false;
	refused = 0;
	allocated_bytes = 0;
}

int memblock_add(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t start = ALIGN_UP(base, (phys_addr_t)PAGE_SIZE);
	phys_addr_t end = ALIGN_DOWN(base + size, (phys_addr_t)PAGE_SIZE);
	unsigned int i = 0, j;

	if (base + size < base || start >= end)
		return 0;
	/* regions before the new one (not touching) stay */
	while (i < nr_memory && region_end(&memory[i]) < start)
		i++;
	/* regions from i to j overlap or touch it: they merge */
	for (j = i; j < nr_memory && memory[j].base <= end; j++) {
		start = MIN(start, memory[j].base);
		end = MAX(end, region_end(&memory[j]));
	}
	if (j == i && nr_memory == MEMBLOCK_MAX_MEMORY)
		return -E2BIG;
	if (j == i)
		memmove(&memory[i + 1], &memory[i],
			(nr_memory - i) * sizeof(memory[0]));
	else if (j > i + 1)
		memmove(&memory[i + 1], &memory[j],
			(nr_memory - j) * sizeof(memory[0]));
	nr_memory = nr_memory + 1 - (j - i);
	memory[i] = (struct memblock_region){ start, end - start, "memory", false };
	return 0;
}

static int reserve(phys_addr_t base, phys_addr_t size, const char *name,
		   bool allocated)
{
	unsigned int i;

	if (size == 0)
		return -EINVAL;
	if (nr_reserved == MEMBLOCK_MAX_RESERVED) {
		printk("memblock: no room to reserve [mem 0x%llx-0x%llx] %s\n",
		       (unsigned long long)base,
		       (unsigned long long)(base + size - 1), name);
		return -E2BIG;
	}
	for (i = nr_reserved; i > 0 && reserved[i - 1].base > base; i--)
		reserved[i] = reserved[i - 1];
	reserved[i] = (struct memblock_region){ base, size, name, allocated };
	nr_reserved++;
	return 0;
}

int memblock_reserve(phys_addr_t base, phys_addr_t size, const char *name)
{
	return reserve(base, size, name, false);
}

/* The lowest reservation overlapping [s, e) in whole frames, or NULL. */
static const struct memblock_region *first_conflict(phys_addr_t s,
						    phys_addr_t e)
{
	unsigned int i;

	for (i = 0; i < nr_reserved; i++) {
		phys_addr_t rs = ALIGN_DOWN(reserved[i].base, (phys_addr_t)PAGE_SIZE);
		phys_addr_t re = ALIGN_UP(region_end(&reserved[i]),
					  (phys_addr_t)PAGE_SIZE);

		if (rs < e && re > s)
			return &reserved[i];
	}
	return NULL;
}

/* Highest aligned block of @size inside memory[idx] ending at or below @top. */
static phys_addr_t find_in_region(unsigned int idx, phys_addr_t size,
				  phys_addr_t align, phys_addr_t top)
{
	const struct memblock_region *m = &memory[idx];

	top = MIN(top, region_end(m));
	while (top >= m->base + size) {
		phys_addr_t s = ALIGN_DOWN(top - size, align);
		const struct memblock_region *r;

		if (s < m->base || s == 0)	/* 0 means failure: never hand it out */
			return 0;
		r = first_conflict(s, s + size);
		if (!r)
			return s;
		top = ALIGN_DOWN(r->base, (phys_addr_t)PAGE_SIZE);
	}
	return 0;
}

/*
 * Extend an allocation of the same holder that [s, s + size) touches, so
 * that a run of small requests (early page tables, one frame each) takes
 * one entry of the record.  The block is free of reservations, so the
 * list stays sorted when a base moves down onto it.
 */
static bool grow_allocation(phys_addr_t s, phys_addr_t size, const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_reserved; i++) {
		struct memblock_region *r = &reserved[i];

		if (!r->allocated || r->name != name)
			continue;
		if (r->base == s + size) {
			r->base = s;
			r->size += size;
			return true;
		}
		if (region_end(r) == s) {
			r->size += size;
			return true;
		}
	}
	return false;
}

phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align,
			   phys_addr_t limit, const char *name)
{
	unsigned int i;

	if (retired) {
		refused++;
		printk("memblock: %s wants %llu bytes after boot, refused (caller %pS)\n",
		       name, (unsigned long long)size, MM_CALLER());
		return 0;
	}
	if (size == 0 || (align & (align - 1)))
		return 0;
	size = ALIGN_UP(size, (phys_addr_t)PAGE_SIZE);
	align = MAX(align, (phys_addr_t)PAGE_SIZE);
	for (i = nr_memory; i-- > 0;) {
		phys_addr_t s = find_in_region(i, size, align, limit);

		if (s && (grow_allocation(s, size, name) ||
			  reserve(s, size, name, true) == 0)) {
			allocated_bytes += size;
			return s;
		}
	}
	return 0;
}

int memblock_free_pfns(struct pfn_range *out, unsigned int cap,
		       unsigned int *nr_out)
{
	unsigned int i, j, nr = 0;

	for (i = 0; i < nr_memory; i++) {
		uint64_t cur = memory[i].base >> PAGE_SHIFT;
		uint64_t end = region_end(&memory[i]) >> PAGE_SHIFT;

		for (j = 0; j <= nr_reserved && cur < end; j++) {
			uint64_t rs = end, re = end;

			if (j < nr_reserved) {
				rs = reserved[j].base >> PAGE_SHIFT;
				re = (region_end(&reserved[j]) + PAGE_SIZE - 1) >> PAGE_SHIFT;
			}
			if (re <= cur)
				continue;
			if (rs > cur) {
				if (nr == cap)
					return -E2BIG;
				out[nr++] = (struct pfn_range){ (pfn_t)cur,
						(pfn_t)MIN(rs, end) };
			}
			cur = MAX(cur, re);
		}
	}
	*nr_out = nr;
	return 0;
}

void memblock_retire(void)
{
	retired = true;
}

unsigned int memblock_memory_count(void)
{
	return nr_memory;
}

const struct memblock_region *memblock_memory_region(unsigned int i)
{
	return i < nr_memory ? &memory[i] : NULL;
}

unsigned int memblock_reserved_count(void)
{
	return nr_reserved;
}

const struct memblock_region *memblock_reserved_region(unsigned int i)
{
	return i < nr_reserved ? &reserved[i] : NULL;
}

phys_addr_t memblock_allocated_bytes(void)
{
	return allocated_bytes;
}

unsigned int memblock_refused(void)
{
	return refused;
}

phys_addr_t memblock_end_of_ram(void)
{
	return nr_memory ? region_end(&memory[nr_memory - 1]) : 0;
}

static unsigned int check_memory(void)
{
	unsigned int i, bad = 0;

	for (i = 0; i < nr_memory; i++) {
		const struct memblock_region *m = &memory[i];

		if (m->size == 0 || !IS_ALIGNED(m->base, (phys_addr_t)PAGE_SIZE) ||
		    !IS_ALIGNED(m->size, (phys_addr_t)PAGE_SIZE) ||
		    (i && region_end(&memory[i - 1]) >= m->base)) {
			printk("memblock_check: memory %u [0x%llx+0x%llx] breaks invariant 1\n",
			       i, (unsigned long long)m->base,
			       (unsigned long long)m->size);
			bad++;
		}
	}
	return bad;
}

static bool inside_memory(const struct memblock_region *r)
{
	unsigned int i;

	for (i = 0; i < nr_memory; i++)
		if (r->base >= memory[i].base &&
		    region_end(r) <= region_end(&memory[i]))
			return true;
	return false;
}

static unsigned int check_reserved(unsigned int i)
{
	const struct memblock_region *r = &reserved[i];
	unsigned int j, bad = 0;

	if (r->size == 0 || (i && reserved[i - 1].base > r->base)) {
		printk("memblock_check: reservation %u (%s) breaks invariant 2\n",
		       i, r->name);
		bad++;
	}
	if (!r->allocated)
		return bad;
	if (!IS_ALIGNED(r->base | r->size, (phys_addr_t)PAGE_SIZE) ||
	    !inside_memory(r)) {
		printk("memblock_check: allocation %u (%s) at 0x%llx breaks invariant 3\n",
		       i, r->name, (unsigned long long)r->base);
		bad++;
	}
	for (j = 0; j < nr_reserved; j++) {
		if (j != i && reserved[j].base < region_end(r) &&
		    region_end(&reserved[j]) > r->base) {
			printk("memblock_check: allocation %u (%s) overlaps %s: invariant 4\n",
			       i, r->name, reserved[j].name);
			bad++;
		}
	}
	return bad;
}

unsigned int memblock_check(void)
{
	unsigned int i, bad = check_memory();

	for (i = 0; i < nr_reserved; i++)
		bad += check_reserved(i);
	return bad;
}

void memblock_dump(void)
{
	unsigned int i;

	for (i = 0; i < nr_memory; i++)
		printk("memblock: memory   [mem 0x%016llx-0x%016llx]\n",
		       (unsigned long long)memory[i].base,
		       (unsigned long long)region_end(&memory[i]) - 1);
	for (i = 0; i < nr_reserved; i++)
		printk("memblock: reserved [mem 0x%016llx-0x%016llx] %s%s\n",
		       (unsigned long long)reserved[i].base,
		       (unsigned long long)region_end(&reserved[i]) - 1,
		       reserved[i].name,
		       reserved[i].allocated ? " (allocated)" : "");
}
