/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <drm/drm_fourcc.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_DRM_FOURCC_H
#define PANICQR_COMPAT_DRM_FOURCC_H

#include <linux/types.h>

#define DRM_FORMAT_MAX_PLANES 4u

#define fourcc_code(a, b, c, d) ((u32)(a) | ((u32)(b) << 8) | \
				 ((u32)(c) << 16) | ((u32)(d) << 24))

struct drm_format_info {
	u32 format;
	u8 depth;
	u8 num_planes;
	u8 cpp[DRM_FORMAT_MAX_PLANES];
};

#endif
