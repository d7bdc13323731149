/* ts-http.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-http-private.h"
#include "ts-provider.h"

/* The one HTTP transport of every provider.
 *
 * A TsHttpClient owns one curl multi handle, driven from the GMainContext that was the
 * thread-default when the client was made: one GSource watches curl's sockets (added and
 * removed as curl's socket callback asks) and wakes at curl's timer. Nothing blocks; the
 * caller's main loop runs the transfers. Connections stay in the multi handle's cache, so
 * consecutive requests to one server share a kept-alive connection.
 *
 * curl forbids calling the multi API from its own callbacks, so the write and header
 * callbacks only record (ts-http-transfer.c): body bytes go to a pending buffer, and after
 * each round of curl_multi_socket_action() the client hands them to the data functions,
 * then completes the transfers that ended. A cancellation, an idle timeout or a data
 * function's refusal is acted on from its own GSource, outside curl, too. */

G_DEFINE_QUARK (ts-http-error-quark, ts_http_error)

/* The client */

typedef struct
{
  curl_socket_t fd;
  gpointer      tag;
} SocketWatch;

typedef struct
{
  GSource       source;
  TsHttpClient *client;
} MultiSource;

struct _TsHttpClient
{
  GObject       parent_instance;

  GMainContext *context;
  CURLM        *multi;
  GSource      *source;
  GPtrArray    *watches;
  GPtrArray    *transfers;
};

G_DEFINE_FINAL_TYPE (TsHttpClient, ts_http_client, G_TYPE_OBJECT)

static void process_transfers (TsHttpClient *self);

/* A GSource that only wakes at its ready time; its callback re-arms it. */
static gboolean
ready_time_dispatch (GSource     *source,
                     GSourceFunc  callback,
                     gpointer     user_data)
{
  g_assert (callback != NULL);

  return callback (user_data);
}

static GSourceFuncs ready_time_funcs = {
  .dispatch = ready_time_dispatch,
};

static GSource *
ready_time_source_new (gint64       ready_time,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  GSource *source = g_source_new (&ready_time_funcs, sizeof (GSource));

  g_source_set_ready_time (source, ready_time);
  g_source_set_callback (source, callback, user_data, NULL);

  return source;
}

/* Ends a transfer: takes it out of curl and answers its task. Never called from inside a
 * curl callback. */
static void
transfer_finish (HttpTransfer *transfer,
                 GError       *error)
{
  TsHttpClient *self = transfer->client;
  g_autoptr(GTask) task = NULL;

  g_assert (!transfer->finished);

  transfer->finished = TRUE;

  if (transfer->cancel_source != NULL)
    {
      g_source_destroy (transfer->cancel_source);
      g_clear_pointer (&transfer->cancel_source, g_source_unref);
    }
  if (transfer->idle_source != NULL)
    {
      g_source_destroy (transfer->idle_source);
      g_clear_pointer (&transfer->idle_source, g_source_unref);
    }

  if (transfer->easy != NULL)
    {
      curl_multi_remove_handle (self->multi, transfer->easy);
      curl_easy_cleanup (transfer->easy);
      transfer->easy = NULL;
    }
  g_clear_pointer (&transfer->header_list, curl_slist_free_all);

  task = g_steal_pointer (&transfer->task);

  /* Drop the client's reference last: the client outlives this function. */
  _ts_http_transfer_ref (transfer);
  g_ptr_array_remove (self->transfers, transfer);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ts_http_response_ref (transfer->response),
                           (GDestroyNotify) ts_http_response_unref);

  _ts_http_transfer_unref (transfer);
}

static void
transfer_complete (HttpTransfer *transfer)
{
  GCancellable *cancellable = g_task_get_cancellable (transfer->task);

  if (g_cancellable_is_cancelled (cancellable))
    {
      transfer_finish (transfer, g_error_new_literal (TS_HTTP_ERROR, TS_HTTP_ERROR_CANCELLED,
                                                      "cancelled"));
      return;
    }

  if (transfer->error != NULL)
    {
      transfer_finish (transfer, g_steal_pointer (&transfer->error));
      return;
    }

  if (transfer->result == CURLE_OK ||
      (transfer->result == CURLE_WRITE_ERROR && transfer->error_body_full))
    {
      if (!transfer->status_known)
        {
          long status = 0;

          curl_easy_getinfo (transfer->easy, CURLINFO_RESPONSE_CODE, &status);
          transfer->response->status = (guint) status;
        }
      transfer_finish (transfer, NULL);
      return;
    }

  transfer_finish (transfer, _ts_http_transfer_error (transfer));
}

/* Hands the bytes gathered during the last round to the data function. */
static void
transfer_deliver (HttpTransfer *transfer)
{
  GCancellable *cancellable;
  g_autoptr(GByteArray) pending = NULL;
  GError *error = NULL;

  if (transfer->finished || transfer->pending->len == 0)
    return;

  cancellable = g_task_get_cancellable (transfer->task);
  if (g_cancellable_is_cancelled (cancellable))
    return;

  pending = g_steal_pointer (&transfer->pending);
  transfer->pending = g_byte_array_new ();

  if (!transfer->data_func (transfer->response, pending->data, pending->len,
                            transfer->data_user_data, &error))
    {
      if (error == NULL)
        error = g_error_new_literal (TS_HTTP_ERROR, TS_HTTP_ERROR_FAILED,
                                     "the answer was refused");
      if (!transfer->finished)
        transfer_finish (transfer, error);
      else
        g_error_free (error);
    }
}

static void
process_transfers (TsHttpClient *self)
{
  g_autoptr(GPtrArray) snapshot = NULL;
  CURLMsg *message;
  int n_left;

  while ((message = curl_multi_info_read (self->multi, &n_left)) != NULL)
    {
      HttpTransfer *transfer = NULL;

      if (message->msg != CURLMSG_DONE)
        continue;

      curl_easy_getinfo (message->easy_handle, CURLINFO_PRIVATE, (char **) &transfer);
      g_assert (transfer != NULL);
      transfer->done = TRUE;
      transfer->result = message->data.result;
    }

  snapshot = g_ptr_array_new_with_free_func ((GDestroyNotify) _ts_http_transfer_unref);
  for (guint i = 0; i < self->transfers->len; i++)
    g_ptr_array_add (snapshot, _ts_http_transfer_ref (g_ptr_array_index (self->transfers, i)));

  /* Data first, so a function sees the whole body before its callback runs. */
  for (guint i = 0; i < snapshot->len; i++)
    transfer_deliver (g_ptr_array_index (snapshot, i));

  for (guint i = 0; i < snapshot->len; i++)
    {
      HttpTransfer *transfer = g_ptr_array_index (snapshot, i);

      if (transfer->done && !transfer->finished)
        transfer_complete (transfer);
    }
}

static gboolean
multi_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  TsHttpClient *self = ((MultiSource *) source)->client;
  g_autoptr(GArray) ready = g_array_new (FALSE, FALSE, sizeof (SocketWatch));
  gint64 ready_time = g_source_get_ready_time (source);
  int running = 0;

  g_object_ref (self);

  if (ready_time >= 0 && g_source_get_time (source) >= ready_time)
    {
      g_source_set_ready_time (source, -1);
      curl_multi_socket_action (self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }

  for (guint i = 0; i < self->watches->len; i++)
    {
      SocketWatch *watch = g_ptr_array_index (self->watches, i);
      GIOCondition condition = g_source_query_unix_fd (source, watch->tag);

      if (condition != 0)
        {
          SocketWatch event = { watch->fd, GUINT_TO_POINTER (condition) };

          g_array_append_val (ready, event);
        }
    }

  for (guint i = 0; i < ready->len; i++)
    {
      SocketWatch *event = &g_array_index (ready, SocketWatch, i);
      GIOCondition condition = GPOINTER_TO_UINT (event->tag);
      int action = 0;

      if (condition & (G_IO_IN | G_IO_HUP))
        action |= CURL_CSELECT_IN;
      if (condition & G_IO_OUT)
        action |= CURL_CSELECT_OUT;
      if (condition & G_IO_ERR)
        action |= CURL_CSELECT_ERR;

      curl_multi_socket_action (self->multi, event->fd, action, &running);
    }

  process_transfers (self);

  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs multi_source_funcs = {
  .dispatch = multi_source_dispatch,
};

static int
socket_cb (CURL          *easy,
           curl_socket_t  fd,
           int            what,
           void          *user_data,
           void          *socket_data)
{
  TsHttpClient *self = user_data;
  SocketWatch *watch = socket_data;
  GIOCondition condition = 0;

  if (what == CURL_POLL_REMOVE)
    {
      if (watch != NULL)
        {
          g_source_remove_unix_fd (self->source, watch->tag);
          curl_multi_assign (self->multi, fd, NULL);
          g_ptr_array_remove_fast (self->watches, watch);
        }
      return 0;
    }

  if (what & CURL_POLL_IN)
    condition |= G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (what & CURL_POLL_OUT)
    condition |= G_IO_OUT | G_IO_ERR;

  if (watch == NULL)
    {
      watch = g_new0 (SocketWatch, 1);
      watch->fd = fd;
      watch->tag = g_source_add_unix_fd (self->source, fd, condition);
      g_ptr_array_add (self->watches, watch);
      curl_multi_assign (self->multi, fd, watch);
    }
  else
    {
      g_source_modify_unix_fd (self->source, watch->tag, condition);
    }

  return 0;
}

static int
timer_cb (CURLM    *multi,
          long      timeout_ms,
          void     *user_data)
{
  TsHttpClient *self = user_data;

  if (timeout_ms < 0)
    g_source_set_ready_time (self->source, -1);
  else
    g_source_set_ready_time (self->source, g_get_monotonic_time () + (gint64) timeout_ms * 1000);

  return 0;
}

static void
ts_http_client_finalize (GObject *object)
{
  TsHttpClient *self = TS_HTTP_CLIENT (object);

  g_assert (self->transfers->len == 0);

  /* Cleaning up the multi handle closes the cached connections through socket_cb. */
  curl_multi_cleanup (self->multi);
  g_source_destroy (self->source);
  g_source_unref (self->source);
  g_ptr_array_unref (self->watches);
  g_ptr_array_unref (self->transfers);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ts_http_client_parent_class)->finalize (object);
}

static void
ts_http_client_class_init (TsHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ts_http_client_finalize;

  curl_global_init (CURL_GLOBAL_DEFAULT);
}

static void
ts_http_client_init (TsHttpClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->watches = g_ptr_array_new_with_free_func (g_free);
  self->transfers = g_ptr_array_new_with_free_func ((GDestroyNotify) _ts_http_transfer_unref);

  self->source = g_source_new (&multi_source_funcs, sizeof (MultiSource));
  ((MultiSource *) self->source)->client = self;
  g_source_set_name (self->source, "[tessera] http");
  g_source_attach (self->source, self->context);

  self->multi = curl_multi_init ();
  curl_multi_setopt (self->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
  curl_multi_setopt (self->multi, CURLMOPT_SOCKETDATA, self);
  curl_multi_setopt (self->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt (self->multi, CURLMOPT_TIMERDATA, self);
}

/**
 * ts_http_client_new:
 *
 * Makes a client bound to the thread-default main context: requests are sent from it, and
 * their data functions and callbacks run on it.
 *
 * Returns: (transfer full): a new client
 */
TsHttpClient *
ts_http_client_new (void)
{
  return g_object_new (TS_TYPE_HTTP_CLIENT, NULL);
}

/**
 * ts_http_client_get_context:
 *
 * Returns: (transfer none): the main context the client runs on
 */
GMainContext *
ts_http_client_get_context (TsHttpClient *self)
{
  g_return_val_if_fail (TS_IS_HTTP_CLIENT (self), NULL);

  return self->context;
}

/**
 * ts_http_client_ensure:
 * @client: (inout) (nullable): where a provider keeps its client
 *
 * Makes sure *@client is a client for the thread-default main context, replacing one made
 * for another context.
 *
 * Returns: (transfer none): the client
 */
TsHttpClient *
ts_http_client_ensure (TsHttpClient **client)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_return_val_if_fail (client != NULL, NULL);

  if (*client == NULL || (*client)->context != context)
    {
      g_clear_object (client);
      *client = ts_http_client_new ();
    }

  return *client;
}

static gboolean
transfer_cancelled_cb (GCancellable *cancellable,
                       gpointer      user_data)
{
  HttpTransfer *transfer = user_data;

  if (!transfer->finished)
    transfer_finish (transfer, g_error_new_literal (TS_HTTP_ERROR, TS_HTTP_ERROR_CANCELLED,
                                                    "cancelled"));

  return G_SOURCE_REMOVE;
}

static gboolean
transfer_idle_cb (gpointer user_data)
{
  HttpTransfer *transfer = user_data;
  gint64 deadline = transfer->last_activity + (gint64) transfer->request->idle_timeout * 1000;
  g_autofree char *address = NULL;

  if (g_get_monotonic_time () < deadline)
    {
      g_source_set_ready_time (transfer->idle_source, deadline);
      return G_SOURCE_CONTINUE;
    }

  address = ts_http_describe_address (transfer->request->url);
  transfer_finish (transfer,
                   g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_TIMEOUT,
                                "%s sent nothing for %.1f s", address,
                                transfer->request->idle_timeout / 1000.0));

  return G_SOURCE_REMOVE;
}

/**
 * ts_http_client_send_async:
 * @request: the request; the client keeps a reference
 * @data_func: (nullable): receives a 2xx body as it arrives instead of keeping it
 * @data_user_data: data for @data_func
 * @data_destroy: (nullable): frees @data_user_data once the transfer is over
 * @cancellable: (nullable): aborts the transfer
 *
 * Sends @request. Must be called from the client's main context. The callback runs once,
 * after the last call of @data_func; a non-2xx status is a response, not an error.
 */
void
ts_http_client_send_async (TsHttpClient        *self,
                           TsHttpRequest       *request,
                           TsHttpDataFunc       data_func,
                           gpointer             data_user_data,
                           GDestroyNotify       data_destroy,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  HttpTransfer *transfer;
  GTask *task;

  g_return_if_fail (TS_IS_HTTP_CLIENT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (context == self->context);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_http_client_send_async);
  /* Errors are ours to give, in our domain, also for a cancellation. */
  g_task_set_check_cancellable (task, FALSE);
  transfer = _ts_http_transfer_new (self, request, data_func, data_user_data, data_destroy, task);

  g_ptr_array_add (self->transfers, transfer);

  if (g_cancellable_is_cancelled (cancellable))
    {
      transfer_finish (transfer, g_error_new_literal (TS_HTTP_ERROR, TS_HTTP_ERROR_CANCELLED,
                                                      "cancelled"));
      return;
    }

  transfer->easy = curl_easy_init ();
  _ts_http_transfer_setup (transfer);

  if (cancellable != NULL)
    {
      transfer->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (transfer->cancel_source, G_SOURCE_FUNC (transfer_cancelled_cb),
                             transfer, NULL);
      g_source_set_priority (transfer->cancel_source, G_PRIORITY_HIGH);
      g_source_attach (transfer->cancel_source, self->context);
    }

  _ts_http_transfer_touch (transfer);
  transfer->idle_source = ready_time_source_new (transfer->last_activity +
                                                 (gint64) request->idle_timeout * 1000,
                                                 transfer_idle_cb, transfer);
  g_source_attach (transfer->idle_source, self->context);

  if (curl_multi_add_handle (self->multi, transfer->easy) != CURLM_OK)
    transfer_finish (transfer, g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_FAILED,
                                            "could not start a request to %s",
                                            request->url));
}

/**
 * ts_http_client_send_finish:
 *
 * Returns: (transfer full): the response (any status), or %NULL with @error set in
 *   %TS_HTTP_ERROR or in the domain of the data function's error
 */
TsHttpResponse *
ts_http_client_send_finish (TsHttpClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (TS_IS_HTTP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Helpers */

/**
 * ts_http_build_url:
 * @base: a base URL, with or without a trailing slash
 * @path: a path starting with "/"
 *
 * Returns: (transfer full): @base and @path joined by exactly one slash
 */
char *
ts_http_build_url (const char *base,
                   const char *path)
{
  gsize length;

  g_return_val_if_fail (base != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  length = strlen (base);
  while (length > 0 && base[length - 1] == '/')
    length--;
  while (*path == '/')
    path++;

  return g_strdup_printf ("%.*s/%s", (int) length, base, path);
}

/**
 * ts_http_describe_address:
 * @url: a URL
 *
 * Returns: (transfer full): "host:port" of @url, to name a server in a message (never its
 *   user information, path or query), or @url itself if it does not parse
 */
char *
ts_http_describe_address (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;
  int port;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup (url);

  host = g_uri_get_host (uri);
  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;

  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%d", host, port);
  return g_strdup_printf ("%s:%d", host, port);
}

/**
 * ts_http_error_to_provider:
 * @error: an error from ts_http_client_send_finish()
 * @server: the server's name, such as "Ollama"
 * @url: the URL that was asked
 * @how_to_start: (nullable): what to do when nothing listens, such as "start it with
 *   `ollama serve`"
 *
 * Returns: (transfer full): the same failure in %TS_PROVIDER_ERROR, with a message that
 *   names the server and its address; an error of another domain is copied as it is
 */
GError *
ts_http_error_to_provider (const GError *error,
                           const char   *server,
                           const char   *url,
                           const char   *how_to_start)
{
  g_autofree char *address = NULL;

  g_return_val_if_fail (error != NULL, NULL);
  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  if (error->domain != TS_HTTP_ERROR)
    return g_error_copy (error);

  address = ts_http_describe_address (url);

  switch ((TsHttpError) error->code)
    {
    case TS_HTTP_ERROR_CONNECT:
      if (how_to_start != NULL)
        return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE,
                            "%s is not running at %s — %s", server, address, how_to_start);
      return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE,
                          "%s is not reachable at %s: %s", server, address, error->message);

    case TS_HTTP_ERROR_TLS:
      return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNREACHABLE,
                          "%s: %s", server, error->message);

    case TS_HTTP_ERROR_TIMEOUT:
      return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                          "%s stopped answering: %s", server, error->message);

    case TS_HTTP_ERROR_RESET:
      return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                          "%s broke off its answer: %s", server, error->message);

    case TS_HTTP_ERROR_TOO_LARGE:
      return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_TOO_LARGE,
                          "%s: %s", server, error->message);

    case TS_HTTP_ERROR_CANCELLED:
      return g_error_new_literal (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED, "Cancelled");

    case TS_HTTP_ERROR_FAILED:
    default:
      return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_SERVER,
                          "%s: %s", server, error->message);
    }
}
