/* ts-eventstream.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The limits of a frame: prelude (12 bytes) and message CRC (4) around the headers and
 * the payload, and at most 16 MiB in all. */
#define TS_EVENT_STREAM_MIN_FRAME (16)
#define TS_EVENT_STREAM_MAX_FRAME (16 * 1024 * 1024)

/**
 * TsEventStreamType:
 *
 * The value types of an event-stream header, with their wire numbers.
 */
typedef enum
{
  TS_EVENT_STREAM_TRUE      = 0,
  TS_EVENT_STREAM_FALSE     = 1,
  TS_EVENT_STREAM_BYTE      = 2,
  TS_EVENT_STREAM_INT16     = 3,
  TS_EVENT_STREAM_INT32     = 4,
  TS_EVENT_STREAM_INT64     = 5,
  TS_EVENT_STREAM_BYTES     = 6,
  TS_EVENT_STREAM_STRING    = 7,
  TS_EVENT_STREAM_TIMESTAMP = 8,
  TS_EVENT_STREAM_UUID      = 9,
} TsEventStreamType;

/**
 * TsEventStreamHeader:
 * @name: the header name
 * @type: the value type
 * @integer: the value of the boolean, integer and timestamp (milliseconds) types
 * @data: the value of the bytes, string (not nul-terminated inside; see
 *   ts_event_stream_message_get_string()) and UUID types, else %NULL
 */
typedef struct
{
  char              *name;
  TsEventStreamType  type;
  gint64             integer;
  GBytes            *data;
} TsEventStreamHeader;

/**
 * TsEventStreamMessage:
 * @headers: (element-type TsEventStreamHeader): the headers, in frame order
 * @payload: the payload
 */
typedef struct
{
  GPtrArray *headers;
  GBytes    *payload;
} TsEventStreamMessage;

typedef struct _TsEventStreamDecoder TsEventStreamDecoder;

TsEventStreamMessage *ts_event_stream_message_new        (void);
void                  ts_event_stream_message_free       (TsEventStreamMessage        *message);
void                  ts_event_stream_message_add_string (TsEventStreamMessage        *message,
                                                          const char                  *name,
                                                          const char                  *value);
void                  ts_event_stream_message_add_header (TsEventStreamMessage        *message,
                                                          const char                  *name,
                                                          TsEventStreamType            type,
                                                          gint64                       integer,
                                                          GBytes                      *data);
const TsEventStreamHeader *
                      ts_event_stream_message_lookup     (const TsEventStreamMessage  *message,
                                                          const char                  *name);
char                 *ts_event_stream_message_dup_string (const TsEventStreamMessage  *message,
                                                          const char                  *name);
GBytes               *ts_event_stream_message_encode     (const TsEventStreamMessage  *message);

TsEventStreamDecoder *ts_event_stream_decoder_new        (void);
void                  ts_event_stream_decoder_free       (TsEventStreamDecoder        *decoder);
gboolean              ts_event_stream_decoder_feed       (TsEventStreamDecoder        *decoder,
                                                          gconstpointer                data,
                                                          gsize                        length,
                                                          GPtrArray                   *messages,
                                                          GError                     **error);
gsize                 ts_event_stream_decoder_get_pending (TsEventStreamDecoder       *decoder);
gboolean              ts_event_stream_decoder_finish     (TsEventStreamDecoder        *decoder,
                                                          GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsEventStreamMessage, ts_event_stream_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsEventStreamDecoder, ts_event_stream_decoder_free)

G_END_DECLS
