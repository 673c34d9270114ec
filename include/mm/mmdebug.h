/*
 * Assertions for mm code.
 *
 * MM_ASSERT is always on: use it for cheap checks whose failure means kernel
 * state is corrupt.  MM_DEBUG_ASSERT is for costly checks; it is written as
 * "if (MM_DEBUG && ...)" so that it still compiles (and type-checks) when
 * MM_DEBUG is 0.
 */
#ifndef MM_MMDEBUG_H
#define MM_MMDEBUG_H

#include "mm/arch.h"

#ifndef MM_DEBUG
#define MM_DEBUG 0
#endif

#define MM_ASSERT(cond)							\
	do {								\
		if (unlikely(!(cond)))					\
			panic("assertion '%s' failed in %s (%s:%d)",	\
			      #cond, __func__, __FILE__, __LINE__);	\
	} while (0)

#define MM_DEBUG_ASSERT(cond)						\
	do {								\
		if (MM_DEBUG && unlikely(!(cond)))			\
			panic("debug assertion '%s' failed in %s (%s:%d)", \
			      #cond, __func__, __FILE__, __LINE__);	\
	} while (0)

/* The caller's return address, for misuse reports. */
#define MM_CALLER()	__builtin_return_address(0)

#endif /* MM_MMDEBUG_H */
