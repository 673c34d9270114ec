/*
 * The entropy pool behind layout randomisation (see entropy.h).
 *
 * Design.  The state is four 32-bit words permuted by the ChaCha quarter
 * round (add, rotate, xor), a well-known ARX step in which every input bit
 * reaches every output word.  A sample is xored into one word, chosen by
 * the input count, and added rotated into the next, then two quarter
 * rounds spread it.  An extraction works on a copy: the input and output
 * counters are added in, four rounds run, and the value is two words of
 * the copy folded together; the copy's third word is then fed back, so the
 * pool never repeats itself between samples and the value alone does not
 * show the state.  Pure code, no platform calls: the host tests run it
 * as it is.
 *
 * Locking: none; the caller serialises every call on one pool.
 */
#include "entropy.h"

static uint32_t rotl32(uint32_t x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

/* The ChaCha quarter round over the four words of @s. */
static void quarter_round(uint32_t s[4])
{
	s[0] += s[1]; s[3] ^= s[0]; s[3] = rotl32(s[3], 16);
	s[2] += s[3]; s[1] ^= s[2]; s[1] = rotl32(s[1], 12);
	s[0] += s[1]; s[3] ^= s[0]; s[3] = rotl32(s[3], 8);
	s[2] += s[3]; s[1] ^= s[2]; s[1] = rotl32(s[1], 7);
}

void entropy_mix(struct entropy_pool *p, uint32_t sample)
{
	unsigned int i = p->inputs & 3;

	p->s[i] ^= sample;
	p->s[(i + 1) & 3] += rotl32(sample, 13) ^ p->inputs;
	p->inputs++;
	quarter_round(p->s);
	quarter_round(p->s);
}

uint32_t entropy_extract(struct entropy_pool *p)
{
	uint32_t t[4] = { p->s[0], p->s[1], p->s[2], p->s[3] };
	unsigned int r;

	t[1] ^= p->outputs;
	t[3] += p->inputs;
	for (r = 0; r < 4; r++)
		quarter_round(t);
	p->outputs++;
	entropy_mix(p, t[2]);
	return t[0] ^ t[3];
}

uint32_t entropy_below(struct entropy_pool *p, uint32_t bound)
{
	uint32_t limit, v;

	if (bound == 0)
		return 0;
	/* the largest multiple of @bound that fits in 32 bits */
	limit = (uint32_t)(0x100000000ull - 0x100000000ull % bound);
	do {
		v = entropy_extract(p);
	} while (limit != 0 && v >= limit);
	return v % bound;
}
