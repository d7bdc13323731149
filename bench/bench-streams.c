/* bench-streams.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Times the two stream parsers on streams shaped like the real ones, fed in pieces of
 * 1,400 bytes (a TCP segment) so the carry-over buffers work as they do on a socket:
 *
 * - NDJSON: 100,000 Ollama chat lines; ts_ndjson_parser frames each line and parses its
 *   JSON. Reference: cJSON_ParseWithLength() of the same lines, split beforehand.
 * - SSE: 100,000 OpenAI chunk events; ts_sse_parser frames them (the JSON inside is the
 *   provider's to parse, timed on its own). Reference: memchr() over the same bytes for
 *   the line ends, the least any framing has to do.
 *
 * Prints the best of several runs, the rate in chunks per second against the target of
 * 1,000,000 per second for each, and the ratio to the reference. */

#include "config.h"

#include <cJSON.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "ts-ndjson.h"
#include "ts-sse.h"

#define N_CHUNKS 100000
#define PIECE 1400
#define RUNS 7
#define TARGET_PER_SECOND 1000000.0

static guint64 sink;

static gboolean
count_line_cb (cJSON    *object,
               gpointer  user_data,
               GError  **error)
{
  sink += cJSON_GetArraySize (object);
  return TRUE;
}

static gboolean
count_event_cb (const char  *event,
                const char  *data,
                gsize        length,
                gpointer     user_data,
                GError     **error)
{
  sink += length;
  return TRUE;
}

static gboolean
parse_event_cb (const char  *event,
                const char  *data,
                gsize        length,
                gpointer     user_data,
                GError     **error)
{
  cJSON *json = cJSON_ParseWithLength (data, length);

  sink += cJSON_GetArraySize (json);
  cJSON_Delete (json);
  return TRUE;
}

static GString *
make_ndjson (void)
{
  GString *stream = g_string_new (NULL);

  for (guint i = 0; i < N_CHUNKS; i++)
    g_string_append_printf (stream,
                            "{\"model\":\"llama3.2\",\"created_at\":\"2025-01-10T09:00:00.%06uZ\","
                            "\"message\":{\"role\":\"assistant\",\"content\":\" tok%u\"},\"done\":false}\n",
                            i % 1000000, i);
  return stream;
}

static GString *
make_sse (void)
{
  GString *stream = g_string_new (NULL);

  for (guint i = 0; i < N_CHUNKS; i++)
    g_string_append_printf (stream,
                            "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
                            "\"created\":1740000000,\"model\":\"stories260K\",\"choices\":[{\"index\":0,"
                            "\"delta\":{\"content\":\" tok%u\"},\"finish_reason\":null}]}\n\n", i);
  return stream;
}

static double
time_ndjson (GString *stream)
{
  g_autoptr(TsNdjsonParser) parser = ts_ndjson_parser_new (1 << 20, count_line_cb, NULL);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  for (gsize at = 0; at < stream->len; at += PIECE)
    if (!ts_ndjson_parser_feed (parser, stream->str + at, MIN (PIECE, stream->len - at), &error))
      g_error ("bench-streams: %s", error->message);
  if (!ts_ndjson_parser_finish (parser, &error))
    g_error ("bench-streams: %s", error->message);
  g_assert_cmpuint (ts_ndjson_parser_get_n_lines (parser), ==, N_CHUNKS);

  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_ndjson_reference (GString *stream)
{
  gint64 start = g_get_monotonic_time ();
  const char *line = stream->str;
  const char *end = stream->str + stream->len;
  guint n = 0;

  while (line < end)
    {
      const char *newline = memchr (line, '\n', end - line);
      cJSON *json = cJSON_ParseWithLength (line, newline - line);

      sink += cJSON_GetArraySize (json);
      cJSON_Delete (json);
      line = newline + 1;
      n++;
    }
  g_assert_cmpuint (n, ==, N_CHUNKS);

  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_sse (GString   *stream,
          TsSseFunc  func)
{
  g_autoptr(TsSseParser) parser = ts_sse_parser_new (1 << 20, func, NULL);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  for (gsize at = 0; at < stream->len; at += PIECE)
    if (!ts_sse_parser_feed (parser, stream->str + at, MIN (PIECE, stream->len - at), &error))
      g_error ("bench-streams: %s", error->message);
  g_assert_cmpuint (ts_sse_parser_get_n_events (parser), ==, N_CHUNKS);

  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_sse_reference (GString *stream)
{
  gint64 start = g_get_monotonic_time ();
  const char *at = stream->str;
  const char *end = stream->str + stream->len;
  guint n = 0;

  while (at < end)
    {
      const char *newline = memchr (at, '\n', end - at);

      n += newline == at;
      sink += newline - at;
      at = newline + 1;
    }
  g_assert_cmpuint (n, ==, N_CHUNKS);

  return (g_get_monotonic_time () - start) / 1e6;
}

typedef double (*TimeFunc) (GString *stream);

static double
best_of (double (*run) (GString *, TsSseFunc),
         TimeFunc   plain,
         GString   *stream,
         TsSseFunc  func)
{
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < RUNS; i++)
    best = MIN (best, run != NULL ? run (stream, func) : plain (stream));

  return best;
}

static gboolean
report (const char *what,
        double      seconds,
        double      reference)
{
  double rate = N_CHUNKS / seconds;
  gboolean met = rate >= TARGET_PER_SECOND;

  printf ("%-34s %8.2f ms  %12.0f chunks/s  ratio to reference %5.2f  %s\n",
          what, seconds * 1000, rate, seconds / reference,
          met ? "meets the target (>= 1,000,000/s)" : "MISSES the target (>= 1,000,000/s)");
  return met;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GString) ndjson = make_ndjson ();
  g_autoptr(GString) sse = make_sse ();
  double ndjson_reference, ndjson_time, sse_reference, sse_time, sse_json_time;
  gboolean met = TRUE;

  printf ("%d chunks each, fed in %d-byte pieces, best of %d runs\n", N_CHUNKS, PIECE, RUNS);
  printf ("NDJSON %.1f MiB, SSE %.1f MiB\n\n", ndjson->len / 1048576.0, sse->len / 1048576.0);

  ndjson_reference = best_of (NULL, time_ndjson_reference, ndjson, NULL);
  ndjson_time = best_of (NULL, time_ndjson, ndjson, NULL);
  sse_reference = best_of (NULL, time_sse_reference, sse, NULL);
  sse_time = best_of (time_sse, NULL, sse, count_event_cb);
  sse_json_time = best_of (time_sse, NULL, sse, parse_event_cb);

  printf ("%-34s %8.2f ms\n", "reference: cJSON per line", ndjson_reference * 1000);
  met &= report ("NDJSON lines (framing + JSON)", ndjson_time, ndjson_reference);
  printf ("%-34s %8.2f ms\n", "reference: memchr line ends", sse_reference * 1000);
  met &= report ("SSE events (framing)", sse_time, sse_reference);
  printf ("%-34s %8.2f ms  %12.0f chunks/s  (framing + cJSON of each event, for scale)\n",
          "SSE events + JSON", sse_json_time * 1000, N_CHUNKS / sse_json_time);

  return met ? 0 : 1;
}
