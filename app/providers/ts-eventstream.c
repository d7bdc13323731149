/* ts-eventstream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-eventstream.h"

#include <string.h>
#include <zlib.h>

#include "ts-provider.h"

/* The binary framing of application/vnd.amazon.eventstream, which Bedrock's
 * ConverseStream answers with: a prelude (total length, headers length, CRC32 of those
 * eight bytes), typed headers, the payload and a CRC32 of everything before it. The
 * decoder takes bytes as they arrive, in any split, and hands out whole messages only
 * after both checksums matched. The encoder exists for the tests and the mock server. */

struct _TsEventStreamDecoder
{
  GByteArray *buffer;
  gsize       start;     /* where the next frame begins in buffer */
  guint64     offset;    /* stream offset of buffer->data[0] */
  guint64     frames;
  gboolean    failed;
};

static void
header_free (gpointer data)
{
  TsEventStreamHeader *header = data;

  g_free (header->name);
  g_clear_pointer (&header->data, g_bytes_unref);
  g_free (header);
}

TsEventStreamMessage *
ts_event_stream_message_new (void)
{
  TsEventStreamMessage *message = g_new0 (TsEventStreamMessage, 1);

  message->headers = g_ptr_array_new_with_free_func (header_free);
  message->payload = g_bytes_new (NULL, 0);

  return message;
}

void
ts_event_stream_message_free (TsEventStreamMessage *message)
{
  if (message == NULL)
    return;

  g_ptr_array_unref (message->headers);
  g_bytes_unref (message->payload);
  g_free (message);
}

/**
 * ts_event_stream_message_add_header:
 * @name: the name, 1 to 255 bytes
 * @type: the type
 * @integer: the value of a boolean, integer or timestamp header
 * @data: (nullable): the value of a bytes, string or UUID header (16 bytes for a UUID)
 */
void
ts_event_stream_message_add_header (TsEventStreamMessage *message,
                                    const char           *name,
                                    TsEventStreamType     type,
                                    gint64                integer,
                                    GBytes               *data)
{
  TsEventStreamHeader *header;

  g_return_if_fail (message != NULL);
  g_return_if_fail (name != NULL && *name != '\0' && strlen (name) <= 255);
  g_return_if_fail ((data != NULL) ==
                    (type == TS_EVENT_STREAM_BYTES || type == TS_EVENT_STREAM_STRING ||
                     type == TS_EVENT_STREAM_UUID));

  header = g_new0 (TsEventStreamHeader, 1);
  header->name = g_strdup (name);
  header->type = type;
  header->integer = type == TS_EVENT_STREAM_TRUE ? 1 : integer;
  header->data = data != NULL ? g_bytes_ref (data) : NULL;
  g_ptr_array_add (message->headers, header);
}

void
ts_event_stream_message_add_string (TsEventStreamMessage *message,
                                    const char           *name,
                                    const char           *value)
{
  g_autoptr(GBytes) data = NULL;

  g_return_if_fail (value != NULL);

  data = g_bytes_new (value, strlen (value));
  ts_event_stream_message_add_header (message, name, TS_EVENT_STREAM_STRING, 0, data);
}

/**
 * ts_event_stream_message_lookup:
 *
 * Returns: (nullable): the first header named @name
 */
const TsEventStreamHeader *
ts_event_stream_message_lookup (const TsEventStreamMessage *message,
                                const char                 *name)
{
  g_return_val_if_fail (message != NULL && name != NULL, NULL);

  for (guint i = 0; i < message->headers->len; i++)
    {
      const TsEventStreamHeader *header = g_ptr_array_index (message->headers, i);

      if (strcmp (header->name, name) == 0)
        return header;
    }

  return NULL;
}

/**
 * ts_event_stream_message_dup_string:
 *
 * Returns: (transfer full) (nullable): the value of the string header @name, or %NULL when
 *   there is none, it is of another type or it is not valid UTF-8 without NUL bytes
 */
char *
ts_event_stream_message_dup_string (const TsEventStreamMessage *message,
                                    const char                 *name)
{
  const TsEventStreamHeader *header = ts_event_stream_message_lookup (message, name);
  const char *data;
  gsize size;

  if (header == NULL || header->type != TS_EVENT_STREAM_STRING)
    return NULL;

  data = g_bytes_get_data (header->data, &size);
  if (size > 0 && (memchr (data, '\0', size) != NULL || !g_utf8_validate (data, size, NULL)))
    return NULL;

  return g_strndup (data != NULL ? data : "", size);
}

static void
put_u16 (GByteArray *out,
         guint16     value)
{
  guint16 be = GUINT16_TO_BE (value);

  g_byte_array_append (out, (const guint8 *) &be, 2);
}

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  guint32 be = GUINT32_TO_BE (value);

  g_byte_array_append (out, (const guint8 *) &be, 4);
}

static void
put_u64 (GByteArray *out,
         guint64     value)
{
  guint64 be = GUINT64_TO_BE (value);

  g_byte_array_append (out, (const guint8 *) &be, 8);
}

static guint32
get_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint32
crc (const guint8 *data,
     gsize         length)
{
  return (guint32) crc32 (crc32 (0L, Z_NULL, 0), data, (uInt) length);
}

/**
 * ts_event_stream_message_encode:
 *
 * Returns: (transfer full): the frame holding @message, with both checksums
 */
GBytes *
ts_event_stream_message_encode (const TsEventStreamMessage *message)
{
  g_autoptr(GByteArray) headers = g_byte_array_new ();
  GByteArray *frame;
  gconstpointer payload;
  gsize payload_size;

  g_return_val_if_fail (message != NULL, NULL);

  for (guint i = 0; i < message->headers->len; i++)
    {
      const TsEventStreamHeader *header = g_ptr_array_index (message->headers, i);
      guint8 name_length = (guint8) strlen (header->name);
      guint8 type = header->type;
      gconstpointer data = NULL;
      gsize size = 0;

      g_byte_array_append (headers, &name_length, 1);
      g_byte_array_append (headers, (const guint8 *) header->name, name_length);
      g_byte_array_append (headers, &type, 1);

      if (header->data != NULL)
        data = g_bytes_get_data (header->data, &size);

      switch (header->type)
        {
        case TS_EVENT_STREAM_TRUE:
        case TS_EVENT_STREAM_FALSE:
          break;
        case TS_EVENT_STREAM_BYTE:
          {
            guint8 byte = (guint8) header->integer;

            g_byte_array_append (headers, &byte, 1);
          }
          break;
        case TS_EVENT_STREAM_INT16:
          put_u16 (headers, (guint16) header->integer);
          break;
        case TS_EVENT_STREAM_INT32:
          put_u32 (headers, (guint32) header->integer);
          break;
        case TS_EVENT_STREAM_INT64:
        case TS_EVENT_STREAM_TIMESTAMP:
          put_u64 (headers, (guint64) header->integer);
          break;
        case TS_EVENT_STREAM_BYTES:
        case TS_EVENT_STREAM_STRING:
          g_return_val_if_fail (size <= G_MAXUINT16, NULL);
          put_u16 (headers, (guint16) size);
          g_byte_array_append (headers, data, size);
          break;
        case TS_EVENT_STREAM_UUID:
          g_return_val_if_fail (size == 16, NULL);
          g_byte_array_append (headers, data, size);
          break;
        default:
          g_return_val_if_reached (NULL);
        }
    }

  payload = g_bytes_get_data (message->payload, &payload_size);
  frame = g_byte_array_sized_new (16 + headers->len + payload_size);
  put_u32 (frame, 16 + headers->len + payload_size);
  put_u32 (frame, headers->len);
  put_u32 (frame, crc (frame->data, 8));
  g_byte_array_append (frame, headers->data, headers->len);
  if (payload_size > 0)
    g_byte_array_append (frame, payload, payload_size);
  put_u32 (frame, crc (frame->data, frame->len));

  return g_byte_array_free_to_bytes (frame);
}

TsEventStreamDecoder *
ts_event_stream_decoder_new (void)
{
  TsEventStreamDecoder *decoder = g_new0 (TsEventStreamDecoder, 1);

  decoder->buffer = g_byte_array_new ();

  return decoder;
}

void
ts_event_stream_decoder_free (TsEventStreamDecoder *decoder)
{
  if (decoder == NULL)
    return;

  g_byte_array_unref (decoder->buffer);
  g_free (decoder);
}

static gboolean
fail (TsEventStreamDecoder  *decoder,
      GError               **error,
      guint64               where,
      const char           *what)
{
  decoder->failed = TRUE;
  g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
               "broken event stream: %s (frame %" G_GUINT64_FORMAT " at byte %" G_GUINT64_FORMAT ")",
               what, decoder->frames + 1, where);
  return FALSE;
}

static gsize
value_size (guint8        type,
            const guint8 *p,
            const guint8 *end)
{
  switch (type)
    {
    case TS_EVENT_STREAM_TRUE:
    case TS_EVENT_STREAM_FALSE:
      return 0;
    case TS_EVENT_STREAM_BYTE:
      return 1;
    case TS_EVENT_STREAM_INT16:
      return 2;
    case TS_EVENT_STREAM_INT32:
      return 4;
    case TS_EVENT_STREAM_INT64:
    case TS_EVENT_STREAM_TIMESTAMP:
      return 8;
    case TS_EVENT_STREAM_UUID:
      return 16;
    case TS_EVENT_STREAM_BYTES:
    case TS_EVENT_STREAM_STRING:
      return end - p < 2 ? G_MAXSIZE : 2 + (((gsize) p[0] << 8) | p[1]);
    default:
      return G_MAXSIZE;
    }
}

static gint64
read_integer (guint8        type,
              const guint8 *p)
{
  switch (type)
    {
    case TS_EVENT_STREAM_TRUE:
      return 1;
    case TS_EVENT_STREAM_BYTE:
      return (gint8) p[0];
    case TS_EVENT_STREAM_INT16:
      return (gint16) (((guint16) p[0] << 8) | p[1]);
    case TS_EVENT_STREAM_INT32:
      return (gint32) get_u32 (p);
    case TS_EVENT_STREAM_INT64:
    case TS_EVENT_STREAM_TIMESTAMP:
      return (gint64) (((guint64) get_u32 (p) << 32) | get_u32 (p + 4));
    default:
      return 0;
    }
}

/* Parses the headers section of a frame whose checksums already matched. */
static gboolean
parse_headers (TsEventStreamDecoder  *decoder,
               TsEventStreamMessage  *message,
               const guint8          *p,
               const guint8          *end,
               guint64                where,
               GError               **error)
{
  while (p < end)
    {
      guint8 name_length = p[0];
      TsEventStreamHeader *header;
      guint8 type;
      gsize size;

      if (name_length == 0 || (gsize) (end - p) < 2u + name_length)
        return fail (decoder, error, where, "a header name is empty or runs past the headers");

      type = p[1 + name_length];
      if (type > TS_EVENT_STREAM_UUID)
        return fail (decoder, error, where, "a header has an unknown value type");

      p += 2 + name_length;
      size = value_size (type, p, end);
      if (size == G_MAXSIZE || size > (gsize) (end - p))
        return fail (decoder, error, where, "a header value runs past the headers");

      header = g_new0 (TsEventStreamHeader, 1);
      header->name = g_strndup ((const char *) p - 1 - name_length, name_length);
      header->type = type;
      header->integer = read_integer (type, p);
      if (type == TS_EVENT_STREAM_BYTES || type == TS_EVENT_STREAM_STRING)
        header->data = g_bytes_new (p + 2, size - 2);
      else if (type == TS_EVENT_STREAM_UUID)
        header->data = g_bytes_new (p, size);
      g_ptr_array_add (message->headers, header);

      p += size;
    }

  return TRUE;
}

/**
 * ts_event_stream_decoder_feed:
 * @data: the next bytes of the stream
 * @length: their number
 * @messages: (element-type TsEventStreamMessage): where complete messages are appended;
 *   give it ts_event_stream_message_free() as free function
 * @error: a #GError
 *
 * Takes the next bytes, in any split, and appends each message completed by them. A
 * frame is rejected with %TS_PROVIDER_ERROR_PROTOCOL, naming it and its offset, when a
 * checksum does not match, its length is below 16 bytes or above 16 MiB, its headers
 * length does not fit, or a header is malformed; the prelude is checked as soon as its
 * 12 bytes are in, so a corrupt length never makes the decoder wait for 16 MiB. After an
 * error the decoder refuses further input.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
ts_event_stream_decoder_feed (TsEventStreamDecoder  *decoder,
                              gconstpointer          data,
                              gsize                  length,
                              GPtrArray             *messages,
                              GError               **error)
{
  GByteArray *buffer;

  g_return_val_if_fail (decoder != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (messages != NULL, FALSE);

  if (decoder->failed)
    {
      g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                           "broken event stream: input after an error");
      return FALSE;
    }

  buffer = decoder->buffer;
  if (length > 0)
    g_byte_array_append (buffer, data, (guint) length);

  for (;;)
    {
      const guint8 *frame = buffer->data + decoder->start;
      gsize available = buffer->len - decoder->start;
      guint64 where = decoder->offset + decoder->start;
      g_autoptr(TsEventStreamMessage) message = NULL;
      guint32 total, headers_length;

      if (available < 12)
        break;

      total = get_u32 (frame);
      headers_length = get_u32 (frame + 4);
      if (crc (frame, 8) != get_u32 (frame + 8))
        return fail (decoder, error, where, "the prelude checksum does not match");
      if (total < TS_EVENT_STREAM_MIN_FRAME || total > TS_EVENT_STREAM_MAX_FRAME)
        return fail (decoder, error, where, "the frame length is out of range");
      if (headers_length > total - TS_EVENT_STREAM_MIN_FRAME)
        return fail (decoder, error, where, "the headers length exceeds the frame");

      if (available < total)
        break;

      if (crc (frame, total - 4) != get_u32 (frame + total - 4))
        return fail (decoder, error, where, "the message checksum does not match");

      message = ts_event_stream_message_new ();
      if (!parse_headers (decoder, message, frame + 12, frame + 12 + headers_length, where, error))
        return FALSE;
      g_bytes_unref (message->payload);
      message->payload = g_bytes_new (frame + 12 + headers_length,
                                      total - TS_EVENT_STREAM_MIN_FRAME - headers_length);
      g_ptr_array_add (messages, g_steal_pointer (&message));

      decoder->start += total;
      decoder->frames++;
    }

  /* Drop consumed frames once they are most of the buffer, so memory stays bounded
   * by one frame and the copying stays linear. */
  if (decoder->start > 0 && decoder->start >= buffer->len / 2)
    {
      g_byte_array_remove_range (buffer, 0, (guint) decoder->start);
      decoder->offset += decoder->start;
      decoder->start = 0;
    }

  return TRUE;
}

/**
 * ts_event_stream_decoder_get_pending:
 *
 * Returns: how many bytes of an incomplete frame are waiting
 */
gsize
ts_event_stream_decoder_get_pending (TsEventStreamDecoder *decoder)
{
  g_return_val_if_fail (decoder != NULL, 0);

  return decoder->buffer->len - decoder->start;
}

/**
 * ts_event_stream_decoder_finish:
 *
 * Tells the decoder the stream ended.
 *
 * Returns: %TRUE if it ended between frames, %FALSE with a %TS_PROVIDER_ERROR_PROTOCOL
 *   error if a frame was cut short
 */
gboolean
ts_event_stream_decoder_finish (TsEventStreamDecoder  *decoder,
                                GError               **error)
{
  gsize pending;

  g_return_val_if_fail (decoder != NULL, FALSE);

  if (decoder->failed)
    {
      g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                           "broken event stream");
      return FALSE;
    }

  pending = ts_event_stream_decoder_get_pending (decoder);
  if (pending == 0)
    return TRUE;

  g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
               "the event stream ended inside a frame (%" G_GSIZE_FORMAT " bytes of frame %"
               G_GUINT64_FORMAT " received)", pending, decoder->frames + 1);
  return FALSE;
}
