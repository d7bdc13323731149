/* ts-providers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-providers.h"

#include "ts-bedrock.h"

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
  g_autoptr(TsProvider) bedrock = ts_bedrock_provider_new ();

  ts_provider_registry_add (registry, bedrock);

  return registry;
}
