/*
 * Hierarchical bitmaps: set-up, counting and the checker; the operations
 * every allocation uses are inline in include/mm/hbitmap.h.
 *
 * Design.  The levels of one bitmap lie back to back in the caller's words,
 * level 0 first; each level has one bit per word of the level below, up
 * to a level of a single word.  The caller provides the storage (the zone
 * table takes it from the block it gets at boot), so nothing here
 * allocates.
 *
 * Locking: none; the owner serialises access.
 */
#include "mm/hbitmap.h"
#include "mm/mmdebug.h"

void hbitmap_init(struct hbitmap *hb, uint32_t nbits, unsigned long *words)
{
	uint32_t n = nbits, l = 0;

	MM_ASSERT(nbits > 0);
	memset(words, 0, hbitmap_words(nbits) * sizeof(*words));
	memset(hb, 0, sizeof(*hb));
	hb->nbits = nbits;
	for (;;) {
		MM_ASSERT(l < HB_MAX_LEVELS);
		hb->level[l] = words;
		n = hbitmap_level_words(n);
		hb->words[l] = n;
		words += n;
		if (n == 1)
			break;
		l++;
	}
	hb->top = l;
}

uint32_t hbitmap_weight(const struct hbitmap *hb)
{
	uint32_t i, n = 0;

	for (i = 0; i < hbitmap_level_words(hb->nbits); i++)
		n += (uint32_t)__builtin_popcountl(hb->level[0][i]);
	return n;
}

/* Bits on level l (level 0 has nbits, each level above one per word). */
static uint32_t hb_level_bits(const struct hbitmap *hb, uint32_t l)
{
	uint32_t n = hb->nbits;

	while (l--)
		n = hbitmap_level_words(n);
	return n;
}

/* H2 for one word: nothing set past the level's last bit. */
static unsigned int hb_check_tail(const struct hbitmap *hb, uint32_t l,
				  const char *what)
{
	uint32_t bits = hb_level_bits(hb, l);
	uint32_t last = hbitmap_level_words(bits) - 1;
	unsigned long live = bits % HB_BITS ? (1ul << bits % HB_BITS) - 1 :
					       ~0ul;

	if (!(hb->level[l][last] & ~live))
		return 0;
	printk("hbitmap: H2: %s level %u has bits set past bit %u\n", what,
	       l, bits);
	return 1;
}

unsigned int hbitmap_check(const struct hbitmap *hb, const char *what)
{
	unsigned int bad = 0;
	uint32_t l, w, above;

	for (l = 0; l <= hb->top; l++) {
		bad += hb_check_tail(hb, l, what);
		if (l == hb->top)
			break;
		above = hb_level_bits(hb, l + 1);
		for (w = 0; w < above; w++) {
			bool nonzero = hb->level[l][w] != 0;
			bool summary = (hb->level[l + 1][w / HB_BITS] &
					hb_mask(w)) != 0;

			if (nonzero == summary)
				continue;
			printk("hbitmap: H1: %s level %u word %u is %s but its summary bit is %s\n",
			       what, l, w, nonzero ? "non-zero" : "zero",
			       summary ? "set" : "clear");
			bad++;
		}
	}
	return bad;
}
