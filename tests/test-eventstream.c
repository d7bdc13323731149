/* test-eventstream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <zlib.h>

#include "ts-eventstream.h"
#include "ts-provider.h"

/* The contentBlockDelta frame of protocols.md §6.5, byte for byte. */
static const char vector_hex[] =
  "0000009f00000057c37babff0b3a6576656e742d74797065070011636f6e"
  "74656e74426c6f636b44656c74610d3a636f6e74656e742d747970650700"
  "106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970"
  "650700056576656e747b22636f6e74656e74426c6f636b496e646578223a"
  "302c2264656c7461223a7b2274657874223a224869227d2c2270223a2261"
  "626364227df2ace5ff";

static const char vector_payload[] = "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"},\"p\":\"abcd\"}";

static GBytes *
from_hex (const char *hex)
{
  gsize n = strlen (hex) / 2;
  guint8 *data = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    data[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) * 16 + g_ascii_xdigit_value (hex[2 * i + 1]));

  return g_bytes_new_take (data, n);
}

static GPtrArray *
message_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) ts_event_stream_message_free);
}

static TsEventStreamMessage *
vector_message (void)
{
  TsEventStreamMessage *message = ts_event_stream_message_new ();

  ts_event_stream_message_add_string (message, ":event-type", "contentBlockDelta");
  ts_event_stream_message_add_string (message, ":content-type", "application/json");
  ts_event_stream_message_add_string (message, ":message-type", "event");
  g_bytes_unref (message->payload);
  message->payload = g_bytes_new_static (vector_payload, strlen (vector_payload));

  return message;
}

static void
assert_vector_message (const TsEventStreamMessage *message)
{
  g_autofree char *event_type = ts_event_stream_message_dup_string (message, ":event-type");
  g_autofree char *content_type = ts_event_stream_message_dup_string (message, ":content-type");
  g_autofree char *message_type = ts_event_stream_message_dup_string (message, ":message-type");
  gsize size;
  const char *payload = g_bytes_get_data (message->payload, &size);

  g_assert_cmpuint (message->headers->len, ==, 3);
  g_assert_cmpstr (event_type, ==, "contentBlockDelta");
  g_assert_cmpstr (content_type, ==, "application/json");
  g_assert_cmpstr (message_type, ==, "event");
  g_assert_cmpmem (payload, size, vector_payload, strlen (vector_payload));
}

static void
test_vector (void)
{
  g_autoptr(GBytes) frame = from_hex (vector_hex);
  g_autoptr(TsEventStreamDecoder) decoder = ts_event_stream_decoder_new ();
  g_autoptr(GPtrArray) messages = message_array ();
  g_autoptr(TsEventStreamMessage) built = vector_message ();
  g_autoptr(GBytes) encoded = ts_event_stream_message_encode (built);
  g_autoptr(GError) error = NULL;
  gsize size;
  gconstpointer data = g_bytes_get_data (frame, &size);

  g_assert_cmpuint (size, ==, 159);
  g_assert_true (ts_event_stream_decoder_feed (decoder, data, size, messages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 1);
  assert_vector_message (g_ptr_array_index (messages, 0));
  g_assert_true (ts_event_stream_decoder_finish (decoder, &error));
  g_assert_no_error (error);

  /* The encoder writes the same bytes. */
  g_assert_true (g_bytes_equal (encoded, frame));
}

static void
put (GByteArray *out,
     const char *bytes,
     gsize       n)
{
  g_byte_array_append (out, (const guint8 *) bytes, (guint) n);
}

static void
put_be32 (GByteArray *out,
          guint32     value)
{
  guint32 be = GUINT32_TO_BE (value);

  g_byte_array_append (out, (const guint8 *) &be, 4);
}

/* Wraps a headers section and a payload in a frame with correct checksums, written
 * without the encoder so the two can check each other. */
static GBytes *
frame_by_hand (GByteArray *headers,
               const char *payload)
{
  GByteArray *frame = g_byte_array_new ();
  guint32 total = 16 + headers->len + (guint32) strlen (payload);

  put_be32 (frame, total);
  put_be32 (frame, headers->len);
  put_be32 (frame, (guint32) crc32 (0, frame->data, 8));
  g_byte_array_append (frame, headers->data, headers->len);
  put (frame, payload, strlen (payload));
  put_be32 (frame, (guint32) crc32 (0, frame->data, frame->len));

  return g_byte_array_free_to_bytes (frame);
}

static void
test_header_types (void)
{
  static const guint8 uuid[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
  g_autoptr(GByteArray) headers = g_byte_array_new ();
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(TsEventStreamMessage) built = ts_event_stream_message_new ();
  g_autoptr(TsEventStreamDecoder) decoder = ts_event_stream_decoder_new ();
  g_autoptr(GPtrArray) messages = message_array ();
  g_autoptr(GBytes) raw = g_bytes_new_static ("\x00\xff", 2);
  g_autoptr(GBytes) text = g_bytes_new_static ("hé", 3);
  g_autoptr(GBytes) uuid_bytes = g_bytes_new_static (uuid, 16);
  g_autoptr(GError) error = NULL;
  static const struct { const char *name; TsEventStreamType type; gint64 value; } expected[] = {
    { "t", TS_EVENT_STREAM_TRUE, 1 },
    { "f", TS_EVENT_STREAM_FALSE, 0 },
    { "b", TS_EVENT_STREAM_BYTE, -2 },
    { "s", TS_EVENT_STREAM_INT16, -300 },
    { "i", TS_EVENT_STREAM_INT32, -70000 },
    { "l", TS_EVENT_STREAM_INT64, G_GINT64_CONSTANT (-5000000000) },
    { "by", TS_EVENT_STREAM_BYTES, 0 },
    { "st", TS_EVENT_STREAM_STRING, 0 },
    { "ts", TS_EVENT_STREAM_TIMESTAMP, G_GINT64_CONSTANT (1714564800000) },
    { "u", TS_EVENT_STREAM_UUID, 0 },
  };
  const TsEventStreamMessage *message;
  gsize size;
  gconstpointer data;

  put (headers, "\x01t\x00", 3);
  put (headers, "\x01" "f\x01", 3);
  put (headers, "\x01" "b\x02\xfe", 4);
  put (headers, "\x01s\x03\xfe\xd4", 5);
  put (headers, "\x01i\x04\xff\xfe\xee\x90", 7);
  put (headers, "\x01l\x05\xff\xff\xff\xfe\xd5\xfa\x0e\x00", 11);
  put (headers, "\x02" "by\x06\x00\x02\x00\xff", 8);
  put (headers, "\x02st\x07\x00\x03h\xc3\xa9", 9);
  put (headers, "\x02ts\x08\x00\x00\x01\x8f\x34\x06\x9e\x00", 12);
  put (headers, "\x01u\x09", 3);
  g_byte_array_append (headers, uuid, 16);
  frame = frame_by_hand (headers, "{}");

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GBytes *value = expected[i].type == TS_EVENT_STREAM_BYTES ? raw :
                      expected[i].type == TS_EVENT_STREAM_STRING ? text :
                      expected[i].type == TS_EVENT_STREAM_UUID ? uuid_bytes : NULL;

      ts_event_stream_message_add_header (built, expected[i].name, expected[i].type,
                                          expected[i].value, value);
    }
  g_bytes_unref (built->payload);
  built->payload = g_bytes_new_static ("{}", 2);
  encoded = ts_event_stream_message_encode (built);
  g_assert_true (g_bytes_equal (encoded, frame));

  data = g_bytes_get_data (frame, &size);
  g_assert_true (ts_event_stream_decoder_feed (decoder, data, size, messages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 1);
  message = g_ptr_array_index (messages, 0);
  g_assert_cmpuint (message->headers->len, ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const TsEventStreamHeader *header = g_ptr_array_index (message->headers, i);

      g_assert_cmpstr (header->name, ==, expected[i].name);
      g_assert_cmpint (header->type, ==, expected[i].type);
      g_assert_cmpint (header->integer, ==, expected[i].value);
    }

  g_assert_true (g_bytes_equal (((TsEventStreamHeader *) g_ptr_array_index (message->headers, 6))->data, raw));
  g_assert_true (g_bytes_equal (((TsEventStreamHeader *) g_ptr_array_index (message->headers, 9))->data, uuid_bytes));
  {
    g_autofree char *st = ts_event_stream_message_dup_string (message, "st");
    g_autofree char *not_string = ts_event_stream_message_dup_string (message, "by");
    g_autofree char *missing = ts_event_stream_message_dup_string (message, "nope");

    g_assert_cmpstr (st, ==, "hé");
    g_assert_null (not_string);
    g_assert_null (missing);
  }
}

/* Three frames back to back: the vector, one with an empty payload, one with a big one. */
static GBytes *
three_frames (void)
{
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GBytes) first = from_hex (vector_hex);
  g_autoptr(TsEventStreamMessage) second = ts_event_stream_message_new ();
  g_autoptr(TsEventStreamMessage) third = ts_event_stream_message_new ();
  g_autoptr(GBytes) second_bytes = NULL;
  g_autoptr(GBytes) third_bytes = NULL;
  g_autofree char *big = g_strnfill (3000, 'x');

  ts_event_stream_message_add_string (second, ":message-type", "event");
  ts_event_stream_message_add_string (second, ":event-type", "contentBlockStop");
  ts_event_stream_message_add_string (third, ":message-type", "event");
  g_bytes_unref (third->payload);
  third->payload = g_bytes_new (big, 3000);
  second_bytes = ts_event_stream_message_encode (second);
  third_bytes = ts_event_stream_message_encode (third);

  g_byte_array_append (stream, g_bytes_get_data (first, NULL), (guint) g_bytes_get_size (first));
  g_byte_array_append (stream, g_bytes_get_data (second_bytes, NULL), (guint) g_bytes_get_size (second_bytes));
  g_byte_array_append (stream, g_bytes_get_data (third_bytes, NULL), (guint) g_bytes_get_size (third_bytes));

  return g_byte_array_free_to_bytes (g_steal_pointer (&stream));
}

static void
assert_three (GPtrArray *messages)
{
  const TsEventStreamMessage *third;

  g_assert_cmpuint (messages->len, ==, 3);
  assert_vector_message (g_ptr_array_index (messages, 0));
  g_assert_cmpuint (g_bytes_get_size (((TsEventStreamMessage *) g_ptr_array_index (messages, 1))->payload), ==, 0);
  third = g_ptr_array_index (messages, 2);
  g_assert_cmpuint (g_bytes_get_size (third->payload), ==, 3000);
}

static void
test_split_everywhere (void)
{
  g_autoptr(GBytes) stream = three_frames ();
  gsize size;
  const guint8 *data = g_bytes_get_data (stream, &size);

  /* Two pieces, cut at every offset. */
  for (gsize cut = 0; cut <= size; cut++)
    {
      g_autoptr(TsEventStreamDecoder) decoder = ts_event_stream_decoder_new ();
      g_autoptr(GPtrArray) messages = message_array ();
      g_autoptr(GError) error = NULL;

      g_assert_true (ts_event_stream_decoder_feed (decoder, data, cut, messages, &error));
      g_assert_true (ts_event_stream_decoder_feed (decoder, data + cut, size - cut, messages, &error));
      g_assert_no_error (error);
      assert_three (messages);
      g_assert_cmpuint (ts_event_stream_decoder_get_pending (decoder), ==, 0);
      g_assert_true (ts_event_stream_decoder_finish (decoder, &error));
    }

  /* One byte at a time. */
  {
    g_autoptr(TsEventStreamDecoder) decoder = ts_event_stream_decoder_new ();
    g_autoptr(GPtrArray) messages = message_array ();

    for (gsize i = 0; i < size; i++)
      g_assert_true (ts_event_stream_decoder_feed (decoder, data + i, 1, messages, NULL));
    assert_three (messages);
  }

  /* Random pieces. */
  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(TsEventStreamDecoder) decoder = ts_event_stream_decoder_new ();
      g_autoptr(GPtrArray) messages = message_array ();

      for (gsize at = 0; at < size;)
        {
          gsize n = (gsize) g_test_rand_int_range (0, 400);

          n = MIN (n, size - at);
          g_assert_true (ts_event_stream_decoder_feed (decoder, data + at, n, messages, NULL));
          at += n;
        }
      assert_three (messages);
    }
}

static void
assert_protocol_error (const guint8 *data,
                       gsize         size,
                       const char   *fragment)
{
  g_autoptr(TsEventStreamDecoder) decoder = ts_event_stream_decoder_new ();
  g_autoptr(GPtrArray) messages = message_array ();
  g_autoptr(GError) error = NULL;

  g_assert_false (ts_event_stream_decoder_feed (decoder, data, size, messages, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
  g_assert_cmpuint (messages->len, ==, 0);
  g_clear_error (&error);

  /* A broken decoder stays broken. */
  g_assert_false (ts_event_stream_decoder_feed (decoder, "", 0, messages, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
}

static void
test_corrupt_every_byte (void)
{
  g_autoptr(GBytes) frame = from_hex (vector_hex);
  gsize size;
  const guint8 *data = g_bytes_get_data (frame, &size);

  for (gsize i = 0; i < size; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, size);

      copy[i] ^= 0x20;
      assert_protocol_error (copy, size, i < 12 ? "prelude checksum" : "message checksum");
    }
}

static void
test_second_frame_corrupt (void)
{
  g_autoptr(GBytes) stream = three_frames ();
  g_autoptr(TsEventStreamDecoder) decoder = ts_event_stream_decoder_new ();
  g_autoptr(GPtrArray) messages = message_array ();
  g_autoptr(GError) error = NULL;
  gsize size = g_bytes_get_size (stream);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (stream, NULL), size);
  guint32 second_length;

  /* The last byte of the second frame's message CRC. */
  memcpy (&second_length, copy + 159, 4);
  copy[159 + GUINT32_FROM_BE (second_length) - 1] ^= 1;
  g_assert_false (ts_event_stream_decoder_feed (decoder, copy, size, messages, &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "frame 2 at byte 159"));
  /* The good frame before it was delivered. */
  g_assert_cmpuint (messages->len, ==, 1);
}

static GBytes *
prelude (guint32 total,
         guint32 headers_length)
{
  GByteArray *out = g_byte_array_new ();

  put_be32 (out, total);
  put_be32 (out, headers_length);
  put_be32 (out, (guint32) crc32 (0, out->data, 8));

  return g_byte_array_free_to_bytes (out);
}

static void
test_bad_lengths (void)
{
  static const struct { guint32 total; guint32 headers; const char *fragment; } cases[] = {
    { 0, 0, "length is out of range" },
    { 15, 0, "length is out of range" },
    { 16 * 1024 * 1024 + 1, 0, "length is out of range" },
    { G_MAXUINT32, 0, "length is out of range" },
    { 16, 1, "headers length exceeds" },
    { 100, 85, "headers length exceeds" },
    { 100, G_MAXUINT32, "headers length exceeds" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = prelude (cases[i].total, cases[i].headers);

      assert_protocol_error (g_bytes_get_data (bytes, NULL), 12, cases[i].fragment);
    }
}

static void
test_bad_headers (void)
{
  static const struct { const char *bytes; gsize n; } cases[] = {
    { "\x00\x07", 2 },                      /* empty name */
    { "\x05:abc", 5 },                      /* name runs past the section */
    { "\x01x\x0a", 3 },                     /* unknown type 10 */
    { "\x01x\x07\x00\x09" "abc", 8 },       /* string longer than the section */
    { "\x01x\x07\x00", 4 },                 /* string without its whole length */
    { "\x01x\x05\x00\x00\x00", 6 },         /* truncated int64 */
    { "\x01x\x09\x00\x01", 5 },             /* truncated UUID */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) headers = g_byte_array_new ();
      g_autoptr(GBytes) frame = NULL;
      gsize size;
      gconstpointer data;

      put (headers, cases[i].bytes, cases[i].n);
      frame = frame_by_hand (headers, "{}");
      data = g_bytes_get_data (frame, &size);
      assert_protocol_error (data, size, "header");
    }
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) frame = from_hex (vector_hex);
  gsize size;
  const guint8 *data = g_bytes_get_data (frame, &size);

  for (gsize cut = 1; cut < size; cut += 13)
    {
      g_autoptr(TsEventStreamDecoder) decoder = ts_event_stream_decoder_new ();
      g_autoptr(GPtrArray) messages = message_array ();
      g_autoptr(GError) error = NULL;

      g_assert_true (ts_event_stream_decoder_feed (decoder, data, cut, messages, &error));
      g_assert_cmpuint (messages->len, ==, 0);
      g_assert_cmpuint (ts_event_stream_decoder_get_pending (decoder), ==, cut);
      g_assert_false (ts_event_stream_decoder_finish (decoder, &error));
      g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "ended inside a frame"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/eventstream/vector", test_vector);
  g_test_add_func ("/eventstream/header-types", test_header_types);
  g_test_add_func ("/eventstream/split-everywhere", test_split_everywhere);
  g_test_add_func ("/eventstream/corrupt-every-byte", test_corrupt_every_byte);
  g_test_add_func ("/eventstream/second-frame-corrupt", test_second_frame_corrupt);
  g_test_add_func ("/eventstream/bad-lengths", test_bad_lengths);
  g_test_add_func ("/eventstream/bad-headers", test_bad_headers);
  g_test_add_func ("/eventstream/truncated", test_truncated);

  return g_test_run ();
}
