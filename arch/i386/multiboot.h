/*
 * Multiboot (version 1) structures, as the specification lays them out.
 * The boot loader leaves the information structure in low memory; the
 * kernel reaches it through the direct map (phys + PAGE_OFFSET).
 */
#ifndef ARCH_I386_MULTIBOOT_H
#define ARCH_I386_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002u

#define MB_INFO_MEMORY		(1u << 0)	/* mem_lower / mem_upper valid */
#define MB_INFO_CMDLINE		(1u << 2)
#define MB_INFO_MODS		(1u << 3)
#define MB_INFO_MEM_MAP		(1u << 6)	/* mmap_addr / mmap_length valid */

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;		/* KiB below 1 MiB */
	uint32_t mem_upper;		/* KiB above 1 MiB, up to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;		/* physical address of a C string */
	uint32_t mods_count;
	uint32_t mods_addr;		/* physical address of multiboot_module[] */
	uint32_t syms[4];
	uint32_t mmap_length;		/* bytes */
	uint32_t mmap_addr;		/* physical address of the first entry */
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe[6];
} __attribute__((packed));

/*
 * One memory-map entry.  'size' counts the bytes after itself, and the next
 * entry starts at (char *)entry + size + 4: honour it, it may exceed 20.
 */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

struct multiboot_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

/* Set by the entry code: the info structure as the boot loader gave it. */
extern uint32_t boot_magic;
extern uint32_t boot_mbi_phys;

#endif /* ARCH_I386_MULTIBOOT_H */
