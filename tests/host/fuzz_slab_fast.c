/*
 * libFuzzer harness for the slab layer's paths without debug (`make
 * test-fuzz`): the magazine, the held map word, frees into slab maps and
 * the moves between lists, on-slab and off-slab descriptors, and the
 * reclaim hook.  fuzz_slab covers the debug mode.
 *
 * Each input boots a small machine with debug off and makes two caches of
 * its own: 24-byte objects (on-slab descriptors) and 72-byte objects with
 * a constructor (off-slab).  The input is read three bytes at a time as
 * operations: kmalloc/kfree of sizes from the input, cache allocs and
 * frees, a burst that fills and empties a cache, shrinks, the reclaim hook
 * (alone, or with one cache's lock held, which it must pass over), fault
 * injection under an allocation, and the misuse the cheap checks catch
 * without debug (an interior pointer, a foreign pointer, the wrong cache,
 * a free repeated at once, and a free of an object freed a while ago).
 * The model is one slot per live block with its size and a fill derived
 * from its address.  After every operation every invariant holds and the
 * two caches count exactly the objects the model holds; at the end
 * everything is freed and every frame is back.
 */
#include "mm/testing/fault_inject.h"
#include "fuzz.h"
#include "machine.h"
#include "mm/slab.h"
#include "../../mm/slab_internal.h"

#define SLOTS	64
#define BURST	300

enum kind { K_KMALLOC, K_SMALL, K_CTOR };

#define STALE	8

static struct fuzz_obj slots[SLOTS];
static struct kmem_cache *caches[3];	/* [K_SMALL], [K_CTOR] */
static void *burst[BURST];
static struct fuzz_obj stale[STALE];	/* the last cache objects freed */
static unsigned int stale_next;

static void verify(const struct fuzz_obj *s)
{
	size_t i;

	for (i = 0; i < s->size; i++)
		FUZZ_ASSERT(s->p[i] == fuzz_pattern(s->p, i));
}

static void do_alloc(struct fuzz_obj *s, uint8_t a, uint8_t b)
{
	s->kind = (unsigned int)(a % 3);
	if (s->kind == K_KMALLOC) {
		s->size = a < 200 ? 1 + b % 256u : 1 + ((size_t)a << 8 | b) % 8192;
		s->p = kmalloc(s->size, GFP_KERNEL | __GFP_NOWARN);
	} else {
		s->size = s->kind == K_SMALL ? 24 : 72;
		s->p = kmem_cache_alloc(caches[s->kind],
					GFP_KERNEL | __GFP_NOWARN);
	}
	if (!s->p)
		return;
	FUZZ_ASSERT(ksize(s->p) >= s->size);
	if (s->kind == K_CTOR)
		FUZZ_ASSERT(s->p[0] == FUZZ_CTOR_BYTE &&
			    s->p[FUZZ_CTOR_SIZE - 1] == FUZZ_CTOR_BYTE);
	fuzz_fill(s);
}

static void release(struct fuzz_obj *s)
{
	if (s->kind == K_KMALLOC)
		kfree(s->p);
	else
		kmem_cache_free(caches[s->kind], s->p);
}

static void do_free(struct fuzz_obj *s)
{
	verify(s);
	if (s->kind == K_CTOR)
		fuzz_ctor(s->p);	/* constructed state on free */
	release(s);
	if (s->kind != K_KMALLOC)
		stale[stale_next++ % STALE] = *s;
	s->p = NULL;
}

static bool is_live(const void *p)
{
	unsigned int i;

	for (i = 0; i < SLOTS; i++)
		if (slots[i].p == p)
			return true;
	return false;
}

/*
 * Free again an object freed a while ago and not handed out since (or
 * handed out and freed again): a double free wherever the object is now
 * (deep in the magazine, in its slab's map, in the word the cache holds)
 * or, if its slab went back to the buddy allocator, a foreign pointer or
 * an object of another cache.  Always refused and counted once.
 */
static void do_stale_free(uint8_t a)
{
	const struct fuzz_obj *o = &stale[a % STALE];
	uint64_t before;

	if (!o->p || is_live(o->p))
		return;
	before = fuzz_slab_refused(caches[K_SMALL], caches[K_CTOR]);
	kmem_cache_free(caches[o->kind], o->p);
	FUZZ_ASSERT(fuzz_slab_refused(caches[K_SMALL], caches[K_CTOR]) ==
		    before + 1);
}

/* The @i-th of @k objects to free: rotated, reversed or odd/even. */
static unsigned int burst_order(unsigned int i, unsigned int k, uint8_t b)
{
	unsigned int half = (k + 1) / 2;

	if (b % 3 == 0)
		return (i + b) % k;
	if (b % 3 == 1)
		return k - 1 - i;
	return i < half ? 2 * i : 2 * (i - half) + 1;
}

/* Fill a cache with @n objects and free them in an order from @b. */
static void do_burst(struct kmem_cache *c, unsigned int n, uint8_t b)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		burst[i] = kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOWARN);
		if (!burst[i])
			break;
		k++;
	}
	for (i = 0; i < k; i++)
		kmem_cache_free(c, burst[burst_order(i, k, b)]);
}

/* Misuse the cheap checks catch: refused, counted, the block intact. */
static void do_misuse(struct fuzz_obj *s, uint8_t a)
{
	fuzz_slab_misuse(s, a, caches[s->kind == K_CTOR ? K_SMALL : K_CTOR],
			 caches[K_SMALL], caches[K_CTOR]);
	verify(s);
}

/* The hook with one of our caches locked: that cache is passed over. */
static void do_reclaim(uint8_t a)
{
	struct kmem_cache_info before, after;
	struct kmem_cache *c = caches[K_SMALL + a % 2];
	unsigned long flags;

	if (a & 4) {
		kmem_cache_reclaim();
		return;
	}
	kmem_cache_info(c, &before);
	flags = mm_lock_irqsave(&c->lock);
	kmem_cache_reclaim();
	mm_unlock_irqrestore(&c->lock, flags);
	kmem_cache_info(c, &after);
	FUZZ_ASSERT(after.num_slabs == before.num_slabs);
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
		do_burst(caches[K_SMALL + d[2] % 2], 1 + d[1] % BURST, d[2]);
		break;
	case 4:
		if (s->p)
			do_misuse(s, d[2]);
		else
			do_stale_free(d[2]);
		break;
	case 5:
		if (d[2] & 1)
			kmem_cache_shrink_all();
		else
			kmem_cache_shrink(caches[K_SMALL + (d[2] >> 1) % 2]);
		break;
	case 6:
		if (!s->p && (d[2] & 1)) {
			fault_test_fail_nth(1 + d[2] % 3);
			do_alloc(s, d[1], d[2]);
			fault_test_fail_nth(0);
		} else {
			do_reclaim(d[2]);
		}
		break;
	default:
		if (s->p)
			verify(s);
		break;
	}
}

/* Invariants, and the two caches count exactly the model's objects. */
static void check(void)
{
	struct kmem_cache_info info;
	unsigned long live[3] = { 0, 0, 0 };
	unsigned int i, k;

	FUZZ_ASSERT(kmem_cache_check_all() == 0);
	FUZZ_ASSERT(host_irqs_enabled());
	for (i = 0; i < SLOTS; i++)
		if (slots[i].p)
			live[slots[i].kind]++;
	for (k = K_SMALL; k <= K_CTOR; k++) {
		kmem_cache_info(caches[k], &info);
		FUZZ_ASSERT(info.active_objs == live[k]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t boot_free;
	size_t i;

	machine_boot(MiB(24));
	memset(stale, 0, sizeof(stale));
	boot_free = zones_total_free();
	FUZZ_ASSERT(kmem_cache_init(0) == 0);
	caches[K_SMALL] = kmem_cache_create("fuzz-small", 24, 0, 0, NULL);
	caches[K_CTOR] = kmem_cache_create("fuzz-ctor", FUZZ_CTOR_SIZE, 0, 0,
					   fuzz_ctor);
	FUZZ_ASSERT(caches[K_SMALL] && caches[K_CTOR]);
	FUZZ_ASSERT(caches[K_SMALL]->s_mem_off && !caches[K_CTOR]->s_mem_off);
	for (i = 0; i + 3 <= size && i < 3 * 4000; i += 3) {
		run_op(data + i);
		check();
	}
	for (i = 0; i < SLOTS; i++)
		if (slots[i].p)
			do_free(&slots[i]);
	FUZZ_ASSERT(kmem_cache_destroy(caches[K_SMALL]) == 0);
	FUZZ_ASSERT(kmem_cache_destroy(caches[K_CTOR]) == 0);
	kmem_cache_shrink_all();
	FUZZ_ASSERT(kmem_cache_check_all() == 0 && buddy_check_all() == 0);
	FUZZ_ASSERT(kmem_cache_teardown() == 0);
	FUZZ_ASSERT(zones_total_free() == boot_free);
	machine_shutdown();
	return 0;
}
