/*
 * The small-object allocator a worker measures, chosen when the worker is
 * compiled: kmem386's kmalloc/kfree (BENCH_KMEM), glibc's malloc
 * (BENCH_GLIBC), jemalloc (BENCH_JEMALLOC), mimalloc (BENCH_MIMALLOC) or
 * tcmalloc (BENCH_TCMALLOC).  NATIVE names it; native_alloc() and
 * native_free() call it directly, so every allocator is measured through
 * the same inline wrapper.
 *
 * Debian builds jemalloc without a symbol prefix: linked with -ljemalloc
 * it replaces malloc and free for the whole process, so its worker calls
 * malloc.  mimalloc and tcmalloc have names of their own (mi_malloc,
 * tc_malloc), used here so the worker says which allocator it means even
 * though those libraries replace malloc as well.
 */
#ifndef BENCH_NATIVE_H
#define BENCH_NATIVE_H

#include <stddef.h>
#include <stdlib.h>

#include "mm/gfp.h"

#if defined(BENCH_KMEM)
#include "mm/slab.h"
#define NATIVE	"kmem"
static inline void *native_alloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp);
}

static inline void native_free(const void *p)
{
	kfree(p);
}
#elif defined(BENCH_MIMALLOC)
#include <mimalloc.h>
#define NATIVE	"mimalloc"
static inline void *native_alloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return mi_malloc(size);
}

static inline void native_free(const void *p)
{
	mi_free((void *)p);
}
#elif defined(BENCH_TCMALLOC)
#include <gperftools/tcmalloc.h>
#define NATIVE	"tcmalloc"
static inline void *native_alloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return tc_malloc(size);
}

static inline void native_free(const void *p)
{
	tc_free((void *)p);
}
#elif defined(BENCH_GLIBC) || defined(BENCH_JEMALLOC)
#ifdef BENCH_JEMALLOC
#define NATIVE	"jemalloc"
#else
#define NATIVE	"glibc"
#endif
static inline void *native_alloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return malloc(size);
}

static inline void native_free(const void *p)
{
	free((void *)p);
}
#else
#error "compile with BENCH_KMEM, _GLIBC, _JEMALLOC, _MIMALLOC or _TCMALLOC"
#endif

#endif /* BENCH_NATIVE_H */
