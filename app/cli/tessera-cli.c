/* tessera-cli.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "cli-list-models.h"
#include "ts-format.h"
#include "ts-problem.h"
#include "ts-providers.h"

/* Exit codes, shared by every command. */
enum {
  EXIT_VALID = 0,
  EXIT_INVALID = 1,
  EXIT_USAGE = 2,
};

static const char usage_text[] =
  "Usage: tessera-cli COMMAND [ARGUMENT…]\n"
  "\n"
  "Commands:\n"
  "  validate FILE…   Check playground files and print each problem as\n"
  "                   FILE: PATH: reason. Exits 0 if all are valid, 1 if any is\n"
  "                   invalid, 2 on a usage or I/O error.\n"
  "  list-models      List the local model servers that run and their models\n"
  "                   (see “tessera-cli list-models --help”).\n"
  "\n"
  "Options:\n"
  "  -h, --help       Show this help\n"
  "  --version        Show the version\n";

static int
usage_error (const char *format,
             const char *arg)
{
  g_printerr ("tessera-cli: ");
  g_printerr (format, arg);
  g_printerr ("\nTry “tessera-cli --help”.\n");
  return EXIT_USAGE;
}

static int
validate (int    argc,
          char **argv)
{
  int status = EXIT_VALID;

  if (argc < 1)
    return usage_error ("%s", "validate needs at least one FILE");

  for (int i = 0; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr(GPtrArray) problems = ts_problems_new ();
      g_autoptr(TsPlayground) playground = NULL;
      g_autoptr(GError) error = NULL;

      g_autofree char *report = NULL;

      playground = ts_format_load_file (file, NULL, problems, &error);
      report = ts_problems_format (problems, argv[i]);
      g_print ("%s", report);

      if (playground != NULL)
        continue;

      if (g_error_matches (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID))
        {
          if (status == EXIT_VALID)
            status = EXIT_INVALID;
        }
      else
        {
          g_printerr ("tessera-cli: %s: %s\n", argv[i], error->message);
          status = EXIT_USAGE;
        }
    }

  return status;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      g_printerr ("%s", usage_text);
      return EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      g_print ("%s", usage_text);
      return EXIT_VALID;
    }

  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("tessera-cli %s\n", PACKAGE_VERSION);
      return EXIT_VALID;
    }

  if (g_str_equal (argv[1], "validate"))
    {
      for (int i = 2; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
            {
              g_print ("%s", usage_text);
              return EXIT_VALID;
            }
          if (argv[i][0] == '-' && argv[i][1] != '\0')
            return usage_error ("unknown option “%s”", argv[i]);
        }

      return validate (argc - 2, argv + 2);
    }

  if (g_str_equal (argv[1], "list-models"))
    {
      g_autoptr(TsProviderRegistry) registry = ts_providers_new_registry ();

      return cli_list_models (argc - 1, argv + 1, registry);
    }

  return usage_error ("unknown command “%s”", argv[1]);
}
