/* ts-bedrock.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-provider.h"

G_BEGIN_DECLS

#define TS_TYPE_BEDROCK_PROVIDER (ts_bedrock_provider_get_type ())

G_DECLARE_FINAL_TYPE (TsBedrockProvider, ts_bedrock_provider, TS, BEDROCK_PROVIDER, TsProvider)

TsProvider *ts_bedrock_provider_new                  (void);
void        ts_bedrock_provider_set_environment      (TsBedrockProvider  *self,
                                                      const char * const *envp);
const char *ts_bedrock_provider_get_region           (TsBedrockProvider  *self);
void        ts_bedrock_provider_set_region           (TsBedrockProvider  *self,
                                                      const char         *region);
const char *ts_bedrock_provider_get_control_endpoint (TsBedrockProvider  *self);
void        ts_bedrock_provider_set_control_endpoint (TsBedrockProvider  *self,
                                                      const char         *endpoint);
guint       ts_bedrock_provider_get_max_attempts     (TsBedrockProvider  *self);
void        ts_bedrock_provider_set_max_attempts     (TsBedrockProvider  *self,
                                                      guint               max_attempts);
void        ts_bedrock_provider_set_retry_timing     (TsBedrockProvider  *self,
                                                      guint               base_ms,
                                                      guint               max_ms);
const char *ts_bedrock_provider_get_profile          (TsBedrockProvider  *self);
void        ts_bedrock_provider_set_profile          (TsBedrockProvider  *self,
                                                      const char         *profile);
void        ts_bedrock_provider_set_access_keys      (TsBedrockProvider  *self,
                                                      const char         *access_key_id,
                                                      const char         *secret_access_key);
void        ts_bedrock_provider_forget_credentials   (TsBedrockProvider  *self);

G_END_DECLS
