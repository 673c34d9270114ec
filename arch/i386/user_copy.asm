; user_copy - the one instruction that touches user memory for the kernel.
;
;   uint32_t user_copy(void *dst, const void *src, uint32_t n)
;
; Copies n bytes with "rep movsb" and returns the bytes NOT copied (0 on
; success).  The copy may fault on a user address: the page-fault handler
; first tries to resolve it (demand-zero, copy-on-write); if it cannot,
; the exception table sends the faulting "rep movsb" to .done, where ecx
; still holds the bytes left.  arch/i386/usercopy.c checks the range.

section .text
global user_copy
user_copy:
	push esi
	push edi
	mov edi, [esp + 12]
	mov esi, [esp + 16]
	mov ecx, [esp + 20]
	cld
.copy:
	rep movsb
.done:
	mov eax, ecx
	pop edi
	pop esi
	ret

section __ex_table progbits alloc noexec nowrite align=4
	dd user_copy.copy, user_copy.done
