/* ts-sse.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-provider.h"
#include "ts-sse.h"


#define SOURCE(parser) ((parser)->source != NULL ? (parser)->source : "the server")
/* Server-Sent Events, by the WHATWG rules (protocols.md §1): a line ends at "\r\n", "\n"
 * or "\r"; a blank line dispatches the event built so far; a line starting with ":" is a
 * comment; "field:value" loses one space after the colon; "data" lines append, joined
 * with "\n"; "event" and "id" set the type and the last id; other fields are ignored.
 * Bytes arrive split anywhere: a partial line waits in a carry-over buffer, and a "\r"
 * at the end of one piece may be followed by the "\n" of the same line ending in the
 * next. An event not ended by a blank line when the stream closes is never dispatched. */

struct _TsSseParser
{
  TsSseFunc  func;
  gpointer   user_data;
  char      *source;
  gsize      max_event;

  GString   *line;
  GString   *data;
  GString   *event;
  char      *last_id;
  gboolean   skip_lf;
  gboolean   has_data;
  gboolean   failed;
  guint64    n_events;
};

/**
 * ts_sse_parser_new:
 * @max_event: the largest line or event accepted, in bytes
 * @func: receives each event
 *
 * Returns: (transfer full): a parser
 */
TsSseParser *
ts_sse_parser_new (gsize     max_event,
                   TsSseFunc func,
                   gpointer  user_data)
{
  TsSseParser *parser = g_new0 (TsSseParser, 1);

  g_return_val_if_fail (func != NULL, NULL);

  parser->func = func;
  parser->user_data = user_data;
  parser->max_event = max_event;
  parser->line = g_string_new (NULL);
  parser->data = g_string_new (NULL);
  parser->event = g_string_new (NULL);

  return parser;
}

void
ts_sse_parser_free (TsSseParser *parser)
{
  if (parser == NULL)
    return;

  g_string_free (parser->line, TRUE);
  g_string_free (parser->data, TRUE);
  g_string_free (parser->event, TRUE);
  g_free (parser->last_id);
  g_free (parser->source);
  g_free (parser);
}

/**
 * ts_sse_parser_set_source:
 * @source: who sends the stream, such as "Ollama", named in errors
 */
void
ts_sse_parser_set_source (TsSseParser *parser,
                          const char *source)
{
  g_free (parser->source);
  parser->source = g_strdup (source);
}

/**
 * ts_sse_parser_get_last_id:
 *
 * Returns: (nullable): the last event id the stream set
 */
const char *
ts_sse_parser_get_last_id (TsSseParser *parser)
{
  return parser->last_id;
}

guint64
ts_sse_parser_get_n_events (TsSseParser *parser)
{
  return parser->n_events;
}

static gboolean
dispatch (TsSseParser  *parser,
          GError      **error)
{
  gboolean ok = TRUE;

  if (parser->has_data)
    {
      /* The data buffer ends with the "\n" of its last line: not part of the data. */
      g_string_truncate (parser->data, parser->data->len - 1);
      parser->n_events++;
      ok = parser->func (parser->event->len > 0 ? parser->event->str : "message",
                         parser->data->str, parser->data->len, parser->user_data, error);
    }

  g_string_truncate (parser->data, 0);
  g_string_truncate (parser->event, 0);
  parser->has_data = FALSE;

  return ok;
}

static gboolean
handle_line (TsSseParser  *parser,
             const char   *line,
             gsize         length,
             GError      **error)
{
  const char *colon;
  const char *value;
  gsize name_length;
  gsize value_length;

  if (length == 0)
    return dispatch (parser, error);

  if (line[0] == ':')
    return TRUE;

  colon = memchr (line, ':', length);
  if (colon != NULL)
    {
      name_length = colon - line;
      value = colon + 1;
      if (value < line + length && *value == ' ')
        value++;
      value_length = line + length - value;
    }
  else
    {
      name_length = length;
      value = line + length;
      value_length = 0;
    }

#define FIELD_IS(name) (name_length == strlen (name) && memcmp (line, name, name_length) == 0)

  if (FIELD_IS ("data"))
    {
      if (parser->data->len + value_length + 1 > parser->max_event)
        {
          g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_TOO_LARGE,
                       "%s sent an event larger than %" G_GSIZE_FORMAT " bytes",
                   SOURCE (parser), parser->max_event);
          return FALSE;
        }
      g_string_append_len (parser->data, value, value_length);
      g_string_append_c (parser->data, '\n');
      parser->has_data = TRUE;
    }
  else if (FIELD_IS ("event"))
    {
      g_string_truncate (parser->event, 0);
      g_string_append_len (parser->event, value, value_length);
    }
  else if (FIELD_IS ("id"))
    {
      if (memchr (value, '\0', value_length) == NULL)
        {
          g_free (parser->last_id);
          parser->last_id = g_strndup (value, value_length);
        }
    }

#undef FIELD_IS

  return TRUE;
}

/**
 * ts_sse_parser_feed:
 * @data: the next bytes of the stream, split anywhere
 *
 * Calls the function for each event completed by @data.
 *
 * Returns: %FALSE with @error set if an event is too large or the function refused it;
 *   the parser then takes no more
 */
gboolean
ts_sse_parser_feed (TsSseParser  *parser,
                    const char   *data,
                    gsize         length,
                    GError      **error)
{
  const char *end = data + length;

  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (!parser->failed, FALSE);

  while (data < end)
    {
      const char *eol;
      gboolean ok;

      if (parser->skip_lf)
        {
          parser->skip_lf = FALSE;
          if (*data == '\n')
            {
              data++;
              continue;
            }
        }

      {
        const char *lf = memchr (data, '\n', end - data);
        const char *cr = memchr (data, '\r', (lf != NULL ? lf : end) - data);

        eol = cr != NULL ? cr : lf != NULL ? lf : end;
      }

      if (parser->line->len + (eol - data) > parser->max_event)
        {
          parser->failed = TRUE;
          g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_TOO_LARGE,
                       "%s sent a line larger than %" G_GSIZE_FORMAT " bytes",
                   SOURCE (parser), parser->max_event);
          return FALSE;
        }

      if (eol == end)
        {
          g_string_append_len (parser->line, data, eol - data);
          break;
        }

      if (parser->line->len == 0)
        {
          ok = handle_line (parser, data, eol - data, error);
        }
      else
        {
          g_string_append_len (parser->line, data, eol - data);
          ok = handle_line (parser, parser->line->str, parser->line->len, error);
          g_string_truncate (parser->line, 0);
        }

      if (!ok)
        {
          parser->failed = TRUE;
          return FALSE;
        }

      if (*eol == '\r')
        {
          if (eol + 1 < end)
            {
              if (eol[1] == '\n')
                eol++;
            }
          else
            {
              parser->skip_lf = TRUE;
            }
        }
      data = eol + 1;
    }

  return TRUE;
}
