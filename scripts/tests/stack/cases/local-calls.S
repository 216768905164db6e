/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Calls to local functions. `top` calls the local `middle` in another
 * section: the assembler already writes that relocation against the section
 * (.text.lower+addend), and after `ld -r -T merge.ld` it is `.text+addend`.
 * `middle` calls `bottom` in its own section, with no relocation at all.
 * A reading that takes `.text` for a function name loses both edges.
 *
 * check: --root top => 4608: top > middle > bottom
 * check: --root middle => 4096: middle > bottom
 * merged: a call relocation against the section .text
 */
	.section .text.top,"ax",@progbits
	.globl top
	.type top,@function
top:
	push %rbp
	sub $0x1f0,%rsp			/* 8 + 8 + 496 = 512 */
	call middle
	add $0x1f0,%rsp
	pop %rbp
	ret
	.size top, .-top

	.section .text.lower,"ax",@progbits
	.type middle,@function
middle:
	sub $0x7f8,%rsp			/* 8 + 2040 = 2048 */
	call bottom
	add $0x7f8,%rsp
	ret
	.size middle, .-middle

	.type bottom,@function
bottom:
	push %rbx
	push %r12
	sub $0x7e8,%rsp			/* 8 + 16 + 2024 = 2048 */
	xor %eax,%eax
	add $0x7e8,%rsp
	pop %r12
	pop %rbx
	ret
	.size bottom, .-bottom
