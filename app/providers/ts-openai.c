/* ts-openai.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "ts-block.h"
#include "ts-http.h"
#include "ts-openai.h"
#include "ts-provider-common.h"
#include "ts-sse.h"

/* OpenAI-compatible servers (protocols.md §3): llama.cpp's llama-server, LM Studio,
 * vLLM, LocalAI, Jan, Ollama's /v1. /v1/models lists the models, /v1/chat/completions
 * streams Server-Sent Events, /v1/images/generations makes images.
 *
 * The base URL is the provider's endpoint, else OPENAI_BASE_URL, else llama-server's
 * default; a URL without a path gets "/v1". An API key is sent only to the address it
 * belongs to: one given with ts_openai_provider_set_api_key() to its endpoint,
 * OPENAI_API_KEY to OPENAI_BASE_URL (or to api.openai.com when that is unset), and else
 * one the keyring holds for the endpoint's scheme, host and port (looked up once per
 * address, without blocking). A key is never read from a playground file and never
 * appears in a message. */

#define GENERATE_IDLE_TIMEOUT (5 * 60 * 1000)

struct _TsOpenaiProvider
{
  TsProvider    parent_instance;

  TsHttpClient *client;
  char         *api_key;
  char         *api_key_origin;
  GHashTable   *keyring_keys;   /* origin → key, "" when the keyring has none */
  gboolean      use_keyring;
};

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

static char *
origin_of (const char *url)
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
      self->api_key_origin = origin_of (endpoint);
    }
}

static const char *
api_key_for (TsOpenaiProvider *self,
             const char       *url)
{
  g_autofree char *origin = origin_of (url);
  const char *env_key = g_getenv ("OPENAI_API_KEY");
  const char *env_base = g_getenv ("OPENAI_BASE_URL");
  g_autofree char *env_origin = NULL;

  if (origin == NULL)
    return NULL;

  if (self->api_key != NULL && g_strcmp0 (origin, self->api_key_origin) == 0)
    return self->api_key;

  if (env_key == NULL || *env_key == '\0')
    return NULL;

  env_origin = origin_of (env_base != NULL && *env_base != '\0' ? env_base : TS_OPENAI_CLOUD_URL);
  if (g_strcmp0 (origin, env_origin) == 0)
    return env_key;

  return NULL;
}

static TsHttpRequest *
new_request (TsOpenaiProvider *self,
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

/* A request waiting for the keyring before it goes out. */
typedef struct
{
  TsOpenaiProvider    *self;
  TsHttpRequest       *request;
  TsHttpDataFunc       data_func;
  gpointer             data_user_data;
  GCancellable        *cancellable;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
  char                *origin;
} PendingSend;

static void
pending_send_free (PendingSend *pending)
{
  g_object_unref (pending->self);
  ts_http_request_unref (pending->request);
  g_clear_object (&pending->cancellable);
  g_free (pending->origin);
  g_free (pending);
}

static void
pending_send_go (PendingSend *pending)
{
  ts_http_client_send_async (ts_http_client_ensure (&pending->self->client), pending->request,
                             pending->data_func, pending->data_user_data, NULL,
                             pending->cancellable, pending->callback, pending->user_data);
  pending_send_free (pending);
}

#ifdef HAVE_LIBSECRET
static const SecretSchema *
key_schema (void)
{
  static const SecretSchema schema = {
    "io.github.tessera.Tessera.ApiKey", SECRET_SCHEMA_NONE,
    {
      { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
keyring_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  PendingSend *pending = user_data;
  g_autoptr(GError) error = NULL;
  char *key = secret_password_lookup_finish (result, &error);

  /* No keyring, a locked one or no key: the request goes without, and the server says
   * whether it needs one. Only a found key or a clean "none" is remembered. */
  if (error == NULL)
    g_hash_table_insert (pending->self->keyring_keys, g_strdup (pending->origin),
                         g_strdup (key != NULL ? key : ""));
  set_authorization (pending->request, key);
  secret_password_free (key);

  pending_send_go (pending);
}
#endif

/* Sends @request with the key that belongs to its address, if any. */
static void
send_request (TsOpenaiProvider    *self,
              TsHttpRequest       *request,
              TsHttpDataFunc       data_func,
              gpointer             data_user_data,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  const char *url = ts_http_request_get_url (request);
  const char *key = api_key_for (self, url);
  PendingSend *pending = g_new0 (PendingSend, 1);

  pending->self = g_object_ref (self);
  pending->request = ts_http_request_ref (request);
  pending->data_func = data_func;
  pending->data_user_data = data_user_data;
  pending->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  pending->callback = callback;
  pending->user_data = user_data;
  pending->origin = origin_of (url);

  if (key == NULL && pending->origin != NULL)
    key = g_hash_table_lookup (self->keyring_keys, pending->origin);

  if (key != NULL || !self->use_keyring || pending->origin == NULL)
    {
      set_authorization (pending->request, key);
      pending_send_go (pending);
      return;
    }

#ifdef HAVE_LIBSECRET
  secret_password_lookup (key_schema (), cancellable, keyring_cb, pending,
                          "endpoint", pending->origin, NULL);
#else
  pending_send_go (pending);
#endif
}

static GError *
call_error (TsHttpResponse *response,
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

  json = ts_provider_receive_json (object, result, call_error, server, url, NULL, &error);
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
  g_autoptr(TsHttpRequest) request = new_request (self, "GET", "/models");
  GTask *task = ts_provider_task_new (self, cancellable, callback, user_data,
                                     ts_openai_provider_list_models_async,
                                     g_strdup (ts_http_request_get_url (request)), g_free);

  send_request (self, request, NULL, NULL, cancellable, models_cb, task);
}

/* Text */

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

  response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, &error);
  if (response == NULL || !ts_http_response_is_success (response))
    {
      g_task_return_error (task, call_error (response, error, job->url, chat->job->model));
      return;
    }

  if (chat->whole != NULL && !read_whole (chat, &error))
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

static void
ts_openai_provider_generate_text_async (TsProvider          *provider,
                                        TsTextRequest       *request,
                                        TsTextChunkFunc      chunk_func,
                                        gpointer             chunk_data,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  TsOpenaiProvider *self = TS_OPENAI_PROVIDER (provider);
  TsHttpClient *client = ts_http_client_ensure (&self->client);
  g_autoptr(TsHttpRequest) http = new_request (self, "POST", "/chat/completions");
  g_autoptr(cJSON) body = build_chat_body (request);
  ChatJob *chat = g_new0 (ChatJob, 1);
  GTask *task;

  chat->job = ts_text_job_new (provider, client, ts_http_request_get_url (http), request->model,
                               chunk_func, chunk_data, cancellable);
  chat->job->expected_type = "text/event-stream";
  chat->job->server = ts_openai_server_name_for_url (chat->job->url);

  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               ts_openai_provider_generate_text_async, chat, chat_job_free);

  ts_http_request_take_json_body (http, ts_json_print (body));
  ts_http_request_set_header (http, "Accept", "text/event-stream");
  ts_http_request_set_idle_timeout (http, GENERATE_IDLE_TIMEOUT);
  send_request (self, http, chat_data_cb, chat, cancellable, chat_cb, task);
}

/* Images */

typedef struct
{
  GBytes *png;    /* an image sent inline */
  char   *link;   /* or where to fetch it, on the same server */
} ImageItem;

static void
image_item_free (gpointer data)
{
  ImageItem *item = data;

  g_clear_pointer (&item->png, g_bytes_unref);
  g_free (item->link);
  g_free (item);
}

typedef struct
{
  TsOpenaiProvider *self;
  TsImageRequest   *request;
  char             *url;
  GPtrArray        *items;
  guint             next;
  TsImageResult    *result;
} ImageJob;

static void
image_job_free (gpointer data)
{
  ImageJob *job = data;

  g_clear_object (&job->self);
  ts_image_request_unref (job->request);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_clear_pointer (&job->result, ts_image_result_free);
  g_free (job->url);
  g_free (job);
}

static void next_image (GTask *task);

static void
link_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  ImageItem *item = g_ptr_array_index (job->items, job->next - 1);
  g_autoptr(TsHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, &error);
  if (response == NULL || !ts_http_response_is_success (response))
    {
      g_task_return_error (task, call_error (response, error, item->link, job->request->model));
      return;
    }

  body = ts_http_response_get_body (response);
  item->png = ts_provider_check_png (body, ts_openai_server_name_for_url (job->url), &error);
  if (item->png == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ts_image_result_add (job->result, item->png, TS_SEED_RANDOM);
  next_image (g_steal_pointer (&task));
}

/* Takes the images in order, fetching the linked ones one at a time. */
static void
next_image (GTask *task)
{
  ImageJob *job = g_task_get_task_data (task);

  while (job->next < job->items->len)
    {
      ImageItem *item = g_ptr_array_index (job->items, job->next++);

      if (item->png == NULL)
        {
          g_autoptr(TsHttpRequest) request = ts_http_request_new ("GET", item->link);

          ts_http_request_set_max_response_size (request, TS_HTTP_MAX_IMAGE_RESPONSE);
          send_request (job->self, request, NULL, NULL, g_task_get_cancellable (task), link_cb, task);
          return;
        }

      /* This API does not say which seed it used. */
      ts_image_result_add (job->result, item->png, TS_SEED_RANDOM);
    }

  g_task_return_pointer (task, g_steal_pointer (&job->result), (GDestroyNotify) ts_image_result_free);
  g_object_unref (task);
}

static void
images_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageJob *job = g_task_get_task_data (task);
  const char *server = ts_openai_server_name_for_url (job->url);
  g_autofree char *origin = origin_of (job->url);
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) json = NULL;
  const cJSON *data;
  const cJSON *entry;

  json = ts_provider_receive_json (object, result, call_error, server, job->url,
                                   job->request->model, &error);
  if (json == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = cJSON_GetObjectItemCaseSensitive (json, "data");
  if (!cJSON_IsArray (data) || cJSON_GetArraySize (data) == 0)
    {
      g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                               "%s answered without images", server);
      return;
    }

  cJSON_ArrayForEach (entry, data)
    {
      const char *base64 = ts_json_get_string (entry, "b64_json");
      const char *link = ts_json_get_string (entry, "url");
      ImageItem *item = g_new0 (ImageItem, 1);

      g_ptr_array_add (job->items, item);

      if (base64 != NULL)
        {
          item->png = ts_provider_decode_png (base64, server, &error);
          if (item->png == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
        }
      else
        {
          g_autofree char *link_origin = link != NULL ? origin_of (link) : NULL;

          /* A link is followed only to the server asked, never elsewhere. */
          if (link_origin == NULL || g_strcmp0 (link_origin, origin) != 0)
            {
              g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                                       "%s sent a link to another server instead of the image",
                                       server);
              return;
            }
          item->link = g_strdup (link);
        }
    }

  next_image (g_steal_pointer (&task));
}

static void
ts_openai_provider_generate_image_async (TsProvider          *provider,
                                         TsImageRequest      *request,
                                         TsProgressFunc       progress_func,
                                         gpointer             progress_data,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  TsOpenaiProvider *self = TS_OPENAI_PROVIDER (provider);
  g_autoptr(TsHttpRequest) http = new_request (self, "POST", "/images/generations");
  g_autoptr(cJSON) body = cJSON_CreateObject ();
  g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT,
                                           request->width, request->height);
  ImageJob *job = g_new0 (ImageJob, 1);
  GTask *task;

  job->self = g_object_ref (self);
  job->request = ts_image_request_ref (request);
  job->url = g_strdup (ts_http_request_get_url (http));
  job->items = g_ptr_array_new_with_free_func (image_item_free);
  job->result = ts_image_result_new ();

  task = ts_provider_task_new (self, cancellable, callback, user_data,
                               ts_openai_provider_generate_image_async, job, image_job_free);

  cJSON_AddStringToObject (body, "model", request->model);
  cJSON_AddStringToObject (body, "prompt", request->prompt);
  cJSON_AddNumberToObject (body, "n", (double) request->count);
  cJSON_AddStringToObject (body, "size", size);
  cJSON_AddStringToObject (body, "response_format", "b64_json");

  ts_http_request_take_json_body (http, ts_json_print (body));
  ts_http_request_set_idle_timeout (http, GENERATE_IDLE_TIMEOUT);
  ts_http_request_set_max_response_size (http, TS_HTTP_MAX_IMAGE_RESPONSE);
  send_request (self, http, NULL, NULL, cancellable, images_cb, task);
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
  g_clear_pointer (&self->keyring_keys, g_hash_table_unref);

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
  provider_class->generate_text_async = ts_openai_provider_generate_text_async;
  provider_class->generate_image_async = ts_openai_provider_generate_image_async;
}

static void
ts_openai_provider_init (TsOpenaiProvider *self)
{
  self->keyring_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->use_keyring = TRUE;
}

/**
 * ts_openai_provider_set_use_keyring:
 *
 * Whether to look in the keyring for a key when no other applies (the default).
 */
void
ts_openai_provider_set_use_keyring (TsOpenaiProvider *self,
                                    gboolean          use_keyring)
{
  g_return_if_fail (TS_IS_OPENAI_PROVIDER (self));

  self->use_keyring = use_keyring;
}

TsProvider *
ts_openai_provider_new (void)
{
  return g_object_new (TS_TYPE_OPENAI_PROVIDER,
                       "id", "openai",
                       "display-name", "OpenAI-compatible server",
                       NULL);
}
