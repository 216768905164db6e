/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * What the analysis must refuse: recursion, a call into the middle of a
 * function, a call to a function defined nowhere, a stack allocation of a
 * size known only at run time, an unbalanced return, and an indirect jump
 * that is not a tail call (a jump table), even where --indirect bounds the
 * function's indirect calls.
 *
 * check: --root ping => error: recursion: ping -> pong -> ping
 * check: --root inside => error: inside helper
 * check: --root outside => error: call to undefined elsewhere
 * check: --root outside --extern elsewhere=40 => 56: outside > elsewhere
 * check: --root sized => error: changes %rsp by an amount it cannot bound
 * check: --root unbalanced => error: `ret` with 16 bytes on the stack
 * check: --root reaches_sized => error: sized: 0x
 * check: --root table --indirect table=64 => error: an indirect jump with 16 bytes on the stack
 * check: --root tail_indirect --indirect tail_indirect=64 => 80: tail_indirect > (indirect call in tail_indirect)
 */
	.section .text.ping,"ax",@progbits
	.globl ping
	.type ping,@function
ping:
	push %rbx
	call pong
	pop %rbx
	ret
	.size ping, .-ping

	.section .text.pong,"ax",@progbits
	.type pong,@function
pong:
	sub $0x18,%rsp
	call ping
	add $0x18,%rsp
	ret
	.size pong, .-pong

	.section .text.inside,"ax",@progbits
	.globl inside
	.type inside,@function
inside:
	sub $0x8,%rsp
	call helper+4
	add $0x8,%rsp
	ret
	.size inside, .-inside

	.section .text.helper,"ax",@progbits
	.type helper,@function
helper:
	nop
	nop
	nop
	nop
	ret
	.size helper, .-helper

	.text
	.globl outside
	.type outside,@function
outside:
	sub $0x8,%rsp			/* 8 + 8 = 16 */
	call elsewhere
	add $0x8,%rsp
	ret
	.size outside, .-outside

	.globl sized
	.type sized,@function
sized:
	push %rbp
	mov %rsp,%rbp
	sub %rdi,%rsp
	leave
	ret
	.size sized, .-sized

	.globl unbalanced
	.type unbalanced,@function
unbalanced:
	push %rbx
	ret
	.size unbalanced, .-unbalanced

	.globl reaches_sized
	.type reaches_sized,@function
reaches_sized:
	sub $0x8,%rsp
	call sized
	add $0x8,%rsp
	ret
	.size reaches_sized, .-reaches_sized

	.globl table
	.type table,@function
table:
	push %rbx
	jmp *(%rdi)
	.size table, .-table

	.globl tail_indirect
	.type tail_indirect,@function
tail_indirect:
	push %rbx			/* 8 + 8 = 16 */
	pop %rbx
	jmp *%rax
	.size tail_indirect, .-tail_indirect
