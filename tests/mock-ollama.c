/* mock-ollama.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cJSON.h>
#include <string.h>

#include "mock-protocols.h"

/* Ollama as protocols.md §2 shows it: NDJSON streamed in chunks cut mid-line and
 * mid-character. The model of a request picks what happens:
 *
 *   llama3.2, llava    a streamed answer: "The sky is blue — ünïcödé ✓" and statistics
 *   missing            404 model not found
 *   midstream-error    200, two lines, then an {"error"} line
 *   disconnect         200, two lines, then the connection closes
 *   no-done            200, two lines, the stream ends cleanly but without "done"
 *   invalid-json       200, a broken line
 *   wrong-type         200 text/html
 *   busy               429          crash    500          unauthorized   401
 *   bad-request        400 with Ollama's message
 *   huge               200, 9 MiB of streamed text: over the 8 MiB cap
 *   drip               tokens every 20 ms for a long time (for cancelling)
 *   never              accepts and never answers
 *   x/z-image-turbo    image generation: progress, then a PNG
 *   not-png            image generation that ends with bytes that are not a PNG
 *   huge-png           image generation that ends with a 100,000 px square PNG header */

static const char *const tokens[] = { "The", " sky", " is", " blue", " — ", "ünïcödé", " ✓" };

static char *
model_of (const MockRequest *request)
{
  g_autofree char *body = mock_request_dup_body_string (request);
  cJSON *json = cJSON_Parse (body);
  const cJSON *model = cJSON_GetObjectItemCaseSensitive (json, "model");
  char *name = g_strdup (cJSON_IsString (model) ? model->valuestring : "");

  cJSON_Delete (json);
  return name;
}

static void
append_line (GString    *stream,
             const char *model,
             const char *content,
             gboolean    done)
{
  cJSON *line = cJSON_CreateObject ();
  cJSON *message = cJSON_AddObjectToObject (line, "message");
  char *printed;

  cJSON_AddStringToObject (line, "model", model);
  cJSON_AddStringToObject (line, "created_at", "2025-01-10T09:00:00.000000Z");
  cJSON_AddStringToObject (message, "role", "assistant");
  cJSON_AddStringToObject (message, "content", content);
  cJSON_AddBoolToObject (line, "done", done);
  if (done)
    {
      cJSON_AddStringToObject (line, "done_reason", "stop");
      cJSON_AddNumberToObject (line, "total_duration", 4883583458.0);
      cJSON_AddNumberToObject (line, "load_duration", 1334875);
      cJSON_AddNumberToObject (line, "prompt_eval_count", 26);
      cJSON_AddNumberToObject (line, "prompt_eval_duration", 342546000);
      cJSON_AddNumberToObject (line, "eval_count", 282);
      cJSON_AddNumberToObject (line, "eval_duration", 4535599000.0);
    }

  printed = cJSON_PrintUnformatted (line);
  g_string_append (stream, printed);
  g_string_append_c (stream, '\n');
  cJSON_free (printed);
  cJSON_Delete (line);
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
chat (MockConn   *conn,
      const char *model)
{
  g_autoptr(GString) stream = g_string_new (NULL);

  if (g_str_equal (model, "missing"))
    {
      mock_conn_respond (conn, 404, "application/json; charset=utf-8",
                         "{\"error\":\"model \\\"missing\\\" not found, try pulling it first\"}", -1);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "busy"))
    {
      mock_conn_respond (conn, 429, "application/json", "{\"error\":\"server busy, please try again\"}", -1);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "crash"))
    {
      mock_conn_respond (conn, 500, "application/json",
                         "{\"error\":\"llama runner process has terminated: exit status 2\"}", -1);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "unauthorized"))
    {
      mock_conn_respond (conn, 401, "application/json", "{\"error\":\"unauthorized\"}", -1);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "bad-request"))
    {
      mock_conn_respond (conn, 400, "application/json",
                         "{\"error\":\"invalid options: num_predict must be a number\"}", -1);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "wrong-type"))
    {
      mock_conn_respond (conn, 200, "text/html", "<html><body>It works!</body></html>", -1);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "never"))
    return MOCK_HOLD;

  mock_conn_begin (conn, 200, "application/x-ndjson", NULL, TRUE);

  if (g_str_equal (model, "drip"))
    {
      for (guint i = 0; i < 2000; i++)
        {
          g_string_truncate (stream, 0);
          append_line (stream, model, "tick ", FALSE);
          if (!mock_conn_chunk (conn, stream->str, stream->len) || !mock_conn_sleep (conn, 20))
            return MOCK_CLOSE;
        }
      return MOCK_CLOSE;
    }

  if (g_str_equal (model, "huge"))
    {
      g_autofree char *piece = g_strnfill (1000, 'x');

      append_line (stream, model, piece, FALSE);
      for (guint i = 0; i < 9 * 1024; i++)
        if (!mock_conn_chunk (conn, stream->str, stream->len))
          break;
      return MOCK_CLOSE;
    }

  append_line (stream, model, tokens[0], FALSE);
  append_line (stream, model, tokens[1], FALSE);

  if (g_str_equal (model, "midstream-error"))
    {
      g_string_append (stream, "{\"error\":\"an error was encountered while running the model: CUDA error\"}\n");
      send_stream (conn, stream->str, 7, 5);
      mock_conn_end_chunks (conn);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "disconnect"))
    {
      send_stream (conn, stream->str, 64, 5);
      return MOCK_CLOSE;
    }
  if (g_str_equal (model, "no-done"))
    {
      send_stream (conn, stream->str, 64, 5);
      mock_conn_end_chunks (conn);
      return MOCK_KEEP_OPEN;
    }
  if (g_str_equal (model, "invalid-json"))
    {
      g_string_append (stream, "{\"model\":\"invalid-json\",\"message\":{\"content\":\"x\"\n");
      send_stream (conn, stream->str, 64, 0);
      mock_conn_end_chunks (conn);
      return MOCK_KEEP_OPEN;
    }

  for (guint i = 2; i < G_N_ELEMENTS (tokens); i++)
    append_line (stream, model, tokens[i], FALSE);
  append_line (stream, model, "", TRUE);
  /* The last line without its newline: allowed before EOF. */
  g_string_truncate (stream, stream->len - 1);

  send_stream (conn, stream->str, 29, 2);
  mock_conn_end_chunks (conn);

  return MOCK_KEEP_OPEN;
}

static MockAction
generate (MockConn   *conn,
          const char *model)
{
  g_autoptr(GString) stream = g_string_new (NULL);
  g_autoptr(GBytes) png = NULL;
  g_autofree char *base64 = NULL;

  if (g_str_equal (model, "missing"))
    return chat (conn, model);

  if (g_str_equal (model, "not-png"))
    png = g_bytes_new_static ("GIF89a not a png at all", 23);
  else if (g_str_equal (model, "huge-png"))
    png = mock_png_huge ();
  else
    png = mock_png_new (64, 48);
  base64 = mock_base64 (png);

  for (guint i = 1; i <= 4; i++)
    g_string_append_printf (stream, "{\"model\":\"%s\",\"created_at\":\"2025-01-10T09:00:00Z\","
                            "\"completed\":%u,\"total\":4,\"done\":false}\n", model, i);
  g_string_append_printf (stream, "{\"model\":\"%s\",\"created_at\":\"2025-01-10T09:00:01Z\","
                          "\"image\":\"%s\",\"done\":true,\"done_reason\":\"stop\"}\n", model, base64);

  mock_conn_begin (conn, 200, "application/x-ndjson", NULL, TRUE);
  send_stream (conn, stream->str, 1000, 1);
  mock_conn_end_chunks (conn);

  return MOCK_KEEP_OPEN;
}

static MockAction
show (MockConn   *conn,
      const char *model)
{
  const char *capabilities;
  g_autofree char *body = NULL;

  if (g_str_has_prefix (model, "llava"))
    capabilities = "[\"completion\",\"vision\"]";
  else if (g_str_has_prefix (model, "x/z-image"))
    capabilities = "[\"image\"]";
  else if (g_str_has_prefix (model, "old"))
    {
      /* An Ollama from before capabilities. */
      mock_conn_respond (conn, 200, "application/json", "{\"modelfile\":\"FROM old\"}", -1);
      return MOCK_KEEP_OPEN;
    }
  else
    capabilities = "[\"completion\",\"tools\",\"thinking\"]";

  body = g_strdup_printf ("{\"license\":\"…\",\"modelfile\":\"…\",\"details\":{\"format\":\"gguf\"},"
                          "\"capabilities\":%s,\"modified_at\":\"2025-01-10T09:00:00Z\"}",
                          capabilities);
  mock_conn_respond (conn, 200, "application/json; charset=utf-8", body, -1);
  return MOCK_KEEP_OPEN;
}

MockAction
mock_ollama_handler (MockConn          *conn,
                     const MockRequest *request,
                     gpointer           user_data)
{
  g_autofree char *model = model_of (request);

  if (g_str_equal (request->path, "/api/version"))
    {
      mock_conn_respond (conn, 200, "application/json; charset=utf-8", "{\"version\":\"0.12.6\"}", -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (request->path, "/api/tags"))
    {
      mock_conn_respond (conn, 200, "application/json; charset=utf-8",
                         "{\"models\":["
                         "{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\","
                         "\"modified_at\":\"2025-01-10T09:00:00Z\",\"size\":2019393189,"
                         "\"digest\":\"a80c4f17acd5\",\"details\":{\"parent_model\":\"\",\"format\":\"gguf\","
                         "\"family\":\"llama\",\"families\":[\"llama\"],\"parameter_size\":\"3.2B\","
                         "\"quantization_level\":\"Q4_K_M\"}},"
                         "{\"name\":\"llava:latest\",\"model\":\"llava:latest\",\"size\":1,"
                         "\"details\":{\"families\":[\"llama\",\"clip\"]},\"extra\":[1,2]},"
                         "{\"name\":\"x/z-image-turbo:latest\",\"model\":\"x/z-image-turbo:latest\"},"
                         "{\"name\":\"old:7b\"}]}", -1);
      return MOCK_KEEP_OPEN;
    }

  if (g_str_equal (request->method, "POST") && g_str_equal (request->path, "/api/show"))
    return show (conn, model);

  if (g_str_equal (request->method, "POST") && g_str_equal (request->path, "/api/chat"))
    return chat (conn, model);

  if (g_str_equal (request->method, "POST") && g_str_equal (request->path, "/api/generate"))
    return generate (conn, model);

  mock_conn_respond (conn, 404, "text/plain; charset=utf-8", "404 page not found", -1);
  return MOCK_KEEP_OPEN;
}
