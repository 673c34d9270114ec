; Trap entry stubs.  Every vector gets a stub that makes the stack look the
; same (an error code, real or 0, then the vector number), and one common
; path saves the registers into a struct trap_frame (arch/i386/trap.h),
; switches to the kernel data segments and calls trap_dispatch(frame).
; %fs is the exception: the kernel keeps this CPU's per-CPU selector there
; (arch/i386/percpu.h), reloaded on every entry so that whatever ring 3
; left in %fs never reaches the kernel; the frame keeps the interrupted
; value and the return restores it.

KERNEL_DS equ 0x10
PERCPU_SEL equ 0x38
MM_LOCK_SMP equ 0x1
; Offsets the return path reads, each checked by a _Static_assert in
; kernel/sched.c: struct trap_frame's cs, struct percpu's cpu and
; cur_proc, struct proc's killed, struct klock's holder.
FRAME_CS equ 60
PERCPU_CPU equ 4
PERCPU_CUR_PROC equ 12
PROC_KILLED equ 0x24c
KLOCK_HOLDER equ 4
KLOCK_NOBODY equ 0xffffffff

section .text
extern trap_dispatch
extern sched_return_user
extern mm_lock_mode
extern klock

%macro TRAP_NOERR 1
global trap_stub_%1
trap_stub_%1:
	push dword 0
	push dword %1
	jmp trap_common
%endmacro

%macro TRAP_ERR 1
global trap_stub_%1
trap_stub_%1:
	push dword %1
	jmp trap_common
%endmacro

; Exceptions 8, 10-14, 17, 21, 29, 30 push an error code.
%assign v 0
%rep 256
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
	TRAP_ERR v
%else
	TRAP_NOERR v
%endif
%assign v v + 1
%endrep

trap_common:
	pusha
	push ds
	push es
	push fs
	push gs
	mov ax, KERNEL_DS
	mov ds, ax
	mov es, ax
	mov gs, ax
	mov ax, PERCPU_SEL
	mov fs, ax
	cld
	push esp			; struct trap_frame *
	call trap_dispatch
	add esp, 4
; Every return to ring 3, a new process's first one included, passes the
; process layer's last step once several CPUs run (mm_lock_mode's
; MM_LOCK_SMP bit, include/mm/lock.h): the kernel lock is released if
; this CPU holds it (kernel/klock.h: klock_release_smp(); an x86 store
; has release order), and a process ended from another CPU goes to
; kernel/sched.c's sched_return_user() instead, to exit.
global trap_return
trap_return:
	test dword [mm_lock_mode], MM_LOCK_SMP
	jz .restore
	test byte [esp + FRAME_CS], 3	; back to the kernel: nothing to do
	jz .restore
	mov eax, [fs:PERCPU_CUR_PROC]
	cmp dword [eax + PROC_KILLED], 0
	jne .killed
	mov eax, [fs:PERCPU_CPU]
	cmp [klock + KLOCK_HOLDER], eax
	jne .restore			; an interrupt of ring 3: not held
	mov dword [klock + KLOCK_HOLDER], KLOCK_NOBODY
	mov dword [klock], 0
	jmp .restore
.killed:
	push esp			; struct trap_frame *
	call sched_return_user		; does not return
.restore:
	pop gs
	pop fs
	pop es
	pop ds
	popa
	add esp, 8			; vector and error code
	iret

; The double-fault task (a task gate, not a stub: arch/i386/gdt.c): it
; starts here on its own stack with the error code pushed, and never
; returns.
extern trap_double_fault
global double_fault_task
double_fault_task:
	cld
	call trap_double_fault		; the error code is its argument
.hang:	cli
	hlt
	jmp .hang

section .rodata
align 4
global trap_stubs
trap_stubs:
%assign v 0
%rep 256
	dd trap_stub_ %+ v
%assign v v + 1
%endrep
