/*
 * System V shared memory: the id and key table, the segments' frames and
 * the attach/detach rules (see include/mm/shm.h for the contract).
 *
 * Design.  A table of SHMMNI slots holds the live segments; an id is the
 * slot plus SHMMNI times the slot's sequence number, which goes up each
 * time the slot is given out, so a stale id finds nothing (EINVAL, as on
 * Linux).  Key lookups walk the table: SHMMNI is small.  A segment owns a
 * frame table of one pfn per page, PFN_NONE until the first touch by any
 * attacher; the frame is allocated zeroed, marked PG_user and PG_shm, and
 * the segment holds one reference to it, each mapping one more.  So a
 * frame outlives every detach and is freed only with its segment, whose
 * reference is then the last.  An attach is a VM_SHM region: the fault
 * path maps the segment's frame (shm_fault()), fork copies the region and
 * its entries writable (VM_SHARED), and each region counts one attach in
 * shm_nattch; a split by munmap or mprotect counts its new piece
 * (shm_vma_open()), every region that goes counts down
 * (shm_vma_close()).  A segment is freed when it has been removed
 * (IPC_RMID) and its last region goes, at whatever moment: shmdt, munmap,
 * exit, a kill.
 *
 * kmem386 has no wall clock, so the time fields of IPC_STAT stay 0, and
 * every process runs as root (uid and gid 0).
 *
 * Locking: as include/mm/mm.h (one CPU, interrupts off in the callers).
 */
#include "mm/buddy.h"
#include "mm/shm.h"
#include "mm/vmm.h"
#include "mm_internal.h"

#define SHM_SEQ_MAX	(0x7fffffff / SHMMNI)

/*
 * A segment.  Changed only through this file.
 *
 * Invariants (shm_check()):
 *  S1. A table slot holds a segment whose slot number is its own.
 *  S2. Keys other than IPC_PRIVATE are unique among the segments; a
 *      SHM_DEST segment has key IPC_PRIVATE and at least one attach.
 *  S3. npages is size rounded up to pages, size within SHMMIN..SHMMAX,
 *      and the npages of all segments add up to shm_stat.pages <= SHMALL.
 *  S4. resident counts the entries of pages[] that are not PFN_NONE;
 *      each is a PG_user and PG_shm frame with a reference count of at
 *      least one (the segment's); they add up to shm_stat.resident.
 *  S5. shm_stat.segments counts the occupied slots.
 */
struct shm_segment {
	int32_t key;
	uint16_t slot;
	uint16_t mode;			/* permission bits | SHM_DEST */
	uint32_t size;			/* bytes, as asked for */
	uint32_t npages;
	uint32_t resident;		/* pages with a frame */
	uint32_t nattch;		/* VM_SHM regions naming it */
	int cpid, lpid;
	pfn_t *pages;			/* npages frames, PFN_NONE: untouched */
};

static struct shm_segment *shm_table[SHMMNI];
static uint16_t shm_seq[SHMMNI];
static struct shm_stats shm_stat;

static int seg_id(const struct shm_segment *seg)
{
	return (int)(seg->slot + SHMMNI * shm_seq[seg->slot]);
}

/* The segment of @id, or NULL for a free slot or a stale id. */
static struct shm_segment *seg_lookup(int id)
{
	struct shm_segment *seg;

	if (id < 0)
		return NULL;
	seg = shm_table[(unsigned int)id % SHMMNI];
	return seg && seg_id(seg) == id ? seg : NULL;
}

static struct shm_segment *seg_by_key(int32_t key)
{
	unsigned int i;

	for (i = 0; i < SHMMNI; i++)
		if (shm_table[i] && shm_table[i]->key == key)
			return shm_table[i];
	return NULL;
}

static int free_slot(void)
{
	unsigned int i;

	for (i = 0; i < SHMMNI; i++)
		if (!shm_table[i])
			return (int)i;
	return -1;
}

/* Order of the block that holds a segment of @npages and its table. */
static unsigned int seg_order(uint32_t npages)
{
	size_t bytes = sizeof(struct shm_segment) + npages * sizeof(pfn_t);
	unsigned int order = 0;

	while (((size_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/*
 * A zeroed descriptor with room for @npages frames after it.  Descriptor
 * and table share one block of the buddy allocator: a removed segment
 * gives whole frames back at once and leaves no partly used slab behind.
 */
static struct shm_segment *seg_alloc(uint32_t npages)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_ZERO |
					__GFP_NOWARN, seg_order(npages));
	struct shm_segment *seg;

	if (!page)
		return NULL;
	seg = page_address(page);
	seg->pages = (pfn_t *)(seg + 1);
	return seg;
}

/* A new segment of @size bytes in a free slot. */
static int seg_create(int32_t key, size_t size, int flags, int pid, int *id)
{
	uint32_t npages, i;
	struct shm_segment *seg;
	int slot;

	if (size < SHMMIN || size > SHMMAX)
		return -EINVAL;
	npages = (uint32_t)(ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT);
	if (shm_stat.pages + npages > SHMALL)
		return -ENOSPC;
	slot = free_slot();
	if (slot < 0)
		return -ENOSPC;
	seg = seg_alloc(npages);
	if (!seg)
		return -ENOMEM;
	for (i = 0; i < npages; i++)
		seg->pages[i] = PFN_NONE;
	seg->key = key;
	seg->slot = (uint16_t)slot;
	seg->mode = (uint16_t)(flags & 0777);
	seg->size = (uint32_t)size;
	seg->npages = npages;
	seg->cpid = pid;
	shm_seq[slot] = (uint16_t)((shm_seq[slot] + 1) % SHM_SEQ_MAX);
	shm_table[slot] = seg;
	shm_stat.segments++;
	shm_stat.pages += npages;
	shm_stat.created++;
	*id = seg_id(seg);
	return 0;
}

int shm_get(int32_t key, size_t size, int flags, int pid, int *id)
{
	struct shm_segment *seg;

	if (key == IPC_PRIVATE)
		return seg_create(key, size, flags, pid, id);
	seg = seg_by_key(key);
	if (!seg)
		return (flags & IPC_CREAT) ? seg_create(key, size, flags, pid,
							id) : -ENOENT;
	if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
		return -EEXIST;
	if (size > seg->size)
		return -EINVAL;
	*id = seg_id(seg);
	return 0;
}

/* Give back every frame and the descriptor: no region names it. */
static void seg_destroy(struct shm_segment *seg)
{
	uint32_t i;

	MM_ASSERT(seg->nattch == 0);
	for (i = 0; i < seg->npages; i++) {
		struct page *page;

		if (seg->pages[i] == PFN_NONE)
			continue;
		page = pfn_to_page(seg->pages[i]);
		MM_ASSERT(page_count(page) == 1);
		page_clear(page, PG_shm);
		mm_user_frame_put(page);
	}
	shm_stat.resident -= seg->resident;
	shm_stat.pages -= seg->npages;
	shm_stat.segments--;
	shm_stat.destroyed++;
	shm_table[seg->slot] = NULL;
	__free_pages(virt_to_page(seg), seg_order(seg->npages));
}

/* The highest free range of @len bytes below USER_MMAP_TOP. */
static int free_range(struct mm *mm, size_t len, uintptr_t *addr)
{
	uintptr_t top = USER_MMAP_TOP;

	for (;;) {
		struct vma *v;

		if (top < USER_MIN || top - USER_MIN < len)
			return -ENOMEM;
		v = mm_find_vma(mm, top - len);
		if (!v)
			v = mm_next_vma(mm, top - len);
		if (!v || v->start >= top) {
			*addr = top - len;
			return 0;
		}
		top = v->start;
	}
}

/* Where an attach of @len bytes asked at @addr with @flags goes. */
static int attach_addr(struct mm *mm, uintptr_t addr, int flags, size_t len,
		       uintptr_t *at)
{
	struct vma *v;

	if (!addr)
		return free_range(mm, len, at);
	if (!IS_ALIGNED(addr, SHMLBA)) {
		if (!(flags & SHM_RND))
			return -EINVAL;
		addr = ALIGN_DOWN(addr, SHMLBA);
	}
	if (addr < USER_MIN || addr >= USER_STACK_TOP ||
	    len > USER_STACK_TOP - addr)
		return -EINVAL;
	v = mm_find_vma(mm, addr);
	if (!v)
		v = mm_next_vma(mm, addr);
	if (v && v->start < addr + len)
		return -EINVAL;		/* Linux without SHM_REMAP */
	*at = addr;
	return 0;
}

int shm_attach(struct mm *mm, int id, uintptr_t addr, int flags,
	       uintptr_t *out)
{
	struct shm_segment *seg = seg_lookup(id);
	unsigned int prot = VM_READ | VM_SHARED | VM_SHM;
	size_t len;
	uintptr_t at;
	struct vma *v;
	int err;

	if (!seg)
		return -EINVAL;
	len = (size_t)seg->npages << PAGE_SHIFT;
	err = attach_addr(mm, addr, flags, len, &at);
	if (err)
		return err;
	prot |= (flags & SHM_RDONLY) ? VM_NOWRITE : VM_WRITE;
	err = mm_map_region(mm, at, len, prot, NULL, 0, 0);
	if (err)
		return err == -EEXIST ? -EINVAL : err;
	v = mm_find_vma(mm, at);
	v->shm = seg;
	v->shm_base = at;
	seg->nattch++;
	seg->lpid = mm->pid;
	*out = at;
	return 0;
}

/* The next piece, at or above @from, of the attach of @seg at @base. */
static struct vma *attach_piece(struct mm *mm, uintptr_t from,
				const struct shm_segment *seg, uintptr_t base)
{
	uintptr_t end = base + ((uintptr_t)seg->npages << PAGE_SHIFT);
	struct vma *v = mm_find_vma(mm, from);

	if (!v)
		v = mm_next_vma(mm, from);
	for (; v && v->start < end; v = mm_next_vma(mm, v->start))
		if ((v->flags & VM_SHM) && v->shm == seg &&
		    v->shm_base == base)
			return v;
	return NULL;
}

int shm_detach(struct mm *mm, uintptr_t addr)
{
	struct vma *v = mm_find_vma(mm, addr);
	struct shm_segment *seg;

	if (!v || !(v->flags & VM_SHM) || v->start != addr ||
	    v->shm_base != addr)
		return -EINVAL;
	seg = v->shm;
	while ((v = attach_piece(mm, addr, seg, addr)) != NULL) {
		/* the segment may go with its last region: look first */
		bool more = attach_piece(mm, v->end, seg, addr) != NULL;
		int err = mm_unmap_region(mm, v->start, v->end - v->start);

		MM_ASSERT(err == 0);	/* whole regions: never a split */
		if (!more)
			break;
	}
	return 0;
}

static void fill_stat(const struct shm_segment *seg, struct shmid64_ds *b)
{
	memset(b, 0, sizeof(*b));
	b->shm_perm.key = seg->key;
	b->shm_perm.mode = seg->mode;
	b->shm_perm.seq = shm_seq[seg->slot];
	b->shm_segsz = seg->size;
	b->shm_cpid = seg->cpid;
	b->shm_lpid = seg->lpid;
	b->shm_nattch = seg->nattch;
}

int shm_ctl(int id, int cmd, struct shmid64_ds *buf)
{
	struct shm_segment *seg = seg_lookup(id);

	if (!seg)
		return -EINVAL;
	switch (cmd) {
	case IPC_STAT:
		fill_stat(seg, buf);
		return 0;
	case IPC_RMID:
		if (seg->nattch == 0) {
			seg_destroy(seg);
		} else {
			seg->mode |= SHM_DEST;
			seg->key = IPC_PRIVATE;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

int shm_fault(struct mm *mm, const struct vma *v, uintptr_t va)
{
	struct shm_segment *seg = v->shm;
	uint32_t idx = (uint32_t)((va - v->shm_base) >> PAGE_SHIFT);
	unsigned int prot = MMU_USER | ((v->flags & VM_WRITE) ? MMU_WRITE : 0);
	struct page *page;

	MM_ASSERT(idx < seg->npages);
	if (seg->pages[idx] == PFN_NONE) {
		page = mm_user_frame_new(__GFP_ZERO);
		if (!page)
			return -ENOMEM;
		page_set(page, PG_shm);
		seg->pages[idx] = page_to_pfn(page);
		seg->resident++;
		shm_stat.resident++;
	}
	page = pfn_to_page(seg->pages[idx]);
	get_page(page);
	if (vmm_map(mm->pd, va, seg->pages[idx], prot) != 0) {
		put_page(page);		/* the segment keeps its frame */
		return -ENOMEM;
	}
	mm_rss_grew(mm);
	mm->shm_rss++;
	return 0;
}

void shm_vma_open(struct vma *v)
{
	v->shm->nattch++;
}

void shm_vma_close(struct mm *mm, struct vma *v)
{
	struct shm_segment *seg = v->shm;

	MM_ASSERT(seg->nattch > 0);
	seg->nattch--;
	seg->lpid = mm->pid;
	if (seg->nattch == 0 && (seg->mode & SHM_DEST))
		seg_destroy(seg);
}

void shm_dump(void)
{
	unsigned int i;

	printk("\n------ Shared Memory Segments --------\n");
	printk("%-10s %-10s %-10s %-10s %-10s %-10s %-12s\n", "key", "shmid",
	       "owner", "perms", "bytes", "nattch", "status");
	for (i = 0; i < SHMMNI; i++) {
		const struct shm_segment *seg = shm_table[i];

		if (!seg)
			continue;
		printk("0x%08x %-10d %-10s %-10o %-10u %-10u %-6s %-6s\n",
		       (unsigned int)seg->key, seg_id(seg), "root",
		       seg->mode & 0777u, seg->size, seg->nattch,
		       (seg->mode & SHM_DEST) ? "dest" : " ", " ");
	}
	printk("\n");
}

void shm_get_stats(struct shm_stats *st)
{
	*st = shm_stat;
}

/* S3 and S4 for one segment; adds its pages and frames to the totals. */
static unsigned int seg_check(const struct shm_segment *seg,
			      uint32_t *pages, uint32_t *resident)
{
	uint32_t i, n = 0;
	unsigned int bad = 0;

	if (seg->size < SHMMIN || seg->size > SHMMAX ||
	    seg->npages != ALIGN_UP(seg->size, PAGE_SIZE) >> PAGE_SHIFT) {
		printk("shm: segment %d: %u bytes in %u pages\n", seg_id(seg),
		       seg->size, seg->npages);
		bad++;
	}
	for (i = 0; i < seg->npages; i++) {
		const struct page *page;

		if (seg->pages[i] == PFN_NONE)
			continue;
		n++;
		page = pfn_to_page(seg->pages[i]);
		if (!page_test(page, PG_user) || !page_test(page, PG_shm) ||
		    page_count(page) < 1) {
			printk("shm: segment %d page %u: pfn 0x%x is not a live shared frame\n",
			       seg_id(seg), i, seg->pages[i]);
			bad++;
		}
	}
	if (n != seg->resident) {
		printk("shm: segment %d: %u frames, resident %u\n",
		       seg_id(seg), n, seg->resident);
		bad++;
	}
	*pages += seg->npages;
	*resident += n;
	return bad;
}

/* S2 for the segment in slot @i. */
static unsigned int key_check(unsigned int i)
{
	const struct shm_segment *seg = shm_table[i];
	unsigned int j, bad = 0;

	if ((seg->mode & SHM_DEST) &&
	    (seg->key != IPC_PRIVATE || seg->nattch == 0)) {
		printk("shm: removed segment %d: key 0x%08x, %u attached\n",
		       seg_id(seg), (unsigned int)seg->key, seg->nattch);
		bad++;
	}
	for (j = i + 1; seg->key != IPC_PRIVATE && j < SHMMNI; j++) {
		if (shm_table[j] && shm_table[j]->key == seg->key) {
			printk("shm: key 0x%08x names segments %d and %d\n",
			       (unsigned int)seg->key, seg_id(seg),
			       seg_id(shm_table[j]));
			bad++;
		}
	}
	return bad;
}

unsigned int shm_check(void)
{
	uint32_t pages = 0, resident = 0, n = 0;
	unsigned int i, bad = 0;

	for (i = 0; i < SHMMNI; i++) {
		const struct shm_segment *seg = shm_table[i];

		if (!seg)
			continue;
		n++;
		if (seg->slot != i) {				/* S1 */
			printk("shm: slot %u holds the segment of slot %u\n",
			       i, seg->slot);
			bad++;
		}
		bad += key_check(i);
		bad += seg_check(seg, &pages, &resident);
	}
	if (pages != shm_stat.pages || pages > SHMALL ||
	    resident != shm_stat.resident || n != shm_stat.segments) {
		printk("shm: %u segments, %u pages, %u frames; counted %u, %u, %u\n",
		       n, pages, resident, shm_stat.segments, shm_stat.pages,
		       shm_stat.resident);
		bad++;
	}
	return bad;
}
