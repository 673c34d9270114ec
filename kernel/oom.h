/*
 * The out-of-memory killer (kernel/oom.c): what a user fault does when
 * mm_fault() finds no frame.
 */
#ifndef KERNEL_OOM_H
#define KERNEL_OOM_H

#include "mm/types.h"

/* What the faulting path does next (out_of_memory()). */
enum oom_action {
	OOM_RETRY,	/* memory was reclaimed or a victim freed: try again */
	OOM_WAIT,	/* a victim's memory is not back yet: let it run */
	OOM_SELF,	/* the current process is the victim: it dies */
	OOM_FAIL,	/* nothing to kill: fail this allocation */
};

/*
 * out_of_memory - the current process could not have a frame.  The first
 * call of a fault (*@reclaimed false) reclaims and asks for a retry;
 * later ones kill the process with the highest mm_oom_badness() (never
 * process 0) with Linux's "Out of memory: Killed process" line, and free
 * its memory at once unless it is the current process.
 * Context: the page-fault path of the current process, interrupts off.
 * Returns: what to do next.
 */
enum oom_action out_of_memory(bool *reclaimed);

/* Is a process the killer chose still alive (its memory not back)? */
bool oom_victim_pending(void);

#endif /* KERNEL_OOM_H */
