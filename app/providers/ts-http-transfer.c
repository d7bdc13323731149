/* ts-http-transfer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-http-private.h"

/* One transfer: a request on a curl easy handle. Its options are set here, and its write
 * and header callbacks, which curl calls from inside curl_multi_socket_action(), only
 * record what arrives: body bytes go to the response or to a pending buffer, headers to
 * the response, a refusal to the transfer's error. The client (ts-http.c) hands the
 * pending bytes on and ends the transfer outside curl. */

HttpTransfer *
_ts_http_transfer_new (TsHttpClient   *client,
                       TsHttpRequest  *request,
                       TsHttpDataFunc  data_func,
                       gpointer        data_user_data,
                       GDestroyNotify  data_destroy,
                       GTask          *task)
{
  HttpTransfer *transfer = g_new0 (HttpTransfer, 1);

  g_atomic_ref_count_init (&transfer->ref_count);
  transfer->client = g_object_ref (client);
  transfer->request = ts_http_request_ref (request);
  transfer->response = _ts_http_response_new ();
  transfer->pending = g_byte_array_new ();
  transfer->data_func = data_func;
  transfer->data_user_data = data_user_data;
  transfer->data_destroy = data_destroy;
  transfer->task = task;

  return transfer;
}

HttpTransfer *
_ts_http_transfer_ref (HttpTransfer *transfer)
{
  g_atomic_ref_count_inc (&transfer->ref_count);
  return transfer;
}

void
_ts_http_transfer_unref (HttpTransfer *transfer)
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

GError *
_ts_http_transfer_error (HttpTransfer *transfer)
{
  g_autofree char *address = ts_http_describe_address (transfer->request->url);
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

void
_ts_http_transfer_touch (HttpTransfer *transfer)
{
  transfer->last_activity = g_get_monotonic_time ();
}

static void
transfer_set_status (HttpTransfer *transfer)
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
  HttpTransfer *transfer = user_data;
  TsHttpResponse *response = transfer->response;
  size_t length = size * n_items;

  _ts_http_transfer_touch (transfer);
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
      g_autofree char *address = ts_http_describe_address (transfer->request->url);

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
  HttpTransfer *transfer = user_data;
  size_t length = size * n_items;
  const char *colon;
  const char *value;
  const char *end = data + length;

  _ts_http_transfer_touch (transfer);

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

  _ts_http_headers_add (transfer->response->headers, data, colon - data, value, end - value);

  return length;
}

static struct curl_slist *
build_header_list (TsHttpRequest *request)
{
  struct curl_slist *list = NULL;

  for (guint i = 0; i < request->headers->len; i++)
    {
      HttpHeader *header = g_ptr_array_index (request->headers, i);
      g_autofree char *line = NULL;

      /* "Name;" is curl's way to send a header with an empty value. */
      if (*header->value == '\0')
        line = g_strdup_printf ("%s;", header->name);
      else
        line = g_strdup_printf ("%s: %s", header->name, header->value);
      list = curl_slist_append (list, line);
    }

  /* No "Expect: 100-continue" pause before a large body. */
  if (_ts_http_headers_lookup (request->headers, "Expect") == NULL)
    list = curl_slist_append (list, "Expect:");

  return list;
}

void
_ts_http_transfer_setup (HttpTransfer *transfer)
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
