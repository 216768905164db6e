/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* User-space stand-in for <linux/kmsg_dump.h>: see ../README.md. */
#ifndef PANICQR_COMPAT_LINUX_KMSG_DUMP_H
#define PANICQR_COMPAT_LINUX_KMSG_DUMP_H

#include <linux/types.h>
#include <string.h>

/* The kernel log the stand-ins read; a test program sets both. */
__attribute__((weak)) const char *compat_kmsg;
__attribute__((weak)) size_t compat_kmsg_len;

struct kmsg_dump_iter {
	size_t next;
};

static inline void kmsg_dump_rewind(struct kmsg_dump_iter *iter)
{
	iter->next = 0;
}

/*
 * As the kernel's: the newest whole lines that fit in @size bytes, oldest
 * first. A line longer than @size is left out, as a record would be.
 */
static inline bool kmsg_dump_get_buffer(struct kmsg_dump_iter *iter, bool syslog, char *buf,
					size_t size, size_t *len_out)
{
	size_t start = 0;

	(void)iter;
	(void)syslog;
	*len_out = 0;
	if (!compat_kmsg || !compat_kmsg_len)
		return false;
	if (compat_kmsg_len > size) {
		start = compat_kmsg_len - size;
		while (start < compat_kmsg_len && compat_kmsg[start - 1] != '\n')
			start++;
	}
	memcpy(buf, compat_kmsg + start, compat_kmsg_len - start);
	*len_out = compat_kmsg_len - start;
	return *len_out != 0;
}

#endif
