/* test-png.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-png.h"

#include <setjmp.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

/* Every image here is made in the test: with libpng's own writer for the decoding
 * matrix, and chunk by chunk for the damaged and foreign ones. */

/* Helpers: bytes and chunks */

static void
put_be32 (guint8  *p,
          guint32  value)
{
  p[0] = value >> 24;
  p[1] = value >> 16;
  p[2] = value >> 8;
  p[3] = value;
}

static void
append_chunk (GByteArray  *png,
              const char  *type,
              const void  *data,
              gsize        length)
{
  guint8 field[4];
  guint32 crc = crc32 (0, (const Bytef *) type, 4);

  /* zlib's crc32() restarts at 0 when given NULL. */
  if (length > 0)
    crc = crc32 (crc, data, length);
  put_be32 (field, length);
  g_byte_array_append (png, field, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, length);
  put_be32 (field, crc);
  g_byte_array_append (png, field, 4);
}

static GByteArray *
start_png (guint32 width,
           guint32 height,
           guint8  depth,
           guint8  color_type)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[13] = { 0 };

  put_be32 (ihdr, width);
  put_be32 (ihdr + 4, height);
  ihdr[8] = depth;
  ihdr[9] = color_type;
  g_byte_array_append (png, signature, 8);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);

  return png;
}

static guint32
get_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* Counts the chunks of @type, and gives the offset of the first one in @first (-1 when
 * there is none). */
static guint
scan_chunks (GBytes     *png,
             const char *type,
             gssize     *first)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (png, &length);
  guint n = 0;

  *first = -1;
  for (gsize offset = 8; offset + 12 <= length; offset += 12 + (gsize) get_be32 (data + offset))
    {
      if (memcmp (data + offset + 4, type, 4) != 0)
        continue;
      if (n++ == 0)
        *first = offset;
    }

  return n;
}

static gssize
find_chunk (GBytes     *png,
            const char *type)
{
  gssize first;

  scan_chunks (png, type, &first);

  return first;
}

static guint
count_chunks (GBytes     *png,
              const char *type)
{
  gssize first;

  return scan_chunks (png, type, &first);
}

/* A copy of @png with a chunk inserted before the first chunk of type @before. */
static GBytes *
insert_chunk (GBytes      *png,
              const char  *before,
              const char  *type,
              const void  *data,
              gsize        length)
{
  gsize size;
  const guint8 *bytes = g_bytes_get_data (png, &size);
  gssize at = find_chunk (png, before);
  GByteArray *out = g_byte_array_new ();

  g_assert_cmpint (at, >, 0);
  g_byte_array_append (out, bytes, at);
  append_chunk (out, type, data, length);
  g_byte_array_append (out, bytes + at, size - at);

  return g_byte_array_free_to_bytes (out);
}

static GBytes *
copy_with (GBytes *png,
           gsize   offset,
           guint8  xor_mask)
{
  gsize size;
  guint8 *copy = g_memdup2 (g_bytes_get_data (png, &size), g_bytes_get_size (png));

  g_assert_cmpuint (offset, <, size);
  copy[offset] ^= xor_mask;

  return g_bytes_new_take (copy, size);
}

static GBytes *
zlib_compress (const void *data,
               gsize       length)
{
  uLongf size = compressBound (length);
  guint8 *out = g_malloc (size);

  g_assert_cmpint (compress2 (out, &size, data, length, 9), ==, Z_OK);

  return g_bytes_new_take (out, size);
}

/* A text chunk body: "keyword\0" then @rest. */
static GBytes *
text_body (const char *keyword,
           const void *rest,
           gsize       rest_length)
{
  GByteArray *body = g_byte_array_new ();

  g_byte_array_append (body, (const guint8 *) keyword, strlen (keyword) + 1);
  g_byte_array_append (body, rest, rest_length);

  return g_byte_array_free_to_bytes (body);
}

/* An iTXt body: keyword, flag, method, language, translated keyword, then @text as is. */
static GBytes *
itxt_body (const char *keyword,
           gboolean    compressed,
           const void *text,
           gsize       length)
{
  GByteArray *body = g_byte_array_new ();
  guint8 flags[2] = { compressed, 0 };

  g_byte_array_append (body, (const guint8 *) keyword, strlen (keyword) + 1);
  g_byte_array_append (body, flags, 2);
  g_byte_array_append (body, (const guint8 *) "en\0Titel", 9);
  g_byte_array_append (body, text, length);

  return g_byte_array_free_to_bytes (body);
}

static GBytes *
with_chunk (GBytes     *png,
            const char *before,
            const char *type,
            GBytes     *body)
{
  return insert_chunk (png, before, type, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* A small valid RGBA image with a gradient. */
static GBytes *
small_png (guint width,
           guint height)
{
  g_autofree guint8 *rgba = g_malloc ((gsize) width * height * 4);
  g_autoptr(GError) error = NULL;
  GBytes *png;

  for (guint i = 0; i < width * height * 4; i++)
    rgba[i] = (guint8) (i * 7 + i / 5);

  png = ts_png_encode (rgba, width, height, (gsize) width * 4, &error);
  g_assert_no_error (error);

  return png;
}

/* The decoding matrix */

typedef struct
{
  int     color_type;
  int     depth;
  int     interlace;
  gboolean trns;
} Kind;

static int
channels_of (int color_type)
{
  switch (color_type)
    {
    case PNG_COLOR_TYPE_GRAY: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    case PNG_COLOR_TYPE_PALETTE: return 1;
    default: g_assert_not_reached ();
    }
}

static guint8
to8 (guint value,
     int   depth)
{
  return depth == 16 ? value >> 8 : (guint8) (value * 255 / ((1u << depth) - 1));
}

static void
write_bytes_cb (png_structp png,
                png_bytep   data,
                size_t      length)
{
  g_byte_array_append (png_get_io_ptr (png), data, length);
}

static void
flush_nothing_cb (png_structp png)
{
}

/* Packs samples the way PNG stores them: big-endian 16-bit, or several to a byte. */
static guint8 *
pack_row (const guint16 *samples,
          guint          n,
          int            depth)
{
  guint8 *row = g_malloc0 ((n * depth + 7) / 8);

  for (guint i = 0; i < n; i++)
    {
      if (depth == 16)
        {
          row[2 * i] = samples[i] >> 8;
          row[2 * i + 1] = samples[i] & 0xff;
        }
      else
        {
          guint bit = i * depth;

          row[bit / 8] |= samples[i] << (8 - depth - bit % 8);
        }
    }

  return row;
}

/* Writes an image of @kind with libpng, filling @expected with the RGBA it shows. */
static GBytes *
write_kind (const Kind *kind,
            guint       width,
            guint       height,
            GRand      *rand,
            guint8     *expected)
{
  int channels = channels_of (kind->color_type);
  guint max = (1u << kind->depth) - 1;
  g_autofree guint16 *samples = g_new (guint16, (gsize) width * height * channels);
  g_autofree guint8 **rows = g_new0 (guint8 *, height);
  png_color palette[256];
  guint8 palette_alpha[256];
  png_color_16 trns_color = { 0 };
  guint n_palette = MIN (max + 1, 200);
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);

  for (guint i = 0; i < n_palette; i++)
    {
      palette[i].red = g_rand_int_range (rand, 0, 256);
      palette[i].green = g_rand_int_range (rand, 0, 256);
      palette[i].blue = g_rand_int_range (rand, 0, 256);
      palette_alpha[i] = g_rand_int_range (rand, 0, 256);
    }
  trns_color.gray = g_rand_int_range (rand, 0, (gint32) max + 1);
  trns_color.red = g_rand_int_range (rand, 0, (gint32) max + 1);
  trns_color.green = g_rand_int_range (rand, 0, (gint32) max + 1);
  trns_color.blue = g_rand_int_range (rand, 0, (gint32) max + 1);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint16 *s = samples + ((gsize) y * width + x) * channels;
        guint8 *e = expected + ((gsize) y * width + x) * 4;
        /* Every fifth pixel takes the transparent colour, so tRNS is exercised. */
        gboolean pick_trns = (x + 2 * y) % 5 == 0;

        for (int c = 0; c < channels; c++)
          s[c] = kind->color_type == PNG_COLOR_TYPE_PALETTE
                 ? g_rand_int_range (rand, 0, (gint32) n_palette)
                 : g_rand_int_range (rand, 0, (gint32) max + 1);

        switch (kind->color_type)
          {
          case PNG_COLOR_TYPE_PALETTE:
            e[0] = palette[s[0]].red;
            e[1] = palette[s[0]].green;
            e[2] = palette[s[0]].blue;
            /* Only the first half of the entries has an alpha in tRNS. */
            e[3] = kind->trns && s[0] < n_palette / 2 + 1 ? palette_alpha[s[0]] : 255;
            break;
          case PNG_COLOR_TYPE_GRAY:
          case PNG_COLOR_TYPE_GRAY_ALPHA:
            if (kind->trns && pick_trns)
              s[0] = trns_color.gray;
            e[0] = e[1] = e[2] = to8 (s[0], kind->depth);
            e[3] = channels == 2 ? to8 (s[1], kind->depth)
                   : kind->trns && s[0] == trns_color.gray ? 0 : 255;
            break;
          default:
            if (kind->trns && pick_trns)
              {
                s[0] = trns_color.red;
                s[1] = trns_color.green;
                s[2] = trns_color.blue;
              }
            for (int c = 0; c < 3; c++)
              e[c] = to8 (s[c], kind->depth);
            e[3] = channels == 4 ? to8 (s[3], kind->depth)
                   : kind->trns && s[0] == trns_color.red && s[1] == trns_color.green
                     && s[2] == trns_color.blue ? 0 : 255;
          }
      }

  for (guint y = 0; y < height; y++)
    rows[y] = pack_row (samples + (gsize) y * width * channels, width * channels, kind->depth);

  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng could not write a test image");

  png_set_write_fn (png, out, write_bytes_cb, flush_nothing_cb);
  png_set_IHDR (png, info, width, height, kind->depth, kind->color_type, kind->interlace,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (kind->color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_PLTE (png, info, palette, n_palette);
  if (kind->trns)
    png_set_tRNS (png, info, palette_alpha, n_palette / 2 + 1, &trns_color);
  png_write_info (png, info);
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);

  for (guint y = 0; y < height; y++)
    g_free (rows[y]);

  return g_byte_array_free_to_bytes (out);
}

static void
test_decode_matrix (void)
{
  static const struct { int color_type; int depths[5]; gboolean can_trns; } types[] = {
    { PNG_COLOR_TYPE_GRAY, { 1, 2, 4, 8, 16 }, TRUE },
    { PNG_COLOR_TYPE_RGB, { 8, 16 }, TRUE },
    { PNG_COLOR_TYPE_PALETTE, { 1, 2, 4, 8 }, TRUE },
    { PNG_COLOR_TYPE_GRAY_ALPHA, { 8, 16 }, FALSE },
    { PNG_COLOR_TYPE_RGB_ALPHA, { 8, 16 }, FALSE },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint n_images = 0;

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    for (guint d = 0; d < 5 && types[t].depths[d] != 0; d++)
      for (int interlace = 0; interlace < 2; interlace++)
        for (int trns = 0; trns <= types[t].can_trns; trns++)
          for (guint tiny = 0; tiny < 2; tiny++)
            {
              Kind kind = { types[t].color_type, types[t].depths[d], interlace, trns };
              /* Odd sizes, so packed rows end part-way, and tiny ones, so some Adam7
               * passes are empty. */
              guint width = tiny ? 1 + d % 3 : 13 + d;
              guint height = tiny ? 1 + interlace : 11 + 2 * interlace;
              g_autofree guint8 *expected = g_malloc ((gsize) width * height * 4);
              g_autoptr(GBytes) png = write_kind (&kind, width, height, rand, expected);
              g_autoptr(GBytes) rgba = NULL;
              g_autoptr(GError) error = NULL;
              guint w = 0, h = 0;
  
              g_test_message ("colour type %d, depth %d, interlace %d, tRNS %d, %u × %u",
                              kind.color_type, kind.depth, interlace, trns, width, height);
              g_assert_cmpint (find_chunk (png, "tRNS") >= 0, ==, trns);
  
              rgba = ts_png_decode (png, &w, &h, &error);
              g_assert_no_error (error);
              g_assert_cmpuint (w, ==, width);
              g_assert_cmpuint (h, ==, height);
              g_assert_cmpmem (g_bytes_get_data (rgba, NULL), g_bytes_get_size (rgba),
                               expected, (gsize) width * height * 4);
  
              w = h = 0;
              g_assert_true (ts_png_validate (png, &w, &h, &error));
              g_assert_no_error (error);
              g_assert_cmpuint (w, ==, width);
              g_assert_cmpuint (h, ==, height);
              n_images++;
            }

  /* 5 + 2 + 4 depths with and without tRNS, 2 + 2 without, each interlaced or not, in
   * two sizes. */
  g_assert_cmpuint (n_images, ==, (11 * 2 + 4) * 2 * 2);
}

static void
test_encode_round_trip (void)
{
  const guint width = 301, height = 77;
  const gsize stride = width * 4 + 12;
  g_autofree guint8 *rgba = g_malloc0 (stride * height);
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *pixels;
  guint w, h;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width * 4; x++)
      rgba[y * stride + x] = (x % 4 == 3 && y % 3 == 0) ? 0 : g_rand_int_range (rand, 0, 256);

  png = ts_png_encode (rgba, width, height, stride, &error);
  g_assert_no_error (error);
  /* Big enough noise to need several IDAT chunks. */
  g_assert_cmpuint (count_chunks (png, "IDAT"), >, 1);

  decoded = ts_png_decode (png, &w, &h, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (w, ==, width);
  g_assert_cmpuint (h, ==, height);
  pixels = g_bytes_get_data (decoded, NULL);
  for (guint y = 0; y < height; y++)
    g_assert_cmpmem (pixels + y * width * 4, width * 4, rgba + y * stride, width * 4);

  g_assert_true (ts_png_validate (png, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_encode_errors (void)
{
  g_autofree guint8 *row = g_malloc0 ((TS_PNG_MAX_SIDE + 1) * 4);
  g_autoptr(GError) error = NULL;
  GBytes *png;

  png = ts_png_encode (row, 0, 1, 4, &error);
  g_assert_null (png);
  g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED);
  g_clear_error (&error);

  png = ts_png_encode (row, TS_PNG_MAX_SIDE + 1, 1, (TS_PNG_MAX_SIDE + 1) * 4, &error);
  g_assert_null (png);
  g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_TOO_LARGE);
}

/* Text chunks */

static char *
get_text (GBytes     *png,
          const char *keyword)
{
  g_autoptr(GError) error = NULL;
  char *text = ts_png_get_text (png, keyword, &error);

  g_assert_no_error (error);

  return text;
}

static GBytes *
set_text (GBytes     *png,
          const char *keyword,
          const char *text)
{
  g_autoptr(GError) error = NULL;
  GBytes *result = ts_png_set_text (png, keyword, text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

/* The bytes of the IDAT chunks of @png (the pixel data), which are consecutive. */
static GBytes *
pixel_chunks (GBytes *png)
{
  const guint8 *data = g_bytes_get_data (png, NULL);
  gssize start = find_chunk (png, "IDAT");
  gsize end = start;

  g_assert_cmpint (start, >, 0);
  while (memcmp (data + end + 4, "IDAT", 4) == 0)
    end += 12 + (gsize) get_be32 (data + end);

  return g_bytes_new_from_bytes (png, start, end - start);
}

static void
test_text_round_trip (void)
{
  g_autoptr(GBytes) png = small_png (40, 30);
  g_autoptr(GBytes) one = NULL;
  g_autoptr(GBytes) two = NULL;
  g_autoptr(GBytes) three = NULL;
  g_autoptr(GBytes) pixels_before = pixel_chunks (png);
  g_autoptr(GBytes) pixels_after = NULL;
  g_autoptr(GBytes) rgba_before = ts_png_decode (png, NULL, NULL, NULL);
  g_autoptr(GBytes) rgba_after = NULL;
  g_autofree char *absent = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *other = NULL;
  g_autofree char *latin = NULL;
  g_autofree char *big = g_strnfill (3 * 1024 * 1024, 'x');
  g_autofree char *big_back = NULL;
  g_autoptr(GBytes) with_big = NULL;
  const char *json = "{\"title\": \"Wörter & 画像 🎨\",\n \"seed\": 42}";
  gssize iend;

  absent = get_text (png, "tessera");
  g_assert_null (absent);

  one = set_text (png, "tessera", json);
  first = get_text (one, "tessera");
  g_assert_cmpstr (first, ==, json);
  g_assert_cmpuint (count_chunks (one, "iTXt"), ==, 1);
  /* Inserted right before IEND, which stays last. */
  iend = find_chunk (one, "IEND");
  g_assert_cmpint (iend + 12, ==, g_bytes_get_size (one));
  g_assert_true (ts_png_validate (one, NULL, NULL, NULL));

  two = set_text (one, "parameters", "a cat\nSteps: 20, Seed: 123");
  three = set_text (two, "tessera", "replaced");
  second = get_text (three, "tessera");
  other = get_text (three, "parameters");
  g_assert_cmpstr (second, ==, "replaced");
  g_assert_cmpstr (other, ==, "a cat\nSteps: 20, Seed: 123");
  g_assert_cmpuint (count_chunks (three, "iTXt"), ==, 2);

  /* The pixel chunks are copied byte for byte. */
  pixels_after = pixel_chunks (three);
  g_assert_true (g_bytes_equal (pixels_before, pixels_after));
  rgba_after = ts_png_decode (three, NULL, NULL, NULL);
  g_assert_nonnull (rgba_after);
  g_assert_true (g_bytes_equal (rgba_before, rgba_after));

  /* A Latin-1 keyword outside ASCII, and an empty text. */
  g_clear_pointer (&one, g_bytes_unref);
  one = set_text (png, "Größe", "");
  latin = get_text (one, "Größe");
  g_assert_cmpstr (latin, ==, "");

  with_big = set_text (png, "tessera", big);
  big_back = get_text (with_big, "tessera");
  g_assert_cmpstr (big_back, ==, big);
  /* Stored compressed. */
  g_assert_cmpuint (g_bytes_get_size (with_big), <, g_bytes_get_size (png) + 64 * 1024);
}

static void
test_text_keywords (void)
{
  static const char *invalid[] = {
    "", " lead", "trail ", "two  spaces", "tab\there", "ключ", "emoji 🎨", "new\nline",
    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901",
  };
  g_autoptr(GBytes) png = small_png (2, 2);
  g_autofree char *longest = g_strnfill (79, 'k');
  g_autoptr(GBytes) with_longest = set_text (png, longest, "ok");
  g_autofree char *back = get_text (with_longest, longest);

  g_assert_cmpstr (back, ==, "ok");

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) result = ts_png_set_text (png, invalid[i], "text", &error);
      char *text;

      g_assert_null (result);
      g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "not a valid PNG text keyword"));
      g_clear_error (&error);

      text = ts_png_get_text (png, invalid[i], &error);
      g_assert_null (text);
      g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED);
    }
}

static void
test_text_invalid_utf8 (void)
{
  g_autoptr(GBytes) png = small_png (2, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) result = ts_png_set_text (png, "tessera", "bad \xff byte", &error);

  g_assert_null (result);
  g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED);
}

/* Text as other tools write it: tEXt, zTXt, and iTXt compressed or not, before or after
 * the pixel data. */
static void
test_text_foreign (void)
{
  const char *a1111 = "a lighthouse\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, "
                      "CFG scale: 7, Seed: 123, Size: 512x512, Model: v1-5-pruned-emaonly";
  const char *latin1 = "caf\xe9 cr\xe8me";   /* "café crème" in Latin-1 */
  const char *utf8 = "{\"prompt\": \"café 画像\"}";
  g_autoptr(GBytes) png = small_png (8, 8);
  g_autoptr(GBytes) z_latin1 = zlib_compress (latin1, strlen (latin1));
  g_autoptr(GBytes) z_utf8 = zlib_compress (utf8, strlen (utf8));
  g_autoptr(GBytes) ztxt_rest = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) p1 = NULL, p2 = NULL, p3 = NULL, p4 = NULL, p5 = NULL;
  g_autoptr(GBytes) replaced = NULL;
  GByteArray *rest = g_byte_array_new ();
  char *text;

  body = text_body ("parameters", a1111, strlen (a1111));
  p1 = with_chunk (png, "IDAT", "tEXt", body);
  g_clear_pointer (&body, g_bytes_unref);

  g_byte_array_append (rest, (const guint8 *) "", 1);    /* compression method 0 */
  g_byte_array_append (rest, g_bytes_get_data (z_latin1, NULL), g_bytes_get_size (z_latin1));
  ztxt_rest = g_byte_array_free_to_bytes (rest);
  body = text_body ("Comment", g_bytes_get_data (ztxt_rest, NULL), g_bytes_get_size (ztxt_rest));
  p2 = with_chunk (p1, "IEND", "zTXt", body);
  g_clear_pointer (&body, g_bytes_unref);

  body = itxt_body ("workflow", FALSE, utf8, strlen (utf8));
  p3 = with_chunk (p2, "IDAT", "iTXt", body);
  g_clear_pointer (&body, g_bytes_unref);

  body = itxt_body ("prompt", TRUE, g_bytes_get_data (z_utf8, NULL), g_bytes_get_size (z_utf8));
  p4 = with_chunk (p3, "IEND", "iTXt", body);
  g_clear_pointer (&body, g_bytes_unref);

  text = get_text (p4, "parameters");
  g_assert_cmpstr (text, ==, a1111);
  g_free (text);
  text = get_text (p4, "Comment");
  g_assert_cmpstr (text, ==, "café crème");
  g_free (text);
  text = get_text (p4, "workflow");
  g_assert_cmpstr (text, ==, utf8);
  g_free (text);
  text = get_text (p4, "prompt");
  g_assert_cmpstr (text, ==, utf8);
  g_free (text);
  g_assert_true (ts_png_validate (p4, NULL, NULL, NULL));

  /* Two chunks with the same keyword: both go, one iTXt comes. */
  body = text_body ("parameters", "older", 5);
  p5 = with_chunk (p4, "IEND", "tEXt", body);
  replaced = set_text (p5, "parameters", "new");
  g_assert_cmpuint (count_chunks (replaced, "tEXt"), ==, 0);
  g_assert_cmpuint (count_chunks (replaced, "zTXt"), ==, 1);
  g_assert_cmpuint (count_chunks (replaced, "iTXt"), ==, 3);
  text = get_text (replaced, "parameters");
  g_assert_cmpstr (text, ==, "new");
  g_free (text);
}

/* The text is read without decoding the pixels: damaged pixel data with valid CRCs
 * does not stop it. */
static void
test_text_without_pixels (void)
{
  g_autoptr(GByteArray) array = start_png (4, 4, 8, 6);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) edited = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  append_chunk (array, "IDAT", "not zlib data", 13);
  append_chunk (array, "IEND", NULL, 0);
  png = g_bytes_new (array->data, array->len);

  g_assert_null (ts_png_decode (png, NULL, NULL, &error));
  g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "the pixel data cannot be read"));
  g_clear_error (&error);

  edited = set_text (png, "tessera", "still readable");
  text = get_text (edited, "tessera");
  g_assert_cmpstr (text, ==, "still readable");
}

/* Damaged and hostile images */

/* The zlib data of an image of grey 8-bit rows, all zero, filter type 0. */
static GBytes *
zero_pixels (guint width,
             guint height)
{
  g_autofree guint8 *raw = g_malloc0 ((gsize) (width + 1) * height);

  return zlib_compress (raw, (gsize) (width + 1) * height);
}

/* A grey 8-bit image made chunk by chunk, its pixel data split into two IDAT chunks,
 * with @between (a chunk type, or NULL) placed between them. */
static GBytes *
grey_png (guint32     width,
          guint32     height,
          const char *between)
{
  g_autoptr(GBytes) z = zero_pixels (MIN (width, 64), MIN (height, 64));
  GByteArray *png = start_png (width, height, 8, 0);
  const guint8 *data = g_bytes_get_data (z, NULL);
  gsize half = g_bytes_get_size (z) / 2;

  append_chunk (png, "IDAT", data, half);
  if (between != NULL)
    append_chunk (png, between, "x", 1);
  append_chunk (png, "IDAT", data + half, g_bytes_get_size (z) - half);
  append_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (png);
}

/* Checks that every entry point refuses @png with @code, and returns the message. */
static char *
expect_error (GBytes     *png,
              TsPngError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) rgba = ts_png_decode (png, NULL, NULL, &error);
  g_autoptr(GBytes) edited = NULL;
  g_autofree char *message = NULL;
  char *text;

  g_assert_null (rgba);
  g_assert_error (error, TS_PNG_ERROR, (int) code);
  message = g_strdup (error->message);
  g_clear_error (&error);

  g_assert_false (ts_png_validate (png, NULL, NULL, &error));
  g_assert_error (error, TS_PNG_ERROR, (int) code);
  g_clear_error (&error);

  if (code == TS_PNG_ERROR_TOO_LARGE)
    return g_steal_pointer (&message);

  text = ts_png_get_text (png, "tessera", &error);
  g_assert_null (text);
  g_assert_error (error, TS_PNG_ERROR, (int) code);
  g_clear_error (&error);

  edited = ts_png_set_text (png, "tessera", "x", &error);
  g_assert_null (edited);
  g_assert_error (error, TS_PNG_ERROR, (int) code);

  return g_steal_pointer (&message);
}

static void
test_not_png (void)
{
  static const char *others[] = {
    "GIF89a\x01\x00\x01\x00", "\xff\xd8\xff\xe0\x00\x10JFIF", "<html>Bad Gateway</html>",
    "\x89PNG\r\n\x1a\r",  /* a signature mangled by a text-mode transfer */
  };
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autofree char *message = expect_error (empty, TS_PNG_ERROR_NOT_PNG);

  g_assert_cmpstr (message, ==, "not a PNG image: the data is empty");

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (others[i], strlen (others[i]));
      g_autofree char *other = expect_error (bytes, TS_PNG_ERROR_NOT_PNG);

      g_assert_cmpstr (other, ==, "not a PNG image");
    }
}

/* Every prefix of a small image with a text chunk is an error, never a crash. */
static void
test_truncated (void)
{
  g_autoptr(GBytes) plain = small_png (5, 4);
  g_autoptr(GBytes) png = set_text (plain, "tessera", "a recipe to be cut off");
  gsize size = g_bytes_get_size (png);

  for (gsize length = 1; length < size; length++)
    {
      g_autoptr(GBytes) prefix = g_bytes_new_from_bytes (png, 0, length);
      g_autofree char *message = expect_error (prefix, TS_PNG_ERROR_CORRUPT);

      g_assert_true (g_str_has_prefix (message, "the PNG image is damaged: "));
    }
}

static void
test_crc (void)
{
  g_autoptr(GBytes) plain = small_png (6, 6);
  g_autoptr(GBytes) png = set_text (plain, "tessera", "text");
  gssize idat = find_chunk (png, "IDAT");
  gssize itxt = find_chunk (png, "iTXt");
  g_autoptr(GBytes) bad_data = copy_with (png, idat + 9, 0x01);
  g_autoptr(GBytes) bad_crc = copy_with (png, find_chunk (png, "IEND") - 1, 0x80);
  g_autoptr(GBytes) bad_text = copy_with (png, itxt + 8, 0x20);
  g_autofree char *m1 = expect_error (bad_data, TS_PNG_ERROR_CORRUPT);
  g_autofree char *m2 = expect_error (bad_crc, TS_PNG_ERROR_CORRUPT);
  g_autofree char *m3 = expect_error (bad_text, TS_PNG_ERROR_CORRUPT);

  g_assert_cmpstr (m1, ==, "the PNG image is damaged: CRC mismatch in chunk IDAT");
  /* The byte before IEND is the last byte of the iTXt chunk's CRC. */
  g_assert_cmpstr (m2, ==, "the PNG image is damaged: CRC mismatch in chunk iTXt");
  g_assert_cmpstr (m3, ==, "the PNG image is damaged: CRC mismatch in chunk iTXt");
}

static void
test_bad_header (void)
{
  static const struct { guint32 width; guint32 height; guint8 depth; guint8 color; } cases[] = {
    { 4, 4, 3, 0 }, { 4, 4, 8, 5 }, { 4, 4, 16, 3 }, { 4, 4, 4, 2 }, { 0, 4, 8, 0 },
    { 4, 0, 8, 0 }, { 0x80000000u, 4, 8, 0 },
  };
  g_autoptr(GBytes) z = zero_pixels (4, 4);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) array = start_png (cases[i].width, cases[i].height,
                                               cases[i].depth, cases[i].color);
      g_autoptr(GBytes) png = NULL;
      g_autofree char *message = NULL;

      append_chunk (array, "IDAT", g_bytes_get_data (z, NULL), g_bytes_get_size (z));
      append_chunk (array, "IEND", NULL, 0);
      png = g_bytes_new (array->data, array->len);
      message = expect_error (png, TS_PNG_ERROR_CORRUPT);
      g_test_message ("%s", message);
      g_assert_nonnull (strstr (message, "IHDR"));
    }

  /* A short IHDR, an unknown interlace method, and another chunk first. */
  {
    static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    guint8 ihdr[13] = { 0, 0, 0, 4, 0, 0, 0, 4, 8, 0, 0, 0, 2 };
    const char *firsts[] = { "IHDR", "IHDR", "tEXt" };
    gsize lengths[] = { 12, 13, 13 };

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(GByteArray) array = g_byte_array_new ();
        g_autoptr(GBytes) png = NULL;
        g_autofree char *message = NULL;

        g_byte_array_append (array, signature, 8);
        append_chunk (array, firsts[i], ihdr, lengths[i]);
        append_chunk (array, "IDAT", g_bytes_get_data (z, NULL), g_bytes_get_size (z));
        append_chunk (array, "IEND", NULL, 0);
        png = g_bytes_new (array->data, array->len);
        message = expect_error (png, TS_PNG_ERROR_CORRUPT);
        g_test_message ("%s", message);
      }
  }
}

static void
test_too_large (void)
{
  static const guint32 sizes[][2] = {
    { 100000, 100000 }, { TS_PNG_MAX_SIDE + 1, 1 }, { 1, TS_PNG_MAX_SIDE + 1 },
    { TS_PNG_MAX_SIDE, TS_PNG_MAX_PIXELS / TS_PNG_MAX_SIDE + 1 }, { 0x7fffffff, 0x7fffffff },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) png = grey_png (sizes[i][0], sizes[i][1], NULL);
      gint64 start = g_get_monotonic_time ();
      g_autofree char *message = expect_error (png, TS_PNG_ERROR_TOO_LARGE);
      g_autofree char *text = NULL;

      /* Refused from the header alone, before any allocation. */
      g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
      g_test_message ("%s", message);
      /* Text chunks can still be read: that needs no pixels. */
      text = get_text (png, "tessera");
      g_assert_null (text);
    }

  {
    g_autoptr(GBytes) png = grey_png (20000, 20000, NULL);
    g_autofree char *message = expect_error (png, TS_PNG_ERROR_TOO_LARGE);

    g_assert_cmpstr (message, ==, "the image is 20000 × 20000 pixels; the largest accepted is "
                                  "16384 a side and 64 megapixels");
  }
}

static void
test_structure (void)
{
  g_autoptr(GBytes) split = grey_png (64, 64, NULL);
  g_autoptr(GBytes) apart = grey_png (64, 64, "tEXt");
  g_autoptr(GBytes) critical = grey_png (64, 64, "ABCD");
  g_autoptr(GBytes) plain = small_png (3, 3);
  g_autoptr(GByteArray) trailing = g_byte_array_new ();
  g_autoptr(GBytes) with_trailing = NULL;
  g_autoptr(GBytes) no_iend = g_bytes_new_from_bytes (plain, 0, find_chunk (plain, "IEND"));
  g_autoptr(GByteArray) no_idat = start_png (4, 4, 8, 0);
  g_autoptr(GByteArray) no_plte = start_png (4, 4, 8, 3);
  g_autoptr(GBytes) z = zero_pixels (4, 4);
  g_autoptr(GBytes) rgba = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *m1 = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL, *m5 = NULL;

  /* Pixel data split over consecutive IDAT chunks is fine. */
  rgba = ts_png_decode (split, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ts_png_validate (split, NULL, NULL, &error));

  m1 = expect_error (apart, TS_PNG_ERROR_CORRUPT);
  g_assert_nonnull (strstr (m1, "not consecutive"));
  m2 = expect_error (critical, TS_PNG_ERROR_CORRUPT);
  g_assert_nonnull (strstr (m2, "ABCD"));
  m3 = expect_error (no_iend, TS_PNG_ERROR_CORRUPT);
  g_assert_nonnull (strstr (m3, "IEND"));

  append_chunk (no_idat, "IEND", NULL, 0);
  {
    g_autoptr(GBytes) png = g_bytes_new (no_idat->data, no_idat->len);

    m4 = expect_error (png, TS_PNG_ERROR_CORRUPT);
    g_assert_nonnull (strstr (m4, "no IDAT"));
  }
  append_chunk (no_plte, "IDAT", g_bytes_get_data (z, NULL), g_bytes_get_size (z));
  append_chunk (no_plte, "IEND", NULL, 0);
  {
    g_autoptr(GBytes) png = g_bytes_new (no_plte->data, no_plte->len);

    m5 = expect_error (png, TS_PNG_ERROR_CORRUPT);
    g_assert_nonnull (strstr (m5, "PLTE"));
  }

  /* Bytes after IEND: decoding ignores them, validating does not. */
  g_byte_array_append (trailing, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  g_byte_array_append (trailing, (const guint8 *) "junk", 4);
  with_trailing = g_bytes_new (trailing->data, trailing->len);
  g_clear_pointer (&rgba, g_bytes_unref);
  rgba = ts_png_decode (with_trailing, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ts_png_validate (with_trailing, NULL, NULL, &error));
  g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "4 bytes"));
}

/* A zlib stream whose Adler-32 is wrong though every chunk CRC is right: an encoder's
 * mistake, not damage in transit. Validating refuses it; decoding, which relies on the
 * CRCs, shows the pixels. */
static void
test_adler32 (void)
{
  g_autoptr(GBytes) z = zero_pixels (8, 8);
  g_autofree guint8 *stream = g_memdup2 (g_bytes_get_data (z, NULL), g_bytes_get_size (z));
  g_autoptr(GByteArray) array = start_png (8, 8, 8, 0);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) rgba = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *pixels;

  stream[g_bytes_get_size (z) - 1] ^= 0x55;
  append_chunk (array, "IDAT", stream, g_bytes_get_size (z));
  append_chunk (array, "IEND", NULL, 0);
  png = g_bytes_new (array->data, array->len);

  g_assert_false (ts_png_validate (png, NULL, NULL, &error));
  g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  rgba = ts_png_decode (png, NULL, NULL, &error);
  g_assert_no_error (error);
  pixels = g_bytes_get_data (rgba, NULL);
  for (guint i = 0; i < 8 * 8 * 4; i++)
    g_assert_cmpuint (pixels[i], ==, i % 4 == 3 ? 255 : 0);
}

/* Deflates @size zero bytes without holding them in memory. */
static GBytes *
zlib_zeros (gsize size)
{
  g_autofree guint8 *zeros = g_malloc0 (1024 * 1024);
  GByteArray *out = g_byte_array_new ();
  z_stream stream = { 0 };
  guint8 buffer[16384];
  int status;

  g_assert_cmpint (deflateInit (&stream, 9), ==, Z_OK);
  do
    {
      gsize step = MIN (size, 1024 * 1024);

      size -= step;
      stream.next_in = zeros;
      stream.avail_in = (uInt) step;
      do
        {
          stream.next_out = buffer;
          stream.avail_out = sizeof buffer;
          status = deflate (&stream, size == 0 ? Z_FINISH : Z_NO_FLUSH);
          g_byte_array_append (out, buffer, sizeof buffer - stream.avail_out);
        }
      while (stream.avail_out == 0);
    }
  while (size > 0);
  g_assert_cmpint (status, ==, Z_STREAM_END);
  deflateEnd (&stream);

  return g_byte_array_free_to_bytes (out);
}

static void
test_zlib_bomb (void)
{
  g_autoptr(GBytes) png = small_png (4, 4);
  g_autoptr(GBytes) bomb = zlib_zeros ((gsize) 256 * 1024 * 1024);
  g_autoptr(GBytes) itxt = itxt_body ("tessera", TRUE, g_bytes_get_data (bomb, NULL),
                                      g_bytes_get_size (bomb));
  g_autoptr(GByteArray) ztxt_array = g_byte_array_new ();
  g_autoptr(GBytes) ztxt = NULL;
  g_autoptr(GBytes) with_itxt = with_chunk (png, "IEND", "iTXt", itxt);
  g_autoptr(GBytes) with_ztxt = NULL;
  g_autoptr(GBytes) rgba = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  char *text;

  g_byte_array_append (ztxt_array, (const guint8 *) "Comment\0", 9);
  g_byte_array_append (ztxt_array, g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb));
  ztxt = g_bytes_new (ztxt_array->data, ztxt_array->len);
  with_ztxt = with_chunk (png, "IDAT", "zTXt", ztxt);
  g_test_message ("256 MiB of zeros deflate to %" G_GSIZE_FORMAT " bytes",
                  g_bytes_get_size (bomb));

  text = ts_png_get_text (with_itxt, "tessera", &error);
  g_assert_null (text);
  g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_TOO_LARGE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  text = ts_png_get_text (with_ztxt, "Comment", &error);
  g_assert_null (text);
  g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Stopped at the cap, not after inflating all 256 MiB. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* Pixels and layout are unaffected: the decoder skips text chunks. */
  rgba = ts_png_decode (with_ztxt, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ts_png_validate (with_itxt, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_text_damaged (void)
{
  const char *text = "a text long enough to compress into a stream worth cutting, a text";
  g_autoptr(GBytes) png = small_png (4, 4);
  g_autoptr(GBytes) z = zlib_compress (text, strlen (text));
  g_autoptr(GBytes) cut = g_bytes_new_from_bytes (z, 0, g_bytes_get_size (z) - 6);
  struct { const char *type; GBytes *body; } cases[] = {
    { "iTXt", itxt_body ("k", TRUE, g_bytes_get_data (cut, NULL), g_bytes_get_size (cut)) },
    { "iTXt", itxt_body ("k", TRUE, "not zlib", 8) },
    { "iTXt", itxt_body ("k", FALSE, "bad \xc3\x28 UTF-8", 12) },
    { "iTXt", text_body ("k", "\2\0\0\0", 4) },      /* compression flag 2 */
    { "iTXt", text_body ("k", "\0\0en", 4) },        /* language tag without its NUL */
    { "zTXt", text_body ("k", "\1x", 2) },           /* compression method 1 */
    { "tEXt", text_body ("k", "a\0b", 3) },          /* a NUL inside the text */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) damaged = with_chunk (png, "IEND", cases[i].type, cases[i].body);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) rgba = NULL;
      char *result = ts_png_get_text (damaged, "k", &error);

      g_assert_null (result);
      g_assert_error (error, TS_PNG_ERROR, TS_PNG_ERROR_CORRUPT);
      g_test_message ("%s", error->message);
      g_clear_error (&error);

      /* Other keywords, the pixels, and replacing the text still work. */
      result = ts_png_get_text (damaged, "other", &error);
      g_assert_no_error (error);
      g_assert_null (result);
      rgba = ts_png_decode (damaged, NULL, NULL, &error);
      g_assert_no_error (error);
      {
        g_autoptr(GBytes) fixed = set_text (damaged, "k", "fixed");
        g_autofree char *back = get_text (fixed, "k");

        g_assert_cmpstr (back, ==, "fixed");
      }
      g_bytes_unref (cases[i].body);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/png/decode/matrix", test_decode_matrix);
  g_test_add_func ("/core/png/encode/round-trip", test_encode_round_trip);
  g_test_add_func ("/core/png/encode/errors", test_encode_errors);
  g_test_add_func ("/core/png/text/round-trip", test_text_round_trip);
  g_test_add_func ("/core/png/text/keywords", test_text_keywords);
  g_test_add_func ("/core/png/text/invalid-utf8", test_text_invalid_utf8);
  g_test_add_func ("/core/png/text/foreign", test_text_foreign);
  g_test_add_func ("/core/png/text/without-pixels", test_text_without_pixels);
  g_test_add_func ("/core/png/text/damaged", test_text_damaged);
  g_test_add_func ("/core/png/text/zlib-bomb", test_zlib_bomb);
  g_test_add_func ("/core/png/malformed/not-png", test_not_png);
  g_test_add_func ("/core/png/malformed/truncated", test_truncated);
  g_test_add_func ("/core/png/malformed/crc", test_crc);
  g_test_add_func ("/core/png/malformed/bad-header", test_bad_header);
  g_test_add_func ("/core/png/malformed/too-large", test_too_large);
  g_test_add_func ("/core/png/malformed/structure", test_structure);
  g_test_add_func ("/core/png/malformed/adler32", test_adler32);

  return g_test_run ();
}
