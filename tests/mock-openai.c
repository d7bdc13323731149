/* mock-openai.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cJSON.h>
#include <string.h>

#include "mock-protocols.h"

/* An OpenAI-compatible server (llama-server flavoured) as protocols.md §3 shows it:
 * Server-Sent Events in chunks cut mid-line and mid-character, with keep-alive comments
 * and "\r\n" line ends here and there. The model of a request picks what happens:
 *
 *   stories260K      a streamed story, a finish reason, a usage event, [DONE]
 *   timings          llama-server's "timings" on the last chunk, no usage event
 *   reasoning        reasoning_content deltas before the content
 *   finish-no-done   a finish reason, then the stream closes without [DONE]
 *   not-streaming    a plain application/json answer despite "stream": true
 *   needs-key        401 unless "Authorization: Bearer sk-test-EXAMPLE" is sent
 *   missing          404 with an error object       string-error   400 with a string error
 *   midstream-error  an error object as a data event after some text
 *   disconnect       the connection closes mid-stream
 *   no-done          the stream ends cleanly but with neither finish reason nor [DONE]
 *   invalid-json     a data event that is not JSON
 *   wrong-type       200 text/html
 *   busy 429 · crash 500 · loading 503 "Loading model"
 *   huge             9 MiB of streamed text: over the 8 MiB cap
 *   drip             a token every 20 ms for a long time · never: accepts, never answers
 * Images (/v1/images/generations): image-model (n PNGs), not-png, huge-png, url-image
 * (links to /files/image-N.png on this server, served too), foreign-url-image (a link to
 * another server). */

static const char *const story[] = { "Once", " upon", " a time", ", a fox", " — ünï", "cödé ✓" };

static char *
body_model (const MockRequest *request,
            gint64            *n)
{
  g_autofree char *body = mock_request_dup_body_string (request);
  cJSON *json = cJSON_Parse (body);
  const cJSON *model = cJSON_GetObjectItemCaseSensitive (json, "model");
  const cJSON *count = cJSON_GetObjectItemCaseSensitive (json, "n");
  char *name = g_strdup (cJSON_IsString (model) ? model->valuestring : "");

  if (n != NULL)
    *n = cJSON_IsNumber (count) ? (gint64) count->valuedouble : 1;
  cJSON_Delete (json);
  return name;
}

static void
append_chunk (GString    *stream,
              const char *model,
              const char *field,
              const char *content,
              const char *finish,
              const char *extra)
{
  g_autofree char *escaped = NULL;

  if (content != NULL)
    {
      cJSON *string = cJSON_CreateString (content);

      escaped = cJSON_PrintUnformatted (string);
      cJSON_Delete (string);
    }

  g_string_append_printf (stream,
                          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
                          "\"created\":1740000000,\"model\":\"%s\",\"choices\":[{\"index\":0,"
                          "\"delta\":{%s%s%s%s},\"finish_reason\":%s%s%s}]%s}\n\n",
                          model,
                          content != NULL ? "\"" : "", content != NULL ? field : "",
                          content != NULL ? "\":" : "", content != NULL ? escaped : "",
                          finish != NULL ? "\"" : "null", finish != NULL ? finish : "",
                          finish != NULL ? "\"" : "", extra != NULL ? extra : "");
}

static void
send_stream (MockConn   *conn,
             const char *text,
             gsize       every,
             guint       delay_ms)
{
  g_autoptr(GArray) splits = mock_awkward_splits (text, every);

  mock_conn_chunks (conn, text, strlen (text), (const gsize *) splits->data, splits->len, delay_ms);
}

static MockAction
respond_error (MockConn   *conn,
               const char *model)
{
  if (g_str_equal (model, "missing"))
    mock_conn_respond (conn, 404, "application/json; charset=utf-8",
                       "{\"error\":{\"code\":404,\"message\":\"model 'missing' not found\","
                       "\"type\":\"not_found_error\"}}", -1);
  else if (g_str_equal (model, "string-error"))
    mock_conn_respond (conn, 400, "application/json", "{\"error\":\"bad things were asked\"}", -1);
  else if (g_str_equal (model, "busy"))
    mock_conn_respond (conn, 429, "application/json",
                       "{\"error\":{\"code\":429,\"message\":\"too many requests\",\"type\":\"rate_limit\"}}", -1);
  else if (g_str_equal (model, "crash"))
    mock_conn_respond (conn, 500, "application/json",
                       "{\"error\":{\"code\":500,\"message\":\"failed to decode\",\"type\":\"server_error\"}}", -1);
  else if (g_str_equal (model, "loading"))
    mock_conn_respond (conn, 503, "application/json",
                       "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":\"unavailable_error\"}}", -1);
  else if (g_str_equal (model, "wrong-type"))
    mock_conn_respond (conn, 200, "text/html", "<html>Welcome to nginx!</html>", -1);
  else
    return MOCK_HOLD;

  return MOCK_KEEP_OPEN;
}

static MockAction
chat (MockConn          *conn,
      const MockRequest *request,
      const char        *model)
{
  g_autoptr(GString) stream = g_string_new (NULL);
  const char *authorization = mock_request_get_header (request, "Authorization");
  const char *const errors[] = { "missing", "string-error", "busy", "crash", "loading", "wrong-type", NULL };

  if (g_strv_contains (errors, model))
    return respond_error (conn, model);
  if (g_str_equal (model, "never"))
    return MOCK_HOLD;
  if (g_str_equal (model, "needs-key") && g_strcmp0 (authorization, "Bearer sk-test-EXAMPLE") != 0)
    {
      mock_conn_respond (conn, 401, "application/json",
                         "{\"error\":{\"code\":401,\"message\":\"Invalid API Key\",\"type\":\"authentication_error\"}}", -1);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "not-streaming"))
    {
      mock_conn_respond (conn, 200, "application/json",
                         "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                         "\"message\":{\"role\":\"assistant\",\"content\":\"Once upon a time\"},"
                         "\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":3,"
                         "\"completion_tokens\":4,\"total_tokens\":7}}", -1);
      return MOCK_KEEP_OPEN;
    }

  mock_conn_begin (conn, 200, "text/event-stream", (const char *const[]) { "Cache-Control: no-cache", NULL }, TRUE);

  if (g_str_equal (model, "huge"))
    {
      g_autofree char *piece = g_strnfill (1000, 'x');

      append_chunk (stream, model, "content", piece, NULL, NULL);
      for (guint i = 0; i < 9 * 1024; i++)
        if (!mock_conn_chunk (conn, stream->str, stream->len))
          break;
      return MOCK_CLOSE;
    }

  if (g_str_equal (model, "drip"))
    {
      for (guint i = 0; i < 2000; i++)
        {
          g_string_truncate (stream, 0);
          append_chunk (stream, model, "content", "tick ", NULL, NULL);
          if (!mock_conn_chunk (conn, stream->str, stream->len) || !mock_conn_sleep (conn, 20))
            return MOCK_CLOSE;
        }
      return MOCK_CLOSE;
    }

  g_string_append (stream, ": keep-alive\n\n");
  append_chunk (stream, model, "role", "assistant", NULL, NULL);
  if (g_str_equal (model, "reasoning"))
    {
      append_chunk (stream, model, "reasoning_content", "The user wants", NULL, NULL);
      append_chunk (stream, model, "reasoning_content", " a story.", NULL, NULL);
    }
  append_chunk (stream, model, "content", story[0], NULL, NULL);
  append_chunk (stream, model, "content", story[1], NULL, NULL);

  if (g_str_equal (model, "midstream-error"))
    {
      g_string_append (stream, "data: {\"error\":{\"code\":500,\"message\":\"the model crashed\",\"type\":\"server_error\"}}\n\n");
      send_stream (conn, stream->str, 13, 2);
      mock_conn_end_chunks (conn);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "disconnect"))
    {
      send_stream (conn, stream->str, 50, 2);
      return MOCK_CLOSE;
    }
  if (g_str_equal (model, "no-done"))
    {
      send_stream (conn, stream->str, 50, 2);
      mock_conn_end_chunks (conn);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "invalid-json"))
    {
      g_string_append (stream, "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}\n\n");
      send_stream (conn, stream->str, 50, 0);
      mock_conn_end_chunks (conn);
      return MOCK_KEEP_OPEN;
    }

  for (guint i = 2; i < G_N_ELEMENTS (story); i++)
    append_chunk (stream, model, "content", story[i], NULL, NULL);

  if (g_str_equal (model, "timings"))
    {
      append_chunk (stream, model, "content", NULL, "length", NULL);
      /* llama-server puts its timings beside the choices of the last chunk. */
      g_string_truncate (stream, stream->len - 3);
      g_string_append (stream, ",\"timings\":{\"prompt_n\":12,\"prompt_ms\":20.5,\"predicted_n\":57,"
                               "\"predicted_ms\":500.25,\"predicted_per_second\":113.9}}\n\n");
    }
  else
    {
      append_chunk (stream, model, "content", NULL, "stop", NULL);
      g_string_append (stream, "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
                               "\"created\":1740000000,\"model\":\"stories260K\",\"choices\":[],"
                               "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":57,\"total_tokens\":69}}\r\n\r\n");
    }

  if (!g_str_equal (model, "finish-no-done"))
    g_string_append (stream, "data: [DONE]\n\n");

  send_stream (conn, stream->str, 37, 2);
  mock_conn_end_chunks (conn);

  return MOCK_KEEP_OPEN;
}

static MockAction
images (MockConn          *conn,
        const MockRequest *request,
        const char        *model,
        gint64             n)
{
  const char *host = mock_request_get_header (request, "Host");

  g_autoptr(GString) body = g_string_new ("{\"created\":1740000000,\"data\":[");

  if (g_str_equal (model, "missing"))
    return respond_error (conn, model);

  for (gint64 i = 0; i < MAX (n, 1); i++)
    {
      g_autoptr(GBytes) png = NULL;
      g_autofree char *base64 = NULL;

      if (g_str_equal (model, "not-png"))
        png = g_bytes_new_static ("\xff\xd8\xff\xe0 a JPEG", 10);
      else if (g_str_equal (model, "huge-png"))
        png = mock_png_huge ();
      else
        png = mock_png_new (32 + i, 32);
      base64 = mock_base64 (png);

      if (i > 0)
        g_string_append_c (body, ',');
      if (g_str_equal (model, "foreign-url-image"))
        g_string_append (body, "{\"url\":\"https://cdn.example.com/image.png\"}");
      else if (g_str_equal (model, "url-image"))
        g_string_append_printf (body, "{\"url\":\"http://%s/files/image-%" G_GINT64_FORMAT ".png\"}", host, i);
      else
        g_string_append_printf (body, "{\"b64_json\":\"%s\",\"revised_prompt\":null}", base64);
    }
  g_string_append (body, "]}");

  mock_conn_respond (conn, 200, "application/json", body->str, body->len);
  return MOCK_KEEP_OPEN;
}

MockAction
mock_openai_handler (MockConn          *conn,
                     const MockRequest *request,
                     gpointer           user_data)
{
  gint64 n = 1;
  g_autofree char *model = body_model (request, &n);

  if (g_str_equal (request->path, "/v1/models"))
    {
      mock_conn_respond (conn, 200, "application/json; charset=utf-8",
                         "{\"object\":\"list\",\"data\":["
                         "{\"id\":\"stories260K\",\"object\":\"model\",\"created\":1740000000,\"owned_by\":\"llamacpp\","
                         "\"meta\":{\"vocab_type\":1,\"n_ctx_train\":128}},"
                         "{\"id\":\"qwen2.5-vl-7b\",\"object\":\"model\",\"created\":1740000000,\"owned_by\":\"organization_owner\"}]}",
                         -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (request->path, "/health"))
    {
      mock_conn_respond (conn, 200, "application/json; charset=utf-8", "{\"status\":\"ok\"}", -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (request->method, "POST") && g_str_equal (request->path, "/v1/chat/completions"))
    return chat (conn, request, model);

  if (g_str_equal (request->method, "POST") && g_str_equal (request->path, "/v1/images/generations"))
    return images (conn, request, model, n);

  if (g_str_has_prefix (request->path, "/files/image-"))
    {
      g_autoptr(GBytes) png = mock_png_new (16 + g_ascii_strtoull (request->path + 13, NULL, 10), 16);

      mock_conn_respond (conn, 200, "image/png", g_bytes_get_data (png, NULL), g_bytes_get_size (png));
      return MOCK_KEEP_OPEN;
    }

  mock_conn_respond (conn, 404, "application/json",
                     "{\"error\":{\"code\":404,\"message\":\"File Not Found\",\"type\":\"not_found_error\"}}", -1);
  return MOCK_KEEP_OPEN;
}
