/* ts-ndjson.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-ndjson.h"
#include "ts-provider.h"


#define SOURCE(parser) ((parser)->source != NULL ? (parser)->source : "the server")
/* Newline-delimited JSON (protocols.md §1): one object a line, "\n"-terminated, the last
 * line maybe not. Bytes arrive split anywhere, so a partial line waits in a carry-over
 * buffer until its newline comes. Empty lines are skipped; a line that is not one JSON
 * value is a protocol error naming its byte offset in the stream. */

struct _TsNdjsonParser
{
  TsNdjsonFunc  func;
  gpointer      user_data;
  char         *source;
  gsize         max_line;
  GString      *carry;
  guint64       offset;   /* of the first byte of carry in the stream */
  guint64       n_lines;
  gboolean      failed;
};

/**
 * ts_ndjson_parser_new:
 * @max_line: the longest line accepted, in bytes
 * @func: receives each object
 *
 * Returns: (transfer full): a parser
 */
TsNdjsonParser *
ts_ndjson_parser_new (gsize        max_line,
                      TsNdjsonFunc func,
                      gpointer     user_data)
{
  TsNdjsonParser *parser = g_new0 (TsNdjsonParser, 1);

  g_return_val_if_fail (func != NULL, NULL);

  parser->func = func;
  parser->user_data = user_data;
  parser->max_line = max_line;
  parser->carry = g_string_new (NULL);

  return parser;
}

void
ts_ndjson_parser_free (TsNdjsonParser *parser)
{
  if (parser == NULL)
    return;

  g_string_free (parser->carry, TRUE);
  g_free (parser->source);
  g_free (parser);
}

/**
 * ts_ndjson_parser_set_source:
 * @source: who sends the stream, such as "Ollama", named in errors
 */
void
ts_ndjson_parser_set_source (TsNdjsonParser *parser,
                             const char *source)
{
  g_free (parser->source);
  parser->source = g_strdup (source);
}

guint64
ts_ndjson_parser_get_n_lines (TsNdjsonParser *parser)
{
  return parser->n_lines;
}

static gboolean
is_blank (const char *line,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (line[i]))
      return FALSE;

  return TRUE;
}

static gboolean
handle_line (TsNdjsonParser  *parser,
             const char      *line,
             gsize            length,
             guint64          offset,
             GError         **error)
{
  cJSON *object;
  const char *end = NULL;
  gboolean ok;

  if (length > 0 && line[length - 1] == '\r')
    length--;
  if (is_blank (line, length))
    return TRUE;

  object = cJSON_ParseWithLengthOpts (line, length, &end, FALSE);
  if (object == NULL || !is_blank (end, line + length - end))
    {
      guint64 where = offset + (guint64) ((object == NULL && end != NULL ? end : line) - line);

      cJSON_Delete (object);
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                   "%s sent a line that is not JSON (line %" G_GUINT64_FORMAT
                   ", byte offset %" G_GUINT64_FORMAT ")",
                   SOURCE (parser), parser->n_lines + 1, where);
      return FALSE;
    }

  parser->n_lines++;
  ok = parser->func (object, parser->user_data, error);
  cJSON_Delete (object);

  return ok;
}

static gboolean
too_long (TsNdjsonParser  *parser,
          GError         **error)
{
  parser->failed = TRUE;
  g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_TOO_LARGE,
               "%s sent a line longer than %" G_GSIZE_FORMAT " bytes (at byte offset %"
               G_GUINT64_FORMAT ")",
                   SOURCE (parser), parser->max_line, parser->offset);
  return FALSE;
}

/**
 * ts_ndjson_parser_feed:
 * @data: the next bytes of the stream, split anywhere
 *
 * Calls the function for each line completed by @data.
 *
 * Returns: %FALSE with @error set if a line is not JSON, is too long, or the function
 *   refused it; the parser then takes no more
 */
gboolean
ts_ndjson_parser_feed (TsNdjsonParser  *parser,
                       const char      *data,
                       gsize            length,
                       GError         **error)
{
  const char *end = data + length;

  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (!parser->failed, FALSE);

  while (data < end)
    {
      const char *newline = memchr (data, '\n', end - data);
      gsize piece = (newline != NULL ? newline : end) - data;
      gsize line_length = parser->carry->len + piece;
      gboolean ok;

      if (line_length > parser->max_line)
        return too_long (parser, error);

      if (newline == NULL)
        {
          g_string_append_len (parser->carry, data, piece);
          break;
        }

      if (parser->carry->len == 0)
        {
          /* The common case: a whole line inside this piece, parsed in place. */
          ok = handle_line (parser, data, piece, parser->offset, error);
        }
      else
        {
          g_string_append_len (parser->carry, data, piece);
          ok = handle_line (parser, parser->carry->str, parser->carry->len, parser->offset, error);
          g_string_truncate (parser->carry, 0);
        }

      if (!ok)
        {
          parser->failed = TRUE;
          return FALSE;
        }

      parser->offset += line_length + 1;
      data = newline + 1;
    }

  return TRUE;
}

/**
 * ts_ndjson_parser_finish:
 *
 * Ends the stream: a last line without a newline counts.
 */
gboolean
ts_ndjson_parser_finish (TsNdjsonParser  *parser,
                         GError         **error)
{
  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (!parser->failed, FALSE);

  if (parser->carry->len > 0)
    {
      gboolean ok = handle_line (parser, parser->carry->str, parser->carry->len, parser->offset, error);

      g_string_truncate (parser->carry, 0);
      if (!ok)
        {
          parser->failed = TRUE;
          return FALSE;
        }
    }

  return TRUE;
}
