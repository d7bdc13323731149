/* ts-http-message.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-http-private.h"

/* The messages of the transport: requests as a provider builds them (and a signer reads
 * them), responses as the client fills them in, and the ordered header lists of both. */

/* Headers: name and value pairs, in order */

static void
header_free (gpointer data)
{
  HttpHeader *header = data;

  g_free (header->name);
  g_free (header->value);
  g_free (header);
}

GPtrArray *
_ts_http_headers_new (void)
{
  return g_ptr_array_new_with_free_func (header_free);
}

const char *
_ts_http_headers_lookup (GPtrArray  *headers,
                         const char *name)
{
  /* The last one wins, as with a repeated response header. */
  for (guint i = headers->len; i > 0; i--)
    {
      HttpHeader *header = g_ptr_array_index (headers, i - 1);

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
      HttpHeader *header = g_ptr_array_index (headers, i - 1);

      if (g_ascii_strcasecmp (header->name, name) == 0)
        g_ptr_array_remove_index (headers, i - 1);
    }
}

void
_ts_http_headers_add (GPtrArray  *headers,
                      const char *name,
                      gsize       name_length,
                      const char *value,
                      gsize       value_length)
{
  HttpHeader *header = g_new0 (HttpHeader, 1);

  header->name = g_strndup (name, name_length);
  header->value = g_strndup (value, value_length);
  g_ptr_array_add (headers, header);
}

/* Requests */

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
  request->headers = _ts_http_headers_new ();
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
    _ts_http_headers_add (request->headers, name, strlen (name), value, strlen (value));
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

  return _ts_http_headers_lookup (request->headers, name);
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
  HttpHeader *header;

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

TsHttpResponse *
_ts_http_response_new (void)
{
  TsHttpResponse *response = g_rc_box_new0 (TsHttpResponse);

  response->headers = _ts_http_headers_new ();
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

  return _ts_http_headers_lookup (response->headers, name);
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
