; kmem386 entry: Multiboot v1 header, boot page tables, jump to the higher half.
;
; GRUB (or QEMU's -kernel loader) enters _start in 32-bit protected mode with
; paging off, EAX = Multiboot magic, EBX = physical address of the info
; structure.  The kernel is linked at 0xC0100000 but loaded at 0x100000, so
; until paging is on every symbol is used at (symbol - KERNEL_VIRT).  The
; header and this pre-paging code sit in .boot, linked at its load address,
; so the ELF entry point is a physical address inside a segment: GRUB
; insists on that, and QEMU's loader jumps to e_entry as it is.
;
; The boot page directory maps physical 0-4 MiB twice, at 0 (so the
; instruction after "mov cr0" still runs) and at 0xC0000000, through one
; page table of 4 KiB pages: no PSE needed, so a 486 boots too.  Once in the
; higher half the identity entry is removed and the TLB flushed by reloading
; CR3 (a 386 has no invlpg).

KERNEL_VIRT	equ 0xC0000000
MB_MAGIC	equ 0x1BADB002
MB_FLAGS	equ (1 << 0) | (1 << 1)		; page-align modules, give memory map
PTE_PW		equ 0x003			; present | writable
BOOT_STACK_SIZE	equ 16384

section .multiboot progbits alloc noexec nowrite align=4
align 4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)

section .data
align 4
global boot_magic, boot_mbi_phys
boot_magic:	dd 0
boot_mbi_phys:	dd 0

section .bss
align 4096
global boot_page_directory, boot_page_table0
boot_page_directory:	resb 4096
boot_page_table0:	resb 4096
global boot_stack_bottom, boot_stack_top
boot_stack_bottom:	resb BOOT_STACK_SIZE
boot_stack_top:

section .boot.text progbits alloc exec nowrite align=16
global _start
extern kmain, __bss_start, __bss_end
_start:
	cli
	cld
	mov esi, eax			; keep the boot loader's registers
	; Zero .bss ourselves: the boot loader should, but the page tables
	; must start clean whatever it did.
	mov edi, __bss_start - KERNEL_VIRT
	mov ecx, __bss_end - KERNEL_VIRT
	sub ecx, edi
	shr ecx, 2
	xor eax, eax
	rep stosd
	mov [boot_magic - KERNEL_VIRT], esi
	mov [boot_mbi_phys - KERNEL_VIRT], ebx

	; One page table: frames 0..1023 -> physical 0..4 MiB.
	mov edi, boot_page_table0 - KERNEL_VIRT
	mov eax, PTE_PW
	mov ecx, 1024
.fill:	stosd
	add eax, 4096
	loop .fill

	mov eax, (boot_page_table0 - KERNEL_VIRT) + PTE_PW
	mov [boot_page_directory - KERNEL_VIRT], eax			; identity
	mov [boot_page_directory - KERNEL_VIRT + (KERNEL_VIRT >> 22) * 4], eax

	mov eax, boot_page_directory - KERNEL_VIRT
	mov cr3, eax
	mov eax, cr0
	or eax, 0x80000000		; PG
	mov cr0, eax
	mov ecx, higher_half
	jmp ecx

section .text
higher_half:
	mov dword [boot_page_directory], 0	; drop the identity map
	mov eax, cr3
	mov cr3, eax			; flush the TLB
	mov esp, boot_stack_top
	xor ebp, ebp			; ends backtraces
	push 0				; EFLAGS: interrupts off, clean flags
	popfd
	call kmain
.hang:	cli
	hlt
	jmp .hang
