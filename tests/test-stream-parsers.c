/* test-stream-parsers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-ndjson.h"
#include "ts-provider.h"
#include "ts-sse.h"

/* NDJSON */

static gboolean
collect_json_cb (cJSON   *object,
                 gpointer user_data,
                 GError **error)
{
  GString *out = user_data;
  char *printed = cJSON_PrintUnformatted (object);

  g_string_append (out, printed);
  g_string_append_c (out, '|');
  cJSON_free (printed);

  return TRUE;
}

static char *
ndjson_parse_split (const char *stream,
                    gsize       length,
                    gsize       piece,
                    GError    **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(TsNdjsonParser) parser = ts_ndjson_parser_new (1024, collect_json_cb, out);

  for (gsize start = 0; start < length; start += piece)
    if (!ts_ndjson_parser_feed (parser, stream + start, MIN (piece, length - start), error))
      return NULL;

  if (!ts_ndjson_parser_finish (parser, error))
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_ndjson_splits (void)
{
  /* CRLF, an empty line, a blank line, multi-byte text, a last line without "\n". */
  static const char stream[] =
    "{\"message\":{\"content\":\"Grüße\"},\"done\":false}\r\n"
    "\n"
    "   \n"
    "{\"message\":{\"content\":\" ✓ 🌍\"},\"done\":false}\n"
    "{\"done\":true,\"eval_count\":2}";
  const char *expected =
    "{\"message\":{\"content\":\"Grüße\"},\"done\":false}|"
    "{\"message\":{\"content\":\" ✓ 🌍\"},\"done\":false}|"
    "{\"done\":true,\"eval_count\":2}|";
  gsize length = strlen (stream);

  for (gsize piece = 1; piece <= length; piece++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = ndjson_parse_split (stream, length, piece, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, expected);
    }

  /* Two pieces, cut at every offset. */
  for (gsize cut = 0; cut <= length; cut++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(TsNdjsonParser) parser = ts_ndjson_parser_new (1024, collect_json_cb, out);
      g_autoptr(GError) error = NULL;

      g_assert_true (ts_ndjson_parser_feed (parser, stream, cut, &error));
      g_assert_true (ts_ndjson_parser_feed (parser, stream + cut, length - cut, &error));
      g_assert_true (ts_ndjson_parser_finish (parser, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (out->str, ==, expected);
      g_assert_cmpuint (ts_ndjson_parser_get_n_lines (parser), ==, 3);
    }
}

static void
test_ndjson_invalid (void)
{
  static const char stream[] = "{\"a\":1}\n{\"b\":2}\n{\"c\":tru}\n{\"d\":4}\n";
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(TsNdjsonParser) parser = ts_ndjson_parser_new (1024, collect_json_cb, out);
  g_autoptr(GError) error = NULL;

  g_assert_false (ts_ndjson_parser_feed (parser, stream, strlen (stream), &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "line 3"));
  /* The third line starts at byte 16; cJSON stops inside it. */
  g_assert_nonnull (strstr (error->message, "byte offset 2"));
  g_assert_cmpstr (out->str, ==, "{\"a\":1}|{\"b\":2}|");
}

static void
test_ndjson_trailing_garbage (void)
{
  const char *bad[] = { "{\"a\":1} x\n", "{\"a\":1}{\"b\":2}\n", "not json\n", "{\"a\":" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = ndjson_parse_split (bad[i], strlen (bad[i]), 3, &error);

      g_assert_null (out);
      g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL);
    }
}

static void
test_ndjson_too_long (void)
{
  g_autofree char *line = g_strnfill (2000, ' ');
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  line[0] = '"';
  line[1998] = '"';
  line[1999] = '\n';
  out = ndjson_parse_split (line, 2000, 100, &error);
  g_assert_null (out);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_TOO_LARGE);
}

static gboolean
refuse_json_cb (cJSON   *object,
                gpointer user_data,
                GError **error)
{
  guint *calls = user_data;

  (*calls)++;
  g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER, "stop here");
  return FALSE;
}

static void
test_ndjson_refused (void)
{
  static const char stream[] = "{\"error\":\"boom\"}\n{\"x\":1}\n";
  guint calls = 0;
  g_autoptr(TsNdjsonParser) parser = ts_ndjson_parser_new (1024, refuse_json_cb, &calls);
  g_autoptr(GError) error = NULL;

  g_assert_false (ts_ndjson_parser_feed (parser, stream, strlen (stream), &error));
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER);
  g_assert_cmpuint (calls, ==, 1);
}

/* SSE */

static gboolean
collect_event_cb (const char  *event,
                  const char  *data,
                  gsize        length,
                  gpointer     user_data,
                  GError     **error)
{
  GString *out = user_data;

  g_assert_cmpuint (strlen (data), ==, length);
  g_string_append_printf (out, "[%s]%s|", event, data);

  return TRUE;
}

static char *
sse_parse_split (const char  *stream,
                 gsize        length,
                 const gsize *cuts,
                 guint        n_cuts,
                 char       **last_id)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(TsSseParser) parser = ts_sse_parser_new (4096, collect_event_cb, out);
  gsize start = 0;

  for (guint i = 0; i <= n_cuts; i++)
    {
      gsize end = i < n_cuts ? cuts[i] : length;
      g_autoptr(GError) error = NULL;

      g_assert_true (ts_sse_parser_feed (parser, stream + start, end - start, &error));
      g_assert_no_error (error);
      start = end;
    }

  if (last_id != NULL)
    *last_id = g_strdup (ts_sse_parser_get_last_id (parser));

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_sse_rules (void)
{
  static const char stream[] =
    ": keep-alive\n"
    "data: {\"a\":\"Grüße\"}\n"
    "\n"
    "data:no space\r\n"
    "data:  two spaces\r\n"
    "\r\n"
    "event: error\r"
    "data: {\"error\":\"x\"}\r"
    "id: 7\r"
    "retry: 1000\r"
    "unknown: field\r"
    "\r"
    "data\n"
    "\n"
    "event: lonely\n"
    "\n"
    "data: [DONE]\n"
    "\n"
    "data: never dispatched, the stream ends first\n";
  const char *expected =
    "[message]{\"a\":\"Grüße\"}|"
    "[message]no space\n two spaces|"
    "[error]{\"error\":\"x\"}|"
    "[message]|"
    "[message][DONE]|";
  gsize length = strlen (stream);

  for (gsize cut = 0; cut <= length; cut++)
    {
      g_autofree char *last_id = NULL;
      g_autofree char *out = sse_parse_split (stream, length, &cut, 1, &last_id);

      g_assert_cmpstr (out, ==, expected);
      g_assert_cmpstr (last_id, ==, "7");
    }

  /* Byte by byte. */
  {
    g_autofree gsize *cuts = g_new (gsize, length);
    g_autofree char *out = NULL;

    for (gsize i = 0; i < length; i++)
      cuts[i] = i;
    out = sse_parse_split (stream, length, cuts, length, NULL);
    g_assert_cmpstr (out, ==, expected);
  }
}

static void
test_sse_cr_then_lf_split (void)
{
  /* "\r" ends a piece and "\n" starts the next: one line ending, not two. */
  static const char stream[] = "data: a\r\ndata: b\r\n\r\n";
  gsize cuts[] = { 8, 17, 19 };
  g_autofree char *out = sse_parse_split (stream, strlen (stream), cuts, G_N_ELEMENTS (cuts), NULL);

  g_assert_cmpstr (out, ==, "[message]a\nb|");
}

static void
test_sse_too_large (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(TsSseParser) parser = ts_sse_parser_new (64, collect_event_cb, out);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  for (guint i = 0; i < 10 && ok; i++)
    ok = ts_sse_parser_feed (parser, "data: 0123456789\n", 17, &error);

  g_assert_false (ok);
  g_assert_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_TOO_LARGE);
  g_assert_cmpstr (out->str, ==, "");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ndjson/splits", test_ndjson_splits);
  g_test_add_func ("/ndjson/invalid", test_ndjson_invalid);
  g_test_add_func ("/ndjson/trailing-garbage", test_ndjson_trailing_garbage);
  g_test_add_func ("/ndjson/too-long", test_ndjson_too_long);
  g_test_add_func ("/ndjson/refused", test_ndjson_refused);
  g_test_add_func ("/sse/rules", test_sse_rules);
  g_test_add_func ("/sse/cr-then-lf-split", test_sse_cr_then_lf_split);
  g_test_add_func ("/sse/too-large", test_sse_too_large);

  return g_test_run ();
}
