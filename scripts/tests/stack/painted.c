// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * Runs every export of the kernel object on a painted stack and prints the
 * most stack each one touched, one `function bytes` line per export.
 *
 * The object (scripts/build-kernel-object.sh: x86_64-unknown-none, static
 * relocations) links into this non-PIE program. Each call runs on a stack of
 * its own (painted-call.S), filled beforehand with a byte pattern; what the
 * call used is the distance from its %rsp at the call down to the lowest
 * byte that no longer holds the pattern. Each call runs twice, with two
 * patterns, so that a byte written with the pattern's own value cannot hide
 * the deepest write. A guard page below the stack stops an overflow.
 *
 * The inputs are the logs given: every log with the dictionary and without,
 * at several versions, levels and masks, through panicqr_encode_kmsg, the
 * first code made painted in every pixel format; its tail through the other
 * encoders and through drm_panic_qr_generate at versions 1 to 40; the
 * layout on common screens; and the small functions.
 *
 * It also runs the glue, panicqr_glue_draw(), built for user space with the
 * stand-in kernel headers (kernel-glue/compat), on a 1024x768 XRGB8888
 * screen, linear and through set_pixel(): the same C as in the kernel but
 * not the kernel's compiler flags, so it is measured against the static
 * bound of that same build, not of the kernel's.
 *
 * Usage: painted LOG...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/types.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_panic.h>
#include <linux/kmsg_dump.h>

#include "panicqr.h"
#include "panicqr_glue.h"

uint64_t painted_call(void *top, const void *fn, const uint64_t regs[6], const uint64_t *stack,
		      size_t n);

#define STACK_BYTES (64 * 1024)
#define URL "https://panicqr.example/"

enum export {
	E_DRM_GENERATE,
	E_DRM_MAX_DATA_SIZE,
	E_BYTES_PER_PIXEL,
	E_ENCODE_BINARY,
	E_ENCODE_KMSG,
	E_ENCODE_PANIC_URL,
	E_ENCODE_TEXT,
	E_IMAGE_LEN,
	E_KMSG_WORKSPACE_LEN,
	E_LAYOUT_PLACE,
	E_LAYOUT_PLAN,
	E_PAINT_ROW,
	E_PANIC_URL_CAPACITY,
	E_SCRATCH_LEN,
	E_STATUS_STR,
	E_GLUE_DRAW,
	E_GLUE_DRAW_KMSG,
	N_EXPORTS
};

static const char *const names[N_EXPORTS] = {
	[E_DRM_GENERATE] = "drm_panic_qr_generate",
	[E_DRM_MAX_DATA_SIZE] = "drm_panic_qr_max_data_size",
	[E_BYTES_PER_PIXEL] = "panicqr_bytes_per_pixel",
	[E_ENCODE_BINARY] = "panicqr_encode_binary",
	[E_ENCODE_KMSG] = "panicqr_encode_kmsg",
	[E_ENCODE_PANIC_URL] = "panicqr_encode_panic_url",
	[E_ENCODE_TEXT] = "panicqr_encode_text",
	[E_IMAGE_LEN] = "panicqr_image_len",
	[E_KMSG_WORKSPACE_LEN] = "panicqr_kmsg_workspace_len",
	[E_LAYOUT_PLACE] = "panicqr_layout_place",
	[E_LAYOUT_PLAN] = "panicqr_layout_plan",
	[E_PAINT_ROW] = "panicqr_paint_row",
	[E_PANIC_URL_CAPACITY] = "panicqr_panic_url_capacity",
	[E_SCRATCH_LEN] = "panicqr_scratch_len",
	[E_STATUS_STR] = "panicqr_status_str",
	[E_GLUE_DRAW] = "panicqr_glue_draw",
	[E_GLUE_DRAW_KMSG] = "panicqr_glue_draw_kmsg",
};

static uint8_t *stack_low, *stack_top;
static size_t deepest[N_EXPORTS];
static unsigned long calls[N_EXPORTS], successes[N_EXPORTS];

static void die(const char *what)
{
	fprintf(stderr, "painted: %s\n", what);
	exit(1);
}

/* Calls fn with n arguments on the painted stack; returns its %rax. */
static uint64_t run(enum export e, const void *fn, size_t n, const uint64_t *args)
{
	static const uint8_t patterns[2] = { 0xa5, 0x5a };
	size_t nstack = n > 6 ? n - 6 : 0;
	uint8_t *call_sp = stack_top - ((8 * nstack + 15) & ~(size_t)15);
	uint64_t regs[6] = { 0 };
	uint64_t ret = 0;
	int k;

	memcpy(regs, args, (n < 6 ? n : 6) * sizeof(*args));
	for (k = 0; k < 2; k++) {
		const uint8_t *p = stack_low;
		uint64_t r;

		memset(stack_low, patterns[k], (size_t)(call_sp - stack_low));
		r = painted_call(stack_top, fn, regs, args + 6, nstack);
		while (p < call_sp && *p == patterns[k])
			p++;
		if (p == stack_low)
			die("the painted stack was used to its end");
		if ((size_t)(call_sp - p) > deepest[e])
			deepest[e] = (size_t)(call_sp - p);
		if (k && r != ret)
			die("two runs of one call returned different values");
		ret = r;
	}
	calls[e]++;
	return ret;
}

#define ARG(x) ((uint64_t)(uintptr_t)(x))
#define RUN(e, fn, ...)                                                                        \
	run(e, (const void *)(fn), sizeof((uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t),     \
	    (uint64_t[]){ __VA_ARGS__ })

/* A status from the painted call; counts the successes. */
static enum panicqr_status status(enum export e, uint64_t ret)
{
	enum panicqr_status s = (enum panicqr_status)(uint32_t)ret;

	if (s == PANICQR_OK)
		successes[e]++;
	return s;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long size;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		die(path);
	data = malloc((size_t)size + 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size)
		die(path);
	fclose(f);
	*len = (size_t)size;
	return data;
}

static const uint32_t formats[] = {
	0x36314752, /* RG16 */ 0x35314152, /* RA15 */ 0x35315258, /* XR15 */
	0x35315241, /* AR15 */ 0x34324752, /* RG24 */ 0x34324742, /* BG24 */
	0x34325258, /* XR24 */ 0x34325241, /* AR24 */ 0x34324258, /* XB24 */
	0x34324241, /* AB24 */ 0x30335258, /* XR30 */ 0x30335241, /* AR30 */
	0x30334241, /* AB30 */
};
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

static const struct panicqr_screen screens[] = {
	{ 1920, 1080, 8, 16, 5, 36 }, { 1024, 768, 8, 16, 5, 36 }, { 800, 600, 8, 16, 5, 36 },
	{ 640, 480, 8, 16, 5, 36 },   { 480, 320, 8, 16, 5, 36 },  { 3840, 2160, 8, 16, 5, 36 },
};
#define N_SCREENS (sizeof(screens) / sizeof(screens[0]))

static uint8_t *workspace, *scratch, *image, *data;
static size_t workspace_len, scratch_len, image_len;

/* Lays out a finished code on a screen and paints some of its rows. */
static void paint(const struct panicqr_code *code)
{
	struct panicqr_policy policy = { .min_scale = 1, .quiet_zone = 4, .max_version = 40 };
	struct panicqr_geometry geometry;
	uint8_t out[480];
	size_t f, pixels;
	uint32_t y, x;

	if (status(E_LAYOUT_PLACE, RUN(E_LAYOUT_PLACE, panicqr_layout_place, ARG(&screens[1]),
				       ARG(&policy), code->width, ARG(&geometry))) != PANICQR_OK)
		return;
	for (f = 0; f < N_FORMATS; f++) {
		for (y = 0; y < geometry.canvas.height; y += geometry.canvas.height / 2) {
			for (x = 0; x < geometry.canvas.width; x += pixels) {
				if (status(E_PAINT_ROW,
					   RUN(E_PAINT_ROW, panicqr_paint_row, ARG(image), image_len,
					       ARG(code), ARG(&geometry), formats[f], 0xffffff, 0, y, x,
					       ARG(out), sizeof(out), ARG(&pixels))) != PANICQR_OK ||
				    !pixels)
					break;
			}
		}
	}
}

static void kmsg(const uint8_t *log, size_t len)
{
	static const struct {
		uint8_t version, ecc;
		int8_t mask;
	} settings[] = { { 40, 0, -1 }, { 40, 1, -1 }, { 40, 0, 0 }, { 27, 0, -1 }, { 10, 2, -1 } };
	size_t s;
	int dictionary, painted = 0;

	for (dictionary = 0; dictionary < 2; dictionary++) {
		for (s = 0; s < sizeof(settings) / sizeof(settings[0]); s++) {
			struct panicqr_kmsg_request request = {
				.base_url = (const uint8_t *)URL,
				.base_url_len = strlen(URL),
				.arch = (const uint8_t *)"x86_64",
				.arch_len = 6,
				.release = (const uint8_t *)"6.12.118",
				.release_len = 8,
				.dictionary = dictionary,
			};
			struct panicqr_options options = { 1, settings[s].version, settings[s].ecc,
							   true, settings[s].mask };
			struct panicqr_kmsg_report report;
			struct panicqr_code code;

			if (status(E_ENCODE_KMSG,
				   RUN(E_ENCODE_KMSG, panicqr_encode_kmsg, ARG(log), len,
				       ARG(&request), ARG(&options), ARG(workspace), workspace_len,
				       ARG(scratch), scratch_len, ARG(image), image_len, ARG(&code),
				       ARG(&report))) == PANICQR_OK &&
			    !painted++)
				paint(&code);
		}
	}
	/* Without a URL: the raw tail as a byte segment. */
	{
		struct panicqr_kmsg_request request = { 0 };
		struct panicqr_options options = { 1, 40, 0, true, -1 };
		struct panicqr_kmsg_report report;
		struct panicqr_code code;

		status(E_ENCODE_KMSG, RUN(E_ENCODE_KMSG, panicqr_encode_kmsg, ARG(log), len,
					  ARG(&request), ARG(&options), ARG(workspace),
					  workspace_len, ARG(scratch), scratch_len, ARG(image),
					  image_len, ARG(&code), ARG(&report)));
	}
}

static void encoders(const uint8_t *log, size_t len)
{
	static const size_t lengths[] = { 1, 30, 300, 1000, 2000, 2953, 4000 };
	size_t i, n;
	uint8_t version, ecc;

	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		for (ecc = 0; ecc < 4; ecc += 3) {
			struct panicqr_options options = { 1, 40, ecc, true, -1 };
			struct panicqr_code code;
			const uint8_t *tail;

			n = lengths[i] < len ? lengths[i] : len;
			tail = log + len - n;
			status(E_ENCODE_BINARY, RUN(E_ENCODE_BINARY, panicqr_encode_binary, ARG(tail),
						    n, ARG(&options), ARG(scratch), scratch_len,
						    ARG(image), image_len, ARG(&code)));
			status(E_ENCODE_TEXT, RUN(E_ENCODE_TEXT, panicqr_encode_text, ARG(tail), n,
						  ARG(&options), ARG(scratch), scratch_len,
						  ARG(image), image_len, ARG(&code)));
		}
	}
	for (version = 1; version <= 40; version += version < 10 ? 3 : 10) {
		for (ecc = 0; ecc < 4; ecc++) {
			struct panicqr_options options = { 1, version, ecc, false, -1 };
			struct panicqr_code code;

			n = (size_t)RUN(E_PANIC_URL_CAPACITY, panicqr_panic_url_capacity, version,
					ecc, strlen(URL));
			if (n > len)
				n = len;
			status(E_ENCODE_PANIC_URL,
			       RUN(E_ENCODE_PANIC_URL, panicqr_encode_panic_url, ARG(URL),
				   strlen(URL), ARG(log + len - n), n, ARG(&options), ARG(scratch),
				   scratch_len, ARG(image), image_len, ARG(&code)));
		}
	}
	/* Linux's interface: the data in the image-sized buffer. */
	for (version = 1; version <= 40; version++) {
		int with_url;

		for (with_url = 0; with_url < 2; with_url++) {
			const char *url = with_url ? URL : NULL;

			n = (size_t)RUN(E_DRM_MAX_DATA_SIZE, drm_panic_qr_max_data_size, version,
					with_url ? strlen(URL) : 0);
			if (n > len)
				n = len;
			memcpy(data, log + len - n, n);
			if ((uint8_t)RUN(E_DRM_GENERATE, drm_panic_qr_generate, ARG(url), ARG(data),
					 n, image_len, ARG(scratch), scratch_len))
				successes[E_DRM_GENERATE]++;
		}
	}
}

#define SCREEN_WIDTH 1024
#define SCREEN_HEIGHT 768

static uint8_t *framebuffer;

/* A driver's set_pixel(), for XRGB8888. */
static void set_pixel(struct drm_scanout_buffer *sb, unsigned int x, unsigned int y, u32 color)
{
	memcpy(framebuffer + 4 * ((size_t)y * sb->width + x), &color, 4);
}

/*
 * The glue's panic paths, given the log and reading it as the kernel's:
 * linear with the dictionary, set_pixel without.
 */
static void glue(const uint8_t *log, size_t len)
{
	static const struct drm_format_info xrgb8888 = { .format = 0x34325258, .num_planes = 1,
							 .cpp = { 4 } };
	struct panicqr_glue_msg msg = { .lines = 5, .columns = 36, .font_width = 8,
					.font_height = 16 };
	int linear;

	for (linear = 0; linear < 2; linear++) {
		struct panicqr_glue_config cfg = {
			.base_url = URL, .arch = "x86_64", .release = "6.12.118",
			.fg_color = 0xffffff, .min_scale = 2, .max_modules_across = 256,
			.quiet_zone = 4, .max_version = 40, .dictionary = linear,
		};
		struct drm_scanout_buffer sb = { .format = &xrgb8888, .width = SCREEN_WIDTH,
						 .height = SCREEN_HEIGHT };
		struct panicqr_glue_result result;

		if (linear) {
			sb.map[0].vaddr = framebuffer;
			sb.pitch[0] = 4 * SCREEN_WIDTH;
		} else {
			sb.set_pixel = set_pixel;
		}
		if (!(int)RUN(E_GLUE_DRAW, panicqr_glue_draw, ARG(&sb), ARG(log), len, ARG(&msg),
			      ARG(&cfg), ARG(&result)))
			successes[E_GLUE_DRAW]++;
		compat_kmsg = (const char *)log;
		compat_kmsg_len = len;
		if (!(int)RUN(E_GLUE_DRAW_KMSG, panicqr_glue_draw_kmsg, ARG(&sb), ARG(&msg),
			      ARG(&cfg), ARG(&result)))
			successes[E_GLUE_DRAW_KMSG]++;
	}
}

static void small_functions(void)
{
	struct panicqr_policy policy = { .min_scale = 1, .quiet_zone = 4, .max_version = 40,
					 .max_modules_across = 256 };
	struct panicqr_geometry geometry;
	uint8_t version, max_version;
	size_t s, f;
	uint32_t code;

	for (s = 0; s < N_SCREENS; s++) {
		for (policy.max_modules_across = 0; policy.max_modules_across <= 256;
		     policy.max_modules_across += 256)
			status(E_LAYOUT_PLAN, RUN(E_LAYOUT_PLAN, panicqr_layout_plan,
						  ARG(&screens[s]), ARG(&policy),
						  ARG(&max_version), ARG(&geometry)));
	}
	for (version = 0; version <= 41; version++) {
		RUN(E_IMAGE_LEN, panicqr_image_len, version);
		RUN(E_SCRATCH_LEN, panicqr_scratch_len, version);
	}
	for (code = 0; code < 16; code++)
		RUN(E_STATUS_STR, panicqr_status_str, code);
	for (f = 0; f < N_FORMATS; f++)
		RUN(E_BYTES_PER_PIXEL, panicqr_bytes_per_pixel, formats[f]);
	RUN(E_BYTES_PER_PIXEL, panicqr_bytes_per_pixel, 0);
	RUN(E_KMSG_WORKSPACE_LEN, panicqr_kmsg_workspace_len, 0);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *map;
	int i, e;

	if (argc < 2)
		die("usage: painted LOG...");
	map = mmap(NULL, STACK_BYTES + (size_t)page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || mprotect(map, (size_t)page, PROT_NONE))
		die("cannot map the stack");
	stack_low = map + page;
	stack_top = stack_low + STACK_BYTES;

	workspace_len = panicqr_kmsg_workspace_len();
	scratch_len = panicqr_scratch_len(40);
	image_len = panicqr_image_len(40);
	workspace = malloc(workspace_len);
	scratch = malloc(scratch_len);
	image = malloc(image_len);
	data = malloc(image_len);
	framebuffer = malloc(4 * SCREEN_WIDTH * SCREEN_HEIGHT);
	if (!workspace || !scratch || !image || !data || !framebuffer || panicqr_glue_init())
		die("out of memory");

	small_functions();
	for (i = 1; i < argc; i++) {
		size_t len;
		uint8_t *log = read_file(argv[i], &len);

		kmsg(log, len);
		encoders(log, len);
		glue(log, len);
		free(log);
	}

	for (e = 0; e < N_EXPORTS; e++) {
		if (!calls[e])
			die("an export was never called");
		printf("%s %zu\n", names[e], deepest[e]);
		fprintf(stderr, "painted: %-28s %5zu bytes, %lu calls, %lu succeeded\n", names[e],
			deepest[e], calls[e], successes[e]);
	}
	/* The encoders must have made codes, not only failed early. */
	if (!successes[E_ENCODE_KMSG] || !successes[E_ENCODE_BINARY] ||
	    !successes[E_ENCODE_TEXT] || !successes[E_ENCODE_PANIC_URL] ||
	    !successes[E_DRM_GENERATE] || !successes[E_PAINT_ROW] || !successes[E_LAYOUT_PLAN] ||
	    !successes[E_GLUE_DRAW] || !successes[E_GLUE_DRAW_KMSG])
		die("an encoder never succeeded");
	return 0;
}
