/*
 * What the slab layer's host tests share: a booted machine with the slab
 * layer up (debug on, as every host test runs it, or off), the checks each
 * case ends with, and a fill derived from an object's address.
 *
 *	cmocka_unit_test_setup_teardown(test_x, setup_debug, teardown)
 *
 * teardown() fails the case if an invariant broke, a frame was not given
 * back (empty slabs shrunk first) or an object is still live.  Include it
 * after <cmocka.h>; everything here is static inline.
 */
#ifndef TESTS_HOST_SLAB_HARNESS_H
#define TESTS_HOST_SLAB_HARNESS_H

#include "machine.h"
#include "mm/slab.h"

static uint32_t boot_free;	/* free frames right after kmem_cache_init */

static inline void slab_boot(unsigned int flags)
{
	machine_boot(MiB(64));
	assert_int_equal(kmem_cache_init(flags), 0);
	boot_free = zones_total_free();
	host_log_clear();
}

static inline int setup_debug(void **state)
{
	(void)state;
	slab_boot(SLAB_DEBUG);
	return 0;
}

static inline int setup_plain(void **state)
{
	(void)state;
	slab_boot(0);
	return 0;
}

static inline void check_all(void)
{
	unsigned int bad = kmem_cache_check_all() + buddy_check_all();

	if (bad)
		fail_msg("%u violations\n%s", bad, host_log());
	assert_true(host_irqs_enabled());
}

static inline int teardown(void **state)
{
	(void)state;
	check_all();
	kmem_cache_shrink_all();
	if (zones_total_free() != boot_free)
		fail_msg("%u free frames after the case, %u before",
			 zones_total_free(), boot_free);
	if (kmem_cache_teardown() != 0)
		fail_msg("teardown refused\n%s", host_log());
	machine_shutdown();
	return 0;
}

/*
 * Frames the slab descriptor cache holds now.  It keeps a few empty slabs
 * after the slabs they described went back, like any cache; cases that
 * count frames count these apart.
 */
static inline uint32_t desc_frames(void)
{
	struct kmem_cache *d = kmem_cache_find("kmem_slab");
	struct kmem_cache_info info;

	assert_non_null(d);
	kmem_cache_info(d, &info);
	return (uint32_t)(info.num_slabs * info.pages_per_slab);
}

/* Byte @i of the fill of an object at @p. */
static inline uint8_t pattern(const void *p, size_t i)
{
	return (uint8_t)(((uintptr_t)p >> 4) ^ (i * 13));
}

static inline void fill(void *p, size_t n)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = pattern(p, i);
}

static inline void expect_filled(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != pattern(p, i))
			fail_msg("object %p byte %zu is 0x%02x", p, i, b[i]);
}

#endif /* TESTS_HOST_SLAB_HARNESS_H */
