/*
 * libFuzzer harness for the slab layer and kmalloc (`make test-fuzz`).
 *
 * Each input boots a small machine with debug on, makes two caches of its
 * own (one with a constructor, one without), then reads the input three
 * bytes at a time as operations: kmalloc/kzalloc/krealloc/kfree of sizes
 * from the input (small ones, class edges, large blocks), cache allocs and
 * frees, shrinks, fault injection under an allocation, and misuse (an
 * interior pointer, a double free, a free to the wrong cache, a foreign
 * pointer).  The model is one slot per live block with its size and a
 * fill derived from its address: a block must never change while live,
 * every misuse must be refused and counted with the block still live, and
 * kmem_cache_check_all() must hold after every operation.  At the end all
 * is freed and the buddy allocator must have every frame back.
 */
#include "mm/testing/fault_inject.h"
#include "fuzz.h"
#include "machine.h"
#include "mm/slab.h"

#define SLOTS	48

enum kind { K_KMALLOC, K_CTOR, K_PLAIN };

static struct fuzz_obj slots[SLOTS];
static struct kmem_cache *caches[3];	/* [K_CTOR], [K_PLAIN] */

static void verify(const struct fuzz_obj *s, const void *as, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		FUZZ_ASSERT(s->p[i] == fuzz_pattern(as, i));
}

static size_t size_from(uint8_t a, uint8_t b)
{
	static const size_t edges[] = { 1, 8, 9, 96, 97, 192, 193, 4096,
					8192, 8193, 16384, 40000 };

	if (a < 160)
		return 1 + b % 200;
	if (a < 230)
		return 1 + ((size_t)a << 8 | b) % 8192;
	return edges[b % ARRAY_SIZE(edges)];
}

static void do_alloc(struct fuzz_obj *s, uint8_t a, uint8_t b)
{
	s->kind = (unsigned int)(a % 5 < 3 ? K_KMALLOC : a % 5 - 2);
	if (s->kind == K_KMALLOC) {
		s->size = size_from(a, b);
		s->p = b & 1 ? kzalloc(s->size, GFP_KERNEL | __GFP_NOWARN) :
			       kmalloc(s->size, GFP_KERNEL | __GFP_NOWARN);
	} else {
		s->size = 72;
		s->p = kmem_cache_alloc(caches[s->kind], GFP_KERNEL);
	}
	if (!s->p)
		return;
	FUZZ_ASSERT(ksize(s->p) >= s->size);
	if (s->kind == K_CTOR)
		FUZZ_ASSERT(s->p[0] == FUZZ_CTOR_BYTE &&
			    s->p[FUZZ_CTOR_SIZE - 1] == FUZZ_CTOR_BYTE);
	if (s->kind == K_KMALLOC && (b & 1))
		FUZZ_ASSERT(s->p[0] == 0 && s->p[s->size - 1] == 0);
	fuzz_fill(s);
}

static void do_free(struct fuzz_obj *s)
{
	verify(s, s->p, s->size);
	if (s->kind == K_CTOR)
		fuzz_ctor(s->p);	/* constructed state on free */
	if (s->kind == K_KMALLOC)
		kfree(s->p);
	else
		kmem_cache_free(caches[s->kind], s->p);
	s->p = NULL;
}

static void do_realloc(struct fuzz_obj *s, uint8_t a, uint8_t b)
{
	size_t keep = s->size, n = size_from(a, b);
	uint8_t *old = s->p, *p;

	verify(s, s->p, s->size);
	p = krealloc(s->p, n, GFP_KERNEL | __GFP_NOWARN);
	if (!p)
		return;
	s->p = p;
	s->size = n;
	verify(s, old, MIN(keep, n));
	fuzz_fill(s);
}

/* One misuse on a live block; it must be refused and change nothing. */
static void do_misuse(struct fuzz_obj *s, uint8_t a)
{
	fuzz_slab_misuse(s, a, caches[s->kind == K_CTOR ? K_PLAIN : K_CTOR],
			 caches[K_CTOR], caches[K_PLAIN]);
	verify(s, s->p, s->size);
}

static void run_op(const uint8_t *d)
{
	struct fuzz_obj *s = &slots[d[1] % SLOTS];

	switch (d[0] % 8) {
	case 0: case 1: case 2:
		if (s->p)
			do_free(s);
		else
			do_alloc(s, d[1], d[2]);
		break;
	case 3:
		if (s->p && s->kind == K_KMALLOC)
			do_realloc(s, d[2], d[1]);
		break;
	case 4:
		if (s->p)
			do_misuse(s, d[2]);
		break;
	case 5:
		if (d[2] & 1)
			kmem_cache_shrink_all();
		else
			kmem_cache_shrink(caches[K_CTOR + d[2] % 2]);
		break;
	case 6:
		if (!s->p) {
			fault_test_fail_nth(1 + d[2] % 3);
			do_alloc(s, d[1], d[2]);
			fault_test_fail_nth(0);
		}
		break;
	default:
		if (s->p)
			verify(s, s->p, s->size);
		break;
	}
	FUZZ_ASSERT(kmem_cache_check_all() == 0);
	FUZZ_ASSERT(host_irqs_enabled());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t boot_free;
	size_t i;

	machine_boot(MiB(24));
	boot_free = zones_total_free();
	FUZZ_ASSERT(kmem_cache_init(SLAB_DEBUG) == 0);
	caches[K_CTOR] = kmem_cache_create("fuzz-ctor", FUZZ_CTOR_SIZE, 0, 0,
					   fuzz_ctor);
	caches[K_PLAIN] = kmem_cache_create("fuzz-plain", 72, 0,
					    SLAB_HWCACHE_ALIGN, NULL);
	FUZZ_ASSERT(caches[K_CTOR] && caches[K_PLAIN]);
	for (i = 0; i + 3 <= size && i < 3 * 4000; i += 3)
		run_op(data + i);
	for (i = 0; i < SLOTS; i++)
		if (slots[i].p)
			do_free(&slots[i]);
	FUZZ_ASSERT(kmem_cache_destroy(caches[K_CTOR]) == 0);
	FUZZ_ASSERT(kmem_cache_destroy(caches[K_PLAIN]) == 0);
	kmem_cache_shrink_all();
	FUZZ_ASSERT(buddy_check_all() == 0);
	FUZZ_ASSERT(kmem_cache_teardown() == 0);
	FUZZ_ASSERT(zones_total_free() == boot_free);
	machine_shutdown();
	return 0;
}
