; Application-processor start-up code: from the real mode a STARTUP IPI
; leaves a CPU in to the kernel's C entry, ap_entry() (arch/i386/smp.c).
;
; The boot CPU copies trampoline_start..trampoline_end to a frame T below
; 1 MiB and fills the data block at its end (struct trampoline_data in
; smp.c) before each STARTUP IPI, whose vector is T >> 12: the CPU starts
; at T:0 with CS = T >> 4.  Nothing here knows T at assembly time; the
; code computes it from CS and addresses everything relative to it.
;
;   real mode        load the trampoline's own flat GDT, set CR0.PE
;   protected mode   flat segments, paging still off: CR4 as the boot
;                    CPU's minus PGE, CR3 = a directory that maps the
;                    first 4 MiB both at 0 and at PAGE_OFFSET, CR0 as the
;                    boot CPU's (PG, WP, ...)
;   paging on        jump to the trampoline's alias in the direct map,
;                    load the kernel directory (the identity map is gone),
;                    the stack the boot CPU allocated, call ap_entry(cpu)
;
; CR4.PGE stays off until the kernel directory is loaded: a global entry
; taken from the identity map would outlive the switch (ap_entry() turns
; PGE on, which flushes everything).

PAGE_OFFSET	equ 0xC0000000
CR0_PE		equ 1

%define TR(x)	((x) - trampoline_start)

section .rodata
align 16
global trampoline_start, trampoline_end, trampoline_data
bits 16
trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor esi, esi
	mov si, ax
	shl esi, 4				; esi = T, kept to the end
	lea eax, [esi + TR(tr_gdt)]
	mov [TR(tr_gdtr) + 2], eax		; the GDT's linear address
	lea eax, [esi + TR(tr_pm)]
	mov [TR(tr_farptr)], eax		; where protected mode starts
	lgdt [TR(tr_gdtr)]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword far [TR(tr_farptr)]

bits 32
tr_pm:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov eax, [esi + TR(td_cr4)]
	test eax, eax
	jz .no_cr4				; a CPU without CR4 has no PGE either
	mov cr4, eax
.no_cr4:
	mov eax, [esi + TR(td_boot_pd)]
	mov cr3, eax
	mov eax, [esi + TR(td_cr0)]
	mov cr0, eax				; paging on, at the identity map
	lea eax, [esi + TR(tr_high) + PAGE_OFFSET]
	jmp eax
tr_high:
	add esi, PAGE_OFFSET			; the data block, in the direct map
	mov eax, [esi + TR(td_kernel_pd)]
	mov cr3, eax
	mov esp, [esi + TR(td_stack)]
	xor ebp, ebp				; ends backtraces
	push dword [esi + TR(td_cpu)]
	call [esi + TR(td_entry)]		; does not return
.hang:	cli
	hlt
	jmp .hang

align 8
tr_gdt:
	dq 0
	dq 0x00cf9a000000ffff			; 0x08 code, flat, 32-bit
	dq 0x00cf92000000ffff			; 0x10 data, flat
tr_gdtr:
	dw 3 * 8 - 1
	dd 0					; filled: T + tr_gdt
tr_farptr:
	dd 0					; filled: T + tr_pm
	dw 0x08

; struct trampoline_data (arch/i386/smp.c), filled by the boot CPU.
align 4
trampoline_data:
td_cr0:		dd 0
td_cr4:		dd 0	; 0: leave CR4 alone
td_boot_pd:	dd 0	; physical: the start-up directory
td_kernel_pd:	dd 0	; physical: the kernel's
td_stack:	dd 0	; top of the AP's kernel stack
td_entry:	dd 0	; ap_entry
td_cpu:		dd 0	; the AP's slot in cpu_slots[]
trampoline_end:
