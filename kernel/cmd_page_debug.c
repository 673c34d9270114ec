/*
 * Console command of page_poison: `pagepoison` writes into a frame after
 * freeing it, on purpose, and takes a frame again so that the check
 * meets the write (include/mm/page_debug.h); QEMU tests assert the
 * report line.
 *
 * Design.  Placement is lowest-first and the hot lists are off while
 * page_poison is on, so the next order-0 request gets the frame just
 * freed unless a lower one was freed in between: a few tries hold the
 * frames they get until one is the written frame.  The frame is reached
 * through kmap_local(), so a HIGHMEM frame (GFP_HIGHUSER) works too.
 * Refused when page_poison is off: a write into a free frame would then
 * go unnoticed into its next owner.
 *
 * Locking: none here; the shell (process context, interrupts on).
 */
#include "shell.h"
#include "mm/buddy.h"
#include "mm/highmem.h"
#include "mm/page_debug.h"

#define PAGEPOISON_TRIES	16
#define PAGEPOISON_OFFSET	0x123
#define PAGEPOISON_BYTE		0x42

/* Free a frame, write into it, take frames until it comes back. */
static int pagepoison_once(gfp_t gfp)
{
	struct page *page = alloc_pages(gfp, 0), *held[PAGEPOISON_TRIES];
	unsigned int n = 0, i;
	uint8_t *va;
	pfn_t pfn;

	if (!page)
		return -ENOMEM;
	pfn = page_to_pfn(page);
	__free_pages(page, 0);
	va = kmap_local(page);
	va[PAGEPOISON_OFFSET] = PAGEPOISON_BYTE;	/* the bug, on purpose */
	kunmap_local(va);
	printk("pagepoison: wrote 0x%02x at offset 0x%x of freed pfn 0x%x (%s)\n",
	       PAGEPOISON_BYTE, PAGEPOISON_OFFSET, pfn,
	       page_zone(page)->name);
	while (n < PAGEPOISON_TRIES) {
		held[n] = alloc_pages(gfp, 0);
		if (!held[n] || held[n++] == page)
			break;
	}
	for (i = 0; i < n; i++)
		__free_pages(held[i], 0);
	return n && held[n - 1] == page ? 0 : -EBUSY;
}

static int cmd_pagepoison(int argc, char **argv)
{
	uint64_t before = page_poison_corrupted();
	int err;

	(void)argc;
	(void)argv;
	if (!(page_debug_flags() & PAGE_DEBUG_POISON)) {
		printk("pagepoison: page_poison is off (boot with page_poison)\n");
		return -EINVAL;
	}
	err = pagepoison_once(GFP_KERNEL);
	if (!err)
		err = pagepoison_once(GFP_HIGHUSER);
	printk("pagepoison: %llu write(s) after free found, %d\n",
	       (unsigned long long)(page_poison_corrupted() - before), err);
	return err;
}
SHELL_COMMAND(pagepoison, "pagepoison", "",
	      "write into a freed frame on purpose (page_poison)",
	      cmd_pagepoison);
