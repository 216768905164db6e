/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * `call *%reg` right after the register was loaded with a function's address
 * (`mov $sym,%reg`, as scripts/relax-got.py rewrites a GOT load, or
 * `lea sym(%rip),%reg`) is a call to that function. Loaded before a jump
 * target, or overwritten, it is an indirect call that nothing bounds.
 *
 * check: --root loaded => 528: loaded > target
 * check: --root relative => 528: relative > target
 * check: --root clobbered => error: indirect `call *%rax`
 * check: --root joined => error: indirect `call *%rax`
 * check: --root joined --indirect joined=100 => 116: joined > (indirect call in joined)
 */
	.text
	.globl loaded
	.type loaded,@function
loaded:
	sub $0x8,%rsp			/* 8 + 8 = 16 */
	mov $target,%rax
	xor %edi,%edi
	call *%rax
	add $0x8,%rsp
	ret
	.size loaded, .-loaded

	.globl relative
	.type relative,@function
relative:
	push %rbx			/* 8 + 8 = 16 */
	lea target(%rip),%rcx
	call *%rcx
	pop %rbx
	ret
	.size relative, .-relative

	.globl clobbered
	.type clobbered,@function
clobbered:
	push %rbx
	mov $target,%rax
	mov (%rdi),%rax
	call *%rax
	pop %rbx
	ret
	.size clobbered, .-clobbered

	.globl joined
	.type joined,@function
joined:
	push %rbx			/* 8 + 8 = 16 */
	mov $target,%rax
	test %rdi,%rdi
	je 1f
	mov (%rdi),%rax
1:	call *%rax
	pop %rbx
	ret
	.size joined, .-joined

	.type target,@function
target:
	sub $0x1f8,%rsp			/* 8 + 504 = 512 */
	add $0x1f8,%rsp
	ret
	.size target, .-target
