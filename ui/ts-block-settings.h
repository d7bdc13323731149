/* ts-block-settings.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "ts-playground.h"
#include "ts-provider.h"

G_BEGIN_DECLS

#define TS_TYPE_BLOCK_SETTINGS (ts_block_settings_get_type ())

G_DECLARE_FINAL_TYPE (TsBlockSettings, ts_block_settings, TS, BLOCK_SETTINGS, GtkPopover)

GtkWidget *ts_block_settings_new            (TsPlayground       *playground,
                                             TsBlock            *block);
void       ts_block_settings_set_registry   (TsBlockSettings    *self,
                                             TsProviderRegistry *registry);
void       ts_block_settings_refresh_models (TsBlockSettings    *self);

G_END_DECLS
