// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * Prints, as a Markdown table, what the glue draws for one log on screens of
 * several sizes: the version, the scale and how much of the log the code
 * carries: the largest code, with and without the preset dictionary, and
 * the default (256 modules across, no dictionary). Beside it, what Linux
 * 6.12's _draw_panic_static_qr_code() does with a version 40 code (the one
 * its default CONFIG_DRM_PANIC_SCREEN_QR_VERSION allows, and the one a long
 * log fills): scale = min(3 w / 4, 3 h / 4) / (177 + 8), nothing below 2.
 *
 * Usage: sizes LOG
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <drm/drm_panic.h>

#include "panicqr_glue.h"
#include "common.h"

static int draw(unsigned int w, unsigned int h, const u8 *log, size_t len, bool dictionary,
		unsigned int max_modules_across, struct panicqr_glue_result *res)
{
	const struct test_format *fmt = test_format("XRGB8888");
	struct drm_format_info info = { .format = fmt->fourcc, .num_planes = 1 };
	struct panicqr_glue_msg msg = TEST_MSG;
	struct panicqr_glue_config cfg = {
		.base_url = TEST_BASE_URL, .arch = "aarch64", .release = "6.12.0",
		.fg_color = 0xffffff, .bg_color = 0, .min_scale = 2, .quiet_zone = 4,
		.max_version = 40, .ecc = 0, .dictionary = dictionary,
		.max_modules_across = max_modules_across,
	};
	struct drm_scanout_buffer sb = { .format = &info, .width = w, .height = h };
	u8 *fb = calloc((size_t)w * h, 4);
	int ret;

	if (!fb)
		exit(2);
	info.cpp[0] = 4;
	sb.pitch[0] = w * 4;
	sb.map[0].vaddr = fb;
	ret = panicqr_glue_draw(&sb, log, len, &msg, &cfg, res);
	free(fb);
	return ret;
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[][2] = {
		{ 320, 240 }, { 480, 320 }, { 640, 480 }, { 800, 600 }, { 1024, 768 },
		{ 1280, 720 }, { 1920, 1080 }, { 3840, 2160 },
	};
	const char *base;
	size_t len, i;
	u8 *log;

	if (argc != 2) {
		fprintf(stderr, "usage: sizes LOG\n");
		return 2;
	}
	log = test_read_file(argv[1], &len);
	base = strrchr(argv[1], '/');
	if (panicqr_glue_init())
		return 1;
	printf("Log: `%s`, %zu bytes. Message: 5 lines of 36 characters, 8x16 font.\n\n",
	       base ? base + 1 : argv[1], len);
	printf("| Screen | Version | Scale | Canvas (px) | Log carried | Log carried, dictionary | Default: 256 modules across, no dictionary | Linux 6.12, V40 |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned int w = sizes[i][0], h = sizes[i][1];
		unsigned int linux_scale = (3 * (w < h ? w : h) / 4) / (177 + 8);
		struct panicqr_glue_result plain, dict, photo;
		char linux_col[64];
		int ret;

		if (linux_scale < 2 || h < 185 * linux_scale + 5 * 16)
			snprintf(linux_col, sizeof(linux_col), "nothing (scale %u)", linux_scale);
		else
			snprintf(linux_col, sizeof(linux_col), "V40, scale %u", linux_scale);
		ret = draw(w, h, log, len, false, 0, &plain);
		if (!ret)
			ret = draw(w, h, log, len, true, 0, &dict);
		if (!ret)
			ret = draw(w, h, log, len, false, 256, &photo);
		if (ret) {
			printf("| %ux%u | error %d | | | | | | %s |\n", w, h, ret, linux_col);
			continue;
		}
		printf("| %ux%u | V%u (%u modules) | %u | %d | %zu B (%zu B zlib) | %zu B (V%u, scale %u) | %zu B (V%u, scale %u) | %s |\n",
		       w, h, plain.version, 17 + 4 * plain.version, plain.scale,
		       plain.canvas.x2 - plain.canvas.x1, plain.log_bytes, plain.payload_bytes,
		       dict.log_bytes, dict.version, dict.scale, photo.log_bytes, photo.version,
		       photo.scale, linux_col);
	}
	panicqr_glue_exit();
	free(log);
	return 0;
}
