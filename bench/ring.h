/*
 * A bounded single-producer single-consumer ring of pointers: how the
 * producer/consumer workloads of bench/threads.c hand each block from the
 * thread that allocated it to the thread that frees it.
 *
 * The producer alone writes `tail` and the consumer alone `head`; each is
 * a free-running count (the slot is the count modulo RING_SLOTS), stored
 * with release order after the slot it publishes or frees and loaded with
 * acquire order by the other side.  Each side keeps its own copy of the
 * other's count and reloads it only when the ring looks full or empty, so
 * while the ring is neither a put or a get touches no line the other
 * thread writes except the slots themselves.  The two counts and the two
 * cached copies lie on separate 64-byte lines so neither side's stores
 * invalidate what the other reads on every operation.
 *
 * A side that finds the ring full spins with a pause until the other has
 * freed RING_BATCH slots; one that finds it empty, until RING_BATCH
 * pointers (or the last ones) are in it.  Otherwise the two settle into
 * moving one pointer per exchange of the counts' lines, each a transfer
 * between the CPUs.  Both threads are pinned to CPUs of their own.
 *
 * Locking: none; exactly one producer thread and one consumer thread.
 */
#ifndef BENCH_RING_H
#define BENCH_RING_H

#include <stdint.h>

#define RING_SLOTS	1024u		/* a power of two */
#define RING_BATCH	64u		/* what a waiting side waits for */
#define RING_LINE	64

struct ring {
	_Alignas(RING_LINE) uint64_t tail;	/* producer's, published */
	uint64_t head_seen;			/* producer's copy of head */
	_Alignas(RING_LINE) uint64_t head;	/* consumer's, published */
	uint64_t tail_seen;			/* consumer's copy of tail */
	_Alignas(RING_LINE) void *slot[RING_SLOTS];
};

_Static_assert((RING_SLOTS & (RING_SLOTS - 1)) == 0,
	       "RING_SLOTS is a power of two");

static inline void ring_pause(void)
{
	__builtin_ia32_pause();
}

/* Producer: append @p; a full ring is waited on until RING_BATCH are free. */
static inline void ring_put(struct ring *r, void *p)
{
	uint64_t t = r->tail;

	if (__builtin_expect(t - r->head_seen == RING_SLOTS, 0)) {
		while (t - (r->head_seen = __atomic_load_n(
				    &r->head, __ATOMIC_ACQUIRE)) >
		       RING_SLOTS - RING_BATCH)
			ring_pause();
	}
	r->slot[t & (RING_SLOTS - 1)] = p;
	__atomic_store_n(&r->tail, t + 1, __ATOMIC_RELEASE);
}

/*
 * Consumer: the oldest pointer; an empty ring is waited on until it holds
 * RING_BATCH, or @left (the pointers still to come, at least 1) if fewer.
 */
static inline void *ring_get(struct ring *r, uint64_t left)
{
	uint64_t h = r->head, want = left < RING_BATCH ? left : RING_BATCH;
	void *p;

	if (__builtin_expect(h == r->tail_seen, 0)) {
		while ((r->tail_seen = __atomic_load_n(
				&r->tail, __ATOMIC_ACQUIRE)) - h < want)
			ring_pause();
	}
	p = r->slot[h & (RING_SLOTS - 1)];
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
	return p;
}

#endif /* BENCH_RING_H */
