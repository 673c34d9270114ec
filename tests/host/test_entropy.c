/*
 * Host tests of lib/entropy.c, the pool behind layout randomisation:
 * the same samples give the same values, one flipped sample bit changes
 * about half the bits of the next value, values without new samples do
 * not repeat and each of their bits is set about half the time, and
 * entropy_below() stays below its bound and reaches every value of a
 * small range evenly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/entropy.c"

static struct entropy_pool seeded(uint32_t a, uint32_t b)
{
	struct entropy_pool p;

	memset(&p, 0, sizeof(p));
	entropy_mix(&p, a);
	entropy_mix(&p, b);
	return p;
}

static unsigned int popcount32(uint32_t x)
{
	return (unsigned int)__builtin_popcount(x);
}

/* The same samples, the same values: nothing but the samples counts. */
static void test_deterministic(void **state)
{
	struct entropy_pool a = seeded(0x1234, 0x5678);
	struct entropy_pool b = seeded(0x1234, 0x5678);
	unsigned int i;

	(void)state;
	for (i = 0; i < 100; i++)
		assert_int_equal(entropy_extract(&a), entropy_extract(&b));
}

/* Flipping any one bit of a sample changes 8-24 of 32 output bits. */
static void test_avalanche(void **state)
{
	unsigned int bit, total = 0;

	(void)state;
	for (bit = 0; bit < 32; bit++) {
		struct entropy_pool a = seeded(0xcafef00d, 7);
		struct entropy_pool b = seeded(0xcafef00d ^ (1u << bit), 7);
		unsigned int d = popcount32(entropy_extract(&a) ^
					    entropy_extract(&b));

		if (d < 6 || d > 26)
			fail_msg("bit %u of the sample changed %u output bits",
				 bit, d);
		total += d;
	}
	/* about 16 on average over the 32 flips */
	assert_true(total > 32 * 12 && total < 32 * 20);
}

/* Without new samples: no repeats, each bit set about half the time. */
static void test_distribution(void **state)
{
	enum { N = 8192 };
	struct entropy_pool p = seeded(0, 0);	/* the weakest seed */
	uint32_t *v = calloc(N, sizeof(*v));
	unsigned int ones[32] = { 0 };
	unsigned int i, j, bit;

	(void)state;
	assert_non_null(v);
	for (i = 0; i < N; i++) {
		v[i] = entropy_extract(&p);
		for (bit = 0; bit < 32; bit++)
			ones[bit] += (v[i] >> bit) & 1;
	}
	for (bit = 0; bit < 32; bit++)
		if (ones[bit] < N / 2 - N / 16 || ones[bit] > N / 2 + N / 16)
			fail_msg("bit %u set in %u of %u values", bit,
				 ones[bit], N);
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N && j < i + 64; j++)
			assert_int_not_equal(v[i], v[j]);
	free(v);
}

/* Bounded values: never out of range, every value of a range drawn. */
static void test_below(void **state)
{
	enum { BOUND = 11, DRAWS = 11000 };
	struct entropy_pool p = seeded(42, 43);
	unsigned int seen[BOUND] = { 0 };
	unsigned int i;

	(void)state;
	assert_int_equal(entropy_below(&p, 0), 0);
	assert_int_equal(entropy_below(&p, 1), 0);
	for (i = 0; i < DRAWS; i++) {
		uint32_t x = entropy_below(&p, BOUND);

		assert_true(x < BOUND);
		seen[x]++;
	}
	for (i = 0; i < BOUND; i++)
		if (seen[i] < DRAWS / BOUND / 2 || seen[i] > DRAWS / BOUND * 2)
			fail_msg("%u drawn %u times in %u", i, seen[i], DRAWS);
	for (i = 0; i < 1000; i++) {
		assert_true(entropy_below(&p, 2048) < 2048);
		assert_true(entropy_below(&p, 0x80000001u) < 0x80000001u);
	}
}

/* Mixing a sample moves the pool: the next value differs. */
static void test_mix_moves(void **state)
{
	struct entropy_pool a = seeded(1, 2), b = seeded(1, 2);

	(void)state;
	entropy_mix(&b, 0);
	assert_int_not_equal(entropy_extract(&a), entropy_extract(&b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_avalanche),
		cmocka_unit_test(test_distribution),
		cmocka_unit_test(test_below),
		cmocka_unit_test(test_mix_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
