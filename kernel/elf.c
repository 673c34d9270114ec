/*
 * The program loader: find a program embedded in the kernel image, map
 * its ELF segments into an address space, and build its first stack.
 *
 * Design.  Programs are static i386 ELF executables that user/user.mk
 * embeds in .rodata and registers in the .user_progs section.  Loading
 * copies nothing: each PT_LOAD becomes a VM_IMAGE region that points at
 * the segment's bytes in the kernel image, and mm_fault() gives a page its
 * private copy on first touch.  The layout is drawn first (kernel/random.c,
 * all offsets zero under `norandmaps`): the stack top and the mmap base
 * (mm_set_layout()), then, once the image's end is known, the heap's
 * start a random number of pages above it (mm_set_brk_start()).  The
 * stack is a VM_GROWSDOWN region of one page under mm->stack_top, holding
 * the argument strings, argv[], argc and a null return address, as if
 * _start had been called.  The stack
 * page is filled through kmap_local(), as the space is not loaded yet.
 *
 * Context: process context (the shell), interrupts on or off.
 */
#include "proc.h"
#include "random.h"
#include "shell.h"
#include "mm/highmem.h"
#include "mm/vmm.h"

extern const struct user_prog __user_progs_start[], __user_progs_end[];

#define EI_NIDENT	16
#define ET_EXEC		2
#define EM_386		3
#define PT_LOAD		1
#define PF_X		1
#define PF_W		2
#define PF_R		4

struct elf32_ehdr {
	uint8_t ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

const struct user_prog *user_prog_next(const struct user_prog *prev)
{
	const struct user_prog *p = prev ? prev + 1 : __user_progs_start;

	return p < __user_progs_end ? p : NULL;
}

const struct user_prog *user_prog_find(const char *name)
{
	const struct user_prog *p;

	for (p = user_prog_next(NULL); p; p = user_prog_next(p))
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static bool ehdr_ok(const struct user_prog *prog, const struct elf32_ehdr *eh)
{
	return prog->size >= sizeof(*eh) &&
	       memcmp(eh->ident, "\177ELF", 4) == 0 && eh->ident[4] == 1 && eh->ident[5] == 1 && eh->type == ET_EXEC &&
	       eh->machine == EM_386 &&
	       eh->phentsize == sizeof(struct elf32_phdr) &&
	       eh->phoff <= prog->size &&
	       eh->phnum <= (prog->size - eh->phoff) /
			    sizeof(struct elf32_phdr);
}

static int load_segment(struct mm *mm, const struct user_prog *prog,
			const struct elf32_phdr *ph, uintptr_t *top)
{
	uintptr_t start = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
	uintptr_t end = (uintptr_t)ph->vaddr + ph->memsz;
	unsigned int flags = 0;

	if (ph->filesz > ph->memsz || ph->offset > prog->size ||
	    ph->filesz > prog->size - ph->offset || end < ph->vaddr ||
	    end > mm->mmap_base)
		return -EINVAL;
	end = ALIGN_UP(end, PAGE_SIZE);
	if (ph->flags & PF_R)
		flags |= VM_READ;
	if (ph->flags & PF_W)
		flags |= VM_WRITE;
	if (ph->flags & PF_X)
		flags |= VM_EXEC | VM_READ;
	if (ph->filesz)
		flags |= VM_IMAGE;
	*top = MAX(*top, end);
	return mm_map_region(mm, start, end - start, flags,
			     prog->image + ph->offset, ph->vaddr, ph->filesz);
}

/* Write @n bytes at user address @va of @mm (not loaded), page by page. */
static int put_user_bytes(struct mm *mm, uintptr_t va, const void *src,
			  size_t n)
{
	const uint8_t *s = src;

	while (n) {
		size_t off = va & (PAGE_SIZE - 1);
		size_t chunk = MIN(n, PAGE_SIZE - off);
		const char *why;
		uint8_t *p;
		pfn_t pfn;
		int err = mm_fault(mm, va, FAULT_WRITE | FAULT_PRESENT, &why);

		if (err)
			return err;
		if (vmm_translate(mm->pd, va, &pfn, NULL) != 0)
			return -EFAULT;
		p = kmap_local(pfn_to_page(pfn));
		memcpy(p + off, s, chunk);
		kunmap_local(p);
		va += chunk;
		s += chunk;
		n -= chunk;
	}
	return 0;
}

/* The first stack: strings, argv[], argv, argc, return address 0. */
static int build_stack(struct mm *mm, int argc, char **argv, uintptr_t *sp)
{
	uint32_t frame[3 + SHELL_MAX_ARGS + 1];
	uintptr_t top = mm->stack_top, ptrs[SHELL_MAX_ARGS];
	int i, err;

	if (argc > SHELL_MAX_ARGS)
		return -E2BIG;
	err = mm_map_region(mm, mm->stack_top - PAGE_SIZE, PAGE_SIZE,
			    VM_READ | VM_WRITE | VM_GROWSDOWN, NULL, 0, 0);
	for (i = argc - 1; i >= 0 && !err; i--) {
		size_t len = strlen(argv[i]) + 1;

		if (len > 256)
			return -E2BIG;
		top -= len;
		ptrs[i] = top;
		err = put_user_bytes(mm, top, argv[i], len);
	}
	if (err)
		return err;
	top = ALIGN_DOWN(top, 16) - (3 + (uintptr_t)argc + 1) * 4;
	frame[0] = 0;			/* return address of _start */
	frame[1] = (uint32_t)argc;
	frame[2] = (uint32_t)(top + 12);	/* argv */
	for (i = 0; i < argc; i++)
		frame[3 + i] = (uint32_t)ptrs[i];
	frame[3 + argc] = 0;
	*sp = top;
	return put_user_bytes(mm, top, frame, (3 + (size_t)argc + 1) * 4);
}

int elf_load(struct mm *mm, const struct user_prog *prog, int argc,
	     char **argv, uintptr_t *entry, uintptr_t *sp)
{
	const struct elf32_ehdr *eh = (const void *)prog->image;
	const struct elf32_phdr *ph;
	uintptr_t top = 0;
	unsigned int i;
	int err;

	if (!ehdr_ok(prog, eh))
		return -EINVAL;
	err = mm_set_layout(mm, random_layout(USER_STACK_RND_PAGES),
			    random_layout(USER_MMAP_RND_PAGES));
	if (err)
		return err;
	ph = (const void *)(prog->image + eh->phoff);
	for (i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
			continue;
		err = load_segment(mm, prog, &ph[i], &top);
		if (err)
			return err;
	}
	if (!top || eh->entry >= top)
		return -EINVAL;
	err = mm_set_brk_start(mm, top,
			       random_layout(mm_brk_rnd_pages(mm, top)));
	if (err)
		return err;
	*entry = eh->entry;
	return build_stack(mm, argc, argv, sp);
}
