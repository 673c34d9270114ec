/*
 * What the libFuzzer harnesses share: an assertion that prints the failed
 * condition, its file and line and the kernel log so far, then aborts
 * (libFuzzer saves the input that got there); and, for the slab
 * harnesses, the model of a live block (its bytes are a pattern derived
 * from its address, so a block that changes while live is caught) and
 * the misuse both make, which must be refused and counted.
 */
#ifndef TESTS_HOST_FUZZ_H
#define TESTS_HOST_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mm/slab.h"

#define FUZZ_ASSERT(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s failed\n%s", __FILE__, \
				__LINE__, #cond, host_log());		\
			abort();					\
		}							\
	} while (0)

/* Objects of the harnesses' constructor caches, and their state. */
#define FUZZ_CTOR_SIZE	72
#define FUZZ_CTOR_BYTE	0x3c

/* A live block of the slab model; kind is the harness's own enum. */
struct fuzz_obj {
	uint8_t *p;
	size_t size;
	unsigned int kind;
};

static inline void fuzz_ctor(void *obj)
{
	memset(obj, FUZZ_CTOR_BYTE, FUZZ_CTOR_SIZE);
}

static inline uint8_t fuzz_pattern(const void *p, size_t i)
{
	return (uint8_t)(((uintptr_t)p >> 3) + i * 11);
}

static inline void fuzz_fill(const struct fuzz_obj *s)
{
	size_t i;

	for (i = 0; i < s->size; i++)
		s->p[i] = fuzz_pattern(s->p, i);
}

/* The refusals @c counted. */
static inline uint64_t fuzz_cache_refused(struct kmem_cache *c)
{
	struct kmem_cache_stats st;

	kmem_cache_stats(c, &st);
	return st.refused;
}

/* Refusals counted by kmalloc, its size classes and the caches a and b. */
static inline uint64_t fuzz_slab_refused(struct kmem_cache *a,
					 struct kmem_cache *b)
{
	static const unsigned int classes[KMALLOC_NR_CACHES] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
	};
	struct kmalloc_stats st;
	uint64_t n;
	unsigned int i;

	kmalloc_get_stats(&st);
	n = st.refused + fuzz_cache_refused(a) + fuzz_cache_refused(b);
	for (i = 0; i < KMALLOC_NR_CACHES; i++)
		n += fuzz_cache_refused(kmalloc_cache(classes[i]));
	return n;
}

/*
 * One misuse, chosen by a, near the live block s: an interior pointer, a
 * foreign pointer, s freed to the cache wrong (not its own), or a double
 * free of a block of its own.  Every one must be refused and counted once
 * (by the caches a and b or kmalloc); the caller then checks s intact.
 */
static inline void fuzz_slab_misuse(const struct fuzz_obj *s, uint8_t a,
				    struct kmem_cache *wrong,
				    struct kmem_cache *ca,
				    struct kmem_cache *cb)
{
	static char outside[32];
	uint64_t before = fuzz_slab_refused(ca, cb);
	void *q;

	switch (a % 4) {
	case 0:
		kfree(s->p + 1 + a % 7);
		break;
	case 1:
		kfree(outside + a % 16);
		break;
	case 2:
		kmem_cache_free(wrong, s->p);
		break;
	default:
		q = kmalloc(1 + a % 100, GFP_KERNEL | __GFP_NOWARN);
		if (!q)
			return;
		kfree(q);
		kfree(q);
		break;
	}
	FUZZ_ASSERT(fuzz_slab_refused(ca, cb) == before + 1);
}

#endif /* TESTS_HOST_FUZZ_H */
