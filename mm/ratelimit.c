/*
 * Rate limits for console messages (include/mm/ratelimit.h).
 *
 * Design.  One interval at a time, as Linux's ___ratelimit(): the first
 * message starts it, up to burst messages pass in it, the rest are
 * counted as missed; the first message at or after begin + interval
 * starts the next interval, after the "suppressed" line if any were
 * missed.  Ticks wrap, so the test is on the difference.  No timer and
 * no background work: a limiter nobody calls costs nothing.
 *
 * Locking: rs->lock (interrupts off) guards the interval and the counts;
 * the "suppressed" line is printed after it is dropped.
 */
#include "mm/arch.h"
#include "mm/ratelimit.h"

bool ratelimit_ok(struct ratelimit_state *rs)
{
	unsigned long now = arch_ticks(), flags;
	unsigned int missed = 0;
	bool ok;

	flags = mm_lock_irqsave(&rs->lock);
	if (!rs->started || now - rs->begin >= rs->interval) {
		missed = rs->missed;
		rs->started = true;
		rs->begin = now;
		rs->printed = 0;
		rs->missed = 0;
	}
	ok = rs->printed < rs->burst;
	if (ok)
		rs->printed++;
	else
		rs->missed++;
	mm_unlock_irqrestore(&rs->lock, flags);
	if (missed)
		printk("%s: %u messages suppressed\n", rs->name, missed);
	return ok;
}

void ratelimit_reset(struct ratelimit_state *rs)
{
	rs->started = false;
	rs->printed = 0;
	rs->missed = 0;
}
