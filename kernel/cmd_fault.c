/*
 * Fault injection from the console and the command line:
 *
 *  fault page|slab P N T [SEED] [zone=Z] [order=O] [cache=NAME]
 *        fail eligible allocations with probability P percent, every Nth
 *        eligible call, at most T times (-1: no limit), drawing from SEED
 *        (default: the time stamp counter, printed so a run can be
 *        replayed); zone= and order= narrow page injection, cache= slab
 *        injection
 *  fault off [page|slab]   stop injecting (both kinds by default)
 *  fault                   the settings and the counters of each kind
 *
 * The boot options fail_page_alloc=P,N,T[,SEED] and failslab=P,N,T[,SEED]
 * (Linux's names) set the same attributes; they, and all injection, take
 * effect only once boot is done (fault_boot()).  The mechanism is
 * mm/fault_inject.c.
 *
 * Context: the shell (process 0); fault_boot() once, at the end of boot.
 */
#include "cmdline.h"
#include "cpu.h"
#include "shell.h"
#include "mm/fault_inject.h"
#include "mm/zones.h"
#include "mm_init.h"

static const char *const fault_kind_name[FAULT_NR_KINDS] = { "page", "slab" };

static void fault_show(enum fault_kind kind)
{
	struct fault_stats st;
	struct fault_attr a;
	const char *name = fault_kind_name[kind];

	if (!fault_inject_get(kind, &a, &st)) {
		printk("%s off\n", name);
	} else {
		printk("%s probability=%u interval=%u times=%d seed=%u", name,
		       a.probability, (unsigned int)a.interval, (int)a.times,
		       (unsigned int)a.seed);
		if (a.zone >= 0)
			printk(" zone=%s", zones[a.zone].name);
		if (a.order >= 0)
			printk(" order=%d", a.order);
		if (a.cache[0])
			printk(" cache=%s", a.cache);
		printk("%s\n", fault_inject_armed(kind) ? "" : " (after boot)");
	}
	printk("%s calls=%llu injected=%llu\n", name,
	       (unsigned long long)st.calls, (unsigned long long)st.injected);
}

static int fault_kind_of(const char *s)
{
	unsigned int k;

	for (k = 0; k < FAULT_NR_KINDS; k++)
		if (strcmp(s, fault_kind_name[k]) == 0)
			return (int)k;
	return -1;
}

static int fault_zone_of(const char *s)
{
	unsigned int z;

	for (z = 0; z < MAX_NR_ZONES; z++)
		if (strcmp(s, zones[z].name) == 0)
			return (int)z;
	return -1;
}

/* One "key=value" filter word into @a.  Returns: 0 or -EINVAL. */
static int fault_filter(enum fault_kind kind, const char *w,
			struct fault_attr *a)
{
	uint64_t v;

	if (kind == FAULT_PAGE && strncmp(w, "zone=", 5) == 0) {
		a->zone = fault_zone_of(w + 5);
		return a->zone >= 0 ? 0 : -EINVAL;
	}
	if (kind == FAULT_PAGE && strncmp(w, "order=", 6) == 0) {
		if (shell_parse_u64(w + 6, &v) != 0 || v > MAX_ORDER)
			return -EINVAL;
		a->order = (int)v;
		return 0;
	}
	if (kind == FAULT_SLAB && strncmp(w, "cache=", 6) == 0 &&
	    strlen(w + 6) < sizeof(a->cache)) {
		memcpy(a->cache, w + 6, strlen(w + 6) + 1);
		return 0;
	}
	return -EINVAL;
}

/* True if @w is a "key=value" word. */
static bool fault_is_filter(const char *w)
{
	for (; *w; w++)
		if (*w == '=')
			return true;
	return false;
}

/*
 * argv[2..4] (P N T), an optional SEED, then filter words, into @a.
 * Returns: 0 or -EINVAL.
 */
static int fault_parse_args(enum fault_kind kind, int argc, char **argv,
			    struct fault_attr *a)
{
	bool seeded = argc > 5 && !fault_is_filter(argv[5]);
	char spec[64];
	int i, n;

	n = snprintf(spec, sizeof(spec), "%s,%s,%s%s%s", argv[2], argv[3],
		     argv[4], seeded ? "," : "", seeded ? argv[5] : "");
	if (n < 0 || (size_t)n >= sizeof(spec) ||
	    fault_inject_parse(spec, (size_t)n, a) != 0)
		return -EINVAL;
	if (!seeded)
		a->seed = (uint32_t)rdtsc() | 1u;
	for (i = seeded ? 6 : 5; i < argc; i++)
		if (fault_filter(kind, argv[i], a) != 0)
			return -EINVAL;
	return 0;
}

static int cmd_fault(int argc, char **argv)
{
	struct fault_attr a;
	int kind;

	if (argc == 1) {
		fault_show(FAULT_PAGE);
		fault_show(FAULT_SLAB);
		return 0;
	}
	if (strcmp(argv[1], "off") == 0) {
		kind = argc > 2 ? fault_kind_of(argv[2]) : -1;
		if (argc > 3 || (argc == 3 && kind < 0))
			goto usage;
		if (kind != FAULT_SLAB)
			fault_inject_off(FAULT_PAGE);
		if (kind != FAULT_PAGE)
			fault_inject_off(FAULT_SLAB);
		return 0;
	}
	kind = fault_kind_of(argv[1]);
	fault_attr_init(&a);
	if (kind < 0 || argc < 5 ||
	    fault_parse_args((enum fault_kind)kind, argc, argv, &a) != 0 ||
	    fault_inject_set((enum fault_kind)kind, &a) != 0)
		goto usage;
	fault_show((enum fault_kind)kind);
	return 0;
usage:
	printk("usage: fault page|slab P N T [SEED] [zone=Z] [order=O] [cache=NAME] | fault off [page|slab]\n");
	return -EINVAL;
}
SHELL_COMMAND(fault, "fault", "[page|slab P N T [SEED] [filters] | off]",
	      "inject allocation failures (fail_page_alloc, failslab)",
	      cmd_fault);

/* One boot option: "@key=P,N,T[,SEED]" sets @kind. */
static void fault_boot_option(const char *key, enum fault_kind kind)
{
	struct fault_attr a;
	const char *val;
	size_t pos = 0, len;

	while (cmdline_next_option(key, &pos, &val, &len)) {
		fault_attr_init(&a);
		if (fault_inject_parse(val, len, &a) != 0 ||
		    fault_inject_set(kind, &a) != 0)
			printk("fault: bad %s= value ignored\n", key);
	}
}

void fault_boot(void)
{
	fault_boot_option("fail_page_alloc", FAULT_PAGE);
	fault_boot_option("failslab", FAULT_SLAB);
	fault_inject_boot_done();
	if (fault_inject_armed(FAULT_PAGE) || fault_inject_armed(FAULT_SLAB)) {
		fault_show(FAULT_PAGE);
		fault_show(FAULT_SLAB);
	}
}
