/*
 * Per-CPU hot lists: each CPU's set of the buddy hot lists (struct zone's
 * cpu_hot[]) and the protocol that drains another CPU's lists; the
 * per-CPU fast paths that use them once a second CPU may run are inline
 * in mm/buddy_internal.h (buddy_pcp_alloc(), buddy_pcp_free()).
 *
 * Design.  On one CPU the set is zone->hot, laid out at boot with the
 * free maps.  mm_smp_prepare() gives every CPU a set of its own, the
 * boot CPU included (lists sized as zone->hot's, the stacks right after
 * them, in frames of the zone allocator that hold nothing else), and
 * moves the boot CPU's blocks there: a CPU's pushes and pops then write
 * no cache line that another CPU reads, and zone->hot, which every
 * CPU's frees read for the skip rule's copy, is written only under the
 * zone lock.  A set is touched by its CPU only, with
 * interrupts off: without any lock on the per-CPU fast paths (a pop, a
 * push, no atomic instruction), under zone->lock when it moves a batch
 * to or from the maps (mm/buddy_hot.c).  A list's count is stored
 * atomically (a plain store on x86) because any CPU may read it
 * (zone_hot_pages()); another CPU's slots are never read.
 *
 * Draining.  When a zone runs short or a request fails, the CPU that
 * holds zone->lock drains its own lists and, for every other CPU,
 * either drains that CPU's lists at once if the CPU is not online (it
 * runs no mm code, so its lists cannot change under the lock), or sets
 * its bit in zone->drain_req and, if the bit was clear, kicks it
 * (arch_cpu_kick(): the kernel's drain IPI); an online CPU whose lists
 * of the zone are empty is not asked, so a CPU that does not allocate
 * there is not interrupted for nothing.  The CPU honours the request at
 * whichever comes first: the kick, which drains its lists of every zone
 * that asked (mm_cpu_drain_kicked()), or its next allocator entry in
 * that zone, whose fast paths see the bit and take the slow path, which
 * drains its lists under zone->lock before anything else
 * (pcp_honour_locked()).  Either way it drains under zone->lock and
 * clears its bit there; bits are set under the lock too, so a CPU
 * holding it sees exactly which requests are pending.  One kick per
 * request: a CPU asked again before it honoured is not kicked again.
 *
 * Waiting.  A request that fails while other online CPUs' lists of the
 * zone hold frames asks those CPUs, lets go of zone->lock and waits up
 * to ARCH_KICK_WAIT_US for their bits to clear, then tries once more
 * (pcp_wait_drained(), called from mm/buddy.c).  The wait is bounded
 * because the CPU kicked may have interrupts off for a while, or be
 * waiting itself; it then honours at its next entry, and only this one
 * request fails.  A caller that needs every hot frame back and is on no
 * allocation path (a snapshot of the free counts,
 * buddy_drain_hot_sync()) waits up to ARCH_SYNC_WAIT_US, seconds: a
 * virtual CPU the host has not scheduled takes its IPI late.  Only the
 * counts of another CPU's lists are read, never their slots.
 *
 * Online.  pcp_online has a bit per CPU that runs mm code:
 * mm_smp_prepare() sets the boot CPU's, mm_cpu_online() and
 * mm_cpu_offline() the others', under each zone's lock in turn, so a
 * CPU that holds a zone lock and finds a CPU offline may drain that
 * CPU's lists of the zone: the CPU cannot come online in that zone
 * before the lock is released.
 *
 * Locking: zone->lock for the _locked functions and for moving a
 * CPU's online bit; the fast paths run with interrupts off only.
 */
#include "buddy_internal.h"

static uint32_t pcp_online;	/* bit c: CPU c runs mm code (atomic) */

/* Per zone, under its lock: see struct buddy_drain_stats. */
static struct buddy_drain_stats pcp_drain_stats[MAX_NR_ZONES];

/*
 * The set of every CPU but the boot CPU in a zone with no frames: no
 * list (high 0), so nothing is ever pushed, refilled or drained there.
 */
static struct hot_list pcp_none[HOT_ORDERS];

static uint32_t pcp_online_mask(void)
{
	return __atomic_load_n(&pcp_online, __ATOMIC_RELAXED);
}

bool pcp_drainable(unsigned int c)
{
	return c == arch_cpu_id() || !(pcp_online_mask() & (1u << c));
}

/* Frames on one CPU's lists of the zone, from their atomic counts. */
static uint32_t pcp_set_frames(const struct hot_list *set)
{
	uint32_t frames = 0;
	unsigned int o;

	for (o = 0; o < HOT_ORDERS; o++)
		frames += __atomic_load_n(&set[o].count, __ATOMIC_RELAXED) << o;
	return frames;
}

/*
 * Ask online CPU c for its lists of the zone, kicking it unless it was
 * asked already: a pending bit has had its kick.
 */
static void pcp_ask_locked(struct zone *zone, unsigned int c)
{
	uint32_t bit = 1u << c;

	if (__atomic_load_n(&zone->drain_req, __ATOMIC_RELAXED) & bit)
		return;
	__atomic_or_fetch(&zone->drain_req, bit, __ATOMIC_RELAXED);
	arch_cpu_kick(c);
}

void pcp_drain_others_locked(struct zone *zone)
{
	unsigned int me = arch_cpu_id(), c;
	uint32_t online = pcp_online_mask();

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	for (c = 0; c < MM_MAX_CPUS; c++) {
		if (c == me || !zone->cpu_hot[c])
			continue;
		if (!(online & (1u << c)))
			hot_set_drain_locked(zone, zone->cpu_hot[c]);
		else if (pcp_set_frames(zone->cpu_hot[c]))
			pcp_ask_locked(zone, c);
	}
}

uint32_t pcp_others_holding(const struct zone *zone)
{
	uint32_t online = pcp_online_mask() & ~(1u << arch_cpu_id()), held = 0;
	unsigned int c;

	for (c = 0; online >> c; c++)
		if ((online & (1u << c)) && zone->cpu_hot[c] &&
		    pcp_set_frames(zone->cpu_hot[c]))
			held |= 1u << c;
	return held;
}

bool pcp_wait_drained(struct zone *zone, uint32_t cpus, uint32_t us)
{
	uint32_t start = arch_usecs();

	while (__atomic_load_n(&zone->drain_req, __ATOMIC_RELAXED) & cpus) {
		if (arch_usecs() - start > us)
			return false;
		arch_cpu_relax();
	}
	return true;
}

void pcp_count_wait_locked(struct zone *zone, bool drained)
{
	struct buddy_drain_stats *st = &pcp_drain_stats[zone->type];

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	st->waits++;
	st->timeouts += !drained;
}

void buddy_drain_stats(struct zone *zone, struct buddy_drain_stats *out)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);

	*out = pcp_drain_stats[zone->type];
	mm_unlock_irqrestore(&zone->lock, flags);
}

/* The zones whose drain_req has this CPU's bit; it drains there. */
void pcp_drain_kicked(void)
{
	uint32_t bit = 1u << arch_cpu_id();
	unsigned int t;

	for (t = 0; t < MAX_NR_ZONES; t++) {
		struct zone *zone = &zones[t];
		unsigned long flags;

		if (!(__atomic_load_n(&zone->drain_req, __ATOMIC_RELAXED) &
		      bit))
			continue;
		flags = mm_lock_irqsave(&zone->lock);
		pcp_honour_locked(zone);
		mm_unlock_irqrestore(&zone->lock, flags);
	}
}

void pcp_honour_slow(struct zone *zone)
{
	unsigned int me = arch_cpu_id();
	uint32_t bit = 1u << me;

	MM_DEBUG_ASSERT(mm_lock_held(&zone->lock));
	if (!(__atomic_load_n(&zone->drain_req, __ATOMIC_RELAXED) & bit))
		return;
	__atomic_and_fetch(&zone->drain_req, ~bit, __ATOMIC_RELAXED);
	hot_set_drain_locked(zone, zone->cpu_hot[me]);
}

/* ---- online, offline, the sets ----------------------------------------- */

static void pcp_set_online(unsigned int cpu, bool on)
{
	unsigned int t;

	for (t = 0; t < MAX_NR_ZONES; t++) {
		struct zone *zone = &zones[t];
		unsigned long flags = mm_lock_irqsave(&zone->lock);

		if (!on && zone->cpu_hot[cpu]) {
			hot_set_drain_locked(zone, zone->cpu_hot[cpu]);
			__atomic_and_fetch(&zone->drain_req, ~(1u << cpu),
					   __ATOMIC_RELAXED);
		}
		if (on)
			__atomic_or_fetch(&pcp_online, 1u << cpu,
					  __ATOMIC_RELAXED);
		else
			__atomic_and_fetch(&pcp_online, ~(1u << cpu),
					   __ATOMIC_RELAXED);
		mm_unlock_irqrestore(&zone->lock, flags);
	}
}

int mm_cpu_online(void)
{
	unsigned int cpu = arch_cpu_id();

	if (cpu >= mm_smp_cpus())
		return -EINVAL;		/* the caller reports it */
	pcp_set_online(cpu, true);
	return 0;
}

void pcp_cpu_offline(void)
{
	pcp_set_online(arch_cpu_id(), false);
}

/* The order of the block a set of the zone takes: lists, then stacks. */
static unsigned int pcp_set_order(const struct zone *zone)
{
	size_t bytes = HOT_ORDERS * sizeof(struct hot_list) +
		       hot_zone_slots(zone->hot_room) * sizeof(struct page *);
	unsigned int order = 0;

	while (((size_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/*
 * A set of its own for a CPU: lists sized as struct zone's, empty, the
 * stacks after them, in a block of frames no other data shares.
 */
static struct hot_list *pcp_set_alloc(struct zone *zone)
{
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					pcp_set_order(zone));
	struct hot_list *set;
	unsigned int o;

	if (!page)
		return NULL;
	set = page_address(page);
	memset(set, 0, HOT_ORDERS * sizeof(struct hot_list));
	for (o = 0; o < HOT_ORDERS; o++) {
		set[o].high = zone->hot[o].high;
		set[o].batch = zone->hot[o].batch;
		set[o].skip_from = PFN_NONE;
		set[o].head_flags = zone->hot[o].head_flags;
		set[o].hot_flags = zone->hot[o].hot_flags;
		set[o].slots = zone_hot_set_stack(zone, set, o);
	}
	return set;
}

/*
 * The boot CPU's lists move from struct zone into @set, blocks and
 * counters alike (zone_counters() sums the sets), and zone->hot keeps
 * no list (high 0): its lines are read by every CPU's frees for the
 * skip rule's copy, and the writes of a list in use would take them
 * from the others at every push and pop.
 */
static void pcp_boot_set_move(struct zone *zone, struct hot_list *set)
{
	unsigned long flags = mm_lock_irqsave(&zone->lock);
	unsigned int o;

	for (o = 0; o < HOT_ORDERS; o++) {
		struct hot_list *from = &zone->hot[o], *to = &set[o];
		struct page **slots = to->slots;
		uint32_t i;

		for (i = 0; i < from->count; i++)
			slots[i] = from->slots[i];
		*to = *from;
		to->slots = slots;
		to->skip_from = PFN_NONE;
		hot_count_set(from, 0);
		from->high = from->batch = 0;
		from->pushed_fast = from->pushed = 0;
		from->refilled = from->drained = 0;
	}
	zone->cpu_hot[0] = set;
	mm_unlock_irqrestore(&zone->lock, flags);
}

/* CPU c's set of the zone (pcp_none in a zone with no frames), or NULL. */
static struct hot_list *pcp_set_make(struct zone *zone, unsigned int c)
{
	struct hot_list *set;

	if (!zone_populated(zone))
		return c ? pcp_none : zone->hot;
	set = pcp_set_alloc(zone);
	if (!set)
		printk("mm: no memory for CPU %u's hot lists in zone %s\n", c,
		       zone->name);
	return set;
}

/*
 * The boot CPU's set of its own in the zone: the one it has, or a new
 * one while it still uses zone->hot (zone->hot itself in a zone with no
 * frames), or NULL.
 */
static struct hot_list *pcp_boot_set(struct zone *zone)
{
	if (zone->cpu_hot[0] && zone->cpu_hot[0] != zone->hot)
		return zone->cpu_hot[0];
	return pcp_set_make(zone, 0);
}

/* Is @set one pcp_boot_set() has just made (its lists to move in)? */
static bool pcp_boot_set_new(const struct zone *zone,
			     const struct hot_list *set)
{
	return set && set != zone->hot && set != zone->cpu_hot[0];
}

/* Free the boot CPU's sets made for the first n zones but not moved in. */
static void pcp_boot_sets_free(struct hot_list *const boot[], unsigned int n)
{
	unsigned int t;

	for (t = 0; t < n; t++)
		if (pcp_boot_set_new(&zones[t], boot[t]))
			__free_pages(virt_to_page(boot[t]),
				     pcp_set_order(&zones[t]));
}

/* The sets of CPUs 1..ncpus-1 in the zone.  Returns: 0, -ENOMEM. */
static int pcp_others_make(struct zone *zone, unsigned int ncpus)
{
	unsigned int c;

	for (c = 1; c < ncpus; c++) {
		if (!zone->cpu_hot[c])
			zone->cpu_hot[c] = pcp_set_make(zone, c);
		if (!zone->cpu_hot[c])
			return -ENOMEM;
	}
	return 0;
}

/*
 * Every CPU's set, the boot CPU's too, each in frames of its own.  The
 * boot CPU's lists move into theirs only once every allocation here is
 * done, so that none runs between the move and the switch to the
 * per-CPU paths.  A failure frees the boot CPU's new sets; the others
 * stay for the next attempt.
 */
int buddy_pcp_prepare(unsigned int ncpus)
{
	struct hot_list *boot[MAX_NR_ZONES];
	unsigned int t;

	for (t = 0; t < MAX_NR_ZONES; t++) {
		struct zone *zone = &zones[t];

		boot[t] = pcp_boot_set(zone);
		if (!boot[t] || pcp_others_make(zone, ncpus)) {
			pcp_boot_sets_free(boot, t + 1);
			return -ENOMEM;
		}
	}
	for (t = 0; t < MAX_NR_ZONES; t++)
		if (pcp_boot_set_new(&zones[t], boot[t]))
			pcp_boot_set_move(&zones[t], boot[t]);
	__atomic_or_fetch(&pcp_online, 1u, __ATOMIC_RELAXED);	/* the boot CPU */
	return 0;
}
