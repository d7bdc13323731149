/* tessera-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli.h"
#include "ts-providers.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(TsProviderRegistry) registry = ts_providers_new_registry ();

  return ts_cli_main (argc, argv, registry);
}
