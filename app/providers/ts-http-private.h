/* ts-http-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <curl/curl.h>

#include "ts-http.h"

G_BEGIN_DECLS

/* A header: name and value, kept in order. */
typedef struct
{
  char *name;
  char *value;
} HttpHeader;

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

struct _TsHttpResponse
{
  guint       status;
  GPtrArray  *headers;
  GByteArray *body;
  guint64     received;
  gboolean    truncated;
};

/* One request in flight: its easy handle, the response it fills and its task. curl's
 * callbacks only record into it; the client acts on what they recorded. */
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
} HttpTransfer;

/* ts-http-message.c */
GPtrArray      *_ts_http_headers_new        (void);
const char     *_ts_http_headers_lookup     (GPtrArray      *headers,
                                             const char     *name);
void            _ts_http_headers_add        (GPtrArray      *headers,
                                             const char     *name,
                                             gsize           name_length,
                                             const char     *value,
                                             gsize           value_length);
TsHttpResponse *_ts_http_response_new       (void);

/* ts-http-transfer.c */
HttpTransfer   *_ts_http_transfer_new       (TsHttpClient   *client,
                                             TsHttpRequest  *request,
                                             TsHttpDataFunc  data_func,
                                             gpointer        data_user_data,
                                             GDestroyNotify  data_destroy,
                                             GTask          *task);
HttpTransfer   *_ts_http_transfer_ref       (HttpTransfer   *transfer);
void            _ts_http_transfer_unref     (HttpTransfer   *transfer);
void            _ts_http_transfer_touch     (HttpTransfer   *transfer);
void            _ts_http_transfer_setup     (HttpTransfer   *transfer);
GError         *_ts_http_transfer_error     (HttpTransfer   *transfer);

G_END_DECLS
