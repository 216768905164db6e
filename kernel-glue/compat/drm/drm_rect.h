/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <drm/drm_rect.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_DRM_RECT_H
#define PANICQR_COMPAT_DRM_RECT_H

struct drm_rect {
	int x1, y1, x2, y2;
};

#endif
