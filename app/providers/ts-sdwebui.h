/* ts-sdwebui.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-provider.h"

G_BEGIN_DECLS

#define TS_SDWEBUI_DEFAULT_URL "http://127.0.0.1:7860"

#define TS_TYPE_SDWEBUI_PROVIDER (ts_sdwebui_provider_get_type ())

G_DECLARE_FINAL_TYPE (TsSdwebuiProvider, ts_sdwebui_provider, TS, SDWEBUI_PROVIDER, TsProvider)

TsProvider *ts_sdwebui_provider_new          (void);
char       *ts_sdwebui_provider_dup_base_url (TsSdwebuiProvider *self);

G_END_DECLS
