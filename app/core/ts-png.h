/* ts-png.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TS_PNG_ERROR (ts_png_error_quark ())

/**
 * TsPngError:
 * @TS_PNG_ERROR_NOT_PNG: the data does not start with the PNG signature
 * @TS_PNG_ERROR_CORRUPT: the data is a damaged PNG image: truncated, a CRC mismatch, a
 *   broken chunk layout or header, invalid compressed data or text
 * @TS_PNG_ERROR_TOO_LARGE: the image or a text is over a limit
 * @TS_PNG_ERROR_FAILED: anything else: out of memory, an invalid keyword or text given
 *   to the writer
 */
typedef enum
{
  TS_PNG_ERROR_NOT_PNG,
  TS_PNG_ERROR_CORRUPT,
  TS_PNG_ERROR_TOO_LARGE,
  TS_PNG_ERROR_FAILED,
} TsPngError;

/* The largest image accepted: this many pixels a side, and this many pixels in all. */
#define TS_PNG_MAX_SIDE 16384
#define TS_PNG_MAX_PIXELS (64 * 1024 * 1024)

/* The longest text a text chunk may hold, in bytes once decompressed. */
#define TS_PNG_MAX_TEXT (16 * 1024 * 1024)

GQuark   ts_png_error_quark (void);

gboolean ts_png_validate    (GBytes        *png,
                             guint         *width,
                             guint         *height,
                             GError       **error);
GBytes  *ts_png_decode      (GBytes        *png,
                             guint         *width,
                             guint         *height,
                             GError       **error);
GBytes  *ts_png_encode      (const guint8  *rgba,
                             guint          width,
                             guint          height,
                             gsize          stride,
                             GError       **error);
char    *ts_png_get_text    (GBytes        *png,
                             const char    *keyword,
                             GError       **error);
GBytes  *ts_png_set_text    (GBytes        *png,
                             const char    *keyword,
                             const char    *text,
                             GError       **error);

G_END_DECLS
