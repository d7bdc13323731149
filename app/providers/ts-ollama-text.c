/* ts-ollama-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-ndjson.h"
#include "ts-ollama-private.h"
#include "ts-provider-common.h"

/* Text through /api/chat (protocols.md §2), streamed as NDJSON: content, thinking kept
 * apart, and the figures of the "done" line. */

static cJSON *
build_chat_body (TsTextRequest *request)
{
  cJSON *body = cJSON_CreateObject ();
  cJSON *messages = cJSON_AddArrayToObject (body, "messages");
  cJSON *options = cJSON_CreateObject ();

  cJSON_AddStringToObject (body, "model", request->model);
  cJSON_AddBoolToObject (body, "stream", TRUE);

  if (request->system != NULL && *request->system != '\0')
    cJSON_AddItemToArray (messages, ts_chat_message_new ("system", request->system));

  for (guint i = 0; i < request->messages->len; i++)
    {
      TsMessage *source = g_ptr_array_index (request->messages, i);
      cJSON *message = ts_chat_message_new (ts_chat_role_to_string (source->role), source->text);

      if (source->images->len > 0)
        {
          cJSON *images = cJSON_AddArrayToObject (message, "images");

          for (guint j = 0; j < source->images->len; j++)
            {
              g_autofree char *base64 = ts_base64_encode_bytes (g_ptr_array_index (source->images, j));

              cJSON_AddItemToArray (images, cJSON_CreateString (base64));
            }
        }
      cJSON_AddItemToArray (messages, message);
    }

  if (request->temperature != TS_UNSET_DOUBLE)
    cJSON_AddNumberToObject (options, "temperature", request->temperature);
  if (request->top_p != TS_UNSET_DOUBLE)
    cJSON_AddNumberToObject (options, "top_p", request->top_p);
  if (request->max_tokens != TS_UNSET_INT)
    cJSON_AddNumberToObject (options, "num_predict", (double) request->max_tokens);
  if (request->seed != TS_UNSET_INT)
    cJSON_AddNumberToObject (options, "seed", (double) request->seed);
  ts_json_add_strv (options, "stop", request->stop);

  if (cJSON_GetArraySize (options) > 0)
    cJSON_AddItemToObject (body, "options", options);
  else
    cJSON_Delete (options);

  return body;
}

static gboolean
chat_line_cb (cJSON    *line,
              gpointer  user_data,
              GError  **error)
{
  TsTextJob *job = user_data;
  TsTextResult *result = job->result;
  const cJSON *message;
  const cJSON *done;

  if (_ts_ollama_stream_error (line, job->model, error))
    return FALSE;

  if (job->complete)
    return TRUE;

  message = cJSON_GetObjectItemCaseSensitive (line, "message");
  if (cJSON_IsObject (message))
    {
      ts_text_job_add_reasoning (job, ts_json_get_string (message, "thinking"));
      ts_text_job_emit (job, ts_json_get_string (message, "content"));
    }

  done = cJSON_GetObjectItemCaseSensitive (line, "done");
  if (cJSON_IsTrue (done))
    {
      gint64 total_ns = ts_json_get_int (line, "total_duration", -1);
      gint64 eval_ns = ts_json_get_int (line, "eval_duration", -1);

      job->complete = TRUE;
      g_free (result->finish_reason);
      result->finish_reason = g_strdup (ts_json_get_string (line, "done_reason"));
      result->input_tokens = ts_json_get_int (line, "prompt_eval_count", TS_UNSET_INT);
      result->output_tokens = ts_json_get_int (line, "eval_count", TS_UNSET_INT);
      if (total_ns >= 0)
        result->duration_ms = total_ns / 1000000;
      if (eval_ns > 0 && result->output_tokens != TS_UNSET_INT)
        result->tokens_per_second = result->output_tokens * 1e9 / (double) eval_ns;
    }

  return TRUE;
}

static gboolean
chat_data_cb (TsHttpResponse  *response,
              const guint8    *data,
              gsize            length,
              gpointer         user_data,
              GError         **error)
{
  TsTextJob *job = user_data;

  if (job->parser == NULL)
    {
      if (!ts_text_job_check_type (job, response, error))
        return FALSE;
      job->parser = ts_ndjson_parser_new (TS_HTTP_MAX_TEXT_RESPONSE, chat_line_cb, job);
      ts_ndjson_parser_set_source (job->parser, TS_OLLAMA_SERVER_NAME);
      job->parser_free = (GDestroyNotify) ts_ndjson_parser_free;
    }

  return ts_ndjson_parser_feed (job->parser, (const char *) data, length, error);
}

static void
chat_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TsTextJob *job = g_task_get_task_data (task);
  g_autoptr(TsHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = ts_provider_receive (object, result, _ts_ollama_call_error, job->url, job->model, &error);
  if (response == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->parser == NULL)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                               "Ollama sent an empty answer");
      return;
    }

  if (!ts_ndjson_parser_finish (job->parser, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!job->complete)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                               "Ollama's answer ended before it was complete");
      return;
    }

  g_task_return_pointer (task, ts_text_job_steal_result (job), (GDestroyNotify) ts_text_result_free);
}

void
_ts_ollama_provider_generate_text_async (TsProvider          *provider,
                                         TsTextRequest       *request,
                                         TsTextChunkFunc      chunk_func,
                                         gpointer             chunk_data,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  TsOllamaProvider *self = TS_OLLAMA_PROVIDER (provider);
  TsHttpClient *client = ts_http_client_ensure (&self->client);
  g_autoptr(TsHttpRequest) http = _ts_ollama_new_request (self, "POST", "/api/chat");
  g_autoptr(cJSON) body = build_chat_body (request);
  TsTextJob *job;
  GTask *task;

  job = ts_text_job_new (provider, client, ts_http_request_get_url (http), request->model,
                         chunk_func, chunk_data, cancellable);
  job->expected_type = "application/x-ndjson";
  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               _ts_ollama_provider_generate_text_async,
                               job, (GDestroyNotify) ts_text_job_free);

  ts_http_request_take_json_body (http, ts_json_print (body));
  ts_http_request_set_idle_timeout (http, TS_OLLAMA_GENERATE_IDLE_TIMEOUT);
  ts_http_client_send_async (client, http, chat_data_cb, job, NULL, cancellable, chat_cb, task);
}
