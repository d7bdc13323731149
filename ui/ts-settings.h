/* ts-settings.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ts-playground.h"
#include "ts-provider.h"

G_BEGIN_DECLS

/* The keys of the application's GSettings schema (resources/APP_ID.gschema.xml). */
#define TS_SETTINGS_KEY_OLLAMA_ENDPOINT     "ollama-endpoint"
#define TS_SETTINGS_KEY_OPENAI_ENDPOINT     "openai-endpoint"
#define TS_SETTINGS_KEY_SD_WEBUI_ENDPOINT   "sd-webui-endpoint"
#define TS_SETTINGS_KEY_COMFYUI_ENDPOINT    "comfyui-endpoint"
#define TS_SETTINGS_KEY_AWS_PROFILE         "aws-profile"
#define TS_SETTINGS_KEY_AWS_REGION          "aws-region"
#define TS_SETTINGS_KEY_DEFAULT_TEXT_MODEL  "default-text-model"
#define TS_SETTINGS_KEY_DEFAULT_IMAGE_MODEL "default-image-model"
#define TS_SETTINGS_KEY_AUTO_RUN            "auto-run"
#define TS_SETTINGS_KEY_CONCURRENCY         "concurrency"
#define TS_SETTINGS_KEY_COLOR_SCHEME        "color-scheme"
#define TS_SETTINGS_KEY_WINDOW_WIDTH        "window-width"
#define TS_SETTINGS_KEY_WINDOW_HEIGHT       "window-height"
#define TS_SETTINGS_KEY_WINDOW_MAXIMIZED    "window-maximized"
#define TS_SETTINGS_KEY_WINDOW_MODE         "window-mode"

TsProviderRegistry *ts_settings_new_registry   (GSettings          *settings);
void                ts_settings_apply_endpoint (GSettings          *settings,
                                                const char         *key,
                                                TsProviderRegistry *registry);
void                ts_settings_follow         (GSettings          *settings,
                                                TsProviderRegistry *registry,
                                                GPtrArray          *detect_targets);
void                ts_settings_apply_secret   (TsProviderRegistry *registry,
                                                const char         *name,
                                                const char         *value);
void                ts_settings_apply_default_model (GSettings    *settings,
                                                     TsPlayground *playground,
                                                     TsBlock      *block);

G_END_DECLS
