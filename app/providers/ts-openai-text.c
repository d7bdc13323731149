/* ts-openai-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-openai-private.h"
#include "ts-provider-common.h"
#include "ts-sse.h"

/* Text through /v1/chat/completions (protocols.md §3), streamed as Server-Sent Events:
 * content, reasoning kept apart, usage or llama-server's timings, an error sent inside the
 * stream, and a server that answers with one JSON document despite "stream". */

/* An error object sent as an event inside a 200 stream. */
static GError *
stream_error (const cJSON *json,
              const char  *server,
              const char  *model)
{
  const cJSON *error = cJSON_GetObjectItemCaseSensitive (json, "error");
  const char *message = NULL;
  const char *type = NULL;
  gint64 code = 0;

  if (cJSON_IsString (error))
    message = error->valuestring;
  else if (cJSON_IsObject (error))
    {
      message = ts_json_get_string (error, "message");
      type = ts_json_get_string (error, "type");
      code = ts_json_get_int (error, "code", 0);
    }
  else
    return NULL;

  if (message == NULL)
    message = "no message";

  if (code == 404 || g_strcmp0 (type, "not_found_error") == 0)
    return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_NOT_FOUND,
                        "model '%s' is not available at %s: %s", model, server, message);
  if (code == 429)
    return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_RATE_LIMITED,
                        "%s asks to slow down: %s", server, message);

  return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                      "%s failed while answering: %s", server, message);
}

static cJSON *
build_chat_body (TsTextRequest *request)
{
  cJSON *body = cJSON_CreateObject ();
  cJSON *messages;

  cJSON_AddStringToObject (body, "model", request->model);
  cJSON_AddBoolToObject (body, "stream", TRUE);
  cJSON_AddBoolToObject (cJSON_AddObjectToObject (body, "stream_options"), "include_usage", TRUE);
  messages = cJSON_AddArrayToObject (body, "messages");

  if (request->system != NULL && *request->system != '\0')
    cJSON_AddItemToArray (messages, ts_chat_message_new ("system", request->system));

  for (guint i = 0; i < request->messages->len; i++)
    {
      TsMessage *source = g_ptr_array_index (request->messages, i);
      cJSON *message = ts_chat_message_new (ts_chat_role_to_string (source->role),
                                            source->images->len == 0 ? source->text : NULL);

      if (source->images->len > 0)
        {
          cJSON *parts = cJSON_AddArrayToObject (message, "content");
          cJSON *text = cJSON_CreateObject ();

          cJSON_AddStringToObject (text, "type", "text");
          cJSON_AddStringToObject (text, "text", source->text);
          cJSON_AddItemToArray (parts, text);

          for (guint j = 0; j < source->images->len; j++)
            {
              g_autofree char *base64 = ts_base64_encode_bytes (g_ptr_array_index (source->images, j));
              g_autofree char *data_url = g_strconcat ("data:image/png;base64,", base64, NULL);
              cJSON *image = cJSON_CreateObject ();

              cJSON_AddStringToObject (image, "type", "image_url");
              cJSON_AddStringToObject (cJSON_AddObjectToObject (image, "image_url"), "url", data_url);
              cJSON_AddItemToArray (parts, image);
            }
        }
      cJSON_AddItemToArray (messages, message);
    }

  if (request->max_tokens != TS_UNSET_INT)
    cJSON_AddNumberToObject (body, "max_tokens", (double) request->max_tokens);
  if (request->temperature != TS_UNSET_DOUBLE)
    cJSON_AddNumberToObject (body, "temperature", request->temperature);
  if (request->top_p != TS_UNSET_DOUBLE)
    cJSON_AddNumberToObject (body, "top_p", request->top_p);
  if (request->seed != TS_UNSET_INT)
    cJSON_AddNumberToObject (body, "seed", (double) request->seed);
  ts_json_add_strv (body, "stop", request->stop);

  return body;
}

typedef struct
{
  TsTextJob *job;
  GString   *whole;      /* a server that answered without streaming */
  gboolean   done;       /* [DONE] seen */
} ChatJob;

static void
chat_job_free (gpointer data)
{
  ChatJob *chat = data;

  ts_text_job_free (chat->job);
  if (chat->whole != NULL)
    g_string_free (chat->whole, TRUE);
  g_free (chat);
}

static const char *
server_of (ChatJob *chat)
{
  return ts_openai_server_name_for_url (chat->job->url);
}

static void
read_usage (TsTextResult *result,
            const cJSON  *json)
{
  const cJSON *usage = cJSON_GetObjectItemCaseSensitive (json, "usage");
  const cJSON *timings = cJSON_GetObjectItemCaseSensitive (json, "timings");

  if (cJSON_IsObject (usage))
    {
      result->input_tokens = ts_json_get_int (usage, "prompt_tokens", result->input_tokens);
      result->output_tokens = ts_json_get_int (usage, "completion_tokens", result->output_tokens);
    }

  /* llama-server's own figures. */
  if (cJSON_IsObject (timings))
    {
      const cJSON *speed = cJSON_GetObjectItemCaseSensitive (timings, "predicted_per_second");
      const cJSON *prompt_ms = cJSON_GetObjectItemCaseSensitive (timings, "prompt_ms");
      const cJSON *predicted_ms = cJSON_GetObjectItemCaseSensitive (timings, "predicted_ms");

      if (result->input_tokens == TS_UNSET_INT)
        result->input_tokens = ts_json_get_int (timings, "prompt_n", TS_UNSET_INT);
      if (result->output_tokens == TS_UNSET_INT)
        result->output_tokens = ts_json_get_int (timings, "predicted_n", TS_UNSET_INT);
      if (cJSON_IsNumber (speed))
        result->tokens_per_second = speed->valuedouble;
      if (cJSON_IsNumber (prompt_ms) && cJSON_IsNumber (predicted_ms))
        result->duration_ms = (gint64) (prompt_ms->valuedouble + predicted_ms->valuedouble);
    }
}

/* One choice, streamed ("delta") or whole ("message"). */
static void
read_choice (ChatJob     *chat,
             const cJSON *json,
             const char  *member)
{
  const cJSON *choices = cJSON_GetObjectItemCaseSensitive (json, "choices");
  const cJSON *choice = cJSON_IsArray (choices) ? cJSON_GetArrayItem (choices, 0) : NULL;
  const cJSON *delta = cJSON_GetObjectItemCaseSensitive (choice, member);
  const char *finish = ts_json_get_string (choice, "finish_reason");
  TsTextJob *job = chat->job;

  if (cJSON_IsObject (delta))
    {
      ts_text_job_add_reasoning (job, ts_json_get_string (delta, "reasoning_content"));
      ts_text_job_emit (job, ts_json_get_string (delta, "content"));
    }

  if (finish != NULL)
    {
      g_free (job->result->finish_reason);
      job->result->finish_reason = g_strdup (finish);
      job->complete = TRUE;
    }

  read_usage (job->result, json);
}

static gboolean
event_cb (const char  *event,
          const char  *data,
          gsize        length,
          gpointer     user_data,
          GError     **error)
{
  ChatJob *chat = user_data;
  g_autoptr(cJSON) json = NULL;
  g_autofree char *what = NULL;
  GError *stream_failure;

  if (g_str_equal (data, "[DONE]"))
    {
      chat->done = TRUE;
      return TRUE;
    }

  what = g_strdup_printf ("an event from %s", server_of (chat));
  json = ts_provider_parse_json_text (data, length, what, error);
  if (json == NULL)
    return FALSE;

  stream_failure = stream_error (json, server_of (chat), chat->job->model);
  if (stream_failure == NULL && g_str_equal (event, "error"))
    stream_failure = g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                                  "%s failed while answering: %s", server_of (chat), data);
  if (stream_failure != NULL)
    {
      g_propagate_error (error, stream_failure);
      return FALSE;
    }

  read_choice (chat, json, "delta");
  return TRUE;
}

static gboolean
chat_data_cb (TsHttpResponse  *response,
              const guint8    *data,
              gsize            length,
              gpointer         user_data,
              GError         **error)
{
  ChatJob *chat = user_data;
  TsTextJob *job = chat->job;

  if (chat->whole != NULL)
    {
      g_string_append_len (chat->whole, (const char *) data, length);
      return TRUE;
    }

  if (job->parser == NULL)
    {
      /* Some servers ignore "stream": take their whole answer as it comes. */
      if (ts_http_response_has_content_type (response, "application/json"))
        {
          chat->whole = g_string_new_len ((const char *) data, length);
          return TRUE;
        }
      if (!ts_text_job_check_type (job, response, error))
        return FALSE;
      job->parser = ts_sse_parser_new (TS_HTTP_MAX_TEXT_RESPONSE, event_cb, chat);
      job->parser_free = (GDestroyNotify) ts_sse_parser_free;
      ts_sse_parser_set_source (job->parser, server_of (chat));
    }

  return ts_sse_parser_feed (job->parser, (const char *) data, length, error);
}

static gboolean
read_whole (ChatJob  *chat,
            GError  **error)
{
  g_autofree char *what = g_strdup_printf ("the answer of %s", server_of (chat));
  g_autoptr(cJSON) json = ts_provider_parse_json_text (chat->whole->str, chat->whole->len, what, error);
  GError *failure;

  if (json == NULL)
    return FALSE;

  failure = stream_error (json, server_of (chat), chat->job->model);
  if (failure != NULL)
    {
      g_propagate_error (error, failure);
      return FALSE;
    }

  read_choice (chat, json, "message");
  chat->done = chat->job->complete;
  return TRUE;
}

static void
chat_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ChatJob *chat = g_task_get_task_data (task);
  TsTextJob *job = chat->job;
  g_autoptr(TsHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = ts_provider_receive (object, result, _ts_openai_call_error, job->url,
                                  job->model, &error);
  if (response == NULL || (chat->whole != NULL && !read_whole (chat, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Without [DONE] and without a finish reason, the stream was cut short. */
  if (!chat->done && !job->complete)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                               "the answer of %s ended before it was complete", server_of (chat));
      return;
    }

  g_task_return_pointer (task, ts_text_job_steal_result (job), (GDestroyNotify) ts_text_result_free);
}

void
_ts_openai_provider_generate_text_async (TsProvider          *provider,
                                         TsTextRequest       *request,
                                         TsTextChunkFunc      chunk_func,
                                         gpointer             chunk_data,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  TsOpenaiProvider *self = TS_OPENAI_PROVIDER (provider);
  TsHttpClient *client = ts_http_client_ensure (&self->client);
  g_autoptr(TsHttpRequest) http = _ts_openai_new_request (self, "POST", "/chat/completions");
  g_autoptr(cJSON) body = build_chat_body (request);
  ChatJob *chat = g_new0 (ChatJob, 1);
  GTask *task;

  chat->job = ts_text_job_new (provider, client, ts_http_request_get_url (http), request->model,
                               chunk_func, chunk_data, cancellable);
  chat->job->expected_type = "text/event-stream";
  chat->job->server = ts_openai_server_name_for_url (chat->job->url);

  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               _ts_openai_provider_generate_text_async, chat, chat_job_free);

  ts_http_request_take_json_body (http, ts_json_print (body));
  ts_http_request_set_header (http, "Accept", "text/event-stream");
  ts_http_request_set_idle_timeout (http, TS_OPENAI_GENERATE_IDLE_TIMEOUT);
  _ts_openai_send_request (self, http, chat_data_cb, chat, cancellable, chat_cb, task);
}
