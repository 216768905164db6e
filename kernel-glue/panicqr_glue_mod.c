// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * A module around the panicqr glue, for the compile check only. In a real
 * kernel the glue is built into drm with drm_panic.c, which calls
 * panicqr_glue_init() and panicqr_glue_exit() from its own init and exit.
 */

#include <linux/module.h>

#include "panicqr_glue.h"

static int __init panicqr_glue_mod_init(void)
{
	return panicqr_glue_init();
}

static void __exit panicqr_glue_mod_exit(void)
{
	panicqr_glue_exit();
}

module_init(panicqr_glue_mod_init);
module_exit(panicqr_glue_mod_exit);

MODULE_DESCRIPTION("panicqr glue: panic QR code on a DRM scanout buffer");
MODULE_LICENSE("Dual MIT/GPL");
