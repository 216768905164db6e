/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Tail calls: a `jmp` and a conditional jump out of a function are edges,
 * and LLVM's `add $-128,%rsp` grows the stack.
 *
 * check: --root caller => 1168: caller > big
 * check: --root maybe => 1040: maybe > big
 */
	.text
	.globl caller
	.type caller,@function
caller:
	push %rbx
	add $-128,%rsp			/* 8 + 8 + 128 = 144 */
	call small
	sub $-128,%rsp
	pop %rbx
	jmp big
	.size caller, .-caller

	.globl maybe
	.type maybe,@function
maybe:
	push %rbx			/* 8 + 8 = 16 */
	pop %rbx
	test %rdi,%rdi
	jne big
	jmp small
	.size maybe, .-maybe

	.type small,@function
small:
	sub $0x48,%rsp			/* 8 + 72 = 80 */
	add $0x48,%rsp
	ret
	.size small, .-small

	.type big,@function
big:
	sub $0x3f8,%rsp			/* 8 + 1016 = 1024 */
	add $0x3f8,%rsp
	ret
	.size big, .-big
