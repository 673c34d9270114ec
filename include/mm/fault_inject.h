/*
 * Fault injection: make page and slab allocations fail on purpose, the way
 * Linux's fail_page_alloc and failslab do, so that every caller's failure
 * path runs.
 *
 * Each kind has the attributes Linux spells the same way: a probability
 * in percent, an interval (only every Nth eligible call is a candidate)
 * and a number of times (at most T failures; -1: no limit), plus a seed:
 * the draws come from a generator of its own, so one seed and one
 * sequence of eligible calls give the same failures on every run.  A
 * filter narrows what is eligible: the request's first zone and its order
 * (page), the cache's name (slab).  Nothing is eligible before
 * fault_inject_boot_done(): what is set earlier waits until then.
 *
 * When injection is off the allocators' fast paths do not look at it;
 * arming it routes the eligible requests to the slow paths, which ask
 * should_fail_page() / should_fail_slab().
 */
#ifndef MM_FAULT_INJECT_H
#define MM_FAULT_INJECT_H

#include "mm/types.h"

enum fault_kind { FAULT_PAGE, FAULT_SLAB, FAULT_NR_KINDS };

#define FAULT_NAME_LEN	24	/* the cache filter, as KMEM_CACHE_NAME_LEN */

/*
 * What to inject (fault_inject_set()'s argument; fault_inject_get() fills
 * one with the times still left).
 * @probability: percent, 0..100
 * @interval: 1 or more: only every @interval-th eligible call may fail
 * @times: failures left, -1 for no limit
 * @seed: the generator's start
 * @zone: page only: the request's first zone (enum zone_type), -1 any
 * @order: page only: the order, -1 any
 * @cache: slab only: the cache's name, "" any
 */
struct fault_attr {
	unsigned int probability;
	unsigned long interval;
	long times;
	uint32_t seed;
	int zone;
	int order;
	char cache[FAULT_NAME_LEN];
};

/* Counters of one kind, for `fault` and vmstat. */
struct fault_stats {
	uint64_t calls;		/* eligible calls seen while armed */
	uint64_t injected;	/* failures injected */
};

/*
 * fault_attr_init - the attributes of "no injection, no filter".
 * Context: any.
 */
void fault_attr_init(struct fault_attr *attr);

/*
 * fault_inject_set - inject @attr's failures into allocations of @kind,
 * from now on (or from the end of boot), restarting the generator from
 * @attr->seed and the interval's count from 0.
 * Context: any but an IRQ handler; not with a zone or cache lock held.
 * Returns: 0, or -EINVAL for an attribute out of range (nothing changes).
 */
int fault_inject_set(enum fault_kind kind, const struct fault_attr *attr);

/*
 * fault_inject_off - stop injecting into @kind; its counters stay.
 * Context: as fault_inject_set().
 */
void fault_inject_off(enum fault_kind kind);

/*
 * fault_inject_get - @kind's attributes (with the times left) and stats.
 * Context: any.  Returns: true if @kind is set (armed or waiting for boot).
 */
bool fault_inject_get(enum fault_kind kind, struct fault_attr *attr,
		      struct fault_stats *stats);

/* fault_inject_reset_stats - zero both kinds' counters.  Context: any. */
void fault_inject_reset_stats(void);

/*
 * fault_inject_boot_done - boot is over: what was set takes effect.
 * Context: once, at the end of boot (host tests: their setup).
 */
void fault_inject_boot_done(void);

/*
 * fault_inject_armed - true if @kind injects now (set and booted).
 * Context: any.
 */
bool fault_inject_armed(enum fault_kind kind);

/*
 * fault_inject_cache_match - true if slab injection, armed, covers the
 * cache called @name (so its allocations take the slow path).
 * Context: any.
 */
bool fault_inject_cache_match(const char *name);

/*
 * should_fail_page - whether this page request (@zone: the type of its
 * first populated zone, or -1) fails; counts it.
 * should_fail_slab - the same for an allocation from cache @name.
 * Context: any (IRQ handlers included); no lock of the allocator held.
 * Returns: true to fail the request.
 */
bool should_fail_page(int zone, unsigned int order);
bool should_fail_slab(const char *name);

/*
 * fault_inject_parse - read "P,N,T[,SEED]" (the boot option's value,
 * @len chars) into @attr, keeping its filters.
 * Returns: 0 or -EINVAL.
 */
int fault_inject_parse(const char *s, size_t len, struct fault_attr *attr);

#endif /* MM_FAULT_INJECT_H */
