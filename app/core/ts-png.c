/* ts-png.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-png.h"

#include <setjmp.h>
#include <string.h>

#include <glib/gi18n.h>
#include <png.h>

#include "ts-png-private.h"

/* PNG pixels with libpng: validating, decoding to RGBA8 and encoding. The chunk walker
 * and the text chunks are in ts-png-chunks.c.
 *
 * Every image is sized from its IHDR before anything is allocated for it, so a forged
 * header fails fast. libpng reports errors by longjmp: each use of it sits behind one
 * small function that calls setjmp and nothing else, and everything that must be freed
 * afterwards lives in a struct filled in before, so no local can be clobbered. */

G_DEFINE_QUARK (ts-png-error-quark, ts_png_error)

/* The most libpng allocates for one ancillary chunk (protocols.md §7). */
#define MAX_CHUNK_MALLOC (8 * 1024 * 1024)
#define MESSAGE_SIZE 256

/* Decoding with libpng */

typedef struct
{
  png_structp   png;
  png_infop     info;
  const guint8 *data;
  gsize         length;
  gsize         position;
  guint32       width;
  guint32       height;
  guint8       *pixels;         /* width * 4 bytes a row, or one scratch row */
  gboolean      keep_pixels;    /* FALSE to check everything and keep nothing */
  char          message[MESSAGE_SIZE];
} Decoder;

static void
error_cb (png_structp     png,
          png_const_charp message)
{
  /* The error pointer is the message buffer of a Decoder or an Encoder. */
  char *buffer = png_get_error_ptr (png);

  g_strlcpy (buffer, message, MESSAGE_SIZE);
  png_longjmp (png, 1);
}

static void
warning_cb (png_structp     png,
            png_const_charp message)
{
  /* Warnings concern data that libpng has already skipped or repaired. */
}

static void
read_cb (png_structp png,
         png_bytep   out,
         size_t      size)
{
  Decoder *d = png_get_io_ptr (png);

  if (d->length - d->position < size)
    png_error (png, "the data ends early");

  memcpy (out, d->data + d->position, size);
  d->position += size;
}

/* Every colour type and depth to straight RGBA with 8 bits a channel. */
static void
set_rgba8_transforms (Decoder *d)
{
  png_structp png = d->png;
  int color_type = png_get_color_type (png, d->info);
  int depth = png_get_bit_depth (png, d->info);
  gboolean has_trns = png_get_valid (png, d->info, PNG_INFO_tRNS) != 0;

  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if ((color_type & PNG_COLOR_MASK_COLOR) == 0 && depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (has_trns)
    png_set_tRNS_to_alpha (png);
  if (depth == 16)
    png_set_strip_16 (png);
  if ((color_type & PNG_COLOR_MASK_COLOR) == 0)
    png_set_gray_to_rgb (png);
  if ((color_type & PNG_COLOR_MASK_ALPHA) == 0 && !has_trns)
    png_set_filler (png, 0xff, PNG_FILLER_AFTER);
}

static void
read_image (Decoder *d)
{
  png_structp png = d->png;
  gsize row_bytes = (gsize) d->width * 4;
  int passes;

  png_set_read_fn (png, d, read_cb);
  png_set_user_limits (png, TS_PNG_MAX_SIDE, TS_PNG_MAX_SIDE);
  png_set_chunk_malloc_max (png, MAX_CHUNK_MALLOC);
  /* A CRC mismatch is an error in every chunk, not only in critical ones. */
  png_set_crc_action (png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);
  /* Only the pixels matter here: skip text, colour profiles and all other extras. */
  png_set_keep_unknown_chunks (png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
  /* Decoding for display trusts the CRC of every IDAT chunk, which covers each
   * compressed byte, and skips zlib's Adler-32 over the inflated rows: about 7 % of
   * the time. Validating keeps it, to catch a stream an encoder got wrong. */
  if (d->keep_pixels)
    png_set_option (png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);

  png_read_info (png, d->info);
  if (png_get_image_width (png, d->info) != d->width
      || png_get_image_height (png, d->info) != d->height)
    png_error (png, "the image size changed while reading");

  set_rgba8_transforms (d);
  passes = png_set_interlace_handling (png);
  png_read_update_info (png, d->info);
  if (png_get_rowbytes (png, d->info) != row_bytes)
    png_error (png, "unexpected row layout after conversion to RGBA");

  for (int pass = 0; pass < passes; pass++)
    for (guint32 y = 0; y < d->height; y++)
      png_read_row (png, d->keep_pixels ? d->pixels + y * row_bytes : d->pixels, NULL);

  png_read_end (png, NULL);
}

static gboolean
try_read_image (Decoder *d)
{
  if (setjmp (png_jmpbuf (d->png)))
    return FALSE;

  read_image (d);

  return TRUE;
}

/* Decodes @png, already sized by @iter, into d->pixels or a scratch row. */
static gboolean
decode (GBytes          *png,
        TsPngChunkIter  *iter,
        gboolean         keep_pixels,
        guint8         **pixels,
        GError         **error)
{
  Decoder d = { 0 };
  gsize size = (gsize) iter->width * 4 * (keep_pixels ? iter->height : 1);
  gboolean ok;

  d.data = g_bytes_get_data (png, &d.length);
  d.width = iter->width;
  d.height = iter->height;
  d.keep_pixels = keep_pixels;
  d.pixels = g_try_malloc (size);
  if (d.pixels != NULL)
    d.png = png_create_read_struct (PNG_LIBPNG_VER_STRING, d.message, error_cb, warning_cb);
  if (d.png != NULL)
    d.info = png_create_info_struct (d.png);
  if (d.info == NULL)
    {
      png_destroy_read_struct (&d.png, NULL, NULL);
      g_free (d.pixels);
      g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                   _("not enough memory to decode an image of %u × %u pixels"),
                   iter->width, iter->height);
      return FALSE;
    }

  ok = try_read_image (&d);
  png_destroy_read_struct (&d.png, &d.info, NULL);

  if (!ok)
    {
      g_free (d.pixels);

      /* The walker names what is wrong more precisely than libpng, when it finds it. */
      if (!_ts_png_walk_to_end (iter, error))
        return FALSE;
      if (strstr (d.message, "memory") != NULL)
        g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                     _("not enough memory to decode an image of %u × %u pixels"),
                     iter->width, iter->height);
      else
        _ts_png_set_damaged (error, _("the pixel data cannot be read (%s)"), d.message);
      return FALSE;
    }

  if (keep_pixels)
    *pixels = d.pixels;
  else
    g_free (d.pixels);

  return TRUE;
}

/**
 * ts_png_validate:
 * @png: the bytes of a PNG image
 * @width: (out) (optional): the width in pixels
 * @height: (out) (optional): the height in pixels
 * @error: return location for a #TS_PNG_ERROR
 *
 * Checks the whole of @png: the signature, every chunk's bounds, CRC and place, the
 * header against the size limits, and the pixel data, decoded in full without keeping
 * it. Data after the IEND chunk is an error here (ts_png_decode() ignores it).
 *
 * Returns: %TRUE if @png is a valid image within the limits
 */
gboolean
ts_png_validate (GBytes  *png,
                 guint   *width,
                 guint   *height,
                 GError **error)
{
  TsPngChunkIter iter;

  g_return_val_if_fail (png != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_ts_png_read_header (&iter, png, error) || !_ts_png_walk_to_end (&iter, error))
    return FALSE;

  /* The walk above left the iterator at the end; decoding needs only the size. */
  if (!decode (png, &iter, FALSE, NULL, error))
    return FALSE;

  if (width != NULL)
    *width = iter.width;
  if (height != NULL)
    *height = iter.height;

  return TRUE;
}

/**
 * ts_png_decode:
 * @png: the bytes of a PNG image
 * @width: (out) (optional): the width in pixels
 * @height: (out) (optional): the height in pixels
 * @error: return location for a #TS_PNG_ERROR
 *
 * Decodes any PNG image (every colour type and bit depth, transparency from tRNS,
 * Adam7 interlacing) into straight, not premultiplied, RGBA with 8 bits a channel.
 * Sixteen-bit channels keep their high byte. Ancillary chunks are skipped, but a CRC
 * mismatch in any chunk is an error. The size is checked against the limits before
 * anything is allocated. The zlib stream's own Adler-32 checksum is not verified (the
 * chunk CRCs already cover every compressed byte); ts_png_validate() verifies it.
 *
 * Returns: (transfer full) (nullable): the pixels, rows of @width * 4 bytes from the
 *   top, or %NULL on error
 */
GBytes *
ts_png_decode (GBytes  *png,
               guint   *width,
               guint   *height,
               GError **error)
{
  TsPngChunkIter iter;
  guint8 *pixels = NULL;

  g_return_val_if_fail (png != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_ts_png_read_header (&iter, png, error) || !decode (png, &iter, TRUE, &pixels, error))
    return NULL;

  if (width != NULL)
    *width = iter.width;
  if (height != NULL)
    *height = iter.height;

  return g_bytes_new_take (pixels, (gsize) iter.width * iter.height * 4);
}

/* Encoding with libpng */

typedef struct
{
  char          message[MESSAGE_SIZE];
  png_structp   png;
  png_infop     info;
  GByteArray   *out;
  const guint8 *rgba;
  guint         width;
  guint         height;
  gsize         stride;
} Encoder;

static void
write_cb (png_structp png,
          png_bytep   data,
          size_t      size)
{
  Encoder *e = png_get_io_ptr (png);

  if (size > G_MAXUINT - e->out->len)
    png_error (png, "the encoded image is too large");
  g_byte_array_append (e->out, data, (guint) size);
}

static void
flush_cb (png_structp png)
{
}

static void
write_image (Encoder *e)
{
  png_set_write_fn (e->png, e, write_cb, flush_cb);
  png_set_IHDR (e->png, e->info, e->width, e->height, 8, PNG_COLOR_TYPE_RGB_ALPHA,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (e->png, e->info);

  for (guint y = 0; y < e->height; y++)
    png_write_row (e->png, e->rgba + y * e->stride);

  png_write_end (e->png, NULL);
}

static gboolean
try_write_image (Encoder *e)
{
  if (setjmp (png_jmpbuf (e->png)))
    return FALSE;

  write_image (e);

  return TRUE;
}

/**
 * ts_png_encode:
 * @rgba: straight (not premultiplied) RGBA pixels, 8 bits a channel
 * @width: the width in pixels
 * @height: the height in pixels
 * @stride: bytes from one row to the next, at least @width * 4
 * @error: return location for a #TS_PNG_ERROR
 *
 * Encodes the pixels as a non-interlaced RGBA PNG image.
 *
 * Returns: (transfer full) (nullable): the PNG bytes, or %NULL on error
 */
GBytes *
ts_png_encode (const guint8  *rgba,
               guint          width,
               guint          height,
               gsize          stride,
               GError       **error)
{
  Encoder e = { .rgba = rgba, .width = width, .height = height, .stride = stride };
  gboolean ok;

  g_return_val_if_fail (rgba != NULL, NULL);
  g_return_val_if_fail (stride >= (gsize) width * 4, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width == 0 || height == 0)
    {
      g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                   _("an image of %u × %u pixels cannot be saved: it has no pixels"),
                   width, height);
      return NULL;
    }
  if (!_ts_png_check_size (width, height, error))
    return NULL;

  e.png = png_create_write_struct (PNG_LIBPNG_VER_STRING, e.message, error_cb, warning_cb);
  if (e.png != NULL)
    e.info = png_create_info_struct (e.png);
  if (e.info == NULL)
    {
      png_destroy_write_struct (&e.png, NULL);
      g_set_error_literal (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                           _("not enough memory to encode a PNG image"));
      return NULL;
    }

  /* Roughly what a photograph compresses to, to spare most reallocations. */
  e.out = g_byte_array_sized_new ((guint) MIN ((gsize) width * height * 2, 16 * 1024 * 1024));
  ok = try_write_image (&e);
  png_destroy_write_struct (&e.png, &e.info);

  if (!ok)
    {
      g_byte_array_unref (e.out);
      g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                   _("the PNG image could not be encoded: %s"), e.message);
      return NULL;
    }

  return g_byte_array_free_to_bytes (e.out);
}

