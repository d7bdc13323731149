/* ts-openai-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-http.h"
#include "ts-openai.h"

G_BEGIN_DECLS

/* Loading a model can take minutes before the first byte of an answer. */
#define TS_OPENAI_GENERATE_IDLE_TIMEOUT (5 * 60 * 1000)

struct _TsOpenaiProvider
{
  TsProvider    parent_instance;

  TsHttpClient *client;
  char         *api_key;
  char         *api_key_origin;
};

/* ts-openai.c */
char          *_ts_openai_origin_of                     (const char          *url);
TsHttpRequest *_ts_openai_new_request                   (TsOpenaiProvider    *self,
                                                         const char          *method,
                                                         const char          *path);
void           _ts_openai_send_request                  (TsOpenaiProvider    *self,
                                                         TsHttpRequest       *request,
                                                         TsHttpDataFunc       data_func,
                                                         gpointer             data_user_data,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GError        *_ts_openai_call_error                    (TsHttpResponse      *response,
                                                         const GError        *http_error,
                                                         const char          *url,
                                                         const char          *model);

/* ts-openai-text.c */
void           _ts_openai_provider_generate_text_async  (TsProvider          *provider,
                                                         TsTextRequest       *request,
                                                         TsTextChunkFunc      chunk_func,
                                                         gpointer             chunk_data,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);

/* ts-openai-image.c */
void           _ts_openai_provider_generate_image_async (TsProvider          *provider,
                                                         TsImageRequest      *request,
                                                         TsProgressFunc       progress_func,
                                                         gpointer             progress_data,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);

G_END_DECLS
