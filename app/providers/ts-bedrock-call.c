/* ts-bedrock-call.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-bedrock-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-bedrock-wire.h"
#include "ts-eventstream.h"
#include "ts-sigv4.h"

/* One Bedrock API call, start to end: find the region, the credentials and the endpoint
 * (on a worker thread, as a credential_process may run), sign the request, send it, read
 * a ConverseStream answer frame by frame, and on a retryable failure wait (full jitter or
 * the service's Retry-After) and send it again, signed anew. Cancellation ends any step. */

#define SERVER_NAME "Amazon Bedrock"

typedef struct
{
  TsBedrockProvider    *self;
  TsBedrockPlane        plane;
  char                 *method;
  char                 *path;
  GBytes               *body;
  gsize                 max_size;
  char                 *model;
  TsTextChunkFunc       chunk_func;
  gpointer              chunk_data;

  /* A snapshot of the settings, taken on the calling thread. */
  GStrv                 environ;
  TsAwsCredentials     *stored;
  GError               *stored_error;
  char                 *region_setting;
  char                 *runtime_setting;
  char                 *control_setting;

  /* Found by the worker thread. */
  TsAwsCredentials     *credentials;
  char                 *region;
  char                 *endpoint;

  char                 *url;
  guint                 attempt;
  gboolean              delivered;
  TsEventStreamDecoder *decoder;
  TsBedrockStream      *stream;
  GSource              *wait_source;
  GSource              *cancel_source;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_assert (call->wait_source == NULL && call->cancel_source == NULL);

  g_object_unref (call->self);
  g_free (call->method);
  g_free (call->path);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->model);
  g_strfreev (call->environ);
  g_clear_pointer (&call->stored, ts_aws_credentials_free);
  g_clear_error (&call->stored_error);
  g_free (call->region_setting);
  g_free (call->runtime_setting);
  g_free (call->control_setting);
  g_clear_pointer (&call->credentials, ts_aws_credentials_free);
  g_free (call->region);
  g_free (call->endpoint);
  g_free (call->url);
  g_clear_pointer (&call->decoder, ts_event_stream_decoder_free);
  g_clear_pointer (&call->stream, ts_bedrock_stream_free);
  g_free (call);
}

void
_ts_bedrock_reply_free (TsBedrockReply *reply)
{
  if (reply == NULL)
    return;

  g_clear_pointer (&reply->response, ts_http_response_unref);
  g_clear_pointer (&reply->stream_result, ts_text_result_free);
  g_free (reply->region);
  g_free (reply);
}

/* Resolution, on a worker thread */

static gboolean
choose_endpoint (Call                *call,
                 const char * const  *envp,
                 GError             **error)
{
  const char *specific = call->plane == TS_BEDROCK_RUNTIME ? "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"
                                                           : "AWS_ENDPOINT_URL_BEDROCK";
  const char *setting = call->plane == TS_BEDROCK_RUNTIME ? call->runtime_setting
                                                          : call->control_setting;
  const char *where = specific;
  const char *endpoint = ts_aws_getenv (envp, specific);
  g_autoptr(GUri) uri = NULL;

  if (endpoint == NULL && (endpoint = ts_aws_getenv (envp, "AWS_ENDPOINT_URL")) != NULL)
    where = "AWS_ENDPOINT_URL";
  if (endpoint == NULL && setting != NULL && *setting != '\0')
    {
      endpoint = setting;
      where = _("the Bedrock preferences");
    }

  if (endpoint == NULL)
    {
      call->endpoint = g_strdup_printf (call->plane == TS_BEDROCK_RUNTIME
                                        ? "https://bedrock-runtime.%s.amazonaws.com"
                                        : "https://bedrock.%s.amazonaws.com",
                                        call->region);
      return TRUE;
    }

  uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "http") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
                   _("the Bedrock endpoint from %s is not an http or https URL with a host "
                     "and no query"), where);
      return FALSE;
    }

  call->endpoint = g_strdup (endpoint);
  return TRUE;
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Call *call = task_data;
  TsBedrockProvider *self = call->self;
  const char * const *envp = (const char * const *) call->environ;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  call->region = ts_aws_region_resolve (envp, call->region_setting, &error);
  if (call->region == NULL || !choose_endpoint (call, envp, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Keys stored in Tessera come first; they are not cached with the others. */
  if (call->stored_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&call->stored_error));
      return;
    }
  if (call->stored != NULL)
    {
      call->credentials = g_steal_pointer (&call->stored);
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_mutex_lock (&self->mutex);
  if (self->credentials != NULL && !ts_aws_credentials_needs_refresh (self->credentials, now))
    call->credentials = ts_aws_credentials_copy (self->credentials);
  g_mutex_unlock (&self->mutex);

  if (call->credentials == NULL)
    {
      call->credentials = ts_aws_credentials_resolve (envp, now, cancellable, &error);
      if (call->credentials == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_mutex_lock (&self->mutex);
      g_clear_pointer (&self->credentials, ts_aws_credentials_free);
      self->credentials = ts_aws_credentials_copy (call->credentials);
      g_mutex_unlock (&self->mutex);
    }

  g_task_return_boolean (task, TRUE);
}

/* Sending */

static void start_attempt (GTask *task);

static void
return_error (GTask  *task,
              GError *error)
{
  Call *call = g_task_get_task_data (task);

  /* The service refused the credentials: read them again next time. */
  if (error->domain == TS_PROVIDER_ERROR && error->code == TS_PROVIDER_ERROR_AUTH)
    ts_bedrock_provider_forget_credentials (call->self);

  g_task_return_error (task, error);
}

static void
return_cancelled (GTask *task)
{
  g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED, _("Cancelled"));
}

static void
stop_waiting (Call *call)
{
  if (call->wait_source != NULL)
    {
      g_source_destroy (call->wait_source);
      g_clear_pointer (&call->wait_source, g_source_unref);
    }
  if (call->cancel_source != NULL)
    {
      g_source_destroy (call->cancel_source);
      g_clear_pointer (&call->cancel_source, g_source_unref);
    }
}

static gboolean
wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;

  stop_waiting (g_task_get_task_data (task));
  start_attempt (task);

  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;

  stop_waiting (g_task_get_task_data (task));
  return_cancelled (task);

  return G_SOURCE_REMOVE;
}

static void
retry_later (GTask  *task,
             gint64  delay_ms)
{
  Call *call = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_debug ("Bedrock: attempt %u failed, trying again in %" G_GINT64_FORMAT " ms",
           call->attempt, delay_ms);

  call->wait_source = g_timeout_source_new ((guint) delay_ms);
  g_source_set_callback (call->wait_source, wait_done_cb, g_object_ref (task), g_object_unref);
  g_source_attach (call->wait_source, context);

  if (cancellable != NULL)
    {
      call->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (call->cancel_source, G_SOURCE_FUNC (wait_cancelled_cb),
                             g_object_ref (task), g_object_unref);
      g_source_attach (call->cancel_source, context);
    }
}

static void
handle_failure (GTask            *task,
                TsBedrockFailure *failure)
{
  Call *call = g_task_get_task_data (task);
  TsBedrockProvider *self = call->self;
  guint allowed = ts_bedrock_failure_max_attempts (failure, self->max_attempts);

  if (call->attempt < allowed && !call->delivered)
    retry_later (task, ts_bedrock_retry_delay_ms (call->attempt - 1, failure->retry_after_ms,
                                                  self->retry_base_ms, self->retry_max_ms,
                                                  g_random_double ()));
  else
    return_error (task, ts_bedrock_failure_to_error (failure, call->model, call->region));
}

static gboolean
stream_data_cb (TsHttpResponse  *response,
                const guint8    *data,
                gsize            length,
                gpointer         user_data,
                GError         **error)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GPtrArray) messages = NULL;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED, _("Cancelled"));
      return FALSE;
    }

  if (!ts_http_response_has_content_type (response, "application/vnd.amazon.eventstream"))
    {
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                   _("Bedrock answered ConverseStream with “%s” instead of an event stream"),
                   ts_http_response_get_content_type (response) != NULL
                   ? ts_http_response_get_content_type (response) : "");
      return FALSE;
    }

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_event_stream_message_free);
  if (!ts_event_stream_decoder_feed (call->decoder, data, length, messages, error))
    return FALSE;

  for (guint i = 0; i < messages->len; i++)
    {
      g_autofree char *chunk = NULL;

      if (!ts_bedrock_stream_handle (call->stream, g_ptr_array_index (messages, i), &chunk, error))
        return FALSE;

      if (chunk != NULL)
        {
          call->delivered = TRUE;
          if (call->chunk_func != NULL)
            call->chunk_func (chunk, call->chunk_data);
        }
    }

  return TRUE;
}

static gboolean
retryable_transport (const GError *error)
{
  return error->domain == TS_HTTP_ERROR &&
         (error->code == TS_HTTP_ERROR_RESET || error->code == TS_HTTP_ERROR_TIMEOUT);
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(TsHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TsBedrockFailure) failure = NULL;
  TsBedrockReply *reply;

  response = ts_http_client_send_finish (TS_HTTP_CLIENT (object), result, &error);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      return_cancelled (task);
      return;
    }

  if (response == NULL)
    {
      if (call->stream != NULL && (failure = ts_bedrock_stream_steal_failure (call->stream)) != NULL)
        handle_failure (task, failure);
      else if (retryable_transport (error) && !call->delivered &&
               call->attempt < call->self->max_attempts)
        retry_later (task, ts_bedrock_retry_delay_ms (call->attempt - 1, -1,
                                                      call->self->retry_base_ms,
                                                      call->self->retry_max_ms,
                                                      g_random_double ()));
      else
        return_error (task, ts_http_error_to_provider (error, SERVER_NAME, call->url, NULL));
      return;
    }

  if (!ts_http_response_is_success (response))
    {
      g_autoptr(GBytes) body = ts_http_response_get_body (response);

      failure = ts_bedrock_failure_parse (ts_http_response_get_status (response),
                                          ts_http_response_get_header (response, "x-amzn-ErrorType"),
                                          ts_http_response_get_header (response, "x-amzn-RequestId"),
                                          ts_http_response_get_header (response, "Retry-After"),
                                          body);
      handle_failure (task, failure);
      return;
    }

  reply = g_new0 (TsBedrockReply, 1);
  reply->region = g_strdup (call->region);

  if (call->stream != NULL)
    {
      if (!ts_event_stream_decoder_finish (call->decoder, &error))
        {
          _ts_bedrock_reply_free (reply);
          return_error (task, g_steal_pointer (&error));
          return;
        }
      if (!ts_bedrock_stream_is_complete (call->stream))
        {
          _ts_bedrock_reply_free (reply);
          return_error (task, g_error_new_literal (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                                                   _("Bedrock's answer broke off before the "
                                                     "model finished")));
          return;
        }
      reply->stream_result = ts_bedrock_stream_steal_result (call->stream);
    }

  reply->response = g_steal_pointer (&response);
  g_task_return_pointer (task, reply, (GDestroyNotify) _ts_bedrock_reply_free);
}

static gboolean
sign (Call           *call,
      TsHttpRequest  *request,
      GError        **error)
{
  TsAwsCredentials *credentials = call->credentials;
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(TsSigv4Signature) signature = NULL;
  g_autoptr(GError) local_error = NULL;
  TsSigv4Params params = {
    .access_key_id = credentials->access_key_id,
    .secret_access_key = credentials->secret_access_key,
    .session_token = credentials->session_token,
    .region = call->region,
    .service = "bedrock",
    .time = now,
  };

  if (credentials->kind == TS_AWS_CREDENTIALS_BEARER)
    {
      g_autofree char *value = g_strconcat ("Bearer ", credentials->bearer_token, NULL);

      ts_http_request_set_header (request, "Authorization", value);
      explicit_bzero (value, strlen (value));
      return TRUE;
    }

  for (guint i = 0; i < ts_http_request_get_n_headers (request); i++)
    {
      const char *name, *value;

      ts_http_request_get_header_at (request, i, &name, &value);
      g_ptr_array_add (pairs, (gpointer) name);
      g_ptr_array_add (pairs, (gpointer) value);
    }
  g_ptr_array_add (pairs, NULL);

  signature = ts_sigv4_sign_url (&params, call->method, call->url,
                                 (const char * const *) pairs->pdata, call->body, &local_error);
  if (signature == NULL)
    {
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
                   _("cannot sign the request to Bedrock: %s"), local_error->message);
      return FALSE;
    }

  /* Set after the loop above: the header list is not read while it changes. */
  for (guint i = 0; signature->headers[i] != NULL; i++)
    {
      const char *line = signature->headers[i];
      const char *colon = strstr (line, ": ");
      g_autofree char *name = g_strndup (line, colon - line);

      ts_http_request_set_header (request, name, colon + 2);
    }

  return TRUE;
}

static void
start_attempt (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  TsBedrockProvider *self = call->self;
  g_autoptr(TsHttpRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  TsHttpClient *client;

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      return_cancelled (task);
      return;
    }

  call->attempt++;
  g_free (call->url);
  call->url = ts_http_build_url (call->endpoint, call->path);

  request = ts_http_request_new (call->method, call->url);
  if (call->body != NULL)
    ts_http_request_set_body (request, call->body, "application/json");
  ts_http_request_set_header (request, "Accept", call->chunk_func != NULL
                                                 ? "application/vnd.amazon.eventstream"
                                                 : "application/json");
  ts_http_request_set_max_response_size (request, call->max_size);

  if (!sign (call, request, &error))
    {
      return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&call->decoder, ts_event_stream_decoder_free);
  g_clear_pointer (&call->stream, ts_bedrock_stream_free);
  if (call->chunk_func != NULL)
    {
      call->decoder = ts_event_stream_decoder_new ();
      call->stream = ts_bedrock_stream_new ();
    }

  client = ts_http_client_ensure (&self->client);
  ts_http_client_send_async (client, request,
                             call->chunk_func != NULL ? stream_data_cb : NULL, task, NULL,
                             g_task_get_cancellable (task), send_cb, g_object_ref (task));
}

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return_cancelled (task);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  start_attempt (task);
}

/**
 * _ts_bedrock_call_async:
 * @spec: what to send; copied
 *
 * Makes one API call with retries. A non-2xx answer is an error, with the service's
 * message; a ConverseStream answer is read as it comes, each text delta given to
 * @spec's chunk function.
 */
void
_ts_bedrock_call_async (TsBedrockProvider       *self,
                        const TsBedrockCallSpec *spec,
                        GCancellable            *cancellable,
                        GAsyncReadyCallback      callback,
                        gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) resolve = NULL;
  Call *call;

  g_assert (TS_IS_BEDROCK_PROVIDER (self));
  g_assert (spec != NULL && spec->method != NULL && spec->path != NULL);

  call = g_new0 (Call, 1);
  call->self = g_object_ref (self);
  call->plane = spec->plane;
  call->method = g_strdup (spec->method);
  call->path = g_strdup (spec->path);
  call->body = spec->body != NULL ? g_bytes_ref (spec->body) : NULL;
  call->max_size = spec->max_size;
  call->model = g_strdup (spec->model);
  call->chunk_func = spec->chunk_func;
  call->chunk_data = spec->chunk_data;
  call->environ = _ts_bedrock_provider_dup_environ (self);
  _ts_bedrock_provider_stored_keys (self, &call->stored, &call->stored_error);
  call->region_setting = g_strdup (self->region);
  call->runtime_setting = g_strdup (ts_provider_get_endpoint (TS_PROVIDER (self)));
  call->control_setting = g_strdup (self->control_endpoint);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _ts_bedrock_call_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, call, call_free);

  /* No source object: the worker thread may drop its reference to this task after
   * resolve_cb ran, and must not keep the provider alive then. */
  resolve = g_task_new (NULL, cancellable, resolve_cb, g_object_ref (task));
  g_task_set_source_tag (resolve, resolve_thread);
  g_task_set_task_data (resolve, call, NULL);
  g_task_run_in_thread (resolve, resolve_thread);
}

TsBedrockReply *
_ts_bedrock_call_finish (TsBedrockProvider  *self,
                         GAsyncResult       *result,
                         GError            **error)
{
  g_assert (g_task_is_valid (result, self));

  return g_task_propagate_pointer (G_TASK (result), error);
}
