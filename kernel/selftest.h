/*
 * In-kernel self tests, run by the `selftest [SUITE]` console command.
 *
 * Each case is a function that returns NULL on success or a reason string
 * (selftest_fail() formats one).  Cases are gathered by the linker into the
 * .selftests section, so a subsystem adds its cases in its own file:
 *
 *	SELFTEST(buddy, split_and_merge)
 *	{
 *		...
 *		if (bad)
 *			return selftest_fail("pfn %u not free", pfn);
 *		return NULL;
 *	}
 *
 * The command prints "PASS suite.case" or "FAIL suite.case: why" for each
 * case and ends with "N passed, N failed".
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

#include "mm/zones.h"

struct selftest {
	const char *suite;
	const char *name;
	const char *(*fn)(void);
};

#define SELFTEST(suite_, name_)						\
	static const char *selftest_##suite_##_##name_(void);		\
	static const struct selftest __selftest_##suite_##_##name_	\
	__attribute__((used, section(".selftests"), aligned(4))) =	\
		{ #suite_, #name_, selftest_##suite_##_##name_ };	\
	static const char *selftest_##suite_##_##name_(void)

/* Free frames of every zone, to show that a case leaked nothing. */
struct zone_free {
	uint32_t free[MAX_NR_ZONES];
};

/* Record the free frames of every zone now. */
void zone_free_take(struct zone_free *s);

/*
 * zone_free_compare - compare the zones with an earlier record.
 * Returns: NULL if every zone has as many free frames as before, else a
 * reason naming the first zone that differs.
 */
const char *zone_free_compare(const struct zone_free *before);

/* Format a failure reason into a static buffer and return it. */
const char *selftest_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif /* KERNEL_SELFTEST_H */
