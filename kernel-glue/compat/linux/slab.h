/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <linux/slab.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_LINUX_SLAB_H
#define PANICQR_COMPAT_LINUX_SLAB_H

#include <stdlib.h>

#define GFP_KERNEL 0

static inline void *kmalloc(size_t size, int flags)
{
	(void)flags;
	return malloc(size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

#endif
