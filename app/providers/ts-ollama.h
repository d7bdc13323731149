/* ts-ollama.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-provider.h"

G_BEGIN_DECLS

#define TS_OLLAMA_DEFAULT_URL "http://127.0.0.1:11434"

#define TS_TYPE_OLLAMA_PROVIDER (ts_ollama_provider_get_type ())

G_DECLARE_FINAL_TYPE (TsOllamaProvider, ts_ollama_provider, TS, OLLAMA_PROVIDER, TsProvider)

TsProvider *ts_ollama_provider_new            (void);
char       *ts_ollama_provider_dup_base_url   (TsOllamaProvider     *self);
void        ts_ollama_provider_get_version_async  (TsOllamaProvider     *self,
                                                   guint                 timeout_ms,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
char       *ts_ollama_provider_get_version_finish (TsOllamaProvider     *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

char       *ts_ollama_parse_host              (const char           *value);

G_END_DECLS
