/*
 * fputest [ROUNDS]: the FPU registers belong to their process.
 *
 *  1. A new process finds the state FNINIT gives: control word 0x037f,
 *     status 0, every register empty; where SSE is on, MXCSR 0x1f80 and
 *     all XMM registers zero.
 *  2. The parent alone computes the reference result of each worker's
 *     workload: seven chaotic (logistic map) sequences kept in x87
 *     registers under the worker's own rounding and precision control,
 *     and, with SSE, seven times four in XMM registers under the worker's
 *     own MXCSR rounding.  A chaotic map turns any disturbance of a
 *     register or of the control word into a different result.
 *  3. It fills all eight x87 registers (and XMM registers) with values and
 *     a control word of its own and forks NWORKERS children.  Each must
 *     find that state bit for bit (fork copies the FPU), then runs its
 *     workload over and over without ever yielding, comparing every
 *     result with the reference bit for bit: at least ROUNDS times, and
 *     on until the timer has switched it out for another worker
 *     MIN_SWITCHES times (seen on a MAP_SHARED board of round counts) or
 *     the others have finished.  Nearly all of a worker's time is spent
 *     inside a sequence, so that is where the switches fall.
 *     If a fork is refused or a worker fails, those still running could
 *     wait in vain for switches or for the others to finish: the parent
 *     raises a stop flag on the board, each worker ends at its next
 *     round, and the parent reports the failure.
 *  4. The parent, once all have ended, must find its own registers as it
 *     left them.
 *
 * The compiler does not use the FPU here (-mno-80387 -mno-sse): every
 * floating-point instruction is in the asm blocks, so the registers hold
 * exactly what the test put there.
 */
#include <stdbool.h>
#include "ulib.h"

#define NWORKERS	3
#define NACC		7	/* accumulators; the eighth register is scratch */
#define STEPS		64	/* map steps per accumulator per workload */
#define ROUNDS		200	/* at least, per worker */
#define MIN_SWITCHES	8	/* then on until switched out this often */
#define MAX_ROUNDS	2000000	/* never switched out: give up */
#define FNSAVE_SIZE	108

int memcmp(const void *a, const void *b, size_t n);

_Static_assert(NWORKERS == 3, "the summary line names three workers");

struct result {
	uint8_t st[NACC][10];		/* 80-bit extended values */
	uint16_t fsw, fcw;
	uint32_t xmm[NACC][4];
	uint32_t mxcsr;
};

static const uint64_t r_x87 = 0x400f333333333333ull;	/* 3.9 (double) */
static const uint32_t r_sse[4] __attribute__((aligned(16))) = {
	0x4079999a, 0x4079999a, 0x4079999a, 0x4079999a	/* 3.9f */
};
static const int32_t seed_den = 1000003;

/* Shared by all: what each worker has done (MAP_SHARED). */
struct board {
	uint32_t rounds[NWORKERS];	/* finished so far */
	uint32_t switches[NWORKERS];	/* others ran between two rounds */
	uint32_t done[NWORKERS];
	uint32_t stop;			/* set by the parent: end now */
};

static bool has_sse;
static struct result ref[NWORKERS];
static volatile struct board *board;

/* Worker @k: rounding mode k % 4 for both units, x87 precision 64/53/24. */
static uint16_t worker_cw(int k)
{
	static const uint16_t pc[4] = { 3, 2, 0, 3 };

	return (uint16_t)(0x007f | pc[k % 4] << 8 | (k % 4) << 10);
}

static uint32_t worker_mxcsr(int k)
{
	return 0x1f80u | (uint32_t)(k % 4) << 13;
}

static uint32_t hash(uint32_t x)
{
	x *= 2654435761u;
	return x ^ x >> 15;
}

#define X87_STEP							\
	"fld %%st(0)\n\t"		/* x, x */			\
	"fmul %%st(0), %%st\n\t"	/* x*x, x */			\
	"fchs\n\t"							\
	"faddp %%st, %%st(1)\n\t"	/* x - x*x */			\
	"fmull %[r]\n\t"		/* r(x - x*x) */
#define X87_STEP_AT(k) "fxch %%st(" #k ")\n\t" X87_STEP "fxch %%st(" #k ")\n\t"
#define X87_LOAD(i) "fildl " #i "*4(%[seed])\n\tfidivl %[den]\n\t"
#define X87_STORE(i) "fstpt " #i "*10(%[out])\n\t"

static void x87_work(int k, struct result *res)
{
	int32_t seed[NACC];
	uint16_t cw = worker_cw(k);
	uint32_t n = STEPS;
	int i;

	for (i = 0; i < NACC; i++)
		seed[i] = (int32_t)(1 + hash((uint32_t)(k * NACC + i)) %
					    (uint32_t)(seed_den - 2));
	__asm__ volatile("fninit\n\t"
			 "fldcw %[cw]\n\t"
			 X87_LOAD(0) X87_LOAD(1) X87_LOAD(2) X87_LOAD(3)
			 X87_LOAD(4) X87_LOAD(5) X87_LOAD(6)
			 "1:\n\t"
			 X87_STEP X87_STEP_AT(1) X87_STEP_AT(2)
			 X87_STEP_AT(3) X87_STEP_AT(4) X87_STEP_AT(5)
			 X87_STEP_AT(6)
			 "decl %[n]\n\t"
			 "jnz 1b\n\t"
			 X87_STORE(0) X87_STORE(1) X87_STORE(2) X87_STORE(3)
			 X87_STORE(4) X87_STORE(5) X87_STORE(6)
			 "fnstsw %[sw]\n\t"
			 "fnstcw %[cwo]"
			 : [n] "+r"(n), [sw] "=m"(res->fsw), [cwo] "=m"(res->fcw)
			 : [cw] "m"(cw), [seed] "r"(seed), [den] "m"(seed_den),
			   [r] "m"(r_x87), [out] "r"(res->st)
			 : "memory", "cc");
}

#define SSE_STEP(x)							\
	"movaps %%xmm" #x ", %%xmm7\n\t"				\
	"mulps %%xmm7, %%xmm7\n\t"	/* x*x */			\
	"subps %%xmm7, %%xmm" #x "\n\t"	/* x - x*x */			\
	"mulps %[r], %%xmm" #x "\n\t"	/* r(x - x*x) */
#define SSE_LOAD(x) "movups " #x "*16(%[seed]), %%xmm" #x "\n\t"
#define SSE_STORE(x) "movups %%xmm" #x ", " #x "*16(%[out])\n\t"

static void sse_work(int k, struct result *res)
{
	uint32_t seed[NACC][4], mx = worker_mxcsr(k), n = STEPS;
	int i, j;

	/* floats in [0.25, 1) with random mantissas */
	for (i = 0; i < NACC; i++)
		for (j = 0; j < 4; j++)
			seed[i][j] = (j & 1 ? 0x3e800000u : 0x3f000000u) |
				     (hash((uint32_t)(1000 + k * 64 + i * 4 + j)) &
				      0x7fffffu);
	__asm__ volatile("ldmxcsr %[mx]\n\t"
			 SSE_LOAD(0) SSE_LOAD(1) SSE_LOAD(2) SSE_LOAD(3)
			 SSE_LOAD(4) SSE_LOAD(5) SSE_LOAD(6)
			 "1:\n\t"
			 SSE_STEP(0) SSE_STEP(1) SSE_STEP(2) SSE_STEP(3)
			 SSE_STEP(4) SSE_STEP(5) SSE_STEP(6)
			 "decl %[n]\n\t"
			 "jnz 1b\n\t"
			 SSE_STORE(0) SSE_STORE(1) SSE_STORE(2) SSE_STORE(3)
			 SSE_STORE(4) SSE_STORE(5) SSE_STORE(6)
			 "stmxcsr %[mxo]"
			 : [n] "+r"(n), [mxo] "=m"(res->mxcsr)
			 : [mx] "m"(mx), [seed] "r"(seed), [r] "m"(r_sse),
			   [out] "r"(res->xmm)
			 : "memory", "cc");
}

static void workload(int k, struct result *res)
{
	memset(res, 0, sizeof(*res));
	x87_work(k, res);
	if (has_sse)
		sse_work(k, res);
}

/* ------------------------------------------------------------------ */

static bool cpuid_sse(void)
{
	uint32_t a, b, c, d, f1, f2;

	__asm__ volatile("pushfl\n\tpopl %0\n\tmovl %0, %1\n\t"
			 "xorl $0x200000, %1\n\tpushl %1\n\tpopfl\n\t"
			 "pushfl\n\tpopl %1\n\tpushl %0\n\tpopfl"
			 : "=&r"(f1), "=&r"(f2));
	if (!((f1 ^ f2) & 0x200000))
		return false;			/* no CPUID */
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(0), "c"(0));
	if (a < 1)
		return false;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
			 : "a"(1), "c"(0));
	return (d >> 24 & 1) && (d >> 25 & 1);	/* FXSR and SSE */
}

/* The x87 state as FNSAVE writes it (which then reinitialises the FPU). */
static void x87_save(uint8_t img[FNSAVE_SIZE])
{
	__asm__ volatile("fnsave (%0)" : : "r"(img) : "memory");
}

static void x87_restore(const uint8_t img[FNSAVE_SIZE])
{
	__asm__ volatile("frstor (%0)" : : "r"(img) : "memory");
}

static void sse_read(uint32_t xmm[8][4], uint32_t *mxcsr)
{
	__asm__ volatile("movups %%xmm0, 0(%1)\n\tmovups %%xmm1, 16(%1)\n\t"
			 "movups %%xmm2, 32(%1)\n\tmovups %%xmm3, 48(%1)\n\t"
			 "movups %%xmm4, 64(%1)\n\tmovups %%xmm5, 80(%1)\n\t"
			 "movups %%xmm6, 96(%1)\n\tmovups %%xmm7, 112(%1)\n\t"
			 "stmxcsr %0"
			 : "=m"(*mxcsr) : "r"(xmm) : "memory");
}

static void sse_write(const uint32_t xmm[8][4], uint32_t mxcsr)
{
	__asm__ volatile("movups 0(%0), %%xmm0\n\tmovups 16(%0), %%xmm1\n\t"
			 "movups 32(%0), %%xmm2\n\tmovups 48(%0), %%xmm3\n\t"
			 "movups 64(%0), %%xmm4\n\tmovups 80(%0), %%xmm5\n\t"
			 "movups 96(%0), %%xmm6\n\tmovups 112(%0), %%xmm7\n\t"
			 "ldmxcsr %1"
			 : : "r"(xmm), "m"(mxcsr) : "memory");
}

/*
 * Two FNSAVE images hold the same state: control, status and tag words and
 * the eight registers (not the last instruction and operand pointers).
 */
static bool x87_same(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 2) == 0 && memcmp(a + 4, b + 4, 2) == 0 &&
	       memcmp(a + 8, b + 8, 2) == 0 &&
	       memcmp(a + 28, b + 28, 80) == 0;
}

static uint16_t word_at(const uint8_t *img, int off)
{
	return (uint16_t)(img[off] | img[off + 1] << 8);
}

static void check_initial_state(void)
{
	uint8_t img[FNSAVE_SIZE];
	uint32_t xmm[8][4], mxcsr, i;

	x87_save(img);
	if (word_at(img, 0) != 0x037f || word_at(img, 4) != 0 ||
	    word_at(img, 8) != 0xffff)
		fail("new process: x87 control 0x%04x status 0x%04x tags 0x%04x, expected 0x037f 0 0xffff",
		     word_at(img, 0), word_at(img, 4), word_at(img, 8));
	if (!has_sse)
		return;
	sse_read(xmm, &mxcsr);
	if (mxcsr != 0x1f80)
		fail("new process: MXCSR 0x%08x, expected 0x1f80", mxcsr);
	for (i = 0; i < 32; i++)
		if (xmm[i / 4][i % 4])
			fail("new process: xmm%u holds 0x%08x", i / 4,
			     xmm[i / 4][i % 4]);
}

/* The parent's own state: eight x87 registers, XMM values, its own modes. */
static uint8_t parent_img[FNSAVE_SIZE];
static uint32_t parent_xmm[8][4];
static const uint32_t parent_mxcsr = 0x7f80;	/* round toward zero */

static void parent_state_load(void)
{
	uint16_t cw = 0x0e7f;		/* round toward zero, 53 bits */
	int32_t a = 22, b = 7, c = -123456789;
	int i;

	__asm__ volatile("fninit\n\tfldcw %0\n\t"
			 "fldpi\n\tfldl2e\n\tfldl2t\n\tfldlg2\n\tfldln2\n\t"
			 "fld1\n\tfildl %1\n\tfidivl %2\n\tfildl %3\n\tfchs"
			 : : "m"(cw), "m"(a), "m"(b), "m"(c));
	x87_save(parent_img);
	x87_restore(parent_img);
	if (word_at(parent_img, 8) == 0xffff)
		fail("parent: x87 registers still empty after loading them");
	if (!has_sse)
		return;
	for (i = 0; i < 32; i++)
		parent_xmm[i / 4][i % 4] = hash((uint32_t)(5000 + i));
	sse_write(parent_xmm, parent_mxcsr);
}

/* Does this process hold the parent's state?  (Reinitialises the x87.) */
static const char *parent_state_check(void)
{
	uint8_t img[FNSAVE_SIZE];
	uint32_t xmm[8][4], mxcsr;

	if (has_sse) {
		sse_read(xmm, &mxcsr);
		if (mxcsr != parent_mxcsr)
			return "MXCSR differs";
		if (memcmp(xmm, parent_xmm, sizeof(xmm)) != 0)
			return "XMM registers differ";
	}
	x87_save(img);
	if (!x87_same(img, parent_img))
		return "x87 registers or control words differ";
	return NULL;
}

/* Rounds the other workers have finished; whether all of them are done. */
static uint32_t others(int k, bool *all_done)
{
	uint32_t sum = 0;
	int j;

	*all_done = true;
	for (j = 0; j < NWORKERS; j++) {
		if (j == k)
			continue;
		sum += board->rounds[j];
		*all_done &= board->done[j] != 0;
	}
	return sum;
}

static void compare(int k, int round, const struct result *res)
{
	if (memcmp(res->st, ref[k].st, sizeof(res->st)) != 0 ||
	    res->fsw != ref[k].fsw || res->fcw != ref[k].fcw)
		fail("worker %d round %d: x87 result differs (status 0x%04x/0x%04x control 0x%04x/0x%04x)",
		     k, round, res->fsw, ref[k].fsw, res->fcw, ref[k].fcw);
	if (memcmp(res->xmm, ref[k].xmm, sizeof(res->xmm)) != 0 ||
	    res->mxcsr != ref[k].mxcsr)
		fail("worker %d round %d: SSE result differs (MXCSR 0x%x/0x%x)",
		     k, round, res->mxcsr, ref[k].mxcsr);
}

static int worker(int k, int rounds)
{
	const char *why = parent_state_check();
	uint32_t seen, now, switches = 0;
	struct result res;
	bool all_done;
	int round;

	if (why)
		fail("worker %d (pid %d): inherited FPU state: %s", k, getpid(),
		     why);
	seen = others(k, &all_done);
	for (round = 1;; round++) {
		workload(k, &res);
		compare(k, round, &res);
		board->rounds[k] = (uint32_t)round;
		now = others(k, &all_done);
		if (now != seen)
			switches++;
		seen = now;
		if (round >= rounds && (switches >= MIN_SWITCHES || all_done))
			break;
		/*
		 * A refused fork or a worker that died leaves the others
		 * without the switches or done flags they wait for: the
		 * parent says so here, rather than letting them spin on to
		 * MAX_ROUNDS.
		 */
		if (board->stop)
			return 1;
		if (round >= MAX_ROUNDS)
			fail("worker %d: never switched out in %d rounds", k,
			     round);
	}
	board->switches[k] = switches;
	board->done[k] = 1;
	return 0;
}

static void references(void)
{
	int i, j;

	for (i = 0; i < NWORKERS; i++) {
		workload(i, &ref[i]);
		if (ref[i].fcw != worker_cw(i))
			fail("reference %d: control word 0x%04x", i,
			     ref[i].fcw);
	}
	for (i = 0; i < NWORKERS; i++)
		for (j = 0; j < i; j++)
			if (!memcmp(ref[i].st, ref[j].st, sizeof(ref[i].st)) ||
			    (has_sse && !memcmp(ref[i].xmm, ref[j].xmm,
						sizeof(ref[i].xmm))))
				fail("workers %d and %d compute the same", i, j);
}

/*
 * Wait for @n workers, in whatever order they end.  The first that fails
 * stops the others.  Returns: the number that failed.
 */
static int reap(int n)
{
	int bad = 0, status;

	for (; n > 0; n--) {
		if (wait(&status) < 0 || status) {
			bad++;
			board->stop = 1;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : ROUNDS;
	int pid, i, bad;
	const char *why;

	has_sse = cpuid_sse();
	board = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (board == MAP_FAILED)
		fail("mmap");
	check_initial_state();
	references();
	parent_state_load();
	for (i = 0; i < NWORKERS; i++) {
		pid = fork();
		if (pid == 0)
			exit(worker(i, rounds));
		if (pid < 0) {
			/* the workers already running end at their next round */
			board->stop = 1;
			reap(i);
			fail("fork: %d", pid);
		}
	}
	bad = reap(NWORKERS);
	why = parent_state_check();
	if (why)
		fail("parent after the workers: %s", why);
	printf("fputest: %d workers, %s, %u/%u/%u rounds of %d steps, switched out %u/%u/%u times\n",
	       NWORKERS, has_sse ? "x87 + SSE" : "x87", board->rounds[0],
	       board->rounds[1], board->rounds[2], STEPS, board->switches[0],
	       board->switches[1], board->switches[2]);
	if (bad)
		fail("%d workers failed", bad);
	printf("PASS\n");
	return 0;
}
