/*
 * A small entropy pool for address-space layout randomisation: timing
 * samples go in, 32-bit values come out.
 *
 * It is for layout randomisation only, never for cryptography: the pool is
 * 128 bits, its inputs (cycle counters and timer phases at interrupts) are
 * guessable by anyone who can measure the machine, and the mixing is an
 * ARX permutation chosen for good diffusion, not a vetted generator.
 */
#ifndef LIB_ENTROPY_H
#define LIB_ENTROPY_H

#include <stdint.h>

/*
 * The pool.  Changed only by entropy_mix() and entropy_extract(); the
 * caller serialises them (the kernel: interrupts off).
 */
struct entropy_pool {
	uint32_t s[4];		/* the state the rounds permute */
	uint32_t inputs;	/* entropy_mix() calls, feedback included */
	uint32_t outputs;	/* values extracted so far */
};

/*
 * entropy_mix - fold the 32-bit @sample into @p.  Two samples that differ
 * in any bit leave pools that differ in about half of their bits.
 * Context: any, serialised by the caller.  Returns: nothing.
 */
void entropy_mix(struct entropy_pool *p, uint32_t sample);

/*
 * entropy_extract - a 32-bit value from @p.  The pool moves on, so two
 * calls with no sample in between still return unrelated values, and a
 * value does not give the state away directly.
 * Context: any, serialised by the caller.  Returns: the value.
 */
uint32_t entropy_extract(struct entropy_pool *p);

/*
 * entropy_below - a value in [0, @bound) from @p, without the bias of a
 * plain modulo (values of the short last stretch are drawn again).
 * Context: as entropy_extract().  Returns: the value; 0 if @bound is 0.
 */
uint32_t entropy_below(struct entropy_pool *p, uint32_t bound);

#endif /* LIB_ENTROPY_H */
