// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * Drives panicqr_glue_draw() on fake scanout buffers, as drm_panic would:
 * every pixel format, the set_pixel path, screens from 64x48 to 7680x4320,
 * odd pitches, a 24 bpp buffer ending on a PROT_NONE page, and the error
 * paths. Built with AddressSanitizer and UndefinedBehaviorSanitizer.
 *
 * Each buffer is surrounded by guard bytes and pre-filled with a pattern;
 * after a draw, the guards and every byte outside the reported canvas must
 * be unchanged, the canvas must hold exactly two pixel values, and after an
 * error the whole buffer must be unchanged. Each painted canvas is written
 * to OUTDIR as a .frame file (header "PQRF fourcc width height\n", then the
 * rows, width * cpp bytes each) and listed in OUTDIR/manifest.tsv with the
 * log it carries, for tools/tests/kernel_glue.rs to decode with rqrr.
 *
 * Usage: harness OUTDIR CORPUS_DIR
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm_panic.h>
#include <linux/kmsg_dump.h>

#include "panicqr_glue.h"
#include "common.h"

#define GUARD 64
#define GUARD_BYTE 0xa5

static const char *outdir;
static FILE *manifest;
static int passed, failed;

struct log {
	char path[4096];
	u8 *data;
	size_t len;
};

static struct log logs[8];
static size_t nlogs;

struct fb {
	const struct test_format *fmt;
	unsigned int width, height, pitch;
	size_t len;
	u8 *data;	/* height * pitch bytes */
	u8 *before;	/* the pattern, to compare against */
	u8 *alloc;	/* malloc: GUARD bytes, data, GUARD bytes */
	u8 *map;	/* mmap: data ends at a PROT_NONE page */
	size_t map_len;
};

static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "FAIL %s: ", name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failed++;
}

static void fill_pattern(struct fb *fb)
{
	size_t i;

	for (i = 0; i < fb->len; i++)
		fb->data[i] = (u8)(i * 131 + 7 + (i >> 11));
	fb->before = malloc(fb->len);
	if (!fb->before)
		exit(2);
	memcpy(fb->before, fb->data, fb->len);
}

static struct fb fb_new(const struct test_format *fmt, unsigned int width, unsigned int height,
			unsigned int pitch)
{
	struct fb fb = { .fmt = fmt, .width = width, .height = height, .pitch = pitch };

	fb.len = (size_t)height * pitch;
	fb.alloc = malloc(fb.len + 2 * GUARD);
	if (!fb.alloc)
		exit(2);
	memset(fb.alloc, GUARD_BYTE, GUARD);
	memset(fb.alloc + GUARD + fb.len, GUARD_BYTE, GUARD);
	fb.data = fb.alloc + GUARD;
	fill_pattern(&fb);
	return fb;
}

/* A buffer whose last byte is the last byte before a PROT_NONE page. */
static struct fb fb_new_guard_page(const struct test_format *fmt, unsigned int width,
				   unsigned int height, unsigned int pitch)
{
	struct fb fb = { .fmt = fmt, .width = width, .height = height, .pitch = pitch };
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t span;

	fb.len = (size_t)height * pitch;
	span = (fb.len + page - 1) / page * page;
	fb.map_len = span + page;
	fb.map = mmap(NULL, fb.map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (fb.map == MAP_FAILED || mprotect(fb.map + span, page, PROT_NONE)) {
		perror("mmap");
		exit(2);
	}
	fb.data = fb.map + span - fb.len;
	fill_pattern(&fb);
	return fb;
}

static void fb_free(struct fb *fb)
{
	if (fb->map)
		munmap(fb->map, fb->map_len);
	free(fb->alloc);
	free(fb->before);
}

/* The set_pixel path writes through here into a linear shadow buffer. */
static struct fb *pixel_fb;
static unsigned long pixel_calls, pixel_strays;

/*
 * When set, the next set_pixel() call draws again from inside the draw, as
 * a panic in an NMI would, and stores what both entry points returned.
 */
static bool reenter_pending;
static int reenter_ret, reenter_kmsg_ret;
static void reenter(void);

static void test_set_pixel(struct drm_scanout_buffer *sb, unsigned int x, unsigned int y,
			   u32 color)
{
	u8 *p;
	unsigned int i;

	pixel_calls++;
	if (reenter_pending) {
		reenter_pending = false;
		reenter();
	}
	if (x >= sb->width || y >= sb->height) {
		pixel_strays++;
		return;
	}
	p = pixel_fb->data + (size_t)y * pixel_fb->pitch + (size_t)x * pixel_fb->fmt->cpp;
	for (i = 0; i < pixel_fb->fmt->cpp; i++)
		p[i] = (u8)(color >> (8 * i));
	if (pixel_fb->fmt->cpp < 4 && color >> (8 * pixel_fb->fmt->cpp))
		pixel_strays++;
}

static struct drm_format_info format_info(const struct test_format *fmt)
{
	struct drm_format_info info = { .format = fmt->fourcc, .num_planes = 1 };

	info.cpp[0] = fmt->cpp;
	return info;
}

static void scanout(struct drm_scanout_buffer *sb, struct fb *fb,
		    const struct drm_format_info *info, bool iomem, bool set_pixel)
{
	memset(sb, 0, sizeof(*sb));
	sb->format = info;
	sb->width = fb->width;
	sb->height = fb->height;
	if (set_pixel) {
		sb->set_pixel = test_set_pixel;
		pixel_fb = fb;
		pixel_calls = 0;
		pixel_strays = 0;
		return;
	}
	sb->pitch[0] = fb->pitch;
	sb->map[0].is_iomem = iomem;
	if (iomem)
		sb->map[0].vaddr_iomem = fb->data;
	else
		sb->map[0].vaddr = fb->data;
}

static bool guards_intact(const struct fb *fb)
{
	size_t i;

	if (!fb->alloc)
		return true;
	for (i = 0; i < GUARD; i++)
		if (fb->alloc[i] != GUARD_BYTE || fb->data[fb->len + i] != GUARD_BYTE)
			return false;
	return true;
}

static bool rect_ok(const struct drm_rect *r, const struct fb *fb)
{
	return r->x1 >= 0 && r->y1 >= 0 && r->x1 < r->x2 && r->y1 < r->y2 &&
	       (unsigned int)r->x2 <= fb->width && (unsigned int)r->y2 <= fb->height;
}

/*
 * Checks a painted buffer: guards and everything outside the canvas intact,
 * two pixel values inside it, the top left (quiet zone) one of them.
 */
static bool check_painted(const char *name, const struct fb *fb, const struct drm_rect *c)
{
	size_t cpp = fb->fmt->cpp, x0, x1, off;
	const u8 *light, *other = NULL;
	unsigned int y;

	if (!guards_intact(fb)) {
		fail(name, "guard bytes changed");
		return false;
	}
	if (!rect_ok(c, fb)) {
		fail(name, "canvas [%d,%d)-[%d,%d) outside the screen", c->x1, c->y1, c->x2, c->y2);
		return false;
	}
	x0 = (size_t)c->x1 * cpp;
	x1 = (size_t)c->x2 * cpp;
	light = fb->data + (size_t)c->y1 * fb->pitch + x0;
	for (y = 0; y < fb->height; y++) {
		const u8 *row = fb->data + (size_t)y * fb->pitch;
		const u8 *was = fb->before + (size_t)y * fb->pitch;
		bool inside = y >= (unsigned int)c->y1 && y < (unsigned int)c->y2;

		if (!inside) {
			if (memcmp(row, was, fb->pitch)) {
				fail(name, "row %u outside the canvas changed", y);
				return false;
			}
			continue;
		}
		if (memcmp(row, was, x0) || memcmp(row + x1, was + x1, fb->pitch - x1)) {
			fail(name, "row %u changed outside the canvas", y);
			return false;
		}
		for (off = x0; off < x1; off += cpp) {
			if (!memcmp(row + off, light, cpp))
				continue;
			if (!other)
				other = row + off;
			else if (memcmp(row + off, other, cpp)) {
				fail(name, "a third colour at (%zu, %u)", off / cpp, y);
				return false;
			}
		}
	}
	if (!other) {
		fail(name, "the canvas has one colour");
		return false;
	}
	return true;
}

static bool check_unchanged(const char *name, const struct fb *fb)
{
	if (!guards_intact(fb) || memcmp(fb->data, fb->before, fb->len)) {
		fail(name, "buffer changed after an error");
		return false;
	}
	return true;
}

/*
 * Writes the canvas for tools/tests/kernel_glue.rs and lists it in the
 * manifest.
 */
static void write_frame(const char *name, const struct fb *fb, const struct drm_rect *c,
			const struct log *log, const struct panicqr_glue_result *res,
			const char *base_url)
{
	size_t cpp = fb->fmt->cpp;
	char path[4200];
	unsigned int y;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.frame", outdir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(2);
	}
	fprintf(f, "PQRF %u %d %d\n", fb->fmt->fourcc, c->x2 - c->x1, c->y2 - c->y1);
	for (y = (unsigned int)c->y1; y < (unsigned int)c->y2; y++)
		fwrite(fb->data + (size_t)y * fb->pitch + (size_t)c->x1 * cpp, cpp,
		       (size_t)(c->x2 - c->x1), f);
	if (fclose(f)) {
		perror(path);
		exit(2);
	}
	fprintf(manifest, "%s.frame\t%s\t%zu\t%zu\t%u\t%u\t%s\t%s\n", name, log->path,
		res->log_start, res->log_bytes, res->version, res->scale,
		base_url ? base_url : "raw", res->truncated ? "truncated" : "lines");
}

static struct panicqr_glue_config config(bool url, bool dictionary)
{
	struct panicqr_glue_config cfg = {
		.base_url = url ? TEST_BASE_URL : NULL,
		.arch = "x86_64",
		.release = "6.12.0-panicqr",
		.fg_color = 0xffffff,
		.bg_color = 0x000000,
		.min_scale = 2,
		.quiet_zone = 4,
		.max_version = 40,
		.ecc = 0,
		.dictionary = dictionary,
	};

	return cfg;
}

struct draw_case {
	const char *name;
	const struct test_format *fmt;
	unsigned int width, height, pitch;
	bool guard_page, iomem, set_pixel, url, dictionary, no_msg;
	/* With url, a base URL other than TEST_BASE_URL. */
	const char *base_url;
	const struct log *log;
	/* Orange on blue: a red/blue swap anywhere inverts the code. */
	bool swap_colours;
	/* The config's max_modules_across, and the scale the code must keep. */
	unsigned int max_modules_across, photo_scale;
	/* The config's effort: 1 for the fast one. */
	u8 effort;
};

/* Draws a case that must succeed, checks it and writes its frame. */
static void draw_ok(const struct draw_case *dc)
{
	struct fb fb = dc->guard_page ?
		fb_new_guard_page(dc->fmt, dc->width, dc->height, dc->pitch) :
		fb_new(dc->fmt, dc->width, dc->height, dc->pitch);
	struct drm_format_info info = format_info(dc->fmt);
	struct panicqr_glue_msg msg = TEST_MSG;
	struct panicqr_glue_config cfg = config(dc->url, dc->dictionary);
	struct panicqr_glue_result res;
	struct drm_scanout_buffer sb;
	int ret;

	if (dc->swap_colours) {
		cfg.fg_color = 0x0080ff;
		cfg.bg_color = 0xff4000;
	}
	cfg.max_modules_across = dc->max_modules_across;
	cfg.effort = dc->effort;
	if (dc->url && dc->base_url)
		cfg.base_url = dc->base_url;
	scanout(&sb, &fb, &info, dc->iomem, dc->set_pixel);
	ret = panicqr_glue_draw(&sb, dc->log->data, dc->log->len, dc->no_msg ? NULL : &msg,
				&cfg, &res);
	if (ret) {
		fail(dc->name, "panicqr_glue_draw returned %d", ret);
		goto out;
	}
	if (!check_painted(dc->name, &fb, &res.canvas))
		goto out;
	if (dc->set_pixel && (pixel_strays ||
			      pixel_calls != (unsigned long)(res.canvas.x2 - res.canvas.x1) *
			      (unsigned long)(res.canvas.y2 - res.canvas.y1))) {
		fail(dc->name, "set_pixel: %lu calls, %lu out of range", pixel_calls,
		     pixel_strays);
		goto out;
	}
	if (!dc->no_msg && (res.text.x1 > res.text.x2 || res.text.y1 > res.text.y2 ||
			    (unsigned int)res.text.x2 > fb.width ||
			    (unsigned int)res.text.y2 > fb.height ||
			    (res.text.x1 < res.canvas.x2 && res.canvas.x1 < res.text.x2 &&
			     res.text.y1 < res.canvas.y2 && res.canvas.y1 < res.text.y2))) {
		fail(dc->name, "text rectangle outside the screen or over the code");
		goto out;
	}
	if (res.scale < dc->photo_scale) {
		fail(dc->name, "scale %u, want at least %u", res.scale, dc->photo_scale);
		goto out;
	}
	if (res.log_start + res.log_bytes != dc->log->len || !res.log_bytes) {
		fail(dc->name, "log %zu+%zu of %zu", res.log_start, res.log_bytes, dc->log->len);
		goto out;
	}
	if (dc->guard_page) {
		/* The canvas fills the screen: its last pixel is the buffer's last. */
		const u8 *last = fb.data + fb.len - dc->fmt->cpp;

		if (memcmp(last, fb.data, dc->fmt->cpp) || !memcmp(last, fb.before + fb.len -
								   dc->fmt->cpp, dc->fmt->cpp)) {
			fail(dc->name, "the last pixel before the guard page was not painted");
			goto out;
		}
	}
	write_frame(dc->name, &fb, &res.canvas, dc->log, &res, cfg.base_url);
	printf("ok   %-34s %5ux%-5u pitch %6u  V%-2u scale %2u  log %5zu bytes%s\n", dc->name,
	       dc->width, dc->height, dc->pitch, res.version, res.scale, res.log_bytes,
	       res.dictionary ? " (dictionary)" : "");
	passed++;
out:
	fb_free(&fb);
}

/* Draws a case that must fail with @want and leave everything untouched. */
static void draw_err(const char *name, const struct test_format *fmt, unsigned int width,
		     unsigned int height, unsigned int pitch, const struct panicqr_glue_config *cfg,
		     const struct log *log, size_t kmsg_len, int want)
{
	struct fb fb = fb_new(fmt, width, height, pitch);
	struct drm_format_info info = format_info(fmt);
	struct panicqr_glue_msg msg = TEST_MSG;
	struct panicqr_glue_result res, res_before;
	struct drm_scanout_buffer sb;
	int ret;

	memset(&res, 0xee, sizeof(res));
	res_before = res;
	scanout(&sb, &fb, &info, false, false);
	sb.pitch[0] = pitch;
	ret = panicqr_glue_draw(&sb, log->data, kmsg_len, &msg, cfg, &res);
	if (ret != want) {
		fail(name, "returned %d, want %d", ret, want);
	} else if (memcmp(&res, &res_before, sizeof(res))) {
		fail(name, "result written after an error");
	} else if (check_unchanged(name, &fb)) {
		printf("ok   %-34s %5ux%-5u -> %d, nothing written\n", name, width, height, ret);
		passed++;
	}
	fb_free(&fb);
}

static void reenter(void)
{
	const struct test_format *xr24 = test_format("XRGB8888");
	struct fb fb = fb_new(xr24, 640, 480, 640 * 4);
	struct drm_format_info info = format_info(xr24);
	struct panicqr_glue_config cfg = config(true, false);
	struct panicqr_glue_result res;
	struct drm_scanout_buffer sb;

	memset(&sb, 0, sizeof(sb));
	sb.format = &info;
	sb.width = fb.width;
	sb.height = fb.height;
	sb.pitch[0] = fb.pitch;
	sb.map[0].vaddr = fb.data;
	reenter_ret = panicqr_glue_draw(&sb, logs[0].data, logs[0].len, NULL, &cfg, &res);
	reenter_kmsg_ret = panicqr_glue_draw_kmsg(&sb, NULL, &cfg, &res);
	if (!check_unchanged("reentered-draw", &fb))
		reenter_ret = 1;
	fb_free(&fb);
}

/* Where compat_kmsg's read starts, as kmsg_dump_get_buffer() finds it. */
static size_t kmsg_offset(size_t size)
{
	struct kmsg_dump_iter iter;
	char *buf = malloc(size);
	size_t len = 0;

	if (!buf)
		exit(2);
	kmsg_dump_rewind(&iter);
	kmsg_dump_get_buffer(&iter, false, buf, size, &len);
	free(buf);
	return compat_kmsg_len - len;
}

/*
 * panicqr_glue_draw_kmsg(), which reads the log itself, and the busy flag:
 * a draw from inside a draw gets -EBUSY and writes nothing, the outer one
 * completes, and the flag is free again after a success and after an error.
 */
static void kmsg_cases(void)
{
	/* Glue's PANICQR_GLUE_KMSG_SIZE. */
	const size_t kmsg_size = 16384;
	const struct test_format *xr24 = test_format("XRGB8888");
	struct drm_format_info info = format_info(xr24);
	struct panicqr_glue_config cfg = config(true, false);
	struct panicqr_glue_msg msg = TEST_MSG;
	struct panicqr_glue_result res;
	struct drm_scanout_buffer sb;
	size_t i;

	for (i = 0; i < nlogs; i++) {
		const struct log *log = &logs[i];
		struct fb fb = fb_new(xr24, 1024, 768, 1024 * 4);
		char name[64];
		size_t offset;
		int ret;

		snprintf(name, sizeof(name), "kmsg-%zu%s", i, i ? "" : "-reentered");
		compat_kmsg = (const char *)log->data;
		compat_kmsg_len = log->len;
		offset = kmsg_offset(kmsg_size);
		/* The first one draws through set_pixel, and draws again inside. */
		scanout(&sb, &fb, &info, false, i == 0);
		reenter_pending = i == 0;
		reenter_ret = reenter_kmsg_ret = 0;
		ret = panicqr_glue_draw_kmsg(&sb, &msg, &cfg, &res);
		if (ret) {
			fail(name, "panicqr_glue_draw_kmsg returned %d", ret);
		} else if (i == 0 && (reenter_ret != -EBUSY || reenter_kmsg_ret != -EBUSY)) {
			fail(name, "drawing inside a draw returned %d and %d, want -EBUSY",
			     reenter_ret, reenter_kmsg_ret);
		} else if (check_painted(name, &fb, &res.canvas)) {
			res.log_start += offset;
			if (res.log_start + res.log_bytes != log->len || !res.log_bytes) {
				fail(name, "log %zu+%zu of %zu", res.log_start, res.log_bytes,
				     log->len);
			} else {
				write_frame(name, &fb, &res.canvas, log, &res, cfg.base_url);
				printf("ok   %-34s log %zu bytes, %zu read, V%u\n", name,
				       res.log_bytes, log->len - offset, res.version);
				passed++;
			}
		}
		fb_free(&fb);
	}

	/* The flag is free after an error: a too small screen, then a good one. */
	{
		struct fb small = fb_new(xr24, 64, 48, 64 * 4);
		struct fb fb = fb_new(xr24, 640, 480, 640 * 4);
		int err, ret;

		scanout(&sb, &small, &info, false, false);
		err = panicqr_glue_draw_kmsg(&sb, &msg, &cfg, &res);
		scanout(&sb, &fb, &info, false, false);
		ret = panicqr_glue_draw_kmsg(&sb, &msg, &cfg, &res);
		if (err != -ENOSPC || ret)
			fail("kmsg-after-error", "returned %d then %d, want %d then 0", err, ret,
			     -ENOSPC);
		else if (check_unchanged("kmsg-after-error", &small) &&
			 check_painted("kmsg-after-error", &fb, &res.canvas))
			passed++;
		fb_free(&small);
		fb_free(&fb);
	}

	/* An empty log. */
	{
		struct fb fb = fb_new(xr24, 640, 480, 640 * 4);
		int ret;

		compat_kmsg_len = 0;
		scanout(&sb, &fb, &info, false, false);
		ret = panicqr_glue_draw_kmsg(&sb, &msg, &cfg, &res);
		if (ret != -ENODATA)
			fail("kmsg-empty", "returned %d, want %d", ret, -ENODATA);
		else if (check_unchanged("kmsg-empty", &fb))
			passed++;
		fb_free(&fb);
	}
	compat_kmsg = NULL;
}

static void load_logs(const char *dir)
{
	static const char *const names[] = {
		"12-arm64-pine64-full-boot-vfs-root-panic.log",
		"01-x86-kasan-mac80211-debugfs-uaf.log",
		"15-x86-hp-dl380p-xfs-fortify-memcpy-warning.log",
		"02-arm32-imx53-msm-drm-null-deref.log",
		"20-i386-qemu-stack-protector-panic.log",
		"28-x86-syzbot-gpf-kasan-null-ptr-bluetooth-hci.log",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct log *log = &logs[nlogs++];

		snprintf(log->path, sizeof(log->path), "%s/%s", dir, names[i]);
		log->data = test_read_file(log->path, &log->len);
	}
}

static void error_cases(void)
{
	const struct test_format *xr24 = test_format("XRGB8888");
	const struct test_format c8 = { "C8", fourcc_code('C', '8', ' ', ' '), 1 };
	struct panicqr_glue_config cfg = config(true, true);
	struct panicqr_glue_config bad;
	const struct log *log = &logs[0];
	struct fb fb = fb_new(xr24, 640, 480, 640 * 4);
	struct drm_format_info info = format_info(xr24);
	struct panicqr_glue_result res;
	struct drm_scanout_buffer sb;

	/* Screens too small for a version 1 code at scale 2, with its margin. */
	draw_err("too-small-64x48", xr24, 64, 48, 64 * 4, &cfg, log, log->len, -ENOSPC);
	draw_err("too-small-64x48-rgb888", test_format("RGB888"), 64, 48, 64 * 3 + 1, &cfg, log,
		 log->len, -ENOSPC);
	bad = cfg;
	bad.min_scale = 100;
	draw_err("min-scale-too-large", xr24, 1920, 1080, 1920 * 4, &bad, log, log->len,
		 -ENOSPC);
	/* A URL that alone fills the largest code the screen holds. */
	draw_err("url-too-long-for-screen", xr24, 96, 144, 96 * 4, &cfg, log, log->len, -E2BIG);
	draw_err("empty-log", xr24, 640, 480, 640 * 4, &cfg, log, 0, -ENODATA);
	draw_err("unsupported-format-c8", &c8, 640, 480, 640, &cfg, log, log->len, -EOPNOTSUPP);
	draw_err("pitch-shorter-than-row", xr24, 640, 480, 640 * 4 - 1, &cfg, log, log->len,
		 -EINVAL);
	bad = cfg;
	bad.max_version = 0;
	draw_err("max-version-0", xr24, 640, 480, 640 * 4, &bad, log, log->len, -EINVAL);
	bad = cfg;
	bad.max_version = 41;
	draw_err("max-version-41", xr24, 640, 480, 640 * 4, &bad, log, log->len, -EINVAL);
	bad = cfg;
	bad.ecc = 4;
	draw_err("ecc-4", xr24, 640, 480, 640 * 4, &bad, log, log->len, -EINVAL);
	bad = cfg;
	bad.effort = 2;
	draw_err("effort-2", xr24, 640, 480, 640 * 4, &bad, log, log->len, -EINVAL);

	scanout(&sb, &fb, &info, false, false);
	sb.map[0].vaddr = NULL;
	if (panicqr_glue_draw(&sb, log->data, log->len, NULL, &cfg, &res) != -EINVAL)
		fail("null-map", "accepted");
	else
		passed++;
	scanout(&sb, &fb, &info, false, false);
	if (panicqr_glue_draw(NULL, log->data, log->len, NULL, &cfg, &res) != -EINVAL ||
	    panicqr_glue_draw(&sb, log->data, log->len, NULL, NULL, &res) != -EINVAL ||
	    panicqr_glue_draw(&sb, log->data, log->len, NULL, &cfg, NULL) != -EINVAL ||
	    panicqr_glue_draw(&sb, NULL, log->len, NULL, &cfg, &res) != -EINVAL)
		fail("null-arguments", "accepted");
	else if (check_unchanged("null-arguments", &fb))
		passed++;

	/* Before panicqr_glue_init() and after panicqr_glue_exit(). */
	panicqr_glue_exit();
	compat_kmsg = (const char *)log->data;
	compat_kmsg_len = log->len;
	if (panicqr_glue_draw(&sb, log->data, log->len, NULL, &cfg, &res) != -ENOMEM ||
	    panicqr_glue_draw_kmsg(&sb, NULL, &cfg, &res) != -ENOMEM)
		fail("not-initialised", "accepted");
	else if (check_unchanged("not-initialised", &fb))
		passed++;
	if (panicqr_glue_init()) {
		fail("init", "panicqr_glue_init failed");
		exit(1);
	}
	fb_free(&fb);
}

int main(int argc, char **argv)
{
	static const unsigned int sizes[][2] = {
		{ 96, 64 }, { 160, 120 }, { 320, 240 }, { 640, 480 }, { 800, 600 },
		{ 1024, 768 }, { 1280, 720 }, { 1920, 1080 }, { 2560, 1440 },
		{ 3840, 2160 }, { 7680, 4320 },
	};
	static const unsigned int photo_sizes[][3] = {
		{ 640, 480, 280 }, { 1024, 768, 280 }, { 1280, 1024, 280 },
		{ 1920, 1080, 280 }, { 3840, 2160, 280 }, { 1920, 1080, 10 },
	};
	const struct test_format *rgb888 = test_format("RGB888");
	const struct test_format *bgr888 = test_format("BGR888");
	const struct test_format *xr24 = test_format("XRGB8888");
	char path[4200], name[64];
	size_t i, n = 0;
	const char *sz;

	if (argc != 3) {
		fprintf(stderr, "usage: harness OUTDIR CORPUS_DIR\n");
		return 2;
	}
	outdir = argv[1];
	load_logs(argv[2]);
	snprintf(path, sizeof(path), "%s/manifest.tsv", outdir);
	manifest = fopen(path, "w");
	if (!manifest) {
		perror(path);
		return 2;
	}

	/* Not initialised yet. */
	{
		struct fb fb = fb_new(xr24, 640, 480, 640 * 4);
		struct drm_format_info info = format_info(xr24);
		struct panicqr_glue_config cfg = config(true, false);
		struct panicqr_glue_result res;
		struct drm_scanout_buffer sb;

		scanout(&sb, &fb, &info, false, false);
		if (panicqr_glue_draw(&sb, logs[0].data, logs[0].len, NULL, &cfg, &res) !=
		    -ENOMEM)
			fail("before-init", "accepted");
		else if (check_unchanged("before-init", &fb))
			passed++;
		fb_free(&fb);
	}
	if (panicqr_glue_init()) {
		fprintf(stderr, "panicqr_glue_init failed\n");
		return 1;
	}

	/* Every format, pitches wider than the row, odd for the odd ones. */
	for (i = 0; i < TEST_FORMATS; i++) {
		const struct test_format *fmt = &test_formats[i];
		struct draw_case dc = {
			.fmt = fmt, .width = 640, .height = 480, .url = true,
			.dictionary = i % 2, .log = &logs[i % nlogs],
		};

		snprintf(name, sizeof(name), "format-%s", fmt->name);
		dc.name = name;
		dc.pitch = 640 * fmt->cpp + 64;
		draw_ok(&dc);
		snprintf(name, sizeof(name), "format-%s-odd-pitch-swapped", fmt->name);
		dc.pitch = 641 * fmt->cpp + 3;
		dc.swap_colours = true;
		dc.iomem = true;
		dc.log = &logs[(i + 1) % nlogs];
		draw_ok(&dc);
		snprintf(name, sizeof(name), "set-pixel-%s", fmt->name);
		dc.pitch = 640 * fmt->cpp;
		dc.swap_colours = false;
		dc.iomem = false;
		dc.set_pixel = true;
		draw_ok(&dc);
	}

	/* Screen sizes, with a tight pitch, a padded one and a raw log. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned int w = sizes[i][0], h = sizes[i][1];
		const struct test_format *fmt = i % 3 == 1 ? rgb888 : xr24;
		struct draw_case dc = {
			.fmt = fmt, .width = w, .height = h, .url = true, .dictionary = true,
			.log = &logs[n++ % nlogs], .no_msg = w < 320,
		};

		snprintf(name, sizeof(name), "size-%ux%u-%s", w, h, fmt->name);
		dc.name = name;
		dc.pitch = w * fmt->cpp + (i % 2 ? 0 : 4 * 17 + 1);
		/* 96x64 holds version 1 only: too small for the URL. */
		if (i)
			draw_ok(&dc);
		snprintf(name, sizeof(name), "size-%ux%u-raw", w, h);
		dc.url = false;
		dc.fmt = xr24;
		dc.pitch = w * 4;
		draw_ok(&dc);
	}

	/*
	 * 24 bpp buffers whose last pixel ends where the mapping ends: a code of
	 * version 40 at scale 2 with its quiet zone, (177 + 8) * 2 = 370 pixels,
	 * fills the screen, and the next byte is on a PROT_NONE page.
	 */
	for (i = 0; i < 2; i++) {
		struct draw_case dc = {
			.fmt = i ? bgr888 : rgb888, .width = 370, .height = 370,
			.pitch = 370 * 3, .url = true, .dictionary = true, .guard_page = true,
			.no_msg = true, .log = &logs[0], .iomem = i,
		};

		snprintf(name, sizeof(name), "guard-page-%s", dc.fmt->name);
		dc.name = name;
		draw_ok(&dc);
	}

	/*
	 * With max_modules_across, the modules keep at least the screen's width
	 * (or 4/3 of its height, if larger) over that many pixels, with the
	 * longest log filling every code. At 10 modules across not even version
	 * 1 fits at that scale: the glue falls back to min_scale and still draws.
	 */
	for (i = 0; i < sizeof(photo_sizes) / sizeof(photo_sizes[0]); i++) {
		unsigned int w = photo_sizes[i][0], h = photo_sizes[i][1];
		unsigned int across = photo_sizes[i][2];
		unsigned int span = w > (4 * h + 2) / 3 ? w : (4 * h + 2) / 3;
		struct draw_case dc = {
			.fmt = xr24, .width = w, .height = h, .pitch = w * 4, .url = true,
			.dictionary = true, .log = &logs[0], .max_modules_across = across,
			.photo_scale = across > 10 ? (span + across - 1) / across : 2,
		};

		snprintf(name, sizeof(name), "photo-%ux%u-across-%u", w, h, across);
		dc.name = name;
		draw_ok(&dc);
	}

	/*
	 * The config the patched drm_panic.c fills by default: no dictionary,
	 * 256 modules across. A base URL ending in '#' puts the parameters in
	 * the fragment (BASE#?a=...), as the deployed decoder page reads them.
	 */
	for (i = 0; i < 2; i++) {
		struct draw_case dc = {
			.name = i ? "default-config-fragment-url" : "default-config-query-url",
			.fmt = xr24, .width = 1920, .height = 1080, .pitch = 1920 * 4, .url = true,
			.base_url = i ? TEST_BASE_URL "#" : NULL, .log = &logs[0],
			.max_modules_across = 256, .photo_scale = 8,
		};

		draw_ok(&dc);
	}

	/* The default config at the fast effort: a quicker fit, still a tail. */
	{
		struct draw_case dc = {
			.name = "default-config-fast-effort", .fmt = xr24, .width = 1920,
			.height = 1080, .pitch = 1920 * 4, .url = true, .log = &logs[0],
			.max_modules_across = 256, .photo_scale = 8, .effort = 1,
		};

		draw_ok(&dc);
	}

	kmsg_cases();
	error_cases();
	panicqr_glue_exit();
	fclose(manifest);
	sz = failed ? "FAILED" : "ok";
	printf("harness %s: %d passed, %d failed\n", sz, passed, failed);
	return failed ? 1 : 0;
}
