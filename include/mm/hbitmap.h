/*
 * Hierarchical bitmaps: a bitmap with summary levels above it, so that the
 * lowest set bit is found in one word load per level, whatever the size.
 *
 *   level top   [1 word]           bit w set iff word w below is non-zero
 *   ...
 *   level 1     [n / B^2 words]
 *   level 0     [n / B words]      the bits themselves
 *
 * (B = bits in an unsigned long: 32 on i386, 64 on the host.)  Two levels
 * above the bits cover 32,768 bits on i386, three cover a million: enough
 * for one bit per frame of 4 GiB.  The buddy allocator keeps its free
 * state in these (see include/mm/zones.h): finding the lowest-addressed
 * free block is hbitmap_first(), a handful of loads from a few cache lines
 * however fragmented the zone is.
 *
 * Invariants (hbitmap_check()): H1. a summary bit is set exactly when the
 * word it stands for is non-zero; H2. no bit is set at or past nbits on
 * any level.
 *
 * Locking: none of its own; the owner's lock covers the words.
 */
#ifndef MM_HBITMAP_H
#define MM_HBITMAP_H

#include "mm/arch.h"

#define HB_BITS		(8u * (unsigned int)sizeof(unsigned long))
#define HB_MAX_LEVELS	5
#define HB_NONE		0xffffffffu

struct hbitmap {
	unsigned long *level[HB_MAX_LEVELS];	/* [0]: the bits themselves */
	uint32_t words[HB_MAX_LEVELS];		/* words on each level */
	uint32_t nbits;				/* bits on level 0 */
	uint32_t top;				/* level[top] is one word */
};

/* Words a bitmap of nbits needs on one level, and on all of them. */
static inline uint32_t hbitmap_level_words(uint32_t nbits)
{
	return (nbits + HB_BITS - 1) / HB_BITS;
}

static inline uint32_t hbitmap_words(uint32_t nbits)
{
	uint32_t words = 0, n = nbits;

	do {
		n = hbitmap_level_words(n);
		words += n;
	} while (n > 1);
	return words;
}

/*
 * hbitmap_init - lay a bitmap of nbits (0 < nbits <= HB_BITS^HB_MAX_LEVELS)
 * over words[hbitmap_words(nbits)], all bits clear.
 * Context: any.  Returns: nothing.
 */
void hbitmap_init(struct hbitmap *hb, uint32_t nbits, unsigned long *words);

/* Set bits on level 0 (a popcount).  Context: any.  Returns: the count. */
uint32_t hbitmap_weight(const struct hbitmap *hb);

/*
 * hbitmap_check - verify H1 and H2; print one line per violation, naming
 * @what (the owner's name for this bitmap).
 * Context: any.  Returns: the number of violations.
 */
unsigned int hbitmap_check(const struct hbitmap *hb, const char *what);

static inline unsigned long hb_mask(uint32_t i)
{
	return 1ul << (i % HB_BITS);
}

static inline bool hbitmap_test(const struct hbitmap *hb, uint32_t i)
{
	return (hb->level[0][i / HB_BITS] & hb_mask(i)) != 0;
}

/* Set bit i on level l and the summary bits above it that were clear. */
static inline void hb_set_from(struct hbitmap *hb, uint32_t l, uint32_t i)
{
	for (; l <= hb->top; l++) {
		unsigned long *w = &hb->level[l][i / HB_BITS];
		unsigned long old = *w;

		*w = old | hb_mask(i);
		if (old)
			return;
		i /= HB_BITS;
	}
}

/* Clear bit i on level l and the summary bits whose word became zero. */
static inline void hb_clear_from(struct hbitmap *hb, uint32_t l, uint32_t i)
{
	for (; l <= hb->top; l++) {
		unsigned long *w = &hb->level[l][i / HB_BITS];

		*w &= ~hb_mask(i);
		if (*w)
			return;
		i /= HB_BITS;
	}
}

static inline void hbitmap_set(struct hbitmap *hb, uint32_t i)
{
	hb_set_from(hb, 0, i);
}

static inline void hbitmap_clear(struct hbitmap *hb, uint32_t i)
{
	hb_clear_from(hb, 0, i);
}

/* The lowest set bit, or HB_NONE: one load per level, top down. */
static inline uint32_t hbitmap_first(const struct hbitmap *hb)
{
	uint32_t l = hb->top, w = 0;
	unsigned long x = hb->level[l][0];

	if (!x)
		return HB_NONE;
	for (;;) {
		w = w * HB_BITS + (uint32_t)__builtin_ctzl(x);
		if (l-- == 0)
			return w;
		x = hb->level[l][w];
	}
}

/*
 * The lowest set bit at or after i, or HB_NONE: up the levels until a word
 * has a set bit at or after the position, then down along the lowest set
 * bits.  One load when the answer is in i's own word.
 */
static inline uint32_t hbitmap_next(const struct hbitmap *hb, uint32_t i)
{
	uint32_t l = 0;
	unsigned long x;

	for (;;) {
		if (i / HB_BITS >= hb->words[l])
			return HB_NONE;
		x = hb->level[l][i / HB_BITS] & (~0ul << (i % HB_BITS));
		if (x)
			break;
		if (l == hb->top)
			return HB_NONE;
		i = i / HB_BITS + 1;	/* the next word, as a bit one level up */
		l++;
	}
	i = (i & ~(HB_BITS - 1)) + (uint32_t)__builtin_ctzl(x);
	while (l-- > 0)
		i = i * HB_BITS + (uint32_t)__builtin_ctzl(hb->level[l][i]);
	return i;
}

#endif /* MM_HBITMAP_H */
