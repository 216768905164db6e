/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <linux/string.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_LINUX_STRING_H
#define PANICQR_COMPAT_LINUX_STRING_H

#include <string.h>

#endif
