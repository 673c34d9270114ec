/*
 * What mm/slab.c, mm/slab_debug.c and mm/kmalloc.c share and nobody else
 * sees: the list of caches, the free-link accessors, and the debug hooks.
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include "mm/page.h"
#include "mm/slab.h"

#define SLAB_PTR		((unsigned int)sizeof(void *))
#define SLAB_REPORT_BYTES	8

/* Every cache, newest first; guarded by slab_caches_lock. */
extern struct kmem_cache *slab_caches;
extern mm_lock_t slab_caches_lock;

/*
 * slab_sum_caches - call @fn on every cache, slab_caches_lock held.
 * Returns: the sum of what @fn returned.
 */
unsigned int slab_sum_caches(unsigned int (*fn)(struct kmem_cache *));

/*
 * The free link of @obj.  Free objects are no-access to memcheck (host
 * builds), so each access opens the link word alone.
 */
static inline void *slab_get_link(const struct kmem_cache *c, void *obj)
{
	void **link = (void **)((char *)obj + c->link_off);
	void *next;

	mm_mark_defined(link, sizeof(*link));
	next = *link;
	mm_mark_noaccess(link, sizeof(*link));
	return next;
}

static inline void slab_set_link(const struct kmem_cache *c, void *obj,
				 void *next)
{
	void **link = (void **)((char *)obj + c->link_off);

	mm_mark_undefined(link, sizeof(*link));
	*link = next;
	mm_mark_noaccess(link, sizeof(*link));
}

/* The list a slab belongs on by its count. */
static inline enum slab_list_id slab_list_for(const struct kmem_cache *c,
					      const struct slab *s)
{
	if (s->inuse == 0)
		return SLAB_EMPTY;
	return s->inuse == c->objs_per_slab ? SLAB_FULL : SLAB_PARTIAL;
}

/* The bytes a failed scan found, for the report. */
struct slab_found {
	uint8_t bytes[SLAB_REPORT_BYTES];
	unsigned int n;
};

/*
 * slab_report - one misuse line: what, the cache, the object, the offset
 * from the object's first byte, the bytes found there (or "-").
 */
void slab_report(struct kmem_cache *c, const char *what, const void *obj,
		 int off, const struct slab_found *found, void *caller);

/*
 * slab_obj_valid - is @obj the first byte of an object of @s?  Else *off
 * gets its offset from the object it falls in.  Returns: true or false.
 */
bool slab_obj_valid(const struct kmem_cache *c, const struct slab *s,
		    const void *obj, int *off);

/* Objects on cache->freelist (the active slab's free ones).  Lock held. */
unsigned int slab_active_free_locked(const struct kmem_cache *c);

/*
 * Debug mode (mm/slab_debug.c): red zones and poison of a new object; the
 * checks of an object about to be handed out and of one being freed.
 * Returns (the checks): true if the operation may go on, else it was
 * reported.
 */
void slab_debug_init_object(struct kmem_cache *c, void *obj);
bool slab_alloc_debug(struct kmem_cache *c, void *obj, void *caller);
bool slab_free_debug(struct kmem_cache *c, void *obj, void *caller);

#endif /* MM_SLAB_INTERNAL_H */
