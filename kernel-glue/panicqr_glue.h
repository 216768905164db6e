/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * panicqr glue: draws the panic QR code on a DRM scanout buffer.
 *
 * The layout, the encoding and the pixel writing are done by the panicqr
 * library (include/panicqr.h); this glue only calls it in order and copies
 * the painted rows to the scanout buffer. The panic handler keeps drawing
 * its own text, in the rectangle the glue reports.
 */

#ifndef PANICQR_GLUE_H
#define PANICQR_GLUE_H

#include <linux/types.h>
#include <drm/drm_rect.h>

struct drm_scanout_buffer;

/**
 * struct panicqr_glue_msg - the message the panic handler draws
 * @lines: number of lines
 * @columns: characters in the longest line
 * @font_width: width of a character cell, in pixels
 * @font_height: height of a character cell, in pixels
 *
 * A message without a line or a column takes no room.
 */
struct panicqr_glue_msg {
	unsigned int lines;
	unsigned int columns;
	unsigned int font_width;
	unsigned int font_height;
};

/**
 * struct panicqr_glue_config - what to put in the code and how to lay it out
 * @base_url: the URL the code points to, NUL-terminated, or NULL or "" to
 *            carry the raw log in the code; ending in '#', it puts the
 *            parameters in the fragment (BASE#?a=...&v=...&z=...), which
 *            the deployed decoder page reads and which keeps the log on the
 *            phone
 * @arch: the machine name sent with the URL (utsname()->machine), or NULL
 * @release: the kernel release sent with the URL, or NULL
 * @fg_color: light modules and quiet zone, XRGB8888
 * @bg_color: dark modules, XRGB8888
 * @min_scale: fewest pixels per module; 2 is what a phone reads reliably
 * @max_modules_across: most modules a photo of the whole screen should have
 *                      to tell apart across its width (the screen's width,
 *                      or 4/3 of its height if larger), or 0 for no limit: a
 *                      smaller version is chosen to keep modules that large
 * @quiet_zone: modules of @fg_color around the code; the standard asks for 4
 * @max_version: largest version of the code, 1 to 40
 * @ecc: error correction level, 0 = L, 1 = M, 2 = Q, 3 = H
 * @dictionary: allow the preset kernel log dictionary when it carries more
 *              (URL parameter zd=2). Leave it false for the decoder page
 *              distributions deploy (github.com/kdj0c/panic_report), which
 *              inflates without a dictionary and shows no log for such a
 *              code; the patched drm_panic.c sets it from
 *              CONFIG_DRM_PANIC_QR_PANICQR_DICTIONARY (default n)
 * @effort: how hard the compressor works: 0 carries the most log (the
 *          optimal parse, what a zeroed config gives); 1 fits a few times
 *          quicker with the lazy parse alone and carries a few percent
 *          less (docs/payload.md, "The fast effort"); other values fail
 *          with -EINVAL
 *
 * The values the patched drm_panic.c passes (level L, @min_scale 2,
 * @max_modules_across 256 from panic_qr_modules_across, @quiet_zone 4,
 * @max_version from panic_qr_version, no @dictionary) are the library's
 * Policy::DEFAULT; docs/scannability.md measures why. @max_modules_across 0
 * gives the largest code that fits (Policy::LARGEST).
 */
struct panicqr_glue_config {
	const char *base_url;
	const char *arch;
	const char *release;
	u32 fg_color;
	u32 bg_color;
	unsigned int min_scale;
	unsigned int max_modules_across;
	unsigned int quiet_zone;
	u8 max_version;
	u8 ecc;
	bool dictionary;
	u8 effort;
};

/**
 * struct panicqr_glue_result - what panicqr_glue_draw() or
 * panicqr_glue_draw_kmsg() drew
 * @text: where the panic handler should draw its message
 * @canvas: the code and its quiet zone, as painted
 * @version: version of the code, 1 to 40
 * @scale: pixels per module
 * @log_start: offset in the log of the first byte carried
 * @log_bytes: bytes of the log carried, up to its end
 * @payload_bytes: bytes of the compressed stream (or of the raw log)
 * @dictionary: the stream uses the preset dictionary
 * @truncated: not even the last line fitted, only its end is carried
 */
struct panicqr_glue_result {
	struct drm_rect text;
	struct drm_rect canvas;
	unsigned int version;
	unsigned int scale;
	size_t log_start;
	size_t log_bytes;
	size_t payload_bytes;
	bool dictionary;
	bool truncated;
};

int panicqr_glue_init(void);
void panicqr_glue_exit(void);
int panicqr_glue_draw(struct drm_scanout_buffer *sb, const u8 *kmsg, size_t kmsg_len,
		      const struct panicqr_glue_msg *msg,
		      const struct panicqr_glue_config *cfg,
		      struct panicqr_glue_result *out);
int panicqr_glue_draw_kmsg(struct drm_scanout_buffer *sb,
			   const struct panicqr_glue_msg *msg,
			   const struct panicqr_glue_config *cfg,
			   struct panicqr_glue_result *out);

#endif /* PANICQR_GLUE_H */
