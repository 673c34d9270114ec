/*
 * Fault injection: Linux's fail_page_alloc and failslab, replayable.
 *
 * Design.  One state per kind (page, slab): the attributes of
 * include/mm/fault_inject.h, the times left, the interval's count, the
 * generator and the counters.  A request passes the filter first
 * (ineligible calls touch nothing), then, as in Linux's should_fail(),
 * the times left, the interval (the count of eligible calls must be a
 * multiple of it) and last the probability: one draw of a xorshift32
 * generator seeded by the attributes, so the draws depend on nothing but
 * the seed and the sequence of candidate calls, and a failure seen once
 * comes back with the same seed and the same workload.
 *
 * The check costs the fast paths nothing: this file never sits on them.
 * Arming a kind asks its allocator to route the covered requests to the
 * slow path (buddy_fault_inject_update(), slab_fault_inject_update()),
 * and only the slow paths call should_fail_page() / should_fail_slab().
 * Until fault_inject_boot_done() nothing is armed: boot allocations are
 * never eligible, and boot options set earlier wait for it.
 *
 * What it does not do: per-task filters, stack-trace filters, the
 * "space" and "verbose" attributes of Linux.
 *
 * Locking: fault_lock (interrupts off) guards both states; it nests
 * inside nothing and no allocator lock is taken under it.  The checks
 * may run in an IRQ handler; setting and clearing may not (they rebuild
 * the allocators' tables).
 */
#include "mm/fault_inject.h"
#include "mm/arch.h"
#include "mm/lock.h"
#include "mm/zones.h"
#include "fault_inject_internal.h"
#include "mm/testing/fault_inject.h"

struct fault_state {
	struct fault_attr attr;		/* attr.times: the times left */
	bool set;			/* attributes given, maybe not armed */
	uint32_t rng;			/* xorshift32 state, never 0 */
	unsigned long count;		/* eligible calls since set */
	struct fault_stats stats;
};

static struct fault_state fault_states[FAULT_NR_KINDS];
static bool fault_booted;
static mm_lock_t fault_lock = MM_LOCK_INIT(MM_LOCK_FAULT);

void fault_attr_init(struct fault_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->interval = 1;
	attr->times = -1;
	attr->zone = -1;
	attr->order = -1;
}

/* Marsaglia's xorshift32: small, and the same on every build. */
static uint32_t fault_next(struct fault_state *st)
{
	uint32_t x = st->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return st->rng = x;
}

static void fault_update(enum fault_kind kind)
{
	if (kind == FAULT_PAGE)
		buddy_fault_inject_update();
	else
		slab_fault_inject_update();
}

/* True if @s holds its terminating NUL within @n chars. */
static bool strnlen_bounded(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!s[i])
			return true;
	return false;
}

static bool fault_attr_valid(enum fault_kind kind,
			     const struct fault_attr *a)
{
	if ((unsigned int)kind >= FAULT_NR_KINDS || a->probability > 100 ||
	    a->interval == 0 || a->times < -1 || a->zone < -1 ||
	    a->zone >= MAX_NR_ZONES || a->order < -1 || a->order > 31)
		return false;
	return strnlen_bounded(a->cache, sizeof(a->cache));
}

int fault_inject_set(enum fault_kind kind, const struct fault_attr *attr)
{
	struct fault_state *st;
	unsigned long flags;

	if (!fault_attr_valid(kind, attr))
		return -EINVAL;
	st = &fault_states[kind];
	flags = mm_lock_irqsave(&fault_lock);
	st->attr = *attr;
	st->rng = attr->seed ? attr->seed : 0x9e3779b9u;
	st->count = 0;
	st->set = true;
	mm_unlock_irqrestore(&fault_lock, flags);
	fault_update(kind);
	return 0;
}

void fault_inject_off(enum fault_kind kind)
{
	unsigned long flags;

	if ((unsigned int)kind >= FAULT_NR_KINDS)
		return;
	flags = mm_lock_irqsave(&fault_lock);
	fault_states[kind].set = false;
	mm_unlock_irqrestore(&fault_lock, flags);
	fault_update(kind);
}

bool fault_inject_get(enum fault_kind kind, struct fault_attr *attr,
		      struct fault_stats *stats)
{
	const struct fault_state *st = &fault_states[kind];
	unsigned long flags = mm_lock_irqsave(&fault_lock);
	bool set = st->set;

	if (attr)
		*attr = st->attr;
	if (stats)
		*stats = st->stats;
	mm_unlock_irqrestore(&fault_lock, flags);
	return set;
}

void fault_inject_reset_stats(void)
{
	unsigned long flags = mm_lock_irqsave(&fault_lock);
	unsigned int k;

	for (k = 0; k < FAULT_NR_KINDS; k++)
		memset(&fault_states[k].stats, 0, sizeof(struct fault_stats));
	mm_unlock_irqrestore(&fault_lock, flags);
}

void fault_inject_boot_done(void)
{
	fault_booted = true;
	fault_update(FAULT_PAGE);
	fault_update(FAULT_SLAB);
}

bool fault_inject_armed(enum fault_kind kind)
{
	return fault_booted && fault_states[kind].set;
}

bool fault_inject_cache_match(const char *name)
{
	const struct fault_state *st = &fault_states[FAULT_SLAB];

	return fault_inject_armed(FAULT_SLAB) &&
	       (!st->attr.cache[0] || strcmp(st->attr.cache, name) == 0);
}

/*
 * The decision for an eligible call, with fault_lock held: Linux's
 * should_fail() order (times left, interval, probability).
 */
static bool fault_decide_locked(struct fault_state *st)
{
	struct fault_attr *a = &st->attr;

	st->stats.calls++;
	if (a->times == 0)
		return false;
	if (++st->count % a->interval != 0)
		return false;
	if (fault_next(st) % 100u >= a->probability)
		return false;
	if (a->times > 0)
		a->times--;
	st->stats.injected++;
	return true;
}

bool should_fail_page(int zone, unsigned int order)
{
	struct fault_state *st = &fault_states[FAULT_PAGE];
	unsigned long flags;
	bool fail = false;

	if (!fault_inject_armed(FAULT_PAGE))
		return false;
	flags = mm_lock_irqsave(&fault_lock);
	if (st->set && (st->attr.zone < 0 || st->attr.zone == zone) &&
	    (st->attr.order < 0 || (unsigned int)st->attr.order == order))
		fail = fault_decide_locked(st);
	mm_unlock_irqrestore(&fault_lock, flags);
	return fail;
}

bool should_fail_slab(const char *name)
{
	struct fault_state *st = &fault_states[FAULT_SLAB];
	unsigned long flags;
	bool fail = false;

	if (!fault_inject_armed(FAULT_SLAB))
		return false;
	flags = mm_lock_irqsave(&fault_lock);
	if (st->set &&
	    (!st->attr.cache[0] || strcmp(st->attr.cache, name) == 0))
		fail = fault_decide_locked(st);
	mm_unlock_irqrestore(&fault_lock, flags);
	return fail;
}

/*
 * One decimal field of "P,N,T[,SEED]" at *@s (before @end), with an
 * optional minus sign, followed by ',' or the end.  Returns: 0 or -EINVAL.
 */
static int fault_parse_field(const char **s, const char *end, long long *v)
{
	bool neg = *s < end && **s == '-';
	const char *p = *s + neg;
	long long n = 0;

	if (p == end || *p < '0' || *p > '9')
		return -EINVAL;
	while (p < end && *p >= '0' && *p <= '9' && n < (1LL << 40))
		n = n * 10 + (*p++ - '0');
	if (p < end && *p++ != ',')
		return -EINVAL;
	*s = p;
	*v = neg ? -n : n;
	return 0;
}

int fault_inject_parse(const char *s, size_t len, struct fault_attr *attr)
{
	const char *end = s + len;
	long long v[4] = { 0, 0, 0, 0 };
	unsigned int i;

	for (i = 0; i < 4 && s < end; i++)
		if (fault_parse_field(&s, end, &v[i]) != 0)
			return -EINVAL;
	if (i < 3 || s < end || v[0] < 0 || v[0] > 100 || v[1] < 1 ||
	    v[1] > 0x7fffffffLL || v[2] < -1 || v[2] > 0x7fffffffLL ||
	    v[3] < 0 || v[3] > 0xffffffffLL)
		return -EINVAL;
	attr->probability = (unsigned int)v[0];
	attr->interval = (unsigned long)v[1];
	attr->times = (long)v[2];
	attr->seed = (uint32_t)v[3];
	return 0;
}

void fault_inject_test_reset(void)
{
	fault_inject_off(FAULT_PAGE);
	fault_inject_off(FAULT_SLAB);
	fault_inject_reset_stats();
	fault_booted = false;
}
