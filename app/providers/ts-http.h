/* ts-http.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Response size caps (protocols.md §1, §8). */
#define TS_HTTP_MAX_TEXT_RESPONSE  (8 * 1024 * 1024)
#define TS_HTTP_MAX_IMAGE_RESPONSE (64 * 1024 * 1024)
#define TS_HTTP_MAX_ERROR_BODY     (64 * 1024)

/* Default timeouts, in milliseconds. */
#define TS_HTTP_DEFAULT_CONNECT_TIMEOUT 5000
#define TS_HTTP_DEFAULT_IDLE_TIMEOUT    120000
#define TS_HTTP_DEFAULT_TOTAL_TIMEOUT   (30 * 60 * 1000)

#define TS_HTTP_ERROR (ts_http_error_quark ())

/**
 * TsHttpError:
 * @TS_HTTP_ERROR_CONNECT: no connection: refused, unknown host, or the connect timeout
 * @TS_HTTP_ERROR_TLS: the TLS handshake or the certificate check failed
 * @TS_HTTP_ERROR_TIMEOUT: connected, but the server went quiet for longer than the idle
 *   timeout, or the whole transfer took longer than its overall cap
 * @TS_HTTP_ERROR_RESET: the connection broke or closed before the answer was complete
 * @TS_HTTP_ERROR_TOO_LARGE: the answer exceeded the request's size cap
 * @TS_HTTP_ERROR_CANCELLED: the caller cancelled
 * @TS_HTTP_ERROR_FAILED: anything else libcurl reports
 *
 * Transport failures. A non-2xx status is not one: it comes back as a response.
 * ts_http_error_to_provider() turns these into the provider error domain.
 */
typedef enum
{
  TS_HTTP_ERROR_CONNECT,
  TS_HTTP_ERROR_TLS,
  TS_HTTP_ERROR_TIMEOUT,
  TS_HTTP_ERROR_RESET,
  TS_HTTP_ERROR_TOO_LARGE,
  TS_HTTP_ERROR_CANCELLED,
  TS_HTTP_ERROR_FAILED,
} TsHttpError;

GQuark ts_http_error_quark (void);

/* Requests */

typedef struct _TsHttpRequest TsHttpRequest;

TsHttpRequest *ts_http_request_new                   (const char     *method,
                                                      const char     *url);
TsHttpRequest *ts_http_request_ref                   (TsHttpRequest  *request);
void           ts_http_request_unref                 (TsHttpRequest  *request);

const char    *ts_http_request_get_method            (TsHttpRequest  *request);
const char    *ts_http_request_get_url               (TsHttpRequest  *request);
void           ts_http_request_set_url               (TsHttpRequest  *request,
                                                      const char     *url);

void           ts_http_request_set_header            (TsHttpRequest  *request,
                                                      const char     *name,
                                                      const char     *value);
void           ts_http_request_remove_header         (TsHttpRequest  *request,
                                                      const char     *name);
const char    *ts_http_request_get_header            (TsHttpRequest  *request,
                                                      const char     *name);
guint          ts_http_request_get_n_headers         (TsHttpRequest  *request);
void           ts_http_request_get_header_at         (TsHttpRequest  *request,
                                                      guint           index,
                                                      const char    **name,
                                                      const char    **value);

void           ts_http_request_set_body              (TsHttpRequest  *request,
                                                      GBytes         *body,
                                                      const char     *content_type);
void           ts_http_request_take_json_body        (TsHttpRequest  *request,
                                                      char           *json);
GBytes        *ts_http_request_get_body              (TsHttpRequest  *request);

void           ts_http_request_set_connect_timeout   (TsHttpRequest  *request,
                                                      guint           msec);
void           ts_http_request_set_idle_timeout      (TsHttpRequest  *request,
                                                      guint           msec);
void           ts_http_request_set_total_timeout     (TsHttpRequest  *request,
                                                      guint           msec);
void           ts_http_request_set_max_response_size (TsHttpRequest  *request,
                                                      gsize           max_size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsHttpRequest, ts_http_request_unref)

/* Responses */

typedef struct _TsHttpResponse TsHttpResponse;

TsHttpResponse *ts_http_response_ref              (TsHttpResponse *response);
void            ts_http_response_unref            (TsHttpResponse *response);
guint           ts_http_response_get_status       (TsHttpResponse *response);
gboolean        ts_http_response_is_success       (TsHttpResponse *response);
const char     *ts_http_response_get_header       (TsHttpResponse *response,
                                                   const char     *name);
const char     *ts_http_response_get_content_type (TsHttpResponse *response);
gboolean        ts_http_response_has_content_type (TsHttpResponse *response,
                                                   const char     *mime_type);
GBytes         *ts_http_response_get_body         (TsHttpResponse *response);
gboolean        ts_http_response_get_truncated    (TsHttpResponse *response);
guint64         ts_http_response_get_received     (TsHttpResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsHttpResponse, ts_http_response_unref)

/**
 * TsHttpDataFunc:
 * @response: the response so far: status and headers are known, the body is not kept
 * @data: the next bytes of the body, split anywhere
 * @length: how many, never 0
 * @user_data: the data given with the function
 * @error: where to put the reason when returning %FALSE
 *
 * Receives a 2xx body as it arrives, in order, on the main context the request was sent
 * from. Returning %FALSE aborts the transfer and fails it with @error.
 *
 * Returns: %TRUE to go on
 */
typedef gboolean (*TsHttpDataFunc) (TsHttpResponse  *response,
                                    const guint8    *data,
                                    gsize            length,
                                    gpointer         user_data,
                                    GError         **error);

/* The client */

#define TS_TYPE_HTTP_CLIENT (ts_http_client_get_type ())

G_DECLARE_FINAL_TYPE (TsHttpClient, ts_http_client, TS, HTTP_CLIENT, GObject)

TsHttpClient   *ts_http_client_new         (void);
GMainContext   *ts_http_client_get_context (TsHttpClient         *self);
void            ts_http_client_send_async  (TsHttpClient         *self,
                                            TsHttpRequest        *request,
                                            TsHttpDataFunc        data_func,
                                            gpointer              data_user_data,
                                            GDestroyNotify        data_destroy,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
TsHttpResponse *ts_http_client_send_finish (TsHttpClient         *self,
                                            GAsyncResult         *result,
                                            GError              **error);

TsHttpClient   *ts_http_client_ensure      (TsHttpClient        **client);

/* Helpers */

char           *ts_http_build_url          (const char           *base,
                                            const char           *path);
char           *ts_http_describe_address   (const char           *url);
GError         *ts_http_error_to_provider  (const GError         *error,
                                            const char           *server,
                                            const char           *url,
                                            const char           *how_to_start);

G_END_DECLS
