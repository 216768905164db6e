/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <drm/drm_panic.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_DRM_PANIC_H
#define PANICQR_COMPAT_DRM_PANIC_H

#include <linux/types.h>
#include <linux/iosys-map.h>
#include <drm/drm_fourcc.h>

/* The fields of Linux 6.12's struct drm_scanout_buffer, in its order. */
struct drm_scanout_buffer {
	const struct drm_format_info *format;
	struct iosys_map map[DRM_FORMAT_MAX_PLANES];
	unsigned int width;
	unsigned int height;
	unsigned int pitch[DRM_FORMAT_MAX_PLANES];
	void (*set_pixel)(struct drm_scanout_buffer *sb, unsigned int x,
			  unsigned int y, u32 color);
};

#endif
