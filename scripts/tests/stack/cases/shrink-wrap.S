/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * A shrink-wrapped function: the early exit comes before the prologue, so
 * the `sub` follows a `test` and a `je`. Its frame is the return address,
 * one push and 0x330 bytes; a scan that stops at the first compare sees 8.
 *
 * check: --root wrapped => 864: wrapped > leaf
 */
	.text
	.globl wrapped
	.type wrapped,@function
wrapped:
	test %rdi,%rdi
	je 1f
	push %rbx
	sub $0x330,%rsp			/* 8 + 8 + 816 = 832 */
	mov %rdi,%rbx
	call leaf
	add $0x330,%rsp
	pop %rbx
1:	ret
	.size wrapped, .-wrapped

	.type leaf,@function
leaf:
	sub $0x18,%rsp			/* 8 + 24 = 32 */
	add $0x18,%rsp
	ret
	.size leaf, .-leaf
