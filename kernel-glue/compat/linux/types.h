/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <linux/types.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_LINUX_TYPES_H
#define PANICQR_COMPAT_LINUX_TYPES_H

#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define __iomem

#endif
