/*
 * kallsyms: from a code address to "symbol+offset/size".
 *
 * Design.  The table (kernel/kallsyms.h, written by tools/kallsyms at link
 * time) is four parallel arrays in address order, so a lookup is one
 * binary search for the last symbol starting at or below the address,
 * then one compare with that symbol's end: an address past it (padding
 * between functions, or beyond the last) or below the first symbol lies
 * in no symbol, and its report prints the bare address instead.  The
 * search reads only constant data and takes no lock, so the panic path
 * and printk's %pS may use it from anywhere.  The functions work on a
 * struct ksym_table that points at the arrays, so that the host tests
 * can run them on tables of their own, broken ones included.
 *
 * Locking: none (see kernel/kallsyms.h).
 */
#include "kallsyms.h"
#include "mm/arch.h"

struct ksym_table {
	uint32_t num;
	const uint32_t *addresses;
	const uint16_t *sizes;
	const uint32_t *name_offsets;
	const char *names;
	uint32_t names_size;
};

static const struct ksym_table kernel_table = {
	.addresses = kallsyms_addresses,
	.sizes = kallsyms_sizes,
	.name_offsets = kallsyms_name_offsets,
	.names = kallsyms_names,
};

/* kernel_table with the counts, which are no constant expressions. */
static struct ksym_table ksym_kernel(void)
{
	struct ksym_table t = kernel_table;

	t.num = kallsyms_num;
	t.names_size = kallsyms_names_size;
	return t;
}

/* The index of the last symbol starting at or below @addr, or -1. */
static long ksym_search(const struct ksym_table *t, uint32_t addr)
{
	long lo = 0, hi = (long)t->num - 1, found = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (t->addresses[mid] <= addr) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

static bool ksym_lookup(const struct ksym_table *t, uintptr_t addr,
			const char **name, uint32_t *offset, uint32_t *size)
{
	long i;
	uint32_t off;

	if (addr != (uint32_t)addr)		/* beyond 32 bits: host only */
		return false;
	i = ksym_search(t, (uint32_t)addr);
	if (i < 0)
		return false;
	off = (uint32_t)addr - t->addresses[i];
	if (off >= t->sizes[i])
		return false;
	*name = t->names + t->name_offsets[i];
	*offset = off;
	*size = t->sizes[i];
	return true;
}

bool kallsyms_lookup(uintptr_t addr, const char **name, uint32_t *offset,
		     uint32_t *size)
{
	struct ksym_table t = ksym_kernel();

	return ksym_lookup(&t, addr, name, offset, size);
}

/* S3 for symbol @i: its name lies inside the names and is not empty. */
static unsigned int ksym_check_name(const struct ksym_table *t, uint32_t i)
{
	uint32_t off = t->name_offsets[i], len = 0;

	if (off >= t->names_size) {
		printk("kallsyms_check: S3 symbol %u: name offset %u beyond "
		       "%u bytes of names\n", i, off, t->names_size);
		return 1;
	}
	while (off + len < t->names_size && t->names[off + len])
		len++;
	if (len == 0 || len > KALLSYMS_NAME_MAX || off + len >= t->names_size) {
		printk("kallsyms_check: S3 symbol %u at 0x%08x: name of %u "
		       "characters at offset %u\n", i, t->addresses[i], len,
		       off);
		return 1;
	}
	return 0;
}

/* S1 and S2 between symbol @i and the next one. */
static unsigned int ksym_check_order(const struct ksym_table *t, uint32_t i)
{
	uint32_t start = t->addresses[i], next = t->addresses[i + 1];

	if (next <= start) {
		printk("kallsyms_check: S1 symbol %u at 0x%08x follows "
		       "0x%08x\n", i + 1, next, start);
		return 1;
	}
	if (next - start < t->sizes[i]) {
		printk("kallsyms_check: S2 symbol %u at 0x%08x, %u bytes, "
		       "overlaps the next at 0x%08x\n", i, start, t->sizes[i],
		       next);
		return 1;
	}
	return 0;
}

static unsigned int ksym_check(const struct ksym_table *t)
{
	unsigned int bad = 0;
	uint32_t i;

	for (i = 0; i < t->num; i++) {
		bad += ksym_check_name(t, i);
		if (t->sizes[i] == 0) {
			printk("kallsyms_check: S2 symbol %u at 0x%08x has "
			       "size 0\n", i, t->addresses[i]);
			bad++;
		}
		if (i + 1 < t->num)
			bad += ksym_check_order(t, i);
	}
	return bad;
}

unsigned int kallsyms_check(void)
{
	struct ksym_table t = ksym_kernel();

	return ksym_check(&t);
}
