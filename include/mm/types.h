/*
 * Basic scalar types and constants shared by every mm subsystem.
 *
 * Only the compiler's freestanding headers are used, so the same file serves
 * the i386 kernel build and the host build.
 */
#ifndef MM_TYPES_H
#define MM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t pfn_t;		/* page frame number: physical address >> 12 */
typedef uint64_t phys_addr_t;	/* physical address; E820 speaks 64 bits */
typedef unsigned int gfp_t;	/* allocation flags, see gfp.h */

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1u << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))

/* Terminates pfn-linked lists and marks "no frame". */
#define PFN_NONE	((pfn_t)0xffffffffu)

#define PFN_PHYS(pfn)	((phys_addr_t)(pfn) << PAGE_SHIFT)
#define PHYS_PFN(pa)	((pfn_t)((pa) >> PAGE_SHIFT))

#define ALIGN_UP(x, a)		(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)		((a) < (b) ? (a) : (b))
#define MAX(a, b)		((a) > (b) ? (a) : (b))

/* Negative errno values returned by mm functions (Linux numbering). */
#define EPERM	1
#define ENOENT	2
#define E2BIG	7
#define ENOMEM	12
#define EACCES	13
#define EFAULT	14
#define EBUSY	16
#define EEXIST	17
#define EINVAL	22
#define ENOSPC	28
#define ERANGE	34
#define EIDRM	43
#define ETIMEDOUT	110

#define KiB(x)	((uint64_t)(x) << 10)
#define MiB(x)	((uint64_t)(x) << 20)
#define GiB(x)	((uint64_t)(x) << 30)

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#endif /* MM_TYPES_H */
