; Context switch between kernel stacks, and the first return to ring 3.
;
;   void switch_context(uint32_t *save_esp, uint32_t new_esp)
;
; Saves the callee-saved registers on the current kernel stack, stores
; esp in *save_esp, loads new_esp and pops the same registers from there.
; A new process's stack is prepared by kernel/proc.c to look like it was
; switched out: four zero registers, then the address of trap_return
; (arch/i386/isr.asm) and a struct trap_frame that irets to ring 3.
;
;   void call_on_stack(void (*fn)(void), uint32_t top)
;
; Moves the running code for good onto the stack ending at top and calls
; fn there (which must not return); the boot stack is left behind.

section .text
global switch_context
switch_context:
	mov eax, [esp + 4]
	mov edx, [esp + 8]
	push ebp
	push ebx
	push esi
	push edi
	mov [eax], esp
	mov esp, edx
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

global call_on_stack
call_on_stack:
	mov eax, [esp + 4]
	mov esp, [esp + 8]
	xor ebp, ebp			; ends backtraces
	call eax
.hang:	cli
	hlt
	jmp .hang
