/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * Linux 6.12's QR panic screen path, emulated in user space for the
 * panic_path benchmark: see linux_path.c.
 */
#ifndef PANICQR_TESTS_LINUX_PATH_H
#define PANICQR_TESTS_LINUX_PATH_H

#include <linux/types.h>

struct drm_scanout_buffer;

/* What one run of the emulated path made. */
struct linux_path_result {
	int qr_width;		/* modules across, 0 when no code was made */
	unsigned int scale;	/* pixels per module */
	size_t kmsg_read;	/* bytes kmsg_dump_get_buffer() gave */
	size_t kmsg_bytes;	/* bytes of log in the code (the last try) */
	size_t compressed;	/* bytes of the zlib stream in the code */
	size_t max_data;	/* drm_panic_qr_max_data_size() */
	unsigned int tries;	/* compressions */
	/* Nanoseconds in each stage: compression tries, encoder, painting. */
	u64 ns_compress, ns_encode, ns_paint;
};

/*
 * Linux's encoder, drm_panic_qr.rs, with its entry points renamed, from the
 * library scripts/bench-panic-path.sh builds.
 */
size_t linux_drm_panic_qr_max_data_size(u8 version, size_t url_len);
u8 linux_drm_panic_qr_generate(const char *url, u8 *data, size_t data_len, size_t data_size,
			       u8 *tmp, size_t tmp_size);

int linux_path_init(void);
void linux_path_exit(void);
int linux_path_draw(struct drm_scanout_buffer *sb, struct linux_path_result *res);

#endif
