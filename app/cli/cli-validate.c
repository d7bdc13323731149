/* cli-validate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cli.h"
#include "ts-format.h"
#include "ts-problem.h"

/* tessera-cli validate FILE…: checks files and prints every problem. */

static const char usage_text[] =
  "Usage: tessera-cli validate FILE…\n"
  "\n"
  "Checks playground files and prints each problem as FILE: PATH: reason.\n"
  "Exits 0 if all are valid, 1 if any is invalid, 2 on a usage or I/O error.\n";

int
cli_validate (int                  argc,
              char               **argv,
              TsProviderRegistry  *registry)
{
  int status = CLI_EXIT_OK;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          g_print ("%s", usage_text);
          return CLI_EXIT_OK;
        }
      if (argv[i][0] == '-' && argv[i][1] != '\0')
        return cli_usage_error ("unknown option “%s”", argv[i]);
    }

  if (argc < 2)
    return cli_usage_error ("%s", "validate needs at least one FILE");

  for (int i = 1; i < argc; i++)
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
          if (status == CLI_EXIT_OK)
            status = CLI_EXIT_FAILED;
        }
      else
        {
          g_printerr ("tessera-cli: %s: %s\n", argv[i], error->message);
          status = CLI_EXIT_USAGE;
        }
    }

  return status;
}
