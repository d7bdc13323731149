/* ts-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-settings.h"

#include "ts-bedrock.h"
#include "ts-providers.h"

/* The preferences that say where the model servers are, applied to providers. */

static const struct {
  const char *provider;
  const char *key;
} endpoint_keys[] = {
  { "ollama", TS_SETTINGS_KEY_OLLAMA_ENDPOINT },
  { "openai", TS_SETTINGS_KEY_OPENAI_ENDPOINT },
  { "sd-webui", TS_SETTINGS_KEY_SD_WEBUI_ENDPOINT },
};

/**
 * ts_settings_apply_endpoint:
 * @settings: the application's settings
 * @key: a key that changed
 * @registry: the providers
 *
 * If @key names a server, points its provider there (an empty value: the default).
 */
void
ts_settings_apply_endpoint (GSettings          *settings,
                            const char         *key,
                            TsProviderRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (endpoint_keys); i++)
    {
      TsProvider *provider;
      g_autofree char *endpoint = NULL;

      if (!g_str_equal (key, endpoint_keys[i].key))
        continue;

      provider = ts_provider_registry_lookup (registry, endpoint_keys[i].provider);
      endpoint = g_settings_get_string (settings, key);
      if (provider != NULL)
        ts_provider_set_endpoint (provider, endpoint[0] != '\0' ? endpoint : NULL);
    }

  if (g_str_equal (key, TS_SETTINGS_KEY_AWS_REGION))
    {
      TsProvider *bedrock = ts_provider_registry_lookup (registry, "bedrock");
      g_autofree char *region = g_settings_get_string (settings, key);

      if (TS_IS_BEDROCK_PROVIDER (bedrock) && region[0] != '\0')
        ts_bedrock_provider_set_region (TS_BEDROCK_PROVIDER (bedrock), region);
    }
}

/**
 * ts_settings_new_registry:
 * @settings: the application's settings
 *
 * Returns: (transfer full): the shipped providers, pointed at the servers @settings names
 */
TsProviderRegistry *
ts_settings_new_registry (GSettings *settings)
{
  TsProviderRegistry *registry = ts_providers_new_registry ();

  for (guint i = 0; i < G_N_ELEMENTS (endpoint_keys); i++)
    ts_settings_apply_endpoint (settings, endpoint_keys[i].key, registry);
  ts_settings_apply_endpoint (settings, TS_SETTINGS_KEY_AWS_REGION, registry);

  return registry;
}
