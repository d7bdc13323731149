/* ts-png-chunks.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <zlib.h>

#include "ts-png-private.h"

/* The chunk level of PNG images: a walker of our own that checks the layout and every
 * CRC without decoding pixels, and text chunks read and written by editing chunks, so
 * the pixel data is copied byte for byte. */

#define SIGNATURE_LENGTH 8
#define CHUNK_OVERHEAD 12         /* length, type and CRC */
#define MAX_CHUNK_LENGTH 0x7fffffffu
#define MAX_KEYWORD 79
#define INFLATE_STEP (64 * 1024)

static const guint8 signature[SIGNATURE_LENGTH] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* The PNG colour types, as IHDR gives them. */
enum
{
  COLOR_GREY = 0,
  COLOR_RGB = 2,
  COLOR_PALETTE = 3,
  COLOR_GREY_ALPHA = 4,
  COLOR_RGBA = 6,
};

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
write_be32 (guint8  *p,
            guint32  value)
{
  p[0] = value >> 24;
  p[1] = value >> 16;
  p[2] = value >> 8;
  p[3] = value;
}

void
_ts_png_set_damaged (GError     **error,
                     const char  *format,
                     ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_CORRUPT,
               _("the PNG image is damaged: %s"), detail);
}

gboolean
_ts_png_check_size (guint32   width,
                    guint32   height,
                    GError  **error)
{
  if (width > TS_PNG_MAX_SIDE || height > TS_PNG_MAX_SIDE
      || (guint64) width * height > TS_PNG_MAX_PIXELS)
    {
      g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_TOO_LARGE,
                   _("the image is %u × %u pixels; the largest accepted is %d a side and "
                     "%d megapixels"),
                   width, height, TS_PNG_MAX_SIDE, TS_PNG_MAX_PIXELS / (1024 * 1024));
      return FALSE;
    }

  return TRUE;
}

/* Chunk walker */

gboolean
_ts_png_chunk_iter_init (TsPngChunkIter  *iter,
                         GBytes          *png,
                         GError         **error)
{
  memset (iter, 0, sizeof *iter);
  iter->data = g_bytes_get_data (png, &iter->length);

  if (iter->length == 0)
    {
      g_set_error_literal (error, TS_PNG_ERROR, TS_PNG_ERROR_NOT_PNG,
                           _("not a PNG image: the data is empty"));
      return FALSE;
    }
  if (memcmp (iter->data, signature, MIN (iter->length, SIGNATURE_LENGTH)) != 0)
    {
      g_set_error_literal (error, TS_PNG_ERROR, TS_PNG_ERROR_NOT_PNG, _("not a PNG image"));
      return FALSE;
    }
  if (iter->length < SIGNATURE_LENGTH)
    {
      _ts_png_set_damaged (error,
                           _("the data ends inside the PNG signature, after %" G_GSIZE_FORMAT
                             " bytes"),
                           iter->length);
      return FALSE;
    }

  iter->next = SIGNATURE_LENGTH;

  return TRUE;
}

static gboolean
chunk_is (const TsPngChunkIter *iter,
          const char           *type)
{
  return memcmp (iter->type, type, 4) == 0;
}

static gboolean
check_ihdr (TsPngChunkIter  *iter,
            GError         **error)
{
  const guint8 *p = iter->body;
  guint depth, color;
  gboolean depth_ok;

  if (iter->n_chunks > 1)
    {
      _ts_png_set_damaged (error, _("it has more than one IHDR chunk"));
      return FALSE;
    }
  if (iter->body_length != 13)
    {
      _ts_png_set_damaged (error,
                           _("the IHDR chunk is %u bytes long instead of 13"), iter->body_length);
      return FALSE;
    }

  iter->width = read_be32 (p);
  iter->height = read_be32 (p + 4);
  depth = p[8];
  color = p[9];

  if (iter->width == 0 || iter->height == 0
      || iter->width > MAX_CHUNK_LENGTH || iter->height > MAX_CHUNK_LENGTH)
    {
      _ts_png_set_damaged (error, _("the IHDR chunk gives an impossible size of %u × %u pixels"),
                           iter->width, iter->height);
      return FALSE;
    }

  switch (color)
    {
    case COLOR_GREY:
      depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
      break;
    case COLOR_PALETTE:
      depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8;
      break;
    case COLOR_RGB:
    case COLOR_GREY_ALPHA:
    case COLOR_RGBA:
      depth_ok = depth == 8 || depth == 16;
      break;
    default:
      _ts_png_set_damaged (error, _("the IHDR chunk gives an unknown colour type %u"), color);
      return FALSE;
    }

  if (!depth_ok)
    {
      _ts_png_set_damaged (error,
                           _("the IHDR chunk gives a bit depth of %u, invalid for colour type %u"),
                           depth, color);
      return FALSE;
    }
  if (p[10] != 0 || p[11] != 0 || p[12] > 1)
    {
      _ts_png_set_damaged (error,
                           _("the IHDR chunk gives an unknown compression, filter or "
                             "interlace method"));
      return FALSE;
    }

  iter->color_type = color;

  return TRUE;
}

/* Checks where the current chunk may appear and what it holds, for the chunks the
 * layout of a PNG depends on. */
static gboolean
check_chunk_order (TsPngChunkIter  *iter,
                   GError         **error)
{
  gboolean is_idat = chunk_is (iter, "IDAT");

  if (iter->n_chunks == 1 && !chunk_is (iter, "IHDR"))
    {
      _ts_png_set_damaged (error, _("the first chunk is %s, not IHDR"), iter->type);
      return FALSE;
    }

  if (iter->seen_idat && !is_idat)
    iter->idat_ended = TRUE;

  if (chunk_is (iter, "IHDR"))
    return check_ihdr (iter, error);

  if (chunk_is (iter, "PLTE"))
    {
      if (iter->seen_plte || iter->seen_idat)
        _ts_png_set_damaged (error, _("a PLTE chunk is repeated or comes after the pixel data"));
      else if (iter->color_type == COLOR_GREY || iter->color_type == COLOR_GREY_ALPHA)
        _ts_png_set_damaged (error, _("a greyscale image has a PLTE chunk"));
      else if (iter->body_length == 0 || iter->body_length % 3 != 0 || iter->body_length > 768)
        _ts_png_set_damaged (error, _("the PLTE chunk is %u bytes long, which is no palette"),
                             iter->body_length);
      else
        iter->seen_plte = TRUE;
      return iter->seen_plte;
    }

  if (is_idat)
    {
      if (iter->idat_ended)
        {
          _ts_png_set_damaged (error, _("its IDAT chunks are not consecutive"));
          return FALSE;
        }
      if (iter->color_type == COLOR_PALETTE && !iter->seen_plte)
        {
          _ts_png_set_damaged (error, _("a palette image has no PLTE chunk before its pixel data"));
          return FALSE;
        }
      iter->seen_idat = TRUE;
      return TRUE;
    }

  if (chunk_is (iter, "IEND"))
    {
      if (iter->body_length != 0)
        _ts_png_set_damaged (error, _("the IEND chunk is not empty"));
      else if (!iter->seen_idat)
        _ts_png_set_damaged (error, _("it has no IDAT chunk, so no pixels"));
      else
        iter->seen_iend = TRUE;
      return iter->seen_iend;
    }

  /* An uppercase first letter marks a chunk a reader must understand. */
  if (g_ascii_isupper (iter->type[0]))
    {
      _ts_png_set_damaged (error, _("it has a critical chunk of unknown type %s"), iter->type);
      return FALSE;
    }

  return TRUE;
}

/* Moves to the next chunk, checking its bounds, type, CRC and place. Returns TS_PNG_WALK_END
 * once past IEND, when nothing follows it. */
TsPngWalk
_ts_png_chunk_iter_next (TsPngChunkIter  *iter,
                         GError         **error)
{
  const guint8 *header;
  gsize left;
  guint32 crc;

  left = iter->length - iter->next;

  if (iter->seen_iend)
    {
      if (left == 0)
        return TS_PNG_WALK_END;
      _ts_png_set_damaged (error,
                           _("%" G_GSIZE_FORMAT " bytes of other data follow its IEND chunk"),
                           left);
      return TS_PNG_WALK_ERROR;
    }

  if (left == 0)
    {
      if (iter->n_chunks == 0)
        _ts_png_set_damaged (error, _("the data ends right after the PNG signature"));
      else
        _ts_png_set_damaged (error,
                             _("the data ends after chunk %s, before the IEND chunk"), iter->type);
      return TS_PNG_WALK_ERROR;
    }
  if (left < 8)
    {
      _ts_png_set_damaged (error,
                           _("the data ends inside a chunk header, at byte %" G_GSIZE_FORMAT),
                           iter->length);
      return TS_PNG_WALK_ERROR;
    }

  header = iter->data + iter->next;
  for (guint i = 0; i < 4; i++)
    {
      if (!g_ascii_isalpha (header[4 + i]))
        {
          _ts_png_set_damaged (error,
                               _("the chunk at byte %" G_GSIZE_FORMAT " has an invalid type"),
                               iter->next);
          return TS_PNG_WALK_ERROR;
        }
      iter->type[i] = (char) header[4 + i];
    }
  iter->type[4] = '\0';
  iter->offset = iter->next;
  iter->body_length = read_be32 (header);
  iter->body = header + 8;
  iter->n_chunks++;

  if (iter->body_length > MAX_CHUNK_LENGTH)
    {
      _ts_png_set_damaged (error, _("chunk %s at byte %" G_GSIZE_FORMAT " has an invalid length"),
                           iter->type, iter->offset);
      return TS_PNG_WALK_ERROR;
    }
  if (left - 8 < (gsize) iter->body_length + 4)
    {
      _ts_png_set_damaged (error, _("the data ends in the middle of chunk %s"), iter->type);
      return TS_PNG_WALK_ERROR;
    }

  crc = crc32 (0, header + 4, 4);
  crc = crc32 (crc, iter->body, iter->body_length);
  if (crc != read_be32 (iter->body + iter->body_length))
    {
      _ts_png_set_damaged (error, _("CRC mismatch in chunk %s"), iter->type);
      return TS_PNG_WALK_ERROR;
    }

  iter->next = iter->offset + CHUNK_OVERHEAD + iter->body_length;

  return check_chunk_order (iter, error) ? TS_PNG_WALK_CHUNK : TS_PNG_WALK_ERROR;
}

/* Reads the signature and the IHDR chunk, and checks the size against the limits. */
gboolean
_ts_png_read_header (TsPngChunkIter  *iter,
                     GBytes          *png,
                     GError         **error)
{
  return _ts_png_chunk_iter_init (iter, png, error)
         && _ts_png_chunk_iter_next (iter, error) == TS_PNG_WALK_CHUNK
         && _ts_png_check_size (iter->width, iter->height, error);
}

/* Walks the remaining chunks up to the end. */
gboolean
_ts_png_walk_to_end (TsPngChunkIter  *iter,
                     GError         **error)
{
  TsPngWalk result;

  while ((result = _ts_png_chunk_iter_next (iter, error)) == TS_PNG_WALK_CHUNK)
    ;

  return result == TS_PNG_WALK_END;
}

/* Text chunks */

/* Converts @keyword to the Latin-1 bytes a text chunk stores, checking the PNG rules:
 * 1 to 79 printable characters, no space at either end or twice in a row. */
static gboolean
keyword_to_latin1 (const char  *keyword,
                   char        *latin1,
                   gsize       *length,
                   GError     **error)
{
  gboolean valid = TRUE;
  gsize n = 0;

  if (!g_utf8_validate (keyword, -1, NULL))
    {
      g_set_error_literal (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                           _("a PNG text keyword is not valid UTF-8"));
      return FALSE;
    }

  for (const char *p = keyword; valid && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean printable = (c >= 32 && c <= 126) || (c >= 161 && c <= 255);

      valid = printable && n < MAX_KEYWORD && (c != ' ' || (n > 0 && latin1[n - 1] != ' '));
      if (valid)
        latin1[n++] = (char) c;
    }

  if (!valid || n == 0 || latin1[n - 1] == ' ')
    {
      g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                   _("“%s” is not a valid PNG text keyword: a keyword is 1 to %d printable "
                     "Latin-1 characters, without spaces at either end or two in a row"),
                   keyword, MAX_KEYWORD);
      return FALSE;
    }

  latin1[n] = '\0';
  *length = n;

  return TRUE;
}

static gboolean
is_text_chunk (const TsPngChunkIter *iter)
{
  return chunk_is (iter, "tEXt") || chunk_is (iter, "zTXt") || chunk_is (iter, "iTXt");
}

static gboolean
has_keyword (const TsPngChunkIter *iter,
             const char           *latin1,
             gsize                 length)
{
  return is_text_chunk (iter)
         && iter->body_length > length
         && iter->body[length] == '\0'
         && memcmp (iter->body, latin1, length) == 0;
}

/* Inflates a zlib stream, stopping with an error once the output passes the text cap,
 * so a small chunk cannot expand into gigabytes. */
static GByteArray *
inflate_text (const guint8  *in,
              gsize          in_length,
              const char    *keyword,
              GError       **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  z_stream stream = { 0 };
  int status;

  if (inflateInit (&stream) != Z_OK)
    {
      g_set_error_literal (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                           _("not enough memory to read a PNG text chunk"));
      return NULL;
    }

  stream.next_in = (Bytef *) in;
  stream.avail_in = (uInt) in_length;

  do
    {
      guint before = out->len;

      if (before > TS_PNG_MAX_TEXT)
        break;

      g_byte_array_set_size (out, before + INFLATE_STEP);
      stream.next_out = out->data + before;
      stream.avail_out = INFLATE_STEP;
      status = inflate (&stream, Z_NO_FLUSH);
      g_byte_array_set_size (out, before + INFLATE_STEP - stream.avail_out);
    }
  while (status == Z_OK);

  inflateEnd (&stream);

  if (out->len > TS_PNG_MAX_TEXT)
    {
      g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_TOO_LARGE,
                   _("the PNG text “%s” is larger than %d MiB once decompressed"),
                   keyword, TS_PNG_MAX_TEXT / (1024 * 1024));
      return NULL;
    }
  if (status != Z_STREAM_END)
    {
      _ts_png_set_damaged (error, _("the compressed text “%s” is %s"), keyword,
                           status == Z_BUF_ERROR ? _("cut off") : _("invalid"));
      return NULL;
    }

  return g_steal_pointer (&out);
}

static char *
latin1_to_utf8 (const guint8  *text,
                gsize          length,
                const char    *keyword,
                GError       **error)
{
  g_autoptr(GString) utf8 = g_string_sized_new (length + length / 4 + 1);

  for (gsize i = 0; i < length; i++)
    {
      guint8 c = text[i];

      if (c == 0)
        {
          _ts_png_set_damaged (error, _("the text “%s” holds a NUL byte"), keyword);
          return NULL;
        }
      if (c < 0x80)
        {
          g_string_append_c (utf8, (char) c);
        }
      else
        {
          g_string_append_c (utf8, (char) (0xc0 | (c >> 6)));
          g_string_append_c (utf8, (char) (0x80 | (c & 0x3f)));
        }
    }

  return g_string_free (g_steal_pointer (&utf8), FALSE);
}

/* Reads the text of the current chunk, a tEXt, zTXt or iTXt chunk whose keyword of
 * @keyword_length bytes is known to match. */
static char *
read_text_chunk (const TsPngChunkIter  *iter,
                 gsize                  keyword_length,
                 const char            *keyword,
                 GError               **error)
{
  const guint8 *p = iter->body + keyword_length + 1;
  const guint8 *end = iter->body + iter->body_length;
  g_autoptr(GByteArray) inflated = NULL;
  gboolean compressed = FALSE;
  gboolean is_itxt = chunk_is (iter, "iTXt");

  if (chunk_is (iter, "zTXt") || is_itxt)
    {
      /* iTXt: the compression flag, then the method, as zTXt has it. */
      if (is_itxt)
        {
          if (p == end || *p > 1)
            goto malformed;
          compressed = *p++ == 1;
        }
      else
        {
          compressed = TRUE;
        }
      if (p == end || *p++ != 0)
        goto malformed;
    }

  /* iTXt: a language tag and a translated keyword, each ending in NUL. */
  for (guint i = 0; is_itxt && i < 2; i++)
    {
      const guint8 *nul = memchr (p, 0, end - p);

      if (nul == NULL)
        goto malformed;
      p = nul + 1;
    }

  if (compressed)
    {
      inflated = inflate_text (p, end - p, keyword, error);
      if (inflated == NULL)
        return NULL;
      p = inflated->data;
      end = p + inflated->len;
    }
  else if (end - p > TS_PNG_MAX_TEXT)
    {
      g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_TOO_LARGE,
                   _("the PNG text “%s” is larger than %d MiB"),
                   keyword, TS_PNG_MAX_TEXT / (1024 * 1024));
      return NULL;
    }

  if (!is_itxt)
    return latin1_to_utf8 (p, end - p, keyword, error);

  if (!g_utf8_validate_len ((const char *) p, end - p, NULL))
    {
      _ts_png_set_damaged (error, _("the text “%s” is not valid UTF-8"), keyword);
      return NULL;
    }

  return g_strndup ((const char *) p, end - p);

malformed:
  _ts_png_set_damaged (error, _("the %s chunk of the text “%s” is malformed"), iter->type, keyword);
  return NULL;
}

/**
 * ts_png_get_text:
 * @png: the bytes of a PNG image
 * @keyword: the keyword of the text, 1 to 79 Latin-1 characters
 * @error: return location for a #TS_PNG_ERROR
 *
 * Finds the first text chunk (iTXt, tEXt or zTXt, compressed or not, before or after
 * the pixel data) with @keyword and returns its text. The whole chunk layout and every
 * CRC is checked; the pixels are not decoded.
 *
 * Returns: (transfer full) (nullable): the text as UTF-8, or %NULL with @error set on
 *   error, or %NULL with @error unset when @png has no such text
 */
char *
ts_png_get_text (GBytes      *png,
                 const char  *keyword,
                 GError     **error)
{
  char latin1[MAX_KEYWORD + 1];
  gsize length;
  TsPngChunkIter iter;
  TsPngWalk result;
  g_autofree char *text = NULL;

  g_return_val_if_fail (png != NULL, NULL);
  g_return_val_if_fail (keyword != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!keyword_to_latin1 (keyword, latin1, &length, error)
      || !_ts_png_chunk_iter_init (&iter, png, error))
    return NULL;

  while ((result = _ts_png_chunk_iter_next (&iter, error)) == TS_PNG_WALK_CHUNK)
    {
      if (text == NULL && has_keyword (&iter, latin1, length))
        {
          text = read_text_chunk (&iter, length, keyword, error);
          if (text == NULL)
            return NULL;
        }
    }

  if (result == TS_PNG_WALK_ERROR)
    return NULL;

  return g_steal_pointer (&text);
}

/* Appends a complete iTXt chunk: @latin1, no language, no translated keyword, and @text
 * compressed. */
static gboolean
append_itxt (GByteArray *out,
             const char *latin1,
             gsize       keyword_length,
             const char *text,
             gsize       text_length)
{
  guint start = out->len;
  gsize header_length = keyword_length + 5;
  uLongf compressed_length = compressBound (text_length);
  guint8 *chunk;
  guint32 body_length;

  g_byte_array_set_size (out, start + CHUNK_OVERHEAD + header_length + compressed_length);
  chunk = out->data + start;

  /* The keyword, its NUL, compressed, method 0, and two empty strings. */
  memcpy (chunk + 8, latin1, keyword_length);
  memcpy (chunk + 8 + keyword_length, "\0\1\0\0\0", 5);
  if (compress2 (chunk + 8 + header_length, &compressed_length, (const Bytef *) text,
                 text_length, Z_DEFAULT_COMPRESSION) != Z_OK)
    return FALSE;

  body_length = header_length + compressed_length;
  write_be32 (chunk, body_length);
  memcpy (chunk + 4, "iTXt", 4);
  write_be32 (chunk + 8 + body_length, crc32 (0, chunk + 4, 4 + body_length));
  g_byte_array_set_size (out, start + CHUNK_OVERHEAD + body_length);

  return TRUE;
}

/**
 * ts_png_set_text:
 * @png: the bytes of a PNG image
 * @keyword: the keyword of the text, 1 to 79 Latin-1 characters
 * @text: the text, UTF-8, at most %TS_PNG_MAX_TEXT bytes
 * @error: return location for a #TS_PNG_ERROR
 *
 * Returns a copy of @png with @text stored under @keyword in a compressed iTXt chunk
 * just before IEND. Every text chunk that had @keyword is left out; all other chunks,
 * the pixels among them, are copied byte for byte.
 *
 * Returns: (transfer full) (nullable): the new PNG bytes, or %NULL on error
 */
GBytes *
ts_png_set_text (GBytes      *png,
                 const char  *keyword,
                 const char  *text,
                 GError     **error)
{
  char latin1[MAX_KEYWORD + 1];
  gsize keyword_length;
  gsize text_length;
  TsPngChunkIter iter;
  TsPngWalk result;
  g_autoptr(GByteArray) out = NULL;

  g_return_val_if_fail (png != NULL, NULL);
  g_return_val_if_fail (keyword != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!keyword_to_latin1 (keyword, latin1, &keyword_length, error))
    return NULL;

  text_length = strlen (text);
  if (text_length > TS_PNG_MAX_TEXT)
    {
      g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_TOO_LARGE,
                   _("the text for “%s” is larger than %d MiB, the most a PNG text may hold"),
                   keyword, TS_PNG_MAX_TEXT / (1024 * 1024));
      return NULL;
    }
  if (!g_utf8_validate_len (text, text_length, NULL))
    {
      g_set_error (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                   _("the text for “%s” is not valid UTF-8"), keyword);
      return NULL;
    }

  if (!_ts_png_chunk_iter_init (&iter, png, error))
    return NULL;
  if (iter.length > G_MAXUINT - 2 * (gsize) TS_PNG_MAX_TEXT)
    {
      g_set_error_literal (error, TS_PNG_ERROR, TS_PNG_ERROR_TOO_LARGE,
                           _("the PNG image is too large to edit its text"));
      return NULL;
    }

  out = g_byte_array_sized_new ((guint) (iter.length + CHUNK_OVERHEAD + keyword_length + 5
                                         + compressBound (text_length)));
  g_byte_array_append (out, signature, SIGNATURE_LENGTH);

  while ((result = _ts_png_chunk_iter_next (&iter, error)) == TS_PNG_WALK_CHUNK)
    {
      if (has_keyword (&iter, latin1, keyword_length))
        continue;

      if (chunk_is (&iter, "IEND")
          && !append_itxt (out, latin1, keyword_length, text, text_length))
        {
          g_set_error_literal (error, TS_PNG_ERROR, TS_PNG_ERROR_FAILED,
                               _("not enough memory to compress a PNG text"));
          return NULL;
        }

      g_byte_array_append (out, iter.data + iter.offset, CHUNK_OVERHEAD + iter.body_length);
    }

  if (result == TS_PNG_WALK_ERROR)
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
