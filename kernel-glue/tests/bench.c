// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * Times panicqr_glue_draw() turning a log into a painted 1920x1080 XRGB8888
 * frame, and its stages with the arguments the glue uses: the layout
 * (panicqr_layout_plan() and panicqr_layout_place()), the encoding
 * (panicqr_encode_kmsg()) and the painting (the glue's own panicqr_paint(),
 * reached by including the glue's source). Prints a Markdown table of the
 * medians.
 *
 * Usage: bench LOG [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../panicqr_glue.c"
#include "common.h"

#define W 1920
#define H 1080


int main(int argc, char **argv)
{
	const struct test_format *fmt = test_format("XRGB8888");
	struct drm_format_info info = { .format = fmt->fourcc, .num_planes = 1 };
	struct panicqr_glue_msg msg = TEST_MSG;
	int runs = argc > 2 ? atoi(argv[2]) : 50;
	struct drm_scanout_buffer sb = { .format = &info, .width = W, .height = H };
	struct panicqr_screen screen = {
		.width = W, .height = H, .font_width = 8, .font_height = 16,
		.text_lines = 5, .text_columns = 36,
	};
	struct panicqr_policy policy = { .min_scale = 2, .quiet_zone = 4, .max_version = 40 };
	double *t_draw, *t_encode, *t_layout, *t_paint, draw, encode, layout, paint;
	double draw_min, encode_min, layout_min, paint_min;
	int d, i;
	size_t len;
	u8 *log, *fb;

	if (argc < 2 || runs < 1) {
		fprintf(stderr, "usage: bench LOG [RUNS]\n");
		return 2;
	}
	log = test_read_file(argv[1], &len);
	fb = calloc((size_t)W * H, 4);
	t_draw = calloc(runs, sizeof(double));
	t_encode = calloc(runs, sizeof(double));
	t_layout = calloc(runs, sizeof(double));
	t_paint = calloc(runs, sizeof(double));
	if (!fb || !t_draw || !t_encode || !t_layout || !t_paint || panicqr_glue_init())
		return 2;
	info.cpp[0] = 4;
	sb.pitch[0] = W * 4;
	sb.map[0].vaddr = fb;

	printf("1920x1080 XRGB8888, %zu byte log, %d runs; ms, fastest (median), share of the fastest draw:\n\n",
	       len, runs);
	printf("| Dictionary | Version, scale | Log carried | Whole draw | Encode | Layout | Paint |\n");
	printf("|---|---|---|---|---|---|---|\n");
	for (d = 0; d < 2; d++) {
		struct panicqr_glue_config cfg = {
			.base_url = TEST_BASE_URL, .arch = "aarch64", .release = "6.12.0",
			.fg_color = 0xffffff, .bg_color = 0, .min_scale = 2, .quiet_zone = 4,
			.max_version = 40, .ecc = 0, .dictionary = d,
		};
		struct panicqr_kmsg_request request = {
			.base_url = (const u8 *)TEST_BASE_URL,
			.base_url_len = strlen(TEST_BASE_URL),
			.arch = (const u8 *)"aarch64", .arch_len = 7,
			.release = (const u8 *)"6.12.0", .release_len = 6,
			.dictionary = d,
		};
		struct panicqr_options options = {
			.min_version = 1, .ecc = 0, .boost_ecc = true, .mask = -1,
		};
		struct panicqr_glue_result res;
		struct panicqr_geometry geometry;
		struct panicqr_kmsg_report report;
		struct panicqr_code code;
		double t0;

		for (i = -3; i < runs; i++) {
			t0 = test_now_us();
			if (panicqr_glue_draw(&sb, log, len, &msg, &cfg, &res))
				return 1;
			if (i >= 0)
				t_draw[i] = test_now_us() - t0;

			/* The glue's order: plan, encode, place, paint. */
			t0 = test_now_us();
			if (panicqr_layout_plan(&screen, &policy, &options.max_version, &geometry))
				return 1;
			layout = test_now_us() - t0;

			t0 = test_now_us();
			if (panicqr_encode_kmsg(log, len, &request, &options, panicqr_bufs.workspace,
						panicqr_bufs.workspace_len, panicqr_bufs.scratch,
						panicqr_bufs.scratch_len, panicqr_bufs.image,
						panicqr_bufs.image_len, &code, &report))
				return 1;
			if (i >= 0)
				t_encode[i] = test_now_us() - t0;
			if (code.version != res.version || report.tail_len != res.log_bytes)
				return 1;

			t0 = test_now_us();
			if (panicqr_layout_place(&screen, &policy, code.width, &geometry))
				return 1;
			if (i >= 0)
				t_layout[i] = layout + test_now_us() - t0;

			t0 = test_now_us();
			if (panicqr_paint(&sb, &code, &geometry, &cfg))
				return 1;
			if (i >= 0)
				t_paint[i] = test_now_us() - t0;
		}
		draw = test_median(t_draw, runs, &draw_min);
		encode = test_median(t_encode, runs, &encode_min);
		layout = test_median(t_layout, runs, &layout_min);
		paint = test_median(t_paint, runs, &paint_min);
		printf("| %s | V%u, %u | %zu B | %.2f (%.2f) | %.2f (%.2f), %.0f%% | %.4f (%.4f) | %.2f (%.2f), %.0f%% |\n",
		       d ? "yes" : "no", res.version, res.scale, res.log_bytes, draw_min / 1e3,
		       draw / 1e3, encode_min / 1e3, encode / 1e3, 100 * encode_min / draw_min,
		       layout_min / 1e3, layout / 1e3, paint_min / 1e3, paint / 1e3,
		       100 * paint_min / draw_min);
	}
	panicqr_glue_exit();
	free(fb);
	free(log);
	free(t_draw);
	free(t_encode);
	free(t_layout);
	free(t_paint);
	return 0;
}
