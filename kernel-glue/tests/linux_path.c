// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * Linux 6.12's QR panic screen, emulated in user space: what
 * draw_panic_static_qr_code() in drivers/gpu/drm/drm_panic.c does between
 * reading the log and the last pixel of the code, for the panic_path
 * benchmark to time against the panicqr glue in the same process.
 *
 * No kernel code is in this file. Each function below is written from
 * reading the 6.12 source (Debian's linux-source-6.12) and follows its
 * algorithm step by step; its comment names the kernel function it mirrors.
 * The parts that are real rather than rewritten:
 *
 * - the QR encoder is Linux's own drivers/gpu/drm/drm_panic_qr.rs, built
 *   from the extracted tree by scripts/bench-panic-path.sh into a shared
 *   library in the cache, its two entry points renamed with a linux_ prefix
 *   (libpanicqr.a exports drop-in drm_panic_qr_* symbols of its own);
 * - the compression is zlib (Debian's libz), with the parameters and the
 *   retry loop of drm_panic_get_qr_code_url(). The kernel's lib/zlib_deflate
 *   is a port of zlib; both run deflate at level 6 with a 4 KiB window;
 * - the log is read with the compat kmsg_dump_get_buffer() (the newest whole
 *   lines that fit), the same one panicqr_glue_draw_kmsg() reads through.
 *
 * Configuration, as a distribution kernel sets it: the code carries a URL
 * (CONFIG_DRM_PANIC_SCREEN_QR_CODE_URL, here TEST_BASE_URL), version 40 at
 * most (CONFIG_DRM_PANIC_SCREEN_QR_VERSION), white on black, the buffer is
 * linear XRGB8888 in system memory (no set_pixel), the font is 8x16.
 *
 * Left out, as the patched drm_panic.c draws them around the panicqr glue
 * alike: clearing the screen, the logo and the panic message's text. What
 * is kept of them is their geometry, which places the code.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include <linux/kmsg_dump.h>
#include <linux/types.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_panic.h>
#include <drm/drm_rect.h>

#include "common.h"
#include "linux_path.h"

/* drm_panic.c's constants (6.12). */
#define LP_QR_VERSION 40		/* CONFIG_DRM_PANIC_SCREEN_QR_VERSION */
#define LP_MAX_QR_DATA 2956
#define LP_MAX_ZLIB_RATIO 3
#define LP_QR_BUFFER1_SIZE (LP_MAX_ZLIB_RATIO * LP_MAX_QR_DATA)
#define LP_QR_BUFFER2_SIZE 4096
#define LP_QR_MARGIN 4
#define LP_COMPR_LEVEL 6
#define LP_WINDOW_BITS 12
#define LP_MEM_LEVEL 4
#define LP_FG_COLOR 0xffffff		/* CONFIG_DRM_PANIC_FOREGROUND_COLOR */
#define LP_BG_COLOR 0x000000		/* CONFIG_DRM_PANIC_BACKGROUND_COLOR */
#define LP_FONT_WIDTH 8
#define LP_FONT_HEIGHT 16
#define LP_MSG_LINES 5			/* panic_msg[] */
#define LP_MSG_COLUMNS 28		/* "Please reboot your computer." */

/*
 * The kernel's zlib takes its memory from stream.workspace, allocated once
 * by drm_panic_qr_init(); user-space zlib calls zalloc. This arena plays the
 * workspace: each deflateInit2() starts again at its beginning, so no try
 * calls malloc(). 64 KiB is more than deflate asks at these parameters.
 */
static struct {
	u8 mem[65536] __attribute__((aligned(64)));
	size_t used;
} lp_workspace;

static voidpf lp_zalloc(voidpf opaque, uInt items, uInt size)
{
	size_t len = ((size_t)items * size + 63) & ~(size_t)63;
	void *p;

	(void)opaque;
	if (len > sizeof(lp_workspace.mem) - lp_workspace.used)
		return Z_NULL;
	p = lp_workspace.mem + lp_workspace.used;
	lp_workspace.used += len;
	return p;
}

static void lp_zfree(voidpf opaque, voidpf address)
{
	(void)opaque;
	(void)address;
}

/* The stages' timer, outside what the kernel does. */
static u64 lp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* drm_panic.c's qrbuf1, qrbuf2 and stream. */
static char *lp_qrbuf1;
static char *lp_qrbuf2;
static z_stream lp_stream;

/* Mirrors drm_panic_qr_init(). */
int linux_path_init(void)
{
	lp_qrbuf1 = malloc(LP_QR_BUFFER1_SIZE);
	lp_qrbuf2 = malloc(LP_QR_BUFFER2_SIZE);
	if (!lp_qrbuf1 || !lp_qrbuf2) {
		linux_path_exit();
		return -1;
	}
	return 0;
}

/* Mirrors drm_panic_qr_exit(). */
void linux_path_exit(void)
{
	free(lp_qrbuf1);
	lp_qrbuf1 = NULL;
	free(lp_qrbuf2);
	lp_qrbuf2 = NULL;
}

/* zlib_deflateInit2() on the preallocated workspace. */
static int lp_deflate_init2(z_stream *s, int level, int method, int window_bits,
			    int mem_level, int strategy)
{
	lp_workspace.used = 0;
	s->zalloc = lp_zalloc;
	s->zfree = lp_zfree;
	s->opaque = Z_NULL;
	return deflateInit2(s, level, method, window_bits, mem_level, strategy);
}

/*
 * Mirrors drm_panic_get_qr_code_url(): reads as much of the log as three
 * times the code's capacity, compresses it, and while the stream is larger
 * than the capacity drops the oldest line and compresses again. Then
 * drm_panic_qr_generate() turns the stream into the code's image, in
 * qrbuf2. Returns the code's width, or 0 or a negative number on failure.
 */
static int lp_get_qr_code_url(u8 **qr_image, struct linux_path_result *res)
{
	struct kmsg_dump_iter iter;
	char url[256];
	size_t kmsg_len, max_kmsg_size;
	char *kmsg;
	int max_qr_data_size, url_len;
	u64 t0 = lp_now_ns(), t1;
	int width;

	url_len = snprintf(url, sizeof(url), "%s?a=%s&v=%s&zl=", TEST_BASE_URL, "aarch64",
			   "6.12.0");

	max_qr_data_size = linux_drm_panic_qr_max_data_size(LP_QR_VERSION, url_len);
	max_kmsg_size = LP_MAX_ZLIB_RATIO * max_qr_data_size;
	if (max_kmsg_size > LP_QR_BUFFER1_SIZE)
		max_kmsg_size = LP_QR_BUFFER1_SIZE;
	res->max_data = max_qr_data_size;

	/*
	 * The kernel's kmsg_dump_get_buffer() writes at most size - 1 bytes
	 * of text and a NUL after it (record_print_text()), which the loop
	 * below relies on (strchr(), strlen()); the compat reader fills all
	 * of @size and writes no NUL, so it is given one byte less and the
	 * NUL is added here.
	 */
	if (max_kmsg_size < 2)
		return -1;
	kmsg_dump_rewind(&iter);
	kmsg_dump_get_buffer(&iter, false, lp_qrbuf1, max_kmsg_size - 1, &kmsg_len);
	if (!kmsg_len)
		return -1;
	lp_qrbuf1[kmsg_len] = 0;
	res->kmsg_read = kmsg_len;
	kmsg = lp_qrbuf1;
	res->tries = 0;

try_again:
	res->tries++;
	if (lp_deflate_init2(&lp_stream, LP_COMPR_LEVEL, Z_DEFLATED, LP_WINDOW_BITS, LP_MEM_LEVEL,
			     Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;

	lp_stream.next_in = (Bytef *)kmsg;
	lp_stream.avail_in = kmsg_len;
	lp_stream.total_in = 0;
	lp_stream.next_out = (Bytef *)lp_qrbuf2;
	lp_stream.avail_out = LP_QR_BUFFER2_SIZE;
	lp_stream.total_out = 0;

	if (deflate(&lp_stream, Z_FINISH) != Z_STREAM_END)
		return -1;

	if (deflateEnd(&lp_stream) != Z_OK)
		return -1;

	if (lp_stream.total_out > (uLong)max_qr_data_size) {
		/* Too large for the code: drop the first line and try again. */
		kmsg = strchr(kmsg, '\n');
		if (!kmsg)
			return -1;
		kmsg += 1;
		kmsg_len = strlen(kmsg);
		goto try_again;
	}
	*qr_image = (u8 *)lp_qrbuf2;
	res->kmsg_bytes = kmsg_len;
	res->compressed = lp_stream.total_out;
	t1 = lp_now_ns();
	res->ns_compress = t1 - t0;

	width = linux_drm_panic_qr_generate(url, (u8 *)lp_qrbuf2, lp_stream.total_out,
					    LP_QR_BUFFER2_SIZE, (u8 *)lp_qrbuf1,
					    LP_QR_BUFFER1_SIZE);
	res->ns_encode = lp_now_ns() - t1;
	return width;
}

/* drm_rect.h's helpers. */
static struct drm_rect lp_rect_init(int x, int y, int width, int height)
{
	struct drm_rect r = { .x1 = x, .y1 = y, .x2 = x + width, .y2 = y + height };

	return r;
}

static void lp_rect_translate(struct drm_rect *r, int dx, int dy)
{
	r->x1 += dx;
	r->y1 += dy;
	r->x2 += dx;
	r->y2 += dy;
}

static int lp_rect_width(const struct drm_rect *r)
{
	return r->x2 - r->x1;
}

static int lp_rect_height(const struct drm_rect *r)
{
	return r->y2 - r->y1;
}

/* iosys_map_wr() on system memory: a WRITE_ONCE(), a volatile store. */
static inline void lp_wr32(u8 *vaddr, size_t offset, u32 val)
{
	*(volatile u32 *)(vaddr + offset) = val;
}

/* Mirrors drm_draw_fill32() (drm_draw.c). */
static void lp_fill32(u8 *dmap, unsigned int dpitch, unsigned int height, unsigned int width,
		      u32 color)
{
	unsigned int y, x;

	for (y = 0; y < height; y++)
		for (x = 0; x < width; x++)
			lp_wr32(dmap, y * dpitch + x * sizeof(u32), color);
}

/* Mirrors drm_draw_is_pixel_fg() (drm_draw_internal.h). */
static inline bool lp_is_pixel_fg(const u8 *sbuf8, unsigned int spitch, int x, int y)
{
	return (sbuf8[(y * spitch) + x / 8] & (0x80 >> (x % 8))) != 0;
}

/* Mirrors drm_draw_blit32() (drm_draw.c). */
static void lp_blit32(u8 *dmap, unsigned int dpitch, const u8 *sbuf8, unsigned int spitch,
		      unsigned int height, unsigned int width, unsigned int scale, u32 fg32)
{
	unsigned int y, x;

	for (y = 0; y < height; y++)
		for (x = 0; x < width; x++)
			if (lp_is_pixel_fg(sbuf8, spitch, x / scale, y / scale))
				lp_wr32(dmap, y * dpitch + x * sizeof(u32), fg32);
}

/* Mirrors drm_panic_fill() for a linear buffer of 4 bytes per pixel. */
static void lp_panic_fill(struct drm_scanout_buffer *sb, struct drm_rect *clip, u32 color)
{
	u8 *map = (u8 *)sb->map[0].vaddr + clip->y1 * sb->pitch[0] +
		  clip->x1 * sb->format->cpp[0];

	lp_fill32(map, sb->pitch[0], lp_rect_height(clip), lp_rect_width(clip), color);
}

/* Mirrors drm_panic_blit() for a linear buffer of 4 bytes per pixel. */
static void lp_panic_blit(struct drm_scanout_buffer *sb, struct drm_rect *clip,
			  const u8 *sbuf8, unsigned int spitch, unsigned int scale, u32 fg_color)
{
	u8 *map = (u8 *)sb->map[0].vaddr + clip->y1 * sb->pitch[0] +
		  clip->x1 * sb->format->cpp[0];

	lp_blit32(map, sb->pitch[0], sbuf8, spitch, lp_rect_height(clip), lp_rect_width(clip),
		  scale, fg_color);
}

/*
 * Mirrors _draw_panic_static_qr_code(): the code's scale from three
 * quarters of the screen, the code centred above the message, then the
 * quiet zone filled with the foreground colour, the code's square with the
 * background colour, and the light modules blitted on it. The screen clear,
 * the logo and the text are left out (see the top of the file). Returns 0,
 * or a negative number where the kernel falls back to the user screen.
 */
int linux_path_draw(struct drm_scanout_buffer *sb, struct linux_path_result *res)
{
	/* drm_draw_color_from_xrgb8888() is the identity for XRGB8888. */
	u32 fg_color = LP_FG_COLOR;
	u32 bg_color = LP_BG_COLOR;
	struct drm_rect r_msg, r_qr, r_qr_canvas;
	unsigned int max_qr_size, scale;
	unsigned int msg_width, msg_height;
	int qr_width, qr_canvas_width, qr_pitch, v_margin;
	u8 *qr_image;
	u64 t0;

	memset(res, 0, sizeof(*res));
	if (!lp_qrbuf1 || !lp_qrbuf2 || sb->format->cpp[0] != 4 || sb->set_pixel)
		return -1;

	msg_width = LP_MSG_COLUMNS * LP_FONT_WIDTH;
	if (msg_width > sb->width)
		msg_width = sb->width;
	msg_height = LP_MSG_LINES * LP_FONT_HEIGHT;
	if (msg_height > sb->height)
		msg_height = sb->height;
	r_msg = lp_rect_init(0, 0, msg_width, msg_height);

	max_qr_size = 3 * sb->width / 4;
	if (3 * sb->height / 4 < max_qr_size)
		max_qr_size = 3 * sb->height / 4;

	qr_width = lp_get_qr_code_url(&qr_image, res);
	if (qr_width <= 0)
		return -1;

	qr_canvas_width = qr_width + LP_QR_MARGIN * 2;
	scale = max_qr_size / qr_canvas_width;
	if (scale < 2)
		return -1;

	r_qr_canvas = lp_rect_init(0, 0, qr_canvas_width * scale, qr_canvas_width * scale);

	v_margin = sb->height - lp_rect_height(&r_qr_canvas) - lp_rect_height(&r_msg);
	if (v_margin < 0)
		return -1;
	v_margin /= 5;

	lp_rect_translate(&r_qr_canvas, (sb->width - r_qr_canvas.x2) / 2, 2 * v_margin);
	r_qr = lp_rect_init(r_qr_canvas.x1 + LP_QR_MARGIN * scale,
			    r_qr_canvas.y1 + LP_QR_MARGIN * scale, qr_width * scale,
			    qr_width * scale);

	t0 = lp_now_ns();
	qr_pitch = (qr_width + 7) / 8;
	lp_panic_fill(sb, &r_qr_canvas, fg_color);
	lp_panic_fill(sb, &r_qr, bg_color);
	lp_panic_blit(sb, &r_qr, qr_image, qr_pitch, scale, fg_color);

	res->ns_paint = lp_now_ns() - t0;
	res->qr_width = qr_width;
	res->scale = scale;
	return 0;
}
