/*
 * Rate limits for console messages, as Linux's printk_ratelimit: at most
 * burst messages in any interval of ticks (arch_ticks()); the first one
 * let through after some were held back is preceded by a line
 * "<name>: N messages suppressed".
 *
 *	static struct ratelimit_state rs = RATELIMIT_STATE_INIT("buddy",
 *							 5 * ARCH_HZ, 10);
 *	if (ratelimit_ok(&rs))
 *		printk("buddy: ...\n");
 */
#ifndef MM_RATELIMIT_H
#define MM_RATELIMIT_H

#include "mm/lock.h"

/* Fields after burst change under lock only, in ratelimit_ok(). */
struct ratelimit_state {
	const char *name;		/* prefix of the "suppressed" line */
	unsigned long interval;		/* ticks */
	unsigned int burst;		/* messages per interval */
	mm_lock_t lock;
	bool started;			/* begin is valid */
	unsigned long begin;		/* tick the interval began */
	unsigned int printed;		/* let through in this interval */
	unsigned int missed;		/* held back in this interval */
};

#define RATELIMIT_STATE_INIT(n, ticks, b)				\
	{ .name = (n), .interval = (ticks), .burst = (b),		\
	  .lock = MM_LOCK_INIT(MM_LOCK_RATELIMIT) }

/*
 * May the caller print its message now?  Counts it as printed or held
 * back; when a new interval begins after messages were held back,
 * prints "<name>: N messages suppressed" first.
 * Context: any; takes rs->lock with interrupts off.
 * Returns: true to print, false to drop the message.
 */
bool ratelimit_ok(struct ratelimit_state *rs);

/*
 * Forget the intervals and counts (host tests between cases).
 * Context: nobody else uses rs.
 */
void ratelimit_reset(struct ratelimit_state *rs);

#endif /* MM_RATELIMIT_H */
