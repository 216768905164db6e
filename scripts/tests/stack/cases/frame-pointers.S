/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Frames restored from a register rather than by popping: `leave`, and the
 * realigned frame GCC builds when a local needs more alignment than the
 * incoming stack has (the entry address kept in %r10, pushed, popped back
 * and used to restore %rsp). The `and` may take up to 8 more bytes.
 *
 * check: --root framed => 296: framed > realigned
 * check: --root realigned => 264: realigned
 */
	.text
	.globl framed
	.type framed,@function
framed:
	push %rbp
	mov %rsp,%rbp
	sub $0x10,%rsp			/* 8 + 8 + 16 = 32 */
	call realigned
	leave
	ret
	.size framed, .-framed

	.globl realigned
	.type realigned,@function
realigned:
	lea 0x8(%rsp),%r10
	and $-16,%rsp			/* up to 8 */
	push -0x8(%r10)
	push %rbp
	mov %rsp,%rbp
	push %r10
	push %rbx
	sub $0xc8,%rsp			/* 8 + 8 + 8 + 8 + 16 + 200 = 248 */
	push %rax
	push %rax			/* and two arguments: 264 */
	add $0x10,%rsp
	lea -0x10(%rbp),%rsp
	pop %rbx
	pop %r10
	pop %rbp
	lea -0x8(%r10),%rsp
	ret
	.size realigned, .-realigned
