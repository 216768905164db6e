/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * The kernel's thunks: with return thunks a function returns by jumping to
 * __x86_return_thunk, and with retpolines an indirect call is a call to
 * __x86_indirect_thunk_<reg>. The first is a return; the second an indirect
 * call, refused unless --indirect bounds it.
 *
 * check: --root thunked => error: indirect call through __x86_indirect_thunk_rax
 * check: --root thunked --indirect thunked=200 => 232: thunked > (indirect call in thunked)
 * check: --root returns => 16: returns
 */
	.text
	.globl thunked
	.type thunked,@function
thunked:
	push %rbx
	push %r12
	push %r13			/* 8 + 24 = 32 */
	mov (%rdi),%rax
	call __x86_indirect_thunk_rax
	pop %r13
	pop %r12
	pop %rbx
	jmp __x86_return_thunk
	.size thunked, .-thunked

	.globl returns
	.type returns,@function
returns:
	push %rbx			/* 8 + 8 = 16 */
	test %rdi,%rdi
	pop %rbx
	je __x86_return_thunk
	xor %eax,%eax
	jmp __x86_return_thunk
	.size returns, .-returns
