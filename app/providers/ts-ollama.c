/* ts-ollama.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-ollama-private.h"
#include "ts-provider-common.h"

/* Ollama (protocols.md §2): /api/version to detect, /api/tags and /api/show for the
 * models and what they can do, /api/chat streaming NDJSON for text, /api/generate for
 * image models. The address is the provider's endpoint, else OLLAMA_HOST as Ollama's own
 * client reads it, else 127.0.0.1:11434.
 *
 * This file holds the provider, its address, the reading of failed calls, the version
 * probe and the model list; ts-ollama-text.c the chat and ts-ollama-image.c the images. */

#define HOW_TO_START "start it with `ollama serve`"

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

TsHttpRequest *
_ts_ollama_new_request (TsOllamaProvider *self,
                        const char       *method,
                        const char       *path)
{
  g_autofree char *base = ts_ollama_provider_dup_base_url (self);
  g_autofree char *url = ts_http_build_url (base, path);

  return ts_http_request_new (method, url);
}

/* Turns a failed call into the error a person can act on. */
GError *
_ts_ollama_call_error (TsHttpResponse *response,
                       const GError   *http_error,
                       const char     *url,
                       const char     *model)
{
  g_autoptr(GBytes) body = NULL;
  g_autofree char *message = NULL;

  if (http_error != NULL)
    return ts_http_error_to_provider (http_error, TS_OLLAMA_SERVER_NAME, url, HOW_TO_START);

  body = ts_http_response_get_body (response);
  message = ts_provider_server_message (body);

  if (ts_http_response_get_status (response) == 404 && model != NULL &&
      (message == NULL || strstr (message, "not found") != NULL))
    return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_NOT_FOUND,
                        "model '%s' is not pulled — run `ollama pull %s`", model, model);

  return ts_provider_status_error (response, TS_OLLAMA_SERVER_NAME, url);
}

/* An error line inside a 200 stream. */
gboolean
_ts_ollama_stream_error (const cJSON  *line,
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

  json = ts_provider_receive_json (object, result, _ts_ollama_call_error, TS_OLLAMA_SERVER_NAME, url, NULL, &error);
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
  g_autoptr(TsHttpRequest) request = _ts_ollama_new_request (self, "GET", "/api/version");
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
      g_autoptr(cJSON) json = ts_provider_parse_json (response, TS_OLLAMA_SERVER_NAME, "/api/show", NULL);

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

  json = ts_provider_receive_json (object, result, _ts_ollama_call_error, TS_OLLAMA_SERVER_NAME, job->url, NULL, &error);
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
      request = _ts_ollama_new_request (job->self, "POST", "/api/show");
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
  g_autoptr(TsHttpRequest) request = _ts_ollama_new_request (self, "GET", "/api/tags");
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
  provider_class->generate_text_async = _ts_ollama_provider_generate_text_async;
  provider_class->generate_image_async = _ts_ollama_provider_generate_image_async;
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
