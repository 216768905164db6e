// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * panicqr glue: draws the panic QR code on a DRM scanout buffer.
 *
 * All the arithmetic lives in the panicqr library: the layout (the largest
 * code that fits beside the message, its scale and position), the encoding
 * of the end of the kernel log, and the pixels of each row in the buffer's
 * format, written into a bounded buffer. This file calls it in order and
 * copies the painted rows to the scanout buffer, so it holds no margin,
 * scale or per-format code of its own.
 *
 * It runs in the panic handler: no allocation after panicqr_glue_init(),
 * which allocates the work buffers up front, and no lock that waits. The
 * buffers are shared by every device: a draw that finds another one under
 * way (a second device, the debugfs trigger, a panic from an NMI that
 * interrupted a draw) returns -EBUSY at once, and the handler draws its
 * text screen instead.
 */

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/iosys-map.h>
#include <linux/kmsg_dump.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

#include <drm/drm_fourcc.h>
#include <drm/drm_panic.h>
#include <drm/drm_rect.h>

#include "panicqr.h"
#include "panicqr_glue.h"

/* The largest QR code version: the work buffers are sized for it. */
#define PANICQR_GLUE_MAX_VERSION 40

/* Bytes of kernel log panicqr_glue_draw_kmsg() offers: more than fits. */
#define PANICQR_GLUE_KMSG_SIZE 16384

/* Bytes painted at a time: a whole number of 2, 3 and 4 byte pixels. */
#define PANICQR_GLUE_CHUNK 480

static struct {
	char *kmsg;
	u8 *workspace;
	size_t workspace_len;
	u8 *scratch;
	size_t scratch_len;
	u8 *image;
	size_t image_len;
} panicqr_bufs;

/*
 * What one draw works on, kept off the stack: the panic handler may run on a
 * small exception stack, most of which the encoder needs (README.md has the
 * figures). panicqr_busy lets one draw at a time use it and the buffers.
 */
static struct {
	u8 chunk[PANICQR_GLUE_CHUNK];
	struct panicqr_screen screen;
	struct panicqr_policy policy;
	struct panicqr_options options;
	struct panicqr_kmsg_request request;
	struct panicqr_kmsg_report report;
	struct panicqr_geometry geometry;
	struct panicqr_code code;
} panicqr_draw;

static atomic_t panicqr_busy = ATOMIC_INIT(0);

/**
 * panicqr_glue_init - allocate the work buffers
 *
 * Call it once, where the panic handler is set up.
 *
 * Return: 0, or -ENOMEM.
 */
int panicqr_glue_init(void)
{
	panicqr_bufs.kmsg = kmalloc(PANICQR_GLUE_KMSG_SIZE, GFP_KERNEL);
	panicqr_bufs.workspace_len = panicqr_kmsg_workspace_len();
	panicqr_bufs.scratch_len = panicqr_scratch_len(PANICQR_GLUE_MAX_VERSION);
	panicqr_bufs.image_len = panicqr_image_len(PANICQR_GLUE_MAX_VERSION);
	panicqr_bufs.workspace = kmalloc(panicqr_bufs.workspace_len, GFP_KERNEL);
	panicqr_bufs.scratch = kmalloc(panicqr_bufs.scratch_len, GFP_KERNEL);
	panicqr_bufs.image = kmalloc(panicqr_bufs.image_len, GFP_KERNEL);
	if (!panicqr_bufs.kmsg || !panicqr_bufs.workspace || !panicqr_bufs.scratch ||
	    !panicqr_bufs.image) {
		panicqr_glue_exit();
		return -ENOMEM;
	}
	return 0;
}

/**
 * panicqr_glue_exit - free the work buffers
 *
 * panicqr_glue_draw() returns -ENOMEM after this, until the next
 * panicqr_glue_init(). Call it when no draw can run.
 */
void panicqr_glue_exit(void)
{
	kfree(panicqr_bufs.kmsg);
	kfree(panicqr_bufs.workspace);
	kfree(panicqr_bufs.scratch);
	kfree(panicqr_bufs.image);
	memset(&panicqr_bufs, 0, sizeof(panicqr_bufs));
}

static int panicqr_errno(enum panicqr_status status)
{
	switch (status) {
	case PANICQR_OK:
		return 0;
	case PANICQR_ERR_SCREEN_TOO_SMALL:
		return -ENOSPC;
	case PANICQR_ERR_DATA_TOO_LONG:
		return -E2BIG;
	case PANICQR_ERR_BUFFER_TOO_SMALL:
		return -ENOBUFS;
	default:
		return -EINVAL;
	}
}

/* Checks what the painting loops rely on, before anything is written. */
static int panicqr_check_buffer(const struct drm_scanout_buffer *sb)
{
	size_t cpp = panicqr_bytes_per_pixel(sb->format->format);

	if (!cpp)
		return -EOPNOTSUPP;
	/* The rectangles given back are struct drm_rect, of int. */
	if (sb->width > INT_MAX || sb->height > INT_MAX)
		return -EINVAL;
	if (sb->set_pixel)
		return 0;
	if (sb->format->cpp[0] != cpp || sb->pitch[0] / cpp < sb->width)
		return -EINVAL;
	if (iosys_map_is_null(&sb->map[0]))
		return -EINVAL;
	return 0;
}

/* Reads back a painted pixel, little-endian as the DRM formats are. */
static u32 panicqr_pixel(const u8 *p, size_t cpp)
{
	u32 color = 0;

	while (cpp--)
		color = color << 8 | p[cpp];
	return color;
}

/*
 * Paints the canvas one module row at a time: each chunk of the row's first
 * pixel row is painted once, then written to every pixel row of the module
 * row, with iosys_map_memcpy_to() or, for buffers that are not linear, with
 * set_pixel().
 */
static int panicqr_paint(struct drm_scanout_buffer *sb, const struct panicqr_code *code,
			 const struct panicqr_geometry *g,
			 const struct panicqr_glue_config *cfg)
{
	const struct panicqr_rect *c = &g->canvas;
	size_t cpp = panicqr_bytes_per_pixel(sb->format->format);
	size_t pitch = sb->pitch[0];
	u8 *buf = panicqr_draw.chunk;
	enum panicqr_status status;
	size_t pixels, i;
	u32 y, x, row;

	for (y = 0; y < c->height; y += g->scale) {
		for (x = 0; x < c->width; x += pixels) {
			status = panicqr_paint_row(panicqr_bufs.image, panicqr_bufs.image_len,
						   code, g, sb->format->format, cfg->fg_color,
						   cfg->bg_color, y, x, buf, PANICQR_GLUE_CHUNK,
						   &pixels);
			if (status != PANICQR_OK || !pixels)
				return -EINVAL;
			for (row = y; row < c->height && row - y < g->scale; row++) {
				if (!sb->set_pixel) {
					iosys_map_memcpy_to(&sb->map[0],
							    (size_t)(c->y + row) * pitch +
							    (size_t)(c->x + x) * cpp,
							    buf, pixels * cpp);
					continue;
				}
				for (i = 0; i < pixels; i++)
					sb->set_pixel(sb, c->x + x + i, c->y + row,
						      panicqr_pixel(buf + i * cpp, cpp));
			}
		}
	}
	return 0;
}

static struct drm_rect panicqr_drm_rect(const struct panicqr_rect *r)
{
	struct drm_rect d = {
		.x1 = r->x,
		.y1 = r->y,
		.x2 = r->x + r->width,
		.y2 = r->y + r->height,
	};

	return d;
}

/* panicqr_glue_draw(), for the holder of panicqr_busy. */
static int __panicqr_glue_draw(struct drm_scanout_buffer *sb, const u8 *kmsg, size_t kmsg_len,
			       const struct panicqr_glue_msg *msg,
			       const struct panicqr_glue_config *cfg,
			       struct panicqr_glue_result *out)
{
	struct panicqr_screen *screen = &panicqr_draw.screen;
	struct panicqr_policy *policy = &panicqr_draw.policy;
	struct panicqr_options *options = &panicqr_draw.options;
	struct panicqr_kmsg_request *request = &panicqr_draw.request;
	struct panicqr_kmsg_report *report = &panicqr_draw.report;
	struct panicqr_geometry *geometry = &panicqr_draw.geometry;
	struct panicqr_code *code = &panicqr_draw.code;
	u8 max_version;
	int ret;

	if (!sb || !sb->format || !cfg || !out)
		return -EINVAL;
	if (!panicqr_bufs.workspace)
		return -ENOMEM;
	if (!kmsg_len)
		return -ENODATA;
	ret = panicqr_check_buffer(sb);
	if (ret)
		return ret;

	memset(&panicqr_draw, 0, sizeof(panicqr_draw));
	screen->width = sb->width;
	screen->height = sb->height;
	if (msg) {
		screen->font_width = msg->font_width;
		screen->font_height = msg->font_height;
		screen->text_lines = msg->lines;
		screen->text_columns = msg->columns;
	}
	policy->min_scale = cfg->min_scale;
	policy->quiet_zone = cfg->quiet_zone;
	policy->max_version = cfg->max_version;
	policy->ecc = cfg->ecc;
	policy->max_modules_across = cfg->max_modules_across;
	ret = panicqr_errno(panicqr_layout_plan(screen, policy, &max_version, geometry));
	if (ret)
		return ret;

	options->min_version = 1;
	options->max_version = max_version;
	options->ecc = cfg->ecc;
	options->boost_ecc = true;
	options->mask = -1;
	if (cfg->base_url) {
		request->base_url = (const u8 *)cfg->base_url;
		request->base_url_len = strlen(cfg->base_url);
	}
	if (cfg->arch) {
		request->arch = (const u8 *)cfg->arch;
		request->arch_len = strlen(cfg->arch);
	}
	if (cfg->release) {
		request->release = (const u8 *)cfg->release;
		request->release_len = strlen(cfg->release);
	}
	request->dictionary = cfg->dictionary;
	request->effort = cfg->effort;
	ret = panicqr_errno(panicqr_encode_kmsg(kmsg, kmsg_len, request, options,
						panicqr_bufs.workspace,
						panicqr_bufs.workspace_len,
						panicqr_bufs.scratch, panicqr_bufs.scratch_len,
						panicqr_bufs.image, panicqr_bufs.image_len,
						code, report));
	if (ret)
		return ret;

	ret = panicqr_errno(panicqr_layout_place(screen, policy, code->width, geometry));
	if (ret)
		return ret;
	/* The library guarantees both; the loops rely on them. */
	if (!geometry->scale ||
	    (u64)geometry->canvas.x + geometry->canvas.width > sb->width ||
	    (u64)geometry->canvas.y + geometry->canvas.height > sb->height)
		return -EINVAL;

	ret = panicqr_paint(sb, code, geometry, cfg);
	if (ret)
		return ret;

	out->text = panicqr_drm_rect(&geometry->text);
	out->canvas = panicqr_drm_rect(&geometry->canvas);
	out->version = code->version;
	out->scale = geometry->scale;
	out->log_start = report->tail_start;
	out->log_bytes = report->tail_len;
	out->payload_bytes = report->payload_len;
	out->dictionary = report->dictionary;
	out->truncated = report->truncated;
	return 0;
}

/**
 * panicqr_glue_draw - draw a QR code of the end of the kernel log
 * @sb: the scanout buffer; linear (@sb->map[0], @sb->pitch[0]) or with
 *      @sb->set_pixel
 * @kmsg: the kernel log
 * @kmsg_len: bytes of @kmsg
 * @msg: the message the handler draws beside the code, or NULL for none
 * @cfg: what to put in the code and how to lay it out
 * @out: written on success: where the handler draws its message, and what
 *       the code holds
 *
 * Chooses the largest code that fits the screen beside the message at the
 * scale @cfg->max_modules_across asks for (or at @cfg->min_scale when not
 * even version 1 fits at that one), fits in it the longest tail of @kmsg
 * that starts on a line, lays out the code actually made (a smaller one
 * gets a larger scale), and paints it with its quiet zone. Nothing else on the screen is
 * touched: the handler clears the screen and draws the message in
 * @out->text.
 *
 * Return: 0, or a negative error number, in which case nothing was written
 * to the buffer and the handler should draw its text screen instead:
 * -EBUSY while another draw runs, -ENOMEM before panicqr_glue_init() or
 * after it failed, -ENODATA for an
 * empty log, -EOPNOTSUPP for a pixel format the painter lacks, -ENOSPC when
 * not even the smallest code fits at @cfg->min_scale, -E2BIG when the URL
 * alone fills the largest allowed code, -EINVAL for invalid arguments.
 */
int panicqr_glue_draw(struct drm_scanout_buffer *sb, const u8 *kmsg, size_t kmsg_len,
		      const struct panicqr_glue_msg *msg,
		      const struct panicqr_glue_config *cfg,
		      struct panicqr_glue_result *out)
{
	int ret;

	if (atomic_cmpxchg(&panicqr_busy, 0, 1))
		return -EBUSY;
	ret = __panicqr_glue_draw(sb, kmsg, kmsg_len, msg, cfg, out);
	atomic_set_release(&panicqr_busy, 0);
	return ret;
}

/**
 * panicqr_glue_draw_kmsg - draw a QR code of the end of the kernel log
 * @sb: the scanout buffer, as for panicqr_glue_draw()
 * @msg: the message the handler draws beside the code, or NULL for none
 * @cfg: what to put in the code and how to lay it out
 * @out: written on success, as by panicqr_glue_draw()
 *
 * Reads the end of the kernel log with kmsg_dump_get_buffer() into the
 * glue's own buffer, then draws it as panicqr_glue_draw() does. The read
 * and the draw hold the same busy flag, so a second caller can neither
 * overwrite the log being encoded nor the buffers being painted from.
 *
 * Return: as panicqr_glue_draw().
 */
int panicqr_glue_draw_kmsg(struct drm_scanout_buffer *sb,
			   const struct panicqr_glue_msg *msg,
			   const struct panicqr_glue_config *cfg,
			   struct panicqr_glue_result *out)
{
	struct kmsg_dump_iter iter;
	size_t kmsg_len = 0;
	int ret = -ENOMEM;

	if (atomic_cmpxchg(&panicqr_busy, 0, 1))
		return -EBUSY;
	if (panicqr_bufs.kmsg) {
		kmsg_dump_rewind(&iter);
		kmsg_dump_get_buffer(&iter, false, panicqr_bufs.kmsg, PANICQR_GLUE_KMSG_SIZE,
				     &kmsg_len);
		ret = __panicqr_glue_draw(sb, (const u8 *)panicqr_bufs.kmsg, kmsg_len, msg, cfg,
					  out);
	}
	atomic_set_release(&panicqr_busy, 0);
	return ret;
}
