/* ts-openai.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-provider.h"

G_BEGIN_DECLS

/* llama.cpp's llama-server, the first of the usual local servers the detector tries. */
#define TS_OPENAI_DEFAULT_URL "http://127.0.0.1:8080/v1"
#define TS_OPENAI_CLOUD_URL   "https://api.openai.com/v1"

#define TS_TYPE_OPENAI_PROVIDER (ts_openai_provider_get_type ())

G_DECLARE_FINAL_TYPE (TsOpenaiProvider, ts_openai_provider, TS, OPENAI_PROVIDER, TsProvider)

TsProvider *ts_openai_provider_new          (void);
char       *ts_openai_provider_dup_base_url (TsOpenaiProvider *self);
void        ts_openai_provider_set_api_key  (TsOpenaiProvider *self,
                                             const char       *endpoint,
                                             const char       *api_key);

char       *ts_openai_normalize_base_url    (const char       *url);
const char *ts_openai_server_name_for_url   (const char       *url);

G_END_DECLS
