; Context switch between kernel stacks, and the first return to ring 3.
;
;   void switch_context(uint32_t *save_esp, uint32_t new_esp)
;
; Saves the callee-saved registers on the current kernel stack, stores
; esp in *save_esp, loads new_esp and pops the same registers from there.
; A new process's stack is prepared by kernel/proc.c to look like it was
; switched out: four zero registers, then the address of trap_return
; (arch/i386/isr.asm) and a struct trap_frame that irets to ring 3.

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
