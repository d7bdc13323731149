/* ts-ollama-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cjson/cJSON.h>

#include "ts-http.h"
#include "ts-ollama.h"

G_BEGIN_DECLS

#define TS_OLLAMA_SERVER_NAME "Ollama"

/* Loading a model can take minutes before the first token. */
#define TS_OLLAMA_GENERATE_IDLE_TIMEOUT (5 * 60 * 1000)

struct _TsOllamaProvider
{
  TsProvider    parent_instance;

  TsHttpClient *client;
};

/* ts-ollama.c */
TsHttpRequest *_ts_ollama_new_request                   (TsOllamaProvider    *self,
                                                         const char          *method,
                                                         const char          *path);
GError        *_ts_ollama_call_error                    (TsHttpResponse      *response,
                                                         const GError        *http_error,
                                                         const char          *url,
                                                         const char          *model);
gboolean       _ts_ollama_stream_error                  (const cJSON         *line,
                                                         const char          *model,
                                                         GError             **error);

/* ts-ollama-text.c */
void           _ts_ollama_provider_generate_text_async  (TsProvider          *provider,
                                                         TsTextRequest       *request,
                                                         TsTextChunkFunc      chunk_func,
                                                         gpointer             chunk_data,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);

/* ts-ollama-image.c */
void           _ts_ollama_provider_generate_image_async (TsProvider          *provider,
                                                         TsImageRequest      *request,
                                                         TsProgressFunc       progress_func,
                                                         gpointer             progress_data,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);

G_END_DECLS
