/* mock-images.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <zlib.h>

#include "mock-protocols.h"
#include "ts-png.h"

/* A real PNG, @width × @height, a gradient. */
GBytes *
mock_png_new (guint width,
              guint height)
{
  g_autofree guint8 *rgba = g_malloc ((gsize) width * height * 4);
  g_autoptr(GError) error = NULL;
  GBytes *png;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *pixel = rgba + ((gsize) y * width + x) * 4;

        pixel[0] = x * 255 / MAX (width - 1, 1);
        pixel[1] = y * 255 / MAX (height - 1, 1);
        pixel[2] = 128;
        pixel[3] = 255;
      }

  png = ts_png_encode (rgba, width, height, (gsize) width * 4, &error);
  g_assert_no_error (error);

  return png;
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              guint32       length)
{
  guint32 be_length = GUINT32_TO_BE (length);
  guint32 crc = crc32 (0, (const Bytef *) type, 4);
  guint32 be_crc;

  crc = crc32 (crc, data, length);
  be_crc = GUINT32_TO_BE (crc);
  g_byte_array_append (png, (const guint8 *) &be_length, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, length);
  g_byte_array_append (png, (const guint8 *) &be_crc, 4);
}

/* A PNG whose header claims 100,000 × 100,000 pixels, with sound CRCs: a decoder that
 * trusts it would try to allocate 40 GB. */
GBytes *
mock_png_huge (void)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[13] = { 0 };
  guint32 side = GUINT32_TO_BE (100000);
  guint8 idat[] = { 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };

  memcpy (ihdr, &side, 4);
  memcpy (ihdr + 4, &side, 4);
  ihdr[8] = 8;   /* bit depth */
  ihdr[9] = 6;   /* RGBA */
  g_byte_array_append (png, signature, sizeof signature);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT", idat, sizeof idat);
  append_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (png);
}

char *
mock_base64 (GBytes *bytes)
{
  gsize size;
  const guchar *data = g_bytes_get_data (bytes, &size);

  return g_base64_encode (data, size);
}

GArray *
mock_awkward_splits (const char *text,
                     gsize       every)
{
  GArray *splits = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize length = strlen (text);

  for (gsize i = 1; i < length; i++)
    {
      /* Inside a multi-byte character: after its lead byte. */
      gboolean mid_character = ((guchar) text[i] & 0xc0) == 0x80 && ((guchar) text[i - 1] & 0xc0) == 0xc0;

      if (mid_character || i % every == 0)
        g_array_append_val (splits, i);
    }

  return splits;
}
