/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * uint64_t painted_call(void *top, const void *fn, const uint64_t regs[6],
 *                       const uint64_t *stack, size_t n);
 *
 * Calls fn on another stack: its six register arguments from regs, its
 * stack arguments (n of them) copied to the top of the new stack, and %rsp
 * at the call = top - round_up(8 * n, 16), so that fn's use of the stack
 * is exactly what lies below that address. top must be 16-byte aligned.
 * Returns what fn returns in %rax.
 */
	.text
	.globl painted_call
	.type painted_call,@function
painted_call:
	push %rbp
	mov %rsp,%rbp
	push %rbx
	push %r12
	mov %rsi,%r11
	mov %rdx,%r10
	lea 15(,%r8,8),%rax
	and $-16,%rax
	mov %rdi,%rbx
	sub %rax,%rbx
	xor %eax,%eax
1:	cmp %r8,%rax
	jae 2f
	mov (%rcx,%rax,8),%r12
	mov %r12,(%rbx,%rax,8)
	inc %rax
	jmp 1b
2:	mov %rbx,%rsp
	mov 0(%r10),%rdi
	mov 8(%r10),%rsi
	mov 16(%r10),%rdx
	mov 24(%r10),%rcx
	mov 32(%r10),%r8
	mov 40(%r10),%r9
	call *%r11
	lea -16(%rbp),%rsp
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size painted_call, .-painted_call

	.section .note.GNU-stack,"",@progbits
