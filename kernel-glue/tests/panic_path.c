// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * The whole panic path, side by side: the last 16 KiB of a log (cut at a
 * line start) becomes a painted 1920x1080 XRGB8888 frame, through
 * panicqr_glue_draw_kmsg(), at the default effort and at the fast one, and
 * through Linux 6.12's own path emulated in linux_path.c, in interleaved
 * rounds of one process. All read the log with the same compat
 * kmsg_dump_get_buffer(), each into its own buffer (the glue's 16 KiB;
 * Linux's three times its code's capacity).
 *
 * Each round runs the three, each in turn first, and the ratios of the
 * round are Linux's time over each of ours; the medians and the fastest
 * are printed, with the bytes of log each code carries.
 * scripts/bench-panic-path.sh builds and runs it.
 *
 * Usage: panic_path LOG [ROUNDS [FRAMES]]
 *
 * With FRAMES, the last frames are also written to FRAMES-panicqr.png,
 * FRAMES-panicqr-fast.png and FRAMES-linux.png (the red channel), for a
 * decoder to read back:
 * `cargo run --release -p panicqr-tools --example decode -- FRAMES-linux.png`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include <linux/kmsg_dump.h>
#include <drm/drm_panic.h>

#include "panicqr_glue.h"
#include "common.h"
#include "linux_path.h"

#define W 1920
#define H 1080
#define KMSG 16384
#define WARMUP 3
/* The paths of a round: ours, ours at the fast effort, Linux's. */
#define PATHS 3


/* Writes one PNG chunk: length, type, data, CRC. */
static void png_chunk(FILE *f, const char *type, const u8 *data, u32 len)
{
	u8 be[4] = { len >> 24, len >> 16, len >> 8, len };
	uLong crc = crc32(0, (const Bytef *)type, 4);

	crc = crc32(crc, data, len);
	fwrite(be, 1, 4, f);
	fwrite(type, 1, 4, f);
	fwrite(data, 1, len, f);
	be[0] = crc >> 24;
	be[1] = crc >> 16;
	be[2] = crc >> 8;
	be[3] = crc;
	fwrite(be, 1, 4, f);
}

/*
 * Writes the frame's red channel as an 8-bit grey PNG file (through zlib,
 * which the Linux side links anyway); exits on failure.
 */
static void write_png(const char *prefix, const char *name, const u32 *fb)
{
	static const u8 ihdr[13] = { W >> 24, W >> 16 & 0xff, W >> 8 & 0xff, W & 0xff,
				     H >> 24, H >> 16 & 0xff, H >> 8 & 0xff, H & 0xff,
				     8, 0, 0, 0, 0 };
	size_t raw_len = (size_t)(W + 1) * H, x, y;
	uLongf z_len = compressBound(raw_len);
	u8 *raw = malloc(raw_len), *z = malloc(z_len);
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s-%s.png", prefix, name);
	if (!raw || !z)
		exit(2);
	for (y = 0; y < H; y++) {
		raw[y * (W + 1)] = 0;
		for (x = 0; x < W; x++)
			raw[y * (W + 1) + 1 + x] = fb[y * W + x] >> 16 & 0xff;
	}
	f = fopen(path, "wb");
	if (!f || compress2(z, &z_len, raw, raw_len, 6) != Z_OK) {
		perror(path);
		exit(2);
	}
	fwrite("\x89PNG\r\n\x1a\n", 1, 8, f);
	png_chunk(f, "IHDR", ihdr, sizeof(ihdr));
	png_chunk(f, "IDAT", z, z_len);
	png_chunk(f, "IEND", (const u8 *)"", 0);
	if (fclose(f)) {
		perror(path);
		exit(2);
	}
	free(raw);
	free(z);
}

/* Counts the pixels of the frame that are not black. */
static size_t lit(const u32 *fb)
{
	size_t i, n = 0;

	for (i = 0; i < (size_t)W * H; i++)
		n += fb[i] != 0;
	return n;
}

int main(int argc, char **argv)
{
	const struct test_format *fmt = test_format("XRGB8888");
	struct drm_format_info info = { .format = fmt->fourcc, .num_planes = 1 };
	struct panicqr_glue_msg msg = TEST_MSG;
	struct panicqr_glue_config cfg = {
		.base_url = TEST_BASE_URL, .arch = "aarch64", .release = "6.12.0",
		.fg_color = 0xffffff, .bg_color = 0, .min_scale = 2, .quiet_zone = 4,
		.max_version = 40, .ecc = 0, .dictionary = false,
	};
	struct panicqr_glue_config cfg_fast = cfg;
	int rounds = argc > 2 ? atoi(argv[2]) : 101;
	struct drm_scanout_buffer sb_ours = { .format = &info, .width = W, .height = H };
	struct drm_scanout_buffer sb_fast = { .format = &info, .width = W, .height = H };
	struct drm_scanout_buffer sb_linux = { .format = &info, .width = W, .height = H };
	struct panicqr_glue_result ours, fast;
	struct linux_path_result kern;
	double *t_ours, *t_fast, *t_linux, *ratio, *ratio_fast, *t_compress, *t_encode, *t_paint;
	double m_ours, m_fast, m_linux, m_ratio, m_ratio_fast, m_compress, m_encode, m_paint;
	double b_ours, b_fast, b_linux, b_ratio, b_compress, b_encode, b_paint;
	size_t len, start;
	u8 *log, *fb_ours, *fb_fast, *fb_linux;
	int i, k;

	if (argc < 2 || rounds < 1) {
		fprintf(stderr, "usage: panic_path LOG [ROUNDS [FRAMES]]\n");
		return 2;
	}
	log = test_read_file(argv[1], &len);
	/* The last 16 KiB of the log, from the first line that starts in it. */
	start = 0;
	if (len > KMSG) {
		start = len - KMSG;
		while (start < len && log[start - 1] != '\n')
			start++;
	}
	compat_kmsg = (const char *)log + start;
	compat_kmsg_len = len - start;

	cfg_fast.effort = 1;
	fb_ours = calloc((size_t)W * H, 4);
	fb_fast = calloc((size_t)W * H, 4);
	fb_linux = calloc((size_t)W * H, 4);
	t_ours = calloc(rounds, sizeof(double));
	t_fast = calloc(rounds, sizeof(double));
	t_linux = calloc(rounds, sizeof(double));
	ratio = calloc(rounds, sizeof(double));
	ratio_fast = calloc(rounds, sizeof(double));
	t_compress = calloc(rounds, sizeof(double));
	t_encode = calloc(rounds, sizeof(double));
	t_paint = calloc(rounds, sizeof(double));
	if (!fb_ours || !fb_fast || !fb_linux || !t_ours || !t_fast || !t_linux || !ratio ||
	    !ratio_fast || !t_compress || !t_encode || !t_paint || panicqr_glue_init() ||
	    linux_path_init())
		return 2;
	info.cpp[0] = 4;
	sb_ours.pitch[0] = W * 4;
	sb_ours.map[0].vaddr = fb_ours;
	sb_fast.pitch[0] = W * 4;
	sb_fast.map[0].vaddr = fb_fast;
	sb_linux.pitch[0] = W * 4;
	sb_linux.map[0].vaddr = fb_linux;

	for (i = -WARMUP; i < rounds; i++) {
		static const char *const names[PATHS] = { "panicqr", "panicqr fast", "Linux" };
		double t[PATHS];

		for (k = 0; k < PATHS; k++) {
			/* Round i runs path i % PATHS first, then the others in turn. */
			int which = (k + (i + WARMUP)) % PATHS;
			double t0 = test_now_us();
			int ret;

			if (which == 0)
				ret = panicqr_glue_draw_kmsg(&sb_ours, &msg, &cfg, &ours);
			else if (which == 1)
				ret = panicqr_glue_draw_kmsg(&sb_fast, &msg, &cfg_fast, &fast);
			else
				ret = linux_path_draw(&sb_linux, &kern);
			if (ret) {
				fprintf(stderr, "panic_path: the %s path failed\n", names[which]);
				return 1;
			}
			t[which] = test_now_us() - t0;
		}
		if (i < 0)
			continue;
		t_ours[i] = t[0];
		t_fast[i] = t[1];
		t_linux[i] = t[2];
		ratio[i] = t[2] / t[0];
		ratio_fast[i] = t[2] / t[1];
		t_compress[i] = kern.ns_compress / 1e3;
		t_encode[i] = kern.ns_encode / 1e3;
		t_paint[i] = kern.ns_paint / 1e3;
	}

	m_ours = test_median(t_ours, rounds, &b_ours);
	m_fast = test_median(t_fast, rounds, &b_fast);
	m_linux = test_median(t_linux, rounds, &b_linux);
	m_ratio = test_median(ratio, rounds, &b_ratio);
	m_ratio_fast = test_median(ratio_fast, rounds, &b_ratio);
	m_compress = test_median(t_compress, rounds, &b_compress);
	m_encode = test_median(t_encode, rounds, &b_encode);
	m_paint = test_median(t_paint, rounds, &b_paint);

	printf("%zu byte log from %s, %d interleaved rounds, 1920x1080 XRGB8888.\n", len - start,
	       argv[1], rounds);
	printf("Whole path: ms, median (fastest). Linux / path: the median of the rounds' ratios\n");
	printf("(the fastest Linux run over the path's fastest). Lit: pixels not black after it.\n\n");
	printf("| Path | Code | Log read | Log carried | Whole path | Linux / path | Lit |\n");
	printf("|---|---|---|---|---|---|---|\n");
	printf("| panicqr glue | V%u, scale %u | %zu B | %zu B | %.2f (%.2f) | %.2f (%.2f) | %zu px |\n",
	       ours.version, ours.scale, compat_kmsg_len, ours.log_bytes, m_ours / 1e3,
	       b_ours / 1e3, m_ratio, b_linux / b_ours, lit((const u32 *)fb_ours));
	printf("| panicqr glue, fast effort | V%u, scale %u | %zu B | %zu B | %.2f (%.2f) | %.2f (%.2f) | %zu px |\n",
	       fast.version, fast.scale, compat_kmsg_len, fast.log_bytes, m_fast / 1e3,
	       b_fast / 1e3, m_ratio_fast, b_linux / b_fast, lit((const u32 *)fb_fast));
	printf("| Linux 6.12 | V%d, scale %u | %zu B | %zu B | %.2f (%.2f) | 1 | %zu px |\n",
	       (kern.qr_width - 17) / 4, kern.scale, kern.kmsg_read, kern.kmsg_bytes,
	       m_linux / 1e3, b_linux / 1e3, lit((const u32 *)fb_linux));
	printf("\nLinux's stages, ms, median (fastest): %u compressions to %zu B of stream (at most %zu),\n",
	       kern.tries, kern.compressed, kern.max_data);
	printf("%.2f (%.2f); drm_panic_qr_generate() %.2f (%.2f); fill and blit %.2f (%.2f).\n",
	       m_compress / 1e3, b_compress / 1e3, m_encode / 1e3, b_encode / 1e3, m_paint / 1e3,
	       b_paint / 1e3);
	printf("panicqr: %zu B of stream, the log from byte %zu%s; at the fast effort %zu B, from byte %zu%s.\n",
	       ours.payload_bytes, ours.log_start, ours.truncated ? ", truncated" : "",
	       fast.payload_bytes, fast.log_start, fast.truncated ? ", truncated" : "");

	if (argc > 3) {
		write_png(argv[3], "panicqr", (const u32 *)fb_ours);
		write_png(argv[3], "panicqr-fast", (const u32 *)fb_fast);
		write_png(argv[3], "linux", (const u32 *)fb_linux);
	}

	panicqr_glue_exit();
	linux_path_exit();
	free(fb_ours);
	free(fb_fast);
	free(fb_linux);
	free(t_ours);
	free(t_fast);
	free(t_linux);
	free(ratio);
	free(ratio_fast);
	free(t_compress);
	free(t_encode);
	free(t_paint);
	free(log);
	return 0;
}
