// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * The drm_panic_qr_* prototypes of include/panicqr.h must match the extern
 * declarations in Linux's drivers/gpu/drm/drm_panic.c. scripts/c-tests.sh
 * extracts those declarations from the 6.12 source into linux_externs.h;
 * a mismatch is a "conflicting types" error.
 */
#include "panicqr.h"

typedef uint8_t u8;

#include "linux_externs.h"

int main(void)
{
	return drm_panic_qr_max_data_size(40, 0) == 2953 ? 0 : 1;
}
