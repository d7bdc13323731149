/* ts-ollama.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-block.h"
#include "ts-http.h"
#include "ts-ndjson.h"
#include "ts-ollama.h"
#include "ts-provider-common.h"

/* Ollama (protocols.md §2): /api/version to detect, /api/tags and /api/show for the
 * models and what they can do, /api/chat streaming NDJSON for text, /api/generate for
 * image models. The address is the provider's endpoint, else OLLAMA_HOST as Ollama's own
 * client reads it, else 127.0.0.1:11434. */

#define SERVER_NAME "Ollama"
#define HOW_TO_START "start it with `ollama serve`"

/* Loading a model can take minutes before the first token. */
#define GENERATE_IDLE_TIMEOUT (5 * 60 * 1000)

struct _TsOllamaProvider
{
  TsProvider    parent_instance;

  TsHttpClient *client;
};

G_DEFINE_FINAL_TYPE (TsOllamaProvider, ts_ollama_provider, TS_TYPE_PROVIDER)

/**
 * ts_ollama_parse_host:
 * @value: (nullable): OLLAMA_HOST's value: "host", "host:port" or a URL
 *
 * Reads OLLAMA_HOST the way Ollama does: no scheme means http and port 11434; an
 * explicit "http://" or "https://" without a port means 80 or 443.
 *
 * Returns: (transfer full) (nullable): the base URL, or %NULL if @value is empty
 */
char *
ts_ollama_parse_host (const char *value)
{
  g_autofree char *trimmed = NULL;
  const char *scheme = "http";
  const char *default_port = "11434";
  const char *hostport;
  const char *separator;
  g_autofree char *host = NULL;
  const char *port = NULL;
  const char *path;

  if (value == NULL)
    return NULL;

  trimmed = g_strstrip (g_strdup (value));
  if (*trimmed == '\0')
    return NULL;

  separator = strstr (trimmed, "://");
  if (separator == NULL)
    {
      hostport = trimmed;
    }
  else
    {
      hostport = separator + 3;
      if (g_ascii_strncasecmp (trimmed, "https", separator - trimmed) == 0 && separator - trimmed == 5)
        scheme = "https", default_port = "443";
      else
        default_port = "80";
    }

  path = strchr (hostport, '/');
  host = path != NULL ? g_strndup (hostport, path - hostport) : g_strdup (hostport);

  if (host[0] == '[')
    {
      char *close = strchr (host, ']');

      if (close != NULL && close[1] == ':')
        {
          close[1] = '\0';
          port = close + 2;
        }
    }
  else
    {
      char *colon = strrchr (host, ':');

      if (colon != NULL)
        {
          *colon = '\0';
          port = colon + 1;
        }
    }

  return g_strdup_printf ("%s://%s:%s%s", scheme, *host != '\0' ? host : "127.0.0.1",
                          port != NULL && *port != '\0' ? port : default_port,
                          path != NULL && !g_str_equal (path, "/") ? path : "");
}

/**
 * ts_ollama_provider_dup_base_url:
 *
 * Returns: (transfer full): where requests go: the endpoint, else OLLAMA_HOST, else
 *   %TS_OLLAMA_DEFAULT_URL
 */
char *
ts_ollama_provider_dup_base_url (TsOllamaProvider *self)
{
  const char *endpoint = ts_provider_get_endpoint (TS_PROVIDER (self));
  char *from_env;

  if (endpoint != NULL)
    return g_strdup (endpoint);

  from_env = ts_ollama_parse_host (g_getenv ("OLLAMA_HOST"));
  if (from_env != NULL)
    return from_env;

  return g_strdup (TS_OLLAMA_DEFAULT_URL);
}

static TsHttpRequest *
new_request (TsOllamaProvider *self,
             const char       *method,
             const char       *path)
{
  g_autofree char *base = ts_ollama_provider_dup_base_url (self);
  g_autofree char *url = ts_http_build_url (base, path);

  return ts_http_request_new (method, url);
}

/* Turns a failed call into the error a person can act on. */
static GError *
call_error (TsHttpResponse *response,
            const GError   *http_error,
            const char     *url,
            const char     *model)
{
  g_autoptr(GBytes) body = NULL;
  g_autofree char *message = NULL;

  if (http_error != NULL)
    return ts_http_error_to_provider (http_error, SERVER_NAME, url, HOW_TO_START);

  body = ts_http_response_get_body (response);
  message = ts_provider_server_message (body);

  if (ts_http_response_get_status (response) == 404 && model != NULL &&
      (message == NULL || strstr (message, "not found") != NULL))
    return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_NOT_FOUND,
                        "model '%s' is not pulled — run `ollama pull %s`", model, model);

  return ts_provider_status_error (response, SERVER_NAME, url);
}

/* An error line inside a 200 stream. */
static gboolean
stream_error (const cJSON  *line,
              const char   *model,
              GError      **error)
{
  const char *message = ts_json_get_string (line, "error");

  if (message == NULL)
    return FALSE;

  if (strstr (message, "not found") != NULL)
    g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_NOT_FOUND,
                 "model '%s' is not pulled — run `ollama pull %s` (Ollama: %s)",
                 model, model, message);
  else
    g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                 "Ollama failed while answering: %s", message);

  return TRUE;
}

/* Version */

static void
version_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *url = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) json = NULL;
  const char *version;

  json = ts_provider_receive_json (object, result, call_error, SERVER_NAME, url, NULL, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  version = ts_json_get_string (json, "version");
  if (version == NULL)
    g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                             "the server at %s is not Ollama: /api/version has no version", url);
  else
    g_task_return_pointer (task, g_strdup (version), g_free);
}

/**
 * ts_ollama_provider_get_version_async:
 * @timeout_ms: the connect and overall timeout
 *
 * Asks /api/version: the quick probe that tells whether Ollama runs.
 */
void
ts_ollama_provider_get_version_async (TsOllamaProvider    *self,
                                      guint                timeout_ms,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(TsHttpRequest) request = new_request (self, "GET", "/api/version");
  GTask *task;

  g_return_if_fail (TS_IS_OLLAMA_PROVIDER (self));

  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               ts_ollama_provider_get_version_async,
                               g_strdup (ts_http_request_get_url (request)), g_free);

  ts_http_request_set_connect_timeout (request, timeout_ms);
  ts_http_request_set_total_timeout (request, timeout_ms);
  ts_http_client_send_async (ts_http_client_ensure (&self->client), request, NULL, NULL, NULL,
                             cancellable, version_cb, task);
}

/**
 * ts_ollama_provider_get_version_finish:
 *
 * Returns: (transfer full): the version, such as "0.12.6"
 */
char *
ts_ollama_provider_get_version_finish (TsOllamaProvider  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Models */

typedef struct
{
  TsOllamaProvider *self;
  GPtrArray        *models;
  guint             pending;
  char             *url;
} ListJob;

static void
list_job_free (gpointer data)
{
  ListJob *job = data;

  g_clear_object (&job->self);
  g_ptr_array_unref (job->models);
  g_free (job->url);
  g_free (job);
}

static TsModelCapabilities
capabilities_from_show (const cJSON *json)
{
  const cJSON *list = cJSON_GetObjectItemCaseSensitive (json, "capabilities");
  const cJSON *item;
  TsModelCapabilities capabilities = 0;

  if (!cJSON_IsArray (list))
    return TS_MODEL_TEXT;

  /* Unknown names ("tools", "thinking", "embedding", …) add nothing. */
  cJSON_ArrayForEach (item, list)
    {
      if (!cJSON_IsString (item))
        continue;
      if (g_str_equal (item->valuestring, "completion"))
        capabilities |= TS_MODEL_TEXT;
      else if (g_str_equal (item->valuestring, "vision"))
        capabilities |= TS_MODEL_IMAGE_INPUT;
      else if (g_str_equal (item->valuestring, "image"))
        capabilities |= TS_MODEL_IMAGE_OUTPUT;
    }

  return capabilities;
}

typedef struct
{
  GTask       *task;
  TsModelInfo *info;
} ShowCall;

static void
list_job_step_done (GTask *task)
{
  ListJob *job = g_task_get_task_data (task);

  if (--job->pending > 0)
    return;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED, "Cancelled");
  else
    g_task_return_pointer (task, g_ptr_array_ref (job->models), (GDestroyNotify) g_ptr_array_unref);
}

static void
show_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ShowCall *call = user_data;
  g_autoptr(GTask) task = call->task;
  g_autoptr(TsHttpResponse) response = NULL;

  /* Without an answer from /api/show (an older Ollama), a model stays a text model. */
  response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, NULL);
  if (response != NULL && ts_http_response_is_success (response))
    {
      g_autoptr(cJSON) json = ts_provider_parse_json (response, SERVER_NAME, "/api/show", NULL);

      if (json != NULL)
        call->info->capabilities = capabilities_from_show (json);
    }

  g_free (call);
  list_job_step_done (task);
}

static void
tags_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) json = NULL;
  const cJSON *models;
  const cJSON *item;

  json = ts_provider_receive_json (object, result, call_error, SERVER_NAME, job->url, NULL, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  models = cJSON_GetObjectItemCaseSensitive (json, "models");
  if (!cJSON_IsArray (models))
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                               "Ollama's model list has no \"models\" array");
      return;
    }

  /* One /api/show per model, all at once; the task ends with the last. */
  job->pending = 1;
  cJSON_ArrayForEach (item, models)
    {
      const char *name = ts_json_get_string (item, "name");
      g_autoptr(TsHttpRequest) request = NULL;
      g_autoptr(cJSON) body = NULL;
      ShowCall *call;

      if (name == NULL)
        name = ts_json_get_string (item, "model");
      if (name == NULL)
        continue;

      call = g_new0 (ShowCall, 1);
      call->task = g_object_ref (task);
      call->info = ts_model_info_new (name, name, TS_MODEL_TEXT);
      g_ptr_array_add (job->models, call->info);

      body = cJSON_CreateObject ();
      cJSON_AddStringToObject (body, "model", name);
      request = new_request (job->self, "POST", "/api/show");
      ts_http_request_take_json_body (request, ts_json_print (body));
      job->pending++;
      ts_http_client_send_async (TS_HTTP_CLIENT (object), request, NULL, NULL, NULL,
                                 g_task_get_cancellable (task), show_cb, call);
    }

  list_job_step_done (task);
}

static void
ts_ollama_provider_list_models_async (TsProvider          *provider,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  TsOllamaProvider *self = TS_OLLAMA_PROVIDER (provider);
  g_autoptr(TsHttpRequest) request = new_request (self, "GET", "/api/tags");
  ListJob *job = g_new0 (ListJob, 1);
  GTask *task;

  job->self = g_object_ref (self);
  job->models = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_info_free);
  job->url = g_strdup (ts_http_request_get_url (request));

  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               ts_ollama_provider_list_models_async, job, list_job_free);

  ts_http_client_send_async (ts_http_client_ensure (&self->client), request, NULL, NULL, NULL,
                             cancellable, tags_cb, task);
}

/* Text */

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

  if (stream_error (line, job->model, error))
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
      ts_ndjson_parser_set_source (job->parser, SERVER_NAME);
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

  response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, &error);
  if (response == NULL || !ts_http_response_is_success (response))
    {
      g_task_return_error (task, call_error (response, error, job->url, job->model));
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

static void
ts_ollama_provider_generate_text_async (TsProvider          *provider,
                                        TsTextRequest       *request,
                                        TsTextChunkFunc      chunk_func,
                                        gpointer             chunk_data,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  TsOllamaProvider *self = TS_OLLAMA_PROVIDER (provider);
  TsHttpClient *client = ts_http_client_ensure (&self->client);
  g_autoptr(TsHttpRequest) http = new_request (self, "POST", "/api/chat");
  g_autoptr(cJSON) body = build_chat_body (request);
  TsTextJob *job;
  GTask *task;

  job = ts_text_job_new (provider, client, ts_http_request_get_url (http), request->model,
                         chunk_func, chunk_data, cancellable);
  job->expected_type = "application/x-ndjson";
  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               ts_ollama_provider_generate_text_async,
                               job, (GDestroyNotify) ts_text_job_free);

  ts_http_request_take_json_body (http, ts_json_print (body));
  ts_http_request_set_idle_timeout (http, GENERATE_IDLE_TIMEOUT);
  ts_http_client_send_async (client, http, chat_data_cb, job, NULL, cancellable, chat_cb, task);
}

/* Images (experimental in Ollama): one /api/generate per image */

typedef struct
{
  TsOllamaProvider *self;
  TsImageRequest   *request;
  TsProgressFunc    progress_func;
  gpointer          progress_data;
  TsImageResult    *result;
  TsNdjsonParser   *parser;
  GBytes           *image;
  char             *url;
  guint             index;
} ImageJob;

static void
image_job_free (gpointer data)
{
  ImageJob *job = data;

  g_clear_object (&job->self);
  ts_image_request_unref (job->request);
  g_clear_pointer (&job->result, ts_image_result_free);
  g_clear_pointer (&job->parser, ts_ndjson_parser_free);
  g_clear_pointer (&job->image, g_bytes_unref);
  g_free (job->url);
  g_free (job);
}

static gint64
image_seed (ImageJob *job)
{
  /* Each image of a batch gets the next seed, so a batch is reproducible. */
  if (job->request->seed == TS_SEED_RANDOM)
    return TS_SEED_RANDOM;
  return job->request->seed + job->index;
}

static gboolean
image_line_cb (cJSON    *line,
               gpointer  user_data,
               GError  **error)
{
  GTask *task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  gint64 completed = ts_json_get_int (line, "completed", -1);
  gint64 total = ts_json_get_int (line, "total", -1);
  const char *image;

  if (stream_error (line, job->request->model, error))
    return FALSE;

  if (completed >= 0 && total > 0 && job->progress_func != NULL &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      double per_image = CLAMP ((double) completed / (double) total, 0.0, 1.0);

      job->progress_func ((job->index + per_image) / (double) job->request->count, job->progress_data);
    }

  image = ts_json_get_string (line, "image");
  if (image != NULL && cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (line, "done")))
    {
      job->image = ts_provider_decode_png (image, SERVER_NAME, error);
      return job->image != NULL;
    }

  return TRUE;
}

static gboolean
image_data_cb (TsHttpResponse  *response,
               const guint8    *data,
               gsize            length,
               gpointer         user_data,
               GError         **error)
{
  GTask *task = user_data;
  ImageJob *job = g_task_get_task_data (task);

  if (job->parser == NULL)
    {
      if (!ts_http_response_has_content_type (response, "application/x-ndjson"))
        {
          g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                       "Ollama streamed %s instead of application/x-ndjson",
                       ts_http_response_get_content_type (response) ?: "no content type");
          return FALSE;
        }
      job->parser = ts_ndjson_parser_new (TS_HTTP_MAX_IMAGE_RESPONSE, image_line_cb, task);
      ts_ndjson_parser_set_source (job->parser, SERVER_NAME);
    }

  return ts_ndjson_parser_feed (job->parser, (const char *) data, length, error);
}

static void send_image_request (GTask *task);

static void
image_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  g_autoptr(TsHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, &error);
  if (response == NULL || !ts_http_response_is_success (response))
    {
      g_task_return_error (task, call_error (response, error, job->url, job->request->model));
      return;
    }

  if (job->parser != NULL && !ts_ndjson_parser_finish (job->parser, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->image == NULL)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                               "Ollama finished without an image — is '%s' an image model?",
                               job->request->model);
      return;
    }

  ts_image_result_add (job->result, job->image, image_seed (job));
  g_clear_pointer (&job->image, g_bytes_unref);
  g_clear_pointer (&job->parser, ts_ndjson_parser_free);

  if (++job->index < job->request->count)
    {
      send_image_request (g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&job->result), (GDestroyNotify) ts_image_result_free);
}

static void
send_image_request (GTask *task)
{
  ImageJob *job = g_task_get_task_data (task);
  TsImageRequest *request = job->request;
  g_autoptr(TsHttpRequest) http = new_request (job->self, "POST", "/api/generate");
  g_autoptr(cJSON) body = cJSON_CreateObject ();
  gint64 seed = image_seed (job);

  cJSON_AddStringToObject (body, "model", request->model);
  cJSON_AddStringToObject (body, "prompt", request->prompt);
  cJSON_AddNumberToObject (body, "width", (double) request->width);
  cJSON_AddNumberToObject (body, "height", (double) request->height);
  if (request->steps != TS_UNSET_INT)
    cJSON_AddNumberToObject (body, "steps", (double) request->steps);
  if (seed != TS_SEED_RANDOM)
    cJSON_AddNumberToObject (body, "seed", (double) seed);
  cJSON_AddBoolToObject (body, "stream", TRUE);

  g_free (job->url);
  job->url = g_strdup (ts_http_request_get_url (http));
  ts_http_request_take_json_body (http, ts_json_print (body));
  ts_http_request_set_idle_timeout (http, GENERATE_IDLE_TIMEOUT);
  ts_http_request_set_max_response_size (http, TS_HTTP_MAX_IMAGE_RESPONSE);
  ts_http_client_send_async (ts_http_client_ensure (&job->self->client), http, image_data_cb, task, NULL,
                             g_task_get_cancellable (task), image_cb, task);
}

static void
ts_ollama_provider_generate_image_async (TsProvider          *provider,
                                         TsImageRequest      *request,
                                         TsProgressFunc       progress_func,
                                         gpointer             progress_data,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  TsOllamaProvider *self = TS_OLLAMA_PROVIDER (provider);
  ImageJob *job = g_new0 (ImageJob, 1);
  GTask *task;

  job->self = g_object_ref (self);
  job->request = ts_image_request_ref (request);
  job->progress_func = progress_func;
  job->progress_data = progress_data;
  job->result = ts_image_result_new ();

  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               ts_ollama_provider_generate_image_async, job, image_job_free);

  if (request->count < 1)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
                               "asked for %" G_GINT64_FORMAT " images", request->count);
      g_object_unref (task);
      return;
    }

  send_image_request (task);
}

static void
ts_ollama_provider_dispose (GObject *object)
{
  TsOllamaProvider *self = TS_OLLAMA_PROVIDER (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (ts_ollama_provider_parent_class)->dispose (object);
}

static void
ts_ollama_provider_class_init (TsOllamaProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TsProviderClass *provider_class = TS_PROVIDER_CLASS (klass);

  object_class->dispose = ts_ollama_provider_dispose;

  provider_class->list_models_async = ts_ollama_provider_list_models_async;
  provider_class->generate_text_async = ts_ollama_provider_generate_text_async;
  provider_class->generate_image_async = ts_ollama_provider_generate_image_async;
}

static void
ts_ollama_provider_init (TsOllamaProvider *self)
{
}

TsProvider *
ts_ollama_provider_new (void)
{
  return g_object_new (TS_TYPE_OLLAMA_PROVIDER,
                       "id", "ollama",
                       "display-name", "Ollama",
                       NULL);
}
