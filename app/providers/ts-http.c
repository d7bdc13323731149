/* ts-http.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <curl/curl.h>
#include <string.h>

#include "ts-http.h"
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
 * callbacks only record: body bytes go to a pending buffer, and after each round of
 * curl_multi_socket_action() the client hands them to the data functions, then completes
 * the transfers that ended. A cancellation, an idle timeout or a data function's refusal is
 * acted on from its own GSource, outside curl, too. */

G_DEFINE_QUARK (ts-http-error-quark, ts_http_error)

/* Headers: name and value pairs, in order */

typedef struct
{
  char *name;
  char *value;
} Header;

static void
header_free (gpointer data)
{
  Header *header = data;

  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

static GPtrArray *
headers_new (void)
{
  return g_ptr_array_new_with_free_func (header_free);
}

static const char *
headers_lookup (GPtrArray  *headers,
                const char *name)
{
  /* The last one wins, as with a repeated response header. */
  for (guint i = headers->len; i > 0; i--)
    {
      Header *header = g_ptr_array_index (headers, i - 1);

      if (g_ascii_strcasecmp (header->name, name) == 0)
        return header->value;
    }

  return NULL;
}

static void
headers_remove (GPtrArray  *headers,
                const char *name)
{
  for (guint i = headers->len; i > 0; i--)
    {
      Header *header = g_ptr_array_index (headers, i - 1);

      if (g_ascii_strcasecmp (header->name, name) == 0)
        g_ptr_array_remove_index (headers, i - 1);
    }
}

static void
headers_add (GPtrArray  *headers,
             const char *name,
             gsize       name_length,
             const char *value,
             gsize       value_length)
{
  Header *header = g_new0 (Header, 1);

  header->name = g_strndup (name, name_length);
  header->value = g_strndup (value, value_length);
  g_ptr_array_add (headers, header);
}

/* Requests */

struct _TsHttpRequest
{
  char      *method;
  char      *url;
  GPtrArray *headers;
  GBytes    *body;
  guint      connect_timeout;
  guint      idle_timeout;
  guint      total_timeout;
  gsize      max_response_size;
};

/**
 * ts_http_request_new:
 * @method: "GET", "POST", …
 * @url: an http or https URL
 *
 * Makes a request with the default timeouts and the text response cap
 * (%TS_HTTP_MAX_TEXT_RESPONSE). Reference counted; do not change it once sent.
 *
 * Returns: (transfer full): a new request
 */
TsHttpRequest *
ts_http_request_new (const char *method,
                     const char *url)
{
  TsHttpRequest *request;

  g_return_val_if_fail (method != NULL && *method != '\0', NULL);
  g_return_val_if_fail (url != NULL, NULL);

  request = g_rc_box_new0 (TsHttpRequest);
  request->method = g_ascii_strup (method, -1);
  request->url = g_strdup (url);
  request->headers = headers_new ();
  request->connect_timeout = TS_HTTP_DEFAULT_CONNECT_TIMEOUT;
  request->idle_timeout = TS_HTTP_DEFAULT_IDLE_TIMEOUT;
  request->total_timeout = TS_HTTP_DEFAULT_TOTAL_TIMEOUT;
  request->max_response_size = TS_HTTP_MAX_TEXT_RESPONSE;

  return request;
}

TsHttpRequest *
ts_http_request_ref (TsHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_rc_box_acquire (request);
}

static void
request_clear (gpointer data)
{
  TsHttpRequest *request = data;

  g_free (request->method);
  g_free (request->url);
  g_ptr_array_unref (request->headers);
  g_clear_pointer (&request->body, g_bytes_unref);
}

void
ts_http_request_unref (TsHttpRequest *request)
{
  g_rc_box_release_full (request, request_clear);
}

const char *
ts_http_request_get_method (TsHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->method;
}

const char *
ts_http_request_get_url (TsHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->url;
}

void
ts_http_request_set_url (TsHttpRequest *request,
                         const char    *url)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (url != NULL);

  g_free (request->url);
  request->url = g_strdup (url);
}

/**
 * ts_http_request_set_header:
 * @name: a header name; case does not matter
 * @value: (nullable): its value, or %NULL to remove it
 *
 * Replaces every header called @name with one, added last.
 */
void
ts_http_request_set_header (TsHttpRequest *request,
                            const char    *name,
                            const char    *value)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (strpbrk (name, ":\r\n") == NULL);
  g_return_if_fail (value == NULL || strpbrk (value, "\r\n") == NULL);

  headers_remove (request->headers, name);
  if (value != NULL)
    headers_add (request->headers, name, strlen (name), value, strlen (value));
}

void
ts_http_request_remove_header (TsHttpRequest *request,
                               const char    *name)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (name != NULL);

  headers_remove (request->headers, name);
}

/**
 * ts_http_request_get_header:
 *
 * Returns: (nullable): the value of the header called @name, in any case
 */
const char *
ts_http_request_get_header (TsHttpRequest *request,
                            const char    *name)
{
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return headers_lookup (request->headers, name);
}

guint
ts_http_request_get_n_headers (TsHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, 0);

  return request->headers->len;
}

/**
 * ts_http_request_get_header_at:
 * @index: from 0 to ts_http_request_get_n_headers() - 1
 * @name: (out): the name, as it was set
 * @value: (out): the value
 *
 * Lists the headers in the order they are sent, for a signer.
 */
void
ts_http_request_get_header_at (TsHttpRequest  *request,
                               guint           index,
                               const char    **name,
                               const char    **value)
{
  Header *header;

  g_return_if_fail (request != NULL);
  g_return_if_fail (index < request->headers->len);

  header = g_ptr_array_index (request->headers, index);
  if (name != NULL)
    *name = header->name;
  if (value != NULL)
    *value = header->value;
}

/**
 * ts_http_request_set_body:
 * @body: (nullable): the exact bytes to send
 * @content_type: (nullable): its type, set as the Content-Type header
 */
void
ts_http_request_set_body (TsHttpRequest *request,
                          GBytes        *body,
                          const char    *content_type)
{
  g_return_if_fail (request != NULL);

  g_clear_pointer (&request->body, g_bytes_unref);
  if (body != NULL)
    request->body = g_bytes_ref (body);
  if (content_type != NULL)
    ts_http_request_set_header (request, "Content-Type", content_type);
}

/**
 * ts_http_request_take_json_body:
 * @json: (transfer full): a JSON text, such as cJSON_PrintUnformatted() gives after
 *   g_strdup(), freed with g_free()
 */
void
ts_http_request_take_json_body (TsHttpRequest *request,
                                char          *json)
{
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (request != NULL);
  g_return_if_fail (json != NULL);

  body = g_bytes_new_take (json, strlen (json));
  ts_http_request_set_body (request, body, "application/json");
}

/**
 * ts_http_request_get_body:
 *
 * Returns: (transfer none) (nullable): the body
 */
GBytes *
ts_http_request_get_body (TsHttpRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->body;
}

void
ts_http_request_set_connect_timeout (TsHttpRequest *request,
                                     guint          msec)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (msec > 0);

  request->connect_timeout = msec;
}

/**
 * ts_http_request_set_idle_timeout:
 * @msec: how long the server may send nothing, from the start of the transfer to its end
 */
void
ts_http_request_set_idle_timeout (TsHttpRequest *request,
                                  guint          msec)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (msec > 0);

  request->idle_timeout = msec;
}

void
ts_http_request_set_total_timeout (TsHttpRequest *request,
                                   guint          msec)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (msec > 0);

  request->total_timeout = msec;
}

/**
 * ts_http_request_set_max_response_size:
 * @max_size: how many body bytes a 2xx answer may have, after decompression
 */
void
ts_http_request_set_max_response_size (TsHttpRequest *request,
                                       gsize          max_size)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (max_size > 0);

  request->max_response_size = max_size;
}

/* Responses */

struct _TsHttpResponse
{
  guint       status;
  GPtrArray  *headers;
  GByteArray *body;
  guint64     received;
  gboolean    truncated;
};

static TsHttpResponse *
response_new (void)
{
  TsHttpResponse *response = g_rc_box_new0 (TsHttpResponse);

  response->headers = headers_new ();
  response->body = g_byte_array_new ();

  return response;
}

TsHttpResponse *
ts_http_response_ref (TsHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return g_rc_box_acquire (response);
}

static void
response_clear (gpointer data)
{
  TsHttpResponse *response = data;

  g_ptr_array_unref (response->headers);
  g_byte_array_unref (response->body);
}

void
ts_http_response_unref (TsHttpResponse *response)
{
  g_rc_box_release_full (response, response_clear);
}

guint
ts_http_response_get_status (TsHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->status;
}

gboolean
ts_http_response_is_success (TsHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, FALSE);

  return response->status >= 200 && response->status < 300;
}

/**
 * ts_http_response_get_header:
 *
 * Returns: (nullable): the value of the response header called @name, in any case, the
 *   last one if it came several times
 */
const char *
ts_http_response_get_header (TsHttpResponse *response,
                             const char     *name)
{
  g_return_val_if_fail (response != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return headers_lookup (response->headers, name);
}

const char *
ts_http_response_get_content_type (TsHttpResponse *response)
{
  return ts_http_response_get_header (response, "Content-Type");
}

/**
 * ts_http_response_has_content_type:
 * @mime_type: such as "application/json"
 *
 * Returns: whether the Content-Type is @mime_type, whatever its parameters
 */
gboolean
ts_http_response_has_content_type (TsHttpResponse *response,
                                   const char     *mime_type)
{
  const char *type = ts_http_response_get_content_type (response);
  gsize length;

  g_return_val_if_fail (mime_type != NULL, FALSE);

  if (type == NULL)
    return FALSE;

  length = strlen (mime_type);
  return g_ascii_strncasecmp (type, mime_type, length) == 0 &&
         (type[length] == '\0' || type[length] == ';' || type[length] == ' ');
}

/**
 * ts_http_response_get_body:
 *
 * The body of a response that was not streamed: the whole of a 2xx answer sent without a
 * data function, or the first %TS_HTTP_MAX_ERROR_BODY bytes of any other answer.
 *
 * Returns: (transfer full): the body
 */
GBytes *
ts_http_response_get_body (TsHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return g_bytes_new (response->body->data, response->body->len);
}

/**
 * ts_http_response_get_truncated:
 *
 * Returns: whether a non-2xx body was cut at %TS_HTTP_MAX_ERROR_BODY
 */
gboolean
ts_http_response_get_truncated (TsHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, FALSE);

  return response->truncated;
}

/**
 * ts_http_response_get_received:
 *
 * Returns: how many body bytes arrived, streamed or not
 */
guint64
ts_http_response_get_received (TsHttpResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->received;
}

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

typedef struct
{
  gatomicrefcount  ref_count;
  TsHttpClient    *client;
  GTask           *task;
  TsHttpRequest   *request;
  TsHttpResponse  *response;
  CURL            *easy;
  struct curl_slist *header_list;
  char             error_buffer[CURL_ERROR_SIZE];

  TsHttpDataFunc   data_func;
  gpointer         data_user_data;
  GDestroyNotify   data_destroy;

  GByteArray      *pending;
  GError          *error;
  GSource         *cancel_source;
  GSource         *idle_source;
  gint64           last_activity;

  CURLcode         result;
  guint            status_known : 1;
  guint            streaming : 1;
  guint            error_body_full : 1;
  guint            done : 1;
  guint            finished : 1;
} Transfer;

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

static Transfer *
transfer_ref (Transfer *transfer)
{
  g_atomic_ref_count_inc (&transfer->ref_count);
  return transfer;
}

static void
transfer_unref (Transfer *transfer)
{
  if (!g_atomic_ref_count_dec (&transfer->ref_count))
    return;

  g_assert (transfer->easy == NULL);
  g_assert (transfer->task == NULL);

  if (transfer->data_destroy != NULL)
    transfer->data_destroy (transfer->data_user_data);
  g_clear_pointer (&transfer->pending, g_byte_array_unref);
  g_clear_error (&transfer->error);
  g_clear_pointer (&transfer->request, ts_http_request_unref);
  g_clear_pointer (&transfer->response, ts_http_response_unref);
  g_clear_object (&transfer->client);
  g_free (transfer);
}

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

static char *
describe_url_for_error (TsHttpRequest *request)
{
  return ts_http_describe_address (request->url);
}

/* Ends a transfer: takes it out of curl and answers its task. Never called from inside a
 * curl callback. */
static void
transfer_finish (Transfer *transfer,
                 GError   *error)
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
  transfer_ref (transfer);
  g_ptr_array_remove (self->transfers, transfer);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ts_http_response_ref (transfer->response),
                           (GDestroyNotify) ts_http_response_unref);

  transfer_unref (transfer);
}

static GError *
error_from_curl (Transfer *transfer)
{
  g_autofree char *address = describe_url_for_error (transfer->request);
  const char *detail = transfer->error_buffer[0] != '\0' ?
                       transfer->error_buffer : curl_easy_strerror (transfer->result);
  curl_off_t connect_time = 0;

  switch (transfer->result)
    {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_CONNECT,
                          "could not connect to %s (%s)", address, detail);

    case CURLE_OPERATION_TIMEDOUT:
      curl_easy_getinfo (transfer->easy, CURLINFO_CONNECT_TIME_T, &connect_time);
      if (connect_time == 0 && !transfer->status_known)
        return g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_CONNECT,
                            "could not connect to %s within %u ms", address,
                            transfer->request->connect_timeout);
      return g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_TIMEOUT,
                          "%s did not finish its answer within %.1f s", address,
                          transfer->request->total_timeout / 1000.0);

    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_TLS,
                          "no secure connection to %s (%s)", address, detail);

    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      return g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_RESET,
                          "%s closed the connection before the answer was complete (%s)",
                          address, detail);

    default:
      return g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_FAILED,
                          "request to %s failed (%s)", address, detail);
    }
}

static void
transfer_complete (Transfer *transfer)
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

  transfer_finish (transfer, error_from_curl (transfer));
}

/* Hands the bytes gathered during the last round to the data function. */
static void
transfer_deliver (Transfer *transfer)
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
      Transfer *transfer = NULL;

      if (message->msg != CURLMSG_DONE)
        continue;

      curl_easy_getinfo (message->easy_handle, CURLINFO_PRIVATE, (char **) &transfer);
      g_assert (transfer != NULL);
      transfer->done = TRUE;
      transfer->result = message->data.result;
    }

  snapshot = g_ptr_array_new_with_free_func ((GDestroyNotify) transfer_unref);
  for (guint i = 0; i < self->transfers->len; i++)
    g_ptr_array_add (snapshot, transfer_ref (g_ptr_array_index (self->transfers, i)));

  /* Data first, so a function sees the whole body before its callback runs. */
  for (guint i = 0; i < snapshot->len; i++)
    transfer_deliver (g_ptr_array_index (snapshot, i));

  for (guint i = 0; i < snapshot->len; i++)
    {
      Transfer *transfer = g_ptr_array_index (snapshot, i);

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
  self->transfers = g_ptr_array_new_with_free_func ((GDestroyNotify) transfer_unref);

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

static void
transfer_touch (Transfer *transfer)
{
  transfer->last_activity = g_get_monotonic_time ();
}

static void
transfer_set_status (Transfer *transfer)
{
  long status = 0;

  if (transfer->status_known)
    return;

  curl_easy_getinfo (transfer->easy, CURLINFO_RESPONSE_CODE, &status);
  transfer->response->status = (guint) status;
  transfer->status_known = TRUE;
  transfer->streaming = transfer->data_func != NULL && ts_http_response_is_success (transfer->response);
}

static size_t
write_cb (char   *data,
          size_t  size,
          size_t  n_items,
          void   *user_data)
{
  Transfer *transfer = user_data;
  TsHttpResponse *response = transfer->response;
  size_t length = size * n_items;

  transfer_touch (transfer);
  transfer_set_status (transfer);
  response->received += length;

  if (!ts_http_response_is_success (response))
    {
      /* Only the server's message is wanted: keep the start, then stop reading. */
      gsize room = TS_HTTP_MAX_ERROR_BODY - response->body->len;

      if (length > room)
        {
          g_byte_array_append (response->body, (const guint8 *) data, room);
          response->truncated = TRUE;
          transfer->error_body_full = TRUE;
          return 0;
        }
      g_byte_array_append (response->body, (const guint8 *) data, length);
      return length;
    }

  if (response->received > transfer->request->max_response_size)
    {
      g_autofree char *address = describe_url_for_error (transfer->request);

      if (transfer->error == NULL)
        transfer->error = g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_TOO_LARGE,
                                       "the answer from %s is larger than %" G_GSIZE_FORMAT " MiB",
                                       address,
                                       transfer->request->max_response_size / (1024 * 1024));
      return 0;
    }

  g_byte_array_append (transfer->streaming ? transfer->pending : response->body,
                       (const guint8 *) data, length);

  return length;
}

static size_t
header_cb (char   *data,
           size_t  size,
           size_t  n_items,
           void   *user_data)
{
  Transfer *transfer = user_data;
  size_t length = size * n_items;
  const char *colon;
  const char *value;
  const char *end = data + length;

  transfer_touch (transfer);

  if (length >= 5 && memcmp (data, "HTTP/", 5) == 0)
    {
      /* A new status line: an interim answer or the final one; keep only the last. */
      g_ptr_array_set_size (transfer->response->headers, 0);
      return length;
    }

  while (end > data && (end[-1] == '\n' || end[-1] == '\r'))
    end--;
  colon = memchr (data, ':', end - data);
  if (colon == NULL || colon == data)
    return length;

  value = colon + 1;
  while (value < end && (*value == ' ' || *value == '\t'))
    value++;
  while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
    end--;

  headers_add (transfer->response->headers, data, colon - data, value, end - value);

  return length;
}

static gboolean
transfer_cancelled_cb (GCancellable *cancellable,
                       gpointer      user_data)
{
  Transfer *transfer = user_data;

  if (!transfer->finished)
    transfer_finish (transfer, g_error_new_literal (TS_HTTP_ERROR, TS_HTTP_ERROR_CANCELLED,
                                                    "cancelled"));

  return G_SOURCE_REMOVE;
}

static gboolean
transfer_idle_cb (gpointer user_data)
{
  Transfer *transfer = user_data;
  gint64 deadline = transfer->last_activity + (gint64) transfer->request->idle_timeout * 1000;
  g_autofree char *address = NULL;

  if (g_get_monotonic_time () < deadline)
    {
      g_source_set_ready_time (transfer->idle_source, deadline);
      return G_SOURCE_CONTINUE;
    }

  address = describe_url_for_error (transfer->request);
  transfer_finish (transfer,
                   g_error_new (TS_HTTP_ERROR, TS_HTTP_ERROR_TIMEOUT,
                                "%s sent nothing for %.1f s", address,
                                transfer->request->idle_timeout / 1000.0));

  return G_SOURCE_REMOVE;
}

static struct curl_slist *
build_header_list (TsHttpRequest *request)
{
  struct curl_slist *list = NULL;

  for (guint i = 0; i < request->headers->len; i++)
    {
      Header *header = g_ptr_array_index (request->headers, i);
      g_autofree char *line = NULL;

      /* "Name;" is curl's way to send a header with an empty value. */
      if (*header->value == '\0')
        line = g_strdup_printf ("%s;", header->name);
      else
        line = g_strdup_printf ("%s: %s", header->name, header->value);
      list = curl_slist_append (list, line);
    }

  /* No "Expect: 100-continue" pause before a large body. */
  if (headers_lookup (request->headers, "Expect") == NULL)
    list = curl_slist_append (list, "Expect:");

  return list;
}

static void
transfer_setup (Transfer *transfer)
{
  TsHttpRequest *request = transfer->request;
  CURL *easy = transfer->easy;

  curl_easy_setopt (easy, CURLOPT_PRIVATE, transfer);
  curl_easy_setopt (easy, CURLOPT_URL, request->url);
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (easy, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, transfer);
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, transfer);
  curl_easy_setopt (easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT_MS, (long) request->connect_timeout);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, (long) request->total_timeout);
  curl_easy_setopt (easy, CURLOPT_TCP_KEEPALIVE, 1L);
  /* Never weakened: these are libcurl's defaults, stated so no one turns them off. */
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, 2L);

  if (g_str_equal (request->method, "GET"))
    {
      curl_easy_setopt (easy, CURLOPT_HTTPGET, 1L);
    }
  else if (g_str_equal (request->method, "HEAD"))
    {
      curl_easy_setopt (easy, CURLOPT_NOBODY, 1L);
    }
  else
    {
      gsize size = 0;
      gconstpointer data = request->body != NULL ? g_bytes_get_data (request->body, &size) : "";

      curl_easy_setopt (easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
      curl_easy_setopt (easy, CURLOPT_POSTFIELDS, data != NULL ? data : "");
      if (!g_str_equal (request->method, "POST"))
        curl_easy_setopt (easy, CURLOPT_CUSTOMREQUEST, request->method);
    }

  transfer->header_list = build_header_list (request);
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, transfer->header_list);
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
  Transfer *transfer;

  g_return_if_fail (TS_IS_HTTP_CLIENT (self));
  g_return_if_fail (request != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (context == self->context);

  transfer = g_new0 (Transfer, 1);
  g_atomic_ref_count_init (&transfer->ref_count);
  transfer->client = g_object_ref (self);
  transfer->request = ts_http_request_ref (request);
  transfer->response = response_new ();
  transfer->pending = g_byte_array_new ();
  transfer->data_func = data_func;
  transfer->data_user_data = data_user_data;
  transfer->data_destroy = data_destroy;
  transfer->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (transfer->task, ts_http_client_send_async);
  /* Errors are ours to give, in our domain, also for a cancellation. */
  g_task_set_check_cancellable (transfer->task, FALSE);

  g_ptr_array_add (self->transfers, transfer);

  if (g_cancellable_is_cancelled (cancellable))
    {
      transfer_finish (transfer, g_error_new_literal (TS_HTTP_ERROR, TS_HTTP_ERROR_CANCELLED,
                                                      "cancelled"));
      return;
    }

  transfer->easy = curl_easy_init ();
  transfer_setup (transfer);

  if (cancellable != NULL)
    {
      transfer->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (transfer->cancel_source, G_SOURCE_FUNC (transfer_cancelled_cb),
                             transfer, NULL);
      g_source_set_priority (transfer->cancel_source, G_PRIORITY_HIGH);
      g_source_attach (transfer->cancel_source, self->context);
    }

  transfer_touch (transfer);
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
