/* cli-main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* tessera-cli: the dispatch from a command's name to its function. Each command lives
 * in its own file; tessera-cli's main() and the tests' tessera-cli-fake both call
 * ts_cli_main(), each with its own provider registry. */

typedef struct
{
  const char     *name;
  CliCommandFunc  func;
} CliCommand;

/* One line a command, in the order the help lists them. */
static const CliCommand commands[] = {
  { "validate", cli_validate },
  { "run", cli_run },
  { "list-models", cli_list_models },
};

static const char usage_text[] =
  "Usage: tessera-cli COMMAND [ARGUMENT…]\n"
  "\n"
  "Commands:\n"
  "  validate FILE…   Check playground files and print each problem as\n"
  "                   FILE: PATH: reason. Exits 0 if all are valid, 1 if any is\n"
  "                   invalid, 2 on a usage or I/O error.\n"
  "  run FILE         Run a playground's widgets and write their outputs.\n"
  "                   Exits 0 if all ran, 1 if any failed, 2 on a usage or file\n"
  "                   error, 130 when interrupted. “run --help” lists its options.\n"
  "\n"
  "Options:\n"
  "  -h, --help       Show this help\n"
  "  --version        Show the version\n";

/**
 * cli_usage_error:
 *
 * Prints "tessera-cli: MESSAGE" and a hint to stderr.
 *
 * Returns: %CLI_EXIT_USAGE
 */
int
cli_usage_error (const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("tessera-cli: %s\nTry “tessera-cli --help”.\n", message);
  return CLI_EXIT_USAGE;
}

/**
 * cli_set_endpoint:
 * @spec: "ID=URL", from an --endpoint option
 *
 * Points the provider ID of @registry at URL, an http or https address with a host.
 *
 * Returns: whether @spec was valid; if not, @error says why
 */
gboolean
cli_set_endpoint (TsProviderRegistry  *registry,
                  const char          *spec,
                  GError             **error)
{
  const char *equals = strchr (spec, '=');
  g_autofree char *id = NULL;
  g_autoptr(GUri) uri = NULL;
  TsProvider *provider;

  if (equals == NULL || equals == spec || equals[1] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "expected ID=URL, not “%s”", spec);
      return FALSE;
    }

  id = g_strndup (spec, equals - spec);
  provider = ts_provider_registry_lookup (registry, id);
  if (provider == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "unknown provider “%s”", id);
      return FALSE;
    }

  uri = g_uri_parse (equals + 1, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "“%s” is not an http or https address", equals + 1);
      return FALSE;
    }

  ts_provider_set_endpoint (provider, equals + 1);
  return TRUE;
}

/**
 * ts_cli_main:
 * @argc: the number of arguments, with the program name
 * @argv: the arguments
 * @registry: the providers commands may run on
 *
 * Returns: the exit code
 */
int
ts_cli_main (int                  argc,
             char               **argv,
             TsProviderRegistry  *registry)
{
  g_return_val_if_fail (TS_IS_PROVIDER_REGISTRY (registry), CLI_EXIT_USAGE);

  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      g_printerr ("%s", usage_text);
      return CLI_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      g_print ("%s", usage_text);
      return CLI_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("tessera-cli %s\n", PACKAGE_VERSION);
      return CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      return commands[i].func (argc - 1, argv + 1, registry);

  return cli_usage_error ("unknown command “%s”", argv[1]);
}
