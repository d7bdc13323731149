/* ts-provider-common.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-png.h"
#include "ts-provider-common.h"

const char *
ts_chat_role_to_string (TsChatRole role)
{
  return role == TS_CHAT_ROLE_ASSISTANT ? "assistant" : "user";
}

/**
 * ts_provider_task_new:
 *
 * A task as every provider call makes it: tagged, holding its data, and answering
 * cancellation in the provider domain itself rather than with GIO's error.
 *
 * Returns: (transfer full): the task
 */
GTask *
ts_provider_task_new (gpointer             source,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data,
                      gpointer             source_tag,
                      gpointer             task_data,
                      GDestroyNotify       task_data_free)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, task_data, task_data_free);
  g_task_set_check_cancellable (task, FALSE);

  return task;
}

/**
 * ts_provider_receive_json:
 * @client: the #TsHttpClient the request went through
 * @call_error: the provider's reading of failures
 *
 * Finishes a request whose answer is one JSON document.
 *
 * Returns: (transfer full): the JSON, or %NULL with @error set
 */
cJSON *
ts_provider_receive_json (GObject          *client,
                          GAsyncResult     *result,
                          TsCallErrorFunc   call_error,
                          const char       *server,
                          const char       *url,
                          const char       *model,
                          GError          **error)
{
  g_autoptr(TsHttpResponse) response = NULL;
  g_autoptr(GError) http_error = NULL;

  response = ts_http_client_send_finish (TS_HTTP_CLIENT (client), result, &http_error);
  if (response == NULL || !ts_http_response_is_success (response))
    {
      g_propagate_error (error, call_error (response, http_error, url, model));
      return NULL;
    }

  return ts_provider_parse_json (response, server, url, error);
}

cJSON *
ts_chat_message_new (const char *role,
                     const char *content)
{
  cJSON *message = cJSON_CreateObject ();

  cJSON_AddStringToObject (message, "role", role);
  if (content != NULL)
    cJSON_AddStringToObject (message, "content", content);

  return message;
}

/* Adds @strv as an array of strings under @key, unless it is empty. */
void
ts_json_add_strv (cJSON       *object,
                  const char  *key,
                  char       **strv)
{
  cJSON *array;

  if (strv == NULL || strv[0] == NULL)
    return;

  array = cJSON_AddArrayToObject (object, key);
  for (guint i = 0; strv[i] != NULL; i++)
    cJSON_AddItemToArray (array, cJSON_CreateString (strv[i]));
}

static char *
clip_text (const char *text,
           gsize       length,
           gsize       max)
{
  g_autofree char *valid = NULL;

  if (length > max)
    length = max;
  valid = g_utf8_make_valid (text, length);

  return g_strstrip (g_steal_pointer (&valid));
}

/**
 * ts_provider_server_message:
 * @body: an error answer's body
 *
 * Finds what the server said, as protocols.md §3 orders it: `error.message`, else a
 * string `error`, else `message`, else `detail` (a string, or FastAPI's list of
 * `{"loc","msg"}`), else the first 200 bytes of the body.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL for an empty body
 */
char *
ts_provider_server_message (GBytes *body)
{
  gsize size = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &size) : NULL;
  cJSON *json;
  char *message = NULL;

  if (data == NULL || size == 0)
    return NULL;

  json = cJSON_ParseWithLength (data, size);
  if (cJSON_IsObject (json))
    {
      const cJSON *error = cJSON_GetObjectItemCaseSensitive (json, "error");
      const cJSON *detail = cJSON_GetObjectItemCaseSensitive (json, "detail");
      const char *text = NULL;

      if (cJSON_IsObject (error))
        text = ts_json_get_string (error, "message");
      if (text == NULL && cJSON_IsString (error))
        text = error->valuestring;
      if (text == NULL)
        text = ts_json_get_string (json, "message");
      if (text == NULL && cJSON_IsString (detail))
        text = detail->valuestring;

      if (text != NULL)
        {
          /* The WebUI's 500: {"error":"OutOfMemoryError","errors":"CUDA out of memory…"} */
          const char *errors = ts_json_get_string (json, "errors");
          g_autofree char *joined = NULL;

          if (errors != NULL && *errors != '\0' && text != errors)
            text = joined = g_strdup_printf ("%s: %s", text, errors);
          message = clip_text (text, strlen (text), 1000);
        }
      else if (cJSON_IsArray (detail))
        {
          /* 422 from FastAPI (SD WebUI): [{"loc":["body","steps"],"msg":"…"}, …] */
          g_autoptr(GString) joined = g_string_new (NULL);
          const cJSON *item;

          cJSON_ArrayForEach (item, detail)
            {
              const cJSON *loc = cJSON_GetObjectItemCaseSensitive (item, "loc");
              const char *msg = ts_json_get_string (item, "msg");
              const cJSON *part;

              if (joined->len > 0)
                g_string_append (joined, "; ");
              cJSON_ArrayForEach (part, loc)
                if (cJSON_IsString (part) && !g_str_equal (part->valuestring, "body"))
                  g_string_append_printf (joined, "%s: ", part->valuestring);
              g_string_append (joined, msg != NULL ? msg : "invalid");
            }
          if (joined->len > 0)
            message = clip_text (joined->str, joined->len, 1000);
        }
    }
  cJSON_Delete (json);

  if (message == NULL)
    message = clip_text (data, size, 200);
  if (*message == '\0')
    g_clear_pointer (&message, g_free);

  return message;
}

/**
 * ts_provider_status_error:
 * @response: a non-2xx answer
 *
 * Maps the status to a provider error (protocols.md §8) carrying the server's message.
 *
 * Returns: (transfer full): the error
 */
GError *
ts_provider_status_error (TsHttpResponse *response,
                          const char     *server,
                          const char     *url)
{
  g_autoptr(GBytes) body = ts_http_response_get_body (response);
  g_autofree char *message = ts_provider_server_message (body);
  g_autofree char *address = ts_http_describe_address (url);
  guint status = ts_http_response_get_status (response);
  TsProviderError code;
  const char *what;

  if (status == 401 || status == 403)
    code = TS_PROVIDER_ERROR_AUTH, what = "refused the credentials";
  else if (status == 404)
    code = TS_PROVIDER_ERROR_NOT_FOUND, what = "does not know this";
  else if (status == 429)
    code = TS_PROVIDER_ERROR_RATE_LIMITED, what = "asks to slow down";
  else if (status == 413)
    code = TS_PROVIDER_ERROR_TOO_LARGE, what = "found the request too large";
  else if (status >= 400 && status < 500)
    code = TS_PROVIDER_ERROR_BAD_REQUEST, what = "refused the request";
  else if (status >= 500)
    code = TS_PROVIDER_ERROR_SERVER, what = "failed";
  else
    code = TS_PROVIDER_ERROR_PROTOCOL, what = "gave an unexpected answer";

  return g_error_new (TS_PROVIDER_ERROR, code, "%s at %s %s (HTTP %u)%s%s",
                      server, address, what, status,
                      message != NULL ? ": " : "", message != NULL ? message : "");
}

static gboolean
json_too_deep (const char *text,
               gsize       length)
{
  int depth = 0;
  gboolean in_string = FALSE;

  /* cJSON recurses per level: bound the nesting before it does. */
  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > TS_PROVIDER_MAX_JSON_DEPTH)
            return TRUE;
        }
      else if (c == '}' || c == ']')
        depth--;
    }

  return FALSE;
}

/**
 * ts_provider_parse_json_text:
 * @what: names the text in an error, such as "Ollama's answer"
 *
 * Returns: (transfer full): the one JSON value @text holds, or %NULL with a
 *   %TS_PROVIDER_ERROR_PROTOCOL error
 */
cJSON *
ts_provider_parse_json_text (const char  *text,
                             gsize        length,
                             const char  *what,
                             GError     **error)
{
  const char *end = NULL;
  cJSON *json;

  if (json_too_deep (text, length))
    {
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                   "%s nests JSON deeper than %d levels", what, TS_PROVIDER_MAX_JSON_DEPTH);
      return NULL;
    }

  json = cJSON_ParseWithLengthOpts (text, length, &end, FALSE);
  if (json != NULL)
    while (end < text + length && g_ascii_isspace (*end))
      end++;

  if (json == NULL || end != text + length)
    {
      gsize offset = end != NULL ? (gsize) (end - text) : 0;

      cJSON_Delete (json);
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                   "%s is not valid JSON (at byte %" G_GSIZE_FORMAT ")", what, offset);
      return NULL;
    }

  return json;
}

/**
 * ts_provider_parse_json:
 * @response: a 2xx answer with its body kept
 *
 * Returns: (transfer full): the body's JSON, or %NULL with a protocol error when the
 *   content type is not JSON or the body does not parse
 */
cJSON *
ts_provider_parse_json (TsHttpResponse  *response,
                        const char      *server,
                        const char      *url,
                        GError         **error)
{
  g_autoptr(GBytes) body = ts_http_response_get_body (response);
  g_autofree char *address = ts_http_describe_address (url);
  g_autofree char *what = g_strdup_printf ("the answer of %s at %s", server, address);
  gsize size;
  const char *data = g_bytes_get_data (body, &size);

  if (!ts_http_response_has_content_type (response, "application/json"))
    {
      const char *type = ts_http_response_get_content_type (response);

      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                   "%s at %s answered with %s instead of JSON — is this really %s?",
                   server, address, type != NULL ? type : "no content type", server);
      return NULL;
    }

  return ts_provider_parse_json_text (data != NULL ? data : "", size, what, error);
}

/**
 * ts_json_get_string:
 *
 * Returns: (nullable): the string under @key, or %NULL if it is absent or not a string
 */
const char *
ts_json_get_string (const cJSON *object,
                    const char  *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  return cJSON_IsString (item) ? item->valuestring : NULL;
}

/* The whole number under @key, or @fallback if absent, not a number or out of range. */
gint64
ts_json_get_int (const cJSON *object,
                 const char  *key,
                 gint64       fallback)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  if (!cJSON_IsNumber (item) || item->valuedouble < -9.0e18 || item->valuedouble > 9.0e18)
    return fallback;

  return (gint64) item->valuedouble;
}

/* JSON text in g_malloc()ed memory, for ts_http_request_take_json_body(). */
char *
ts_json_print (const cJSON *json)
{
  char *printed = cJSON_PrintUnformatted (json);
  char *copy = g_strdup (printed);

  cJSON_free (printed);
  return copy;
}

char *
ts_base64_encode_bytes (GBytes *bytes)
{
  gsize size;
  const guchar *data = g_bytes_get_data (bytes, &size);

  return g_base64_encode (data, size);
}

/**
 * ts_provider_decode_png:
 * @base64: base64 text, with or without a `data:image/png;base64,` prefix
 *
 * Returns: (transfer full): the PNG bytes, checked by ts_png_validate(), or %NULL with a
 *   protocol error if the text is not base64 or the bytes are not a sound PNG
 */
GBytes *
ts_provider_decode_png (const char  *base64,
                        const char  *server,
                        GError     **error)
{
  g_autoptr(GBytes) png = NULL;
  guchar *data;
  gsize size = 0;
  const char *comma;

  if (g_str_has_prefix (base64, "data:") && (comma = strchr (base64, ',')) != NULL)
    base64 = comma + 1;

  for (const char *p = base64; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("+/=\r\n", *p) == NULL)
      {
        g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                     "%s sent an image that is not base64", server);
        return NULL;
      }

  data = g_base64_decode (base64, &size);
  png = g_bytes_new_take (data, size);

  return ts_provider_check_png (png, server, error);
}

/**
 * ts_provider_check_png:
 *
 * Returns: (transfer full): @png if ts_png_validate() accepts it, else %NULL with a
 *   protocol error
 */
GBytes *
ts_provider_check_png (GBytes      *png,
                       const char  *server,
                       GError     **error)
{
  g_autoptr(GError) png_error = NULL;

  if (!ts_png_validate (png, NULL, NULL, &png_error))
    {
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                   "%s sent an unusable image: %s", server, png_error->message);
      return NULL;
    }

  return g_bytes_ref (png);
}

/* Text jobs */

TsTextJob *
ts_text_job_new (TsProvider      *provider,
                 TsHttpClient    *client,
                 const char      *url,
                 const char      *model,
                 TsTextChunkFunc  chunk_func,
                 gpointer         chunk_data,
                 GCancellable    *cancellable)
{
  TsTextJob *job = g_new0 (TsTextJob, 1);

  job->provider = g_object_ref (provider);
  job->client = g_object_ref (client);
  job->url = g_strdup (url);
  job->model = g_strdup (model);
  job->chunk_func = chunk_func;
  job->chunk_data = chunk_data;
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  job->result = ts_text_result_new ();
  job->text = g_string_new (NULL);
  job->reasoning = g_string_new (NULL);

  return job;
}

void
ts_text_job_free (TsTextJob *job)
{
  if (job->parser != NULL)
    job->parser_free (job->parser);
  g_clear_object (&job->provider);
  g_clear_object (&job->client);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->result, ts_text_result_free);
  g_string_free (job->text, TRUE);
  g_string_free (job->reasoning, TRUE);
  g_free (job->url);
  g_free (job->model);
  g_free (job);
}

/* Passes a piece of the answer on, unless it is empty or the caller has cancelled. */
void
ts_text_job_emit (TsTextJob  *job,
                  const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL || *text == '\0')
    return;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append (job->text, text);
  if (job->chunk_func != NULL && !g_cancellable_is_cancelled (job->cancellable))
    job->chunk_func (text, job->chunk_data);
}

void
ts_text_job_add_reasoning (TsTextJob  *job,
                           const char *text)
{
  if (text != NULL)
    g_string_append (job->reasoning, text);
}

/* The first bytes of a stream: is it the type this protocol streams? */
gboolean
ts_text_job_check_type (TsTextJob       *job,
                        TsHttpResponse  *response,
                        GError         **error)
{
  const char *type = ts_http_response_get_content_type (response);
  g_autofree char *address = NULL;

  if (ts_http_response_has_content_type (response, job->expected_type))
    return TRUE;

  address = ts_http_describe_address (job->url);
  g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
               "%s at %s streamed %s instead of %s — is that address the right server?",
               job->server != NULL ? job->server : ts_provider_get_display_name (job->provider),
               address, type != NULL ? type : "no content type", job->expected_type);
  return FALSE;
}

/* The result, with the text and reasoning gathered so far. */
TsTextResult *
ts_text_job_steal_result (TsTextJob *job)
{
  TsTextResult *result = g_steal_pointer (&job->result);

  g_free (result->text);
  result->text = g_strdup (job->text->str);
  if (job->reasoning->len > 0)
    result->reasoning = g_strdup (job->reasoning->str);

  return result;
}
