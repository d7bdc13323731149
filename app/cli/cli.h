/* cli.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ts-provider.h"

G_BEGIN_DECLS

/* Exit codes, shared by every command. */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILED = 1,
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_INTERRUPTED = 130,
};

/* Every command has this shape: argv[0] is the command's name, the rest its arguments;
 * it returns the exit code. */
typedef int (*CliCommandFunc) (int                  argc,
                               char               **argv,
                               TsProviderRegistry  *registry);

int ts_cli_main       (int                  argc,
                       char               **argv,
                       TsProviderRegistry  *registry);

int cli_usage_error   (const char          *format,
                       ...) G_GNUC_PRINTF (1, 2);

gboolean cli_set_endpoint (TsProviderRegistry  *registry,
                           const char          *spec,
                           GError             **error);

int cli_validate      (int                  argc,
                       char               **argv,
                       TsProviderRegistry  *registry);
int cli_run           (int                  argc,
                       char               **argv,
                       TsProviderRegistry  *registry);
int cli_list_models   (int                  argc,
                       char               **argv,
                       TsProviderRegistry  *registry);

G_END_DECLS
