/*
 * What the libFuzzer harnesses share: an assertion that prints the failed
 * condition, its file and line and the kernel log so far, then aborts
 * (libFuzzer saves the input that got there); and, for the slab
 * harnesses, the model of a live block: its bytes are a pattern derived
 * from its address, so a block that changes while live is caught.
 */
#ifndef TESTS_HOST_FUZZ_H
#define TESTS_HOST_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

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

#endif /* TESTS_HOST_FUZZ_H */
