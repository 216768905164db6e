/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <linux/limits.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_LINUX_LIMITS_H
#define PANICQR_COMPAT_LINUX_LIMITS_H

#include_next <linux/limits.h>
#include <limits.h>

#endif
