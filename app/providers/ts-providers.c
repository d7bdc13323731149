/* ts-providers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-bedrock.h"
#include "ts-ollama.h"
#include "ts-openai.h"
#include "ts-providers.h"
#include "ts-sdwebui.h"

/**
 * ts_providers_new_registry:
 *
 * Makes a registry holding one instance of every provider Tessera ships, each at its
 * default endpoint. The GUI and the CLI start from it; tests build their own.
 *
 * Returns: (transfer full): a new registry
 */
TsProviderRegistry *
ts_providers_new_registry (void)
{
  TsProviderRegistry *registry = ts_provider_registry_new ();
  const struct { TsProvider *(*make) (void); } makers[] = {
    { ts_bedrock_provider_new },
    { ts_ollama_provider_new },
    { ts_openai_provider_new },
    { ts_sdwebui_provider_new },
  };

  for (guint i = 0; i < G_N_ELEMENTS (makers); i++)
    {
      g_autoptr(TsProvider) provider = makers[i].make ();

      ts_provider_registry_add (registry, provider);
    }

  return registry;
}
