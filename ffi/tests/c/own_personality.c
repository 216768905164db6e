// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * Stands for a Rust library built with std, linked into the same program as
 * libpanicqr.a: it defines rust_eh_personality too. The archive's weak
 * definition must give way to this one, without a duplicate definition.
 */
int rust_eh_personality(void);

int rust_eh_personality(void)
{
	return 0;
}
