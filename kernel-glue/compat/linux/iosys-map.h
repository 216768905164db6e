/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <linux/iosys-map.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_LINUX_IOSYS_MAP_H
#define PANICQR_COMPAT_LINUX_IOSYS_MAP_H

#include <string.h>
#include <linux/types.h>

struct iosys_map {
	union {
		void __iomem *vaddr_iomem;
		void *vaddr;
	};
	bool is_iomem;
};

static inline bool iosys_map_is_null(const struct iosys_map *map)
{
	if (map->is_iomem)
		return !map->vaddr_iomem;
	return !map->vaddr;
}

static inline void iosys_map_memcpy_to(struct iosys_map *dst, size_t dst_offset,
				       const void *src, size_t len)
{
	if (dst->is_iomem)
		memcpy((char *)dst->vaddr_iomem + dst_offset, src, len);
	else
		memcpy((char *)dst->vaddr + dst_offset, src, len);
}

#endif
