/* tessera-cli-fake.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli.h"
#include "fake-provider.h"

/* tessera-cli with scripted fake providers in place of the real ones, for the command
 * line tests only. Every provider id a playground may name answers:
 *   - text: "[MODEL] PROMPT", streamed in two chunks;
 *   - images: a 1×1 PNG, seed 4242 unless one is asked for;
 *   - the model "slow" waits a minute before answering (to be interrupted);
 *   - a prompt holding "FAIL" fails with a server error. */

int
main (int    argc,
      char **argv)
{
  static const char * const ids[] = { "ollama", "openai", "sd-webui", "comfyui", "bedrock" };
  g_autoptr(TsProviderRegistry) registry = ts_provider_registry_new ();

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(TsFakeProvider) fake = ts_fake_provider_new (ids[i]);

      ts_fake_provider_script_model (fake, "slow")->delay_ms = 60000;
      ts_fake_script_set_failure (ts_fake_provider_script_prompt (fake, "FAIL"),
                                  TS_PROVIDER_ERROR_SERVER, "the server failed (scripted)");
      ts_provider_registry_add (registry, TS_PROVIDER (fake));
    }

  return ts_cli_main (argc, argv, registry);
}
