/*
 * Poison patterns, one place for all of them, each distinct, so that a hex
 * dump tells at a glance what it is looking at.
 */
#ifndef MM_POISON_H
#define MM_POISON_H

#define POISON_FREE_PAGE	0xaau		/* byte of a frame freed with page_poison */
#define POISON_FREE_OBJ		0x6bu		/* byte of a free slab object */
#define POISON_FREE_OBJ_END	0xa5u		/* last byte of a free slab object */
#define POISON_INUSE_UNINIT	0x5au		/* fresh object, not yet written */
#define RED_ACTIVE		0xbbu		/* red zone byte around a live object */
#define RED_INACTIVE		0xccu		/* red zone byte around a free object */

#endif /* MM_POISON_H */
