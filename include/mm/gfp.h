/*
 * Allocation flags (gfp_t): which zones a request may use, in which order,
 * and how hard it may try.
 *
 *   GFP_KERNEL    NORMAL, then DMA
 *   GFP_DMA       DMA only
 *   GFP_HIGHUSER  HIGHMEM, then NORMAL, then DMA
 *   GFP_ATOMIC    as GFP_KERNEL, and may dip below the min watermark
 *   __GFP_ZERO    the memory comes back zeroed
 */
#ifndef MM_GFP_H
#define MM_GFP_H

#include "mm/types.h"

#define __GFP_DMA	0x01u	/* restrict to ZONE_DMA */
#define __GFP_HIGHMEM	0x02u	/* may use ZONE_HIGHMEM (tried first) */
#define __GFP_ZERO	0x04u	/* zero the memory */
#define __GFP_HIGH	0x08u	/* may use the reserve below WMARK_MIN */
#define __GFP_NOWARN	0x10u	/* no console line on failure */

#define GFP_KERNEL	0x00u
#define GFP_ATOMIC	(__GFP_HIGH)
#define GFP_DMA		(__GFP_DMA)
#define GFP_HIGHUSER	(__GFP_HIGHMEM)

#define GFP_VALID_MASK	(__GFP_DMA | __GFP_HIGHMEM | __GFP_ZERO | __GFP_HIGH | \
			 __GFP_NOWARN)

#endif /* MM_GFP_H */
