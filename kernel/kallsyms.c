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
 * and printk's %pS may use it from anywhere.
 *
 * Locking: none (see kernel/kallsyms.h).
 */
#include "kallsyms.h"
#include "mm/arch.h"

/* The index of the last symbol starting at or below @addr, or -1. */
static long kallsyms_search(uint32_t addr)
{
	long lo = 0, hi = (long)kallsyms_num - 1, found = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (kallsyms_addresses[mid] <= addr) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

bool kallsyms_lookup(uintptr_t addr, const char **name, uint32_t *offset,
		     uint32_t *size)
{
	long i;
	uint32_t off;

	if (addr > UINT32_MAX)
		return false;
	i = kallsyms_search((uint32_t)addr);
	if (i < 0)
		return false;
	off = (uint32_t)addr - kallsyms_addresses[i];
	if (off >= kallsyms_sizes[i])
		return false;
	*name = kallsyms_names + kallsyms_name_offsets[i];
	*offset = off;
	*size = kallsyms_sizes[i];
	return true;
}

/* S3 for symbol @i: its name lies inside the names and is not empty. */
static unsigned int kallsyms_check_name(uint32_t i)
{
	uint32_t off = kallsyms_name_offsets[i], len = 0;

	if (off >= kallsyms_names_size) {
		printk("kallsyms_check: S3 symbol %u: name offset %u beyond "
		       "%u bytes of names\n", i, off, kallsyms_names_size);
		return 1;
	}
	while (off + len < kallsyms_names_size && kallsyms_names[off + len])
		len++;
	if (len == 0 || len > KALLSYMS_NAME_MAX ||
	    off + len >= kallsyms_names_size) {
		printk("kallsyms_check: S3 symbol %u at 0x%08x: name of %u "
		       "characters at offset %u\n", i, kallsyms_addresses[i],
		       len, off);
		return 1;
	}
	return 0;
}

unsigned int kallsyms_check(void)
{
	unsigned int bad = 0;
	uint32_t i;

	for (i = 0; i < kallsyms_num; i++) {
		uint32_t start = kallsyms_addresses[i];

		bad += kallsyms_check_name(i);
		if (kallsyms_sizes[i] == 0) {
			printk("kallsyms_check: S2 symbol %u at 0x%08x has "
			       "size 0\n", i, start);
			bad++;
		}
		if (i + 1 == kallsyms_num)
			break;
		if (kallsyms_addresses[i + 1] <= start) {
			printk("kallsyms_check: S1 symbol %u at 0x%08x follows "
			       "0x%08x\n", i + 1, kallsyms_addresses[i + 1],
			       start);
			bad++;
		} else if (kallsyms_addresses[i + 1] - start <
			   kallsyms_sizes[i]) {
			printk("kallsyms_check: S2 symbol %u at 0x%08x, %u "
			       "bytes, overlaps the next at 0x%08x\n", i,
			       start, kallsyms_sizes[i],
			       kallsyms_addresses[i + 1]);
			bad++;
		}
	}
	return bad;
}
