/* ts-openai.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>


#include "ts-openai-private.h"
#include "ts-provider-common.h"

/* OpenAI-compatible servers (protocols.md §3): llama.cpp's llama-server, LM Studio,
 * vLLM, LocalAI, Jan, Ollama's /v1. /v1/models lists the models, /v1/chat/completions
 * streams Server-Sent Events, /v1/images/generations makes images.
 *
 * The base URL is the provider's endpoint, else OPENAI_BASE_URL, else llama-server's
 * default; a URL without a path gets "/v1". An API key is sent only to the address it
 * belongs to: one given with ts_openai_provider_set_api_key() to its endpoint,
 * OPENAI_API_KEY to OPENAI_BASE_URL (or to api.openai.com when that is unset). A key is
 * never read from a playground file and never appears in a message.
 *
 * This file holds the provider, its addresses and keys, how a request goes out, how a
 * failed call reads, and the model list; ts-openai-text.c the chat completions and
 * ts-openai-image.c the image generations. */

G_DEFINE_FINAL_TYPE (TsOpenaiProvider, ts_openai_provider, TS_TYPE_PROVIDER)

/**
 * ts_openai_normalize_base_url:
 * @url: a server address such as "http://127.0.0.1:1234" or ".../v1/"
 *
 * Returns: (transfer full): the base URL without a trailing slash; "/v1" is added when
 *   @url has no path
 */
char *
ts_openai_normalize_base_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *trimmed = g_strdup (url);
  gsize length = strlen (trimmed);

  while (length > 0 && trimmed[length - 1] == '/')
    trimmed[--length] = '\0';

  if (uri != NULL && (*g_uri_get_path (uri) == '\0' || g_str_equal (g_uri_get_path (uri), "/")) &&
      g_uri_get_query (uri) == NULL)
    return g_strconcat (trimmed, "/v1", NULL);

  return g_steal_pointer (&trimmed);
}

char *
_ts_openai_origin_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *address = NULL;

  if (uri == NULL)
    return NULL;

  address = ts_http_describe_address (url);
  return g_strdup_printf ("%s://%s", g_uri_get_scheme (uri), address);
}

/**
 * ts_openai_server_name_for_url:
 *
 * Returns: the usual server at @url's port, to name it in messages
 */
const char *
ts_openai_server_name_for_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  int port = uri != NULL ? g_uri_get_port (uri) : -1;

  if (uri != NULL && g_strcmp0 (g_uri_get_host (uri), "api.openai.com") == 0)
    return "OpenAI";

  switch (port)
    {
    case 8080: return "llama.cpp's llama-server";
    case 1234: return "LM Studio";
    case 8000: return "vLLM";
    case 1337: return "Jan";
    case 5001: return "KoboldCpp";
    case 11434: return "Ollama";
    default: return "OpenAI-compatible server";
    }
}

static const char *
how_to_start (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  switch (uri != NULL ? g_uri_get_port (uri) : -1)
    {
    case 8080: return "start it with `llama-server -m MODEL.gguf`";
    case 1234: return "start LM Studio's server with `lms server start`";
    case 8000: return "start it with `vllm serve MODEL`";
    case 11434: return "start it with `ollama serve`";
    default: return NULL;
    }
}

char *
ts_openai_provider_dup_base_url (TsOpenaiProvider *self)
{
  const char *endpoint = ts_provider_get_endpoint (TS_PROVIDER (self));
  const char *from_env = g_getenv ("OPENAI_BASE_URL");

  if (endpoint != NULL)
    return ts_openai_normalize_base_url (endpoint);
  if (from_env != NULL && *from_env != '\0')
    return ts_openai_normalize_base_url (from_env);

  return g_strdup (TS_OPENAI_DEFAULT_URL);
}

/**
 * ts_openai_provider_set_api_key:
 * @endpoint: the endpoint the key belongs to
 * @api_key: (nullable): the key, from the user's settings or keyring
 *
 * Sets a key that is sent only to @endpoint's scheme, host and port.
 */
void
ts_openai_provider_set_api_key (TsOpenaiProvider *self,
                                const char       *endpoint,
                                const char       *api_key)
{
  g_return_if_fail (TS_IS_OPENAI_PROVIDER (self));
  g_return_if_fail (endpoint != NULL || api_key == NULL);

  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->api_key_origin, g_free);
  if (api_key != NULL && *api_key != '\0')
    {
      self->api_key = g_strdup (api_key);
      self->api_key_origin = _ts_openai_origin_of (endpoint);
    }
}

static const char *
api_key_for (TsOpenaiProvider *self,
             const char       *url)
{
  g_autofree char *origin = _ts_openai_origin_of (url);
  const char *env_key = g_getenv ("OPENAI_API_KEY");
  const char *env_base = g_getenv ("OPENAI_BASE_URL");
  g_autofree char *env_origin = NULL;

  if (origin == NULL)
    return NULL;

  if (self->api_key != NULL && g_strcmp0 (origin, self->api_key_origin) == 0)
    return self->api_key;

  if (env_key == NULL || *env_key == '\0')
    return NULL;

  env_origin = _ts_openai_origin_of (env_base != NULL && *env_base != '\0' ? env_base : TS_OPENAI_CLOUD_URL);
  if (g_strcmp0 (origin, env_origin) == 0)
    return env_key;

  return NULL;
}

TsHttpRequest *
_ts_openai_new_request (TsOpenaiProvider *self,
                        const char       *method,
                        const char       *path)
{
  g_autofree char *base = ts_openai_provider_dup_base_url (self);
  g_autofree char *url = ts_http_build_url (base, path);

  return ts_http_request_new (method, url);
}

static void
set_authorization (TsHttpRequest *request,
                   const char    *key)
{
  g_autofree char *authorization = NULL;

  if (key == NULL || *key == '\0')
    return;

  authorization = g_strdup_printf ("Bearer %s", key);
  ts_http_request_set_header (request, "Authorization", authorization);
}

/* Sends @request with the key that belongs to its address, if any. */
void
_ts_openai_send_request (TsOpenaiProvider    *self,
                         TsHttpRequest       *request,
                         TsHttpDataFunc       data_func,
                         gpointer             data_user_data,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  set_authorization (request, api_key_for (self, ts_http_request_get_url (request)));
  ts_http_client_send_async (ts_http_client_ensure (&self->client), request, data_func,
                             data_user_data, NULL, cancellable, callback, user_data);
}

GError *
_ts_openai_call_error (TsHttpResponse *response,
                       const GError   *http_error,
                       const char     *url,
                       const char     *model)
{
  const char *server = ts_openai_server_name_for_url (url);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *message = NULL;
  g_autofree char *address = NULL;
  guint status;

  if (http_error != NULL)
    return ts_http_error_to_provider (http_error, server, url, how_to_start (url));

  status = ts_http_response_get_status (response);
  body = ts_http_response_get_body (response);
  message = ts_provider_server_message (body);
  address = ts_http_describe_address (url);

  if (status == 404 && model != NULL)
    return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_NOT_FOUND,
                        "model '%s' is not available at %s (%s) — load it there or pick one "
                        "the server lists%s%s", model, server, address,
                        message != NULL ? ": " : "", message != NULL ? message : "");
  if (status == 401 || status == 403)
    return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_AUTH,
                        "%s at %s refused the request (HTTP %u) — it needs a valid API key: "
                        "store one for this endpoint, or set OPENAI_BASE_URL and OPENAI_API_KEY",
                        server, address, status);
  if (status == 503 && message != NULL && strstr (message, "oading") != NULL)
    return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                        "%s at %s is still loading its model — try again in a moment",
                        server, address);

  return ts_provider_status_error (response, server, url);
}

/* Models */

static void
models_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *url = g_task_get_task_data (task);
  const char *server = ts_openai_server_name_for_url (url);
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) json = NULL;
  g_autoptr(GPtrArray) models = NULL;
  const cJSON *data;
  const cJSON *item;

  json = ts_provider_receive_json (object, result, _ts_openai_call_error, server, url, NULL, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = cJSON_GetObjectItemCaseSensitive (json, "data");
  if (!cJSON_IsArray (data))
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                               "the model list of %s has no \"data\" array", server);
      return;
    }

  /* The list says nothing of capabilities: every model is text until the user says more. */
  models = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_info_free);
  cJSON_ArrayForEach (item, data)
    {
      const char *id = ts_json_get_string (item, "id");

      if (id != NULL)
        g_ptr_array_add (models, ts_model_info_new (id, id, TS_MODEL_TEXT));
    }

  g_task_return_pointer (task, g_steal_pointer (&models), (GDestroyNotify) g_ptr_array_unref);
}

static void
ts_openai_provider_list_models_async (TsProvider          *provider,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  TsOpenaiProvider *self = TS_OPENAI_PROVIDER (provider);
  g_autoptr(TsHttpRequest) request = _ts_openai_new_request (self, "GET", "/models");
  GTask *task = ts_provider_task_new (self, cancellable, callback, user_data,
                                     ts_openai_provider_list_models_async,
                                     g_strdup (ts_http_request_get_url (request)), g_free);

  _ts_openai_send_request (self, request, NULL, NULL, cancellable, models_cb, task);
}

static void
ts_openai_provider_dispose (GObject *object)
{
  TsOpenaiProvider *self = TS_OPENAI_PROVIDER (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (ts_openai_provider_parent_class)->dispose (object);
}

static void
ts_openai_provider_finalize (GObject *object)
{
  TsOpenaiProvider *self = TS_OPENAI_PROVIDER (object);

  g_clear_pointer (&self->api_key, g_free);
  g_clear_pointer (&self->api_key_origin, g_free);

  G_OBJECT_CLASS (ts_openai_provider_parent_class)->finalize (object);
}

static void
ts_openai_provider_class_init (TsOpenaiProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TsProviderClass *provider_class = TS_PROVIDER_CLASS (klass);

  object_class->dispose = ts_openai_provider_dispose;
  object_class->finalize = ts_openai_provider_finalize;

  provider_class->list_models_async = ts_openai_provider_list_models_async;
  provider_class->generate_text_async = _ts_openai_provider_generate_text_async;
  provider_class->generate_image_async = _ts_openai_provider_generate_image_async;
}

static void
ts_openai_provider_init (TsOpenaiProvider *self)
{
}

TsProvider *
ts_openai_provider_new (void)
{
  return g_object_new (TS_TYPE_OPENAI_PROVIDER,
                       "id", "openai",
                       "display-name", "OpenAI-compatible server",
                       NULL);
}
