/* cli-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "cli-run.h"
#include "ts-format.h"
#include "ts-problem.h"

/* tessera-cli run FILE: runs a playground headless, once, or once a row of a CSV file
 * of inputs. Ctrl-C cancels what runs and keeps what finished. */

typedef struct
{
  char   **sets;
  char   **endpoints;
  char    *out_dir;
  char    *only;
  char    *batch;
  char    *text_provider;
  char    *text_model;
  char    *image_provider;
  char    *image_model;
  int      concurrency;
  gboolean json;
  gboolean no_cache;
} Options;

static void
options_clear (Options *options)
{
  g_strfreev (options->sets);
  g_strfreev (options->endpoints);
  g_free (options->out_dir);
  g_free (options->only);
  g_free (options->batch);
  g_free (options->text_provider);
  g_free (options->text_model);
  g_free (options->image_provider);
  g_free (options->image_model);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* CSV, as RFC 4180 has it: commas, quoted fields with "" for a quote, CRLF or LF. */
static GPtrArray *
parse_csv (const char  *text,
           const char  *name,
           GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;
  guint line = 1;
  gboolean quoted_field = FALSE;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: is not UTF-8 text", name);
      return NULL;
    }
  if (g_str_has_prefix (p, "\xef\xbb\xbf"))
    p += 3;

  while (TRUE)
    {
      char c = *p;

      if (c == '"' && field->len == 0 && !quoted_field)
        {
          guint start_line = line;

          quoted_field = TRUE;
          for (p++; ; p++)
            {
              if (*p == '\0')
                {
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "%s: line %u: a quoted field is not closed", name, start_line);
                  return NULL;
                }
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p++;
                }
              else if (*p == '"')
                break;
              else
                {
                  if (*p == '\n')
                    line++;
                  g_string_append_c (field, *p);
                }
            }
          p++;
          continue;
        }

      if (c == ',' || c == '\n' || c == '\r' || c == '\0')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          quoted_field = FALSE;

          if (c != ',')
            {
              gboolean blank = fields->len == 1 && ((char *) g_ptr_array_index (fields, 0))[0] == '\0';

              if (!blank)
                {
                  g_ptr_array_add (fields, NULL);
                  g_ptr_array_add (rows, g_ptr_array_steal (fields, NULL));
                  g_ptr_array_set_free_func (fields, g_free);
                }
              else
                g_ptr_array_set_size (fields, 0);

              if (c == '\0')
                break;
              if (c == '\r' && p[1] == '\n')
                p++;
              line++;
            }
          p++;
          continue;
        }

      if (quoted_field)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: line %u: text after a quoted field", name, line);
          return NULL;
        }

      g_string_append_c (field, c);
      p++;
    }

  return g_steal_pointer (&rows);
}

static TsBlock *
find_input (TsPlayground *playground,
            const char   *title)
{
  TsBlock *block = ts_playground_find_block_by_title (playground, title);

  return block != NULL && ts_block_get_kind (block) == TS_BLOCK_KIND_INPUT ? block : NULL;
}

static void
set_input (TsBlock    *block,
           const char *value)
{
  g_autoptr(TsOutput) output = ts_output_new ();

  ts_output_set_text (output, value);
  ts_block_set_output (block, output);
}

static gboolean
check_provider (TsProviderRegistry *registry,
                const char         *id,
                const char         *option)
{
  if (id == NULL || ts_provider_registry_lookup (registry, id) != NULL)
    return TRUE;

  cli_usage_error ("%s: unknown provider “%s”", option, id);
  return FALSE;
}

/* Applies --set, --endpoint and the provider and model overrides. */
static int
apply_options (CliRun             *run,
               Options            *options,
               TsProviderRegistry *registry)
{
  for (guint i = 0; options->endpoints != NULL && options->endpoints[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!cli_set_endpoint (registry, options->endpoints[i], &error))
        return cli_usage_error ("--endpoint: %s", error->message);
    }

  if (!check_provider (registry, options->text_provider, "--text-provider") ||
      !check_provider (registry, options->image_provider, "--image-provider"))
    return CLI_EXIT_USAGE;

  if (options->text_provider != NULL)
    ts_playground_set_setting (run->playground, "text-provider", options->text_provider);
  if (options->text_model != NULL)
    ts_playground_set_setting (run->playground, "text-model", options->text_model);
  if (options->image_provider != NULL)
    ts_playground_set_setting (run->playground, "image-provider", options->image_provider);
  if (options->image_model != NULL)
    ts_playground_set_setting (run->playground, "image-model", options->image_model);

  for (guint i = 0; options->sets != NULL && options->sets[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (options->sets[i], "=", 2);
      TsBlock *block;

      if (parts[0] == NULL || parts[1] == NULL)
        return cli_usage_error ("--set takes “Title=value”, not “%s”", options->sets[i]);
      block = find_input (run->playground, parts[0]);
      if (block == NULL)
        return cli_usage_error ("--set: no input widget is titled “%s”", parts[0]);
      set_input (block, parts[1]);
    }

  return CLI_EXIT_OK;
}

static gboolean
sigint_cb (gpointer data)
{
  CliRun *run = data;

  if (!run->interrupted)
    {
      run->interrupted = TRUE;
      if (!run->tty)
        g_printerr ("tessera-cli: interrupted; cancelling\n");
      ts_runner_cancel (run->runner, NULL);
    }

  return G_SOURCE_CONTINUE;
}

/* Runs once: queues the widgets and iterates until none is left. */
static gboolean
run_once (CliRun     *run,
          TsBlock    *only,
          TsRunScope  scope)
{
  g_autoptr(GError) error = NULL;

  g_hash_table_remove_all (run->ran);
  g_hash_table_remove_all (run->written);

  if (run->row_dir != NULL && g_mkdir_with_parents (run->row_dir, 0777) != 0)
    {
      g_printerr ("tessera-cli: cannot create %s: %s\n", run->row_dir, g_strerror (errno));
      run->write_failed = TRUE;
      return FALSE;
    }

  if (!ts_runner_run (run->runner, only, only != NULL ? TS_RUN_SCOPE_WIDGET : scope,
                      TS_RUN_FLAGS_NONE, &error))
    {
      g_printerr ("tessera-cli: %s: %s\n", run->file_name, error->message);
      return FALSE;
    }

  while (ts_runner_get_busy (run->runner))
    g_main_context_iteration (NULL, TRUE);

  cli_run_progress_finish (run);
  cli_run_write_remaining (run);
  return TRUE;
}

static gboolean
row_failed (CliRun *run)
{
  GHashTableIter iter;
  TsBlock *block;

  g_hash_table_iter_init (&iter, run->ran);
  while (g_hash_table_iter_next (&iter, (gpointer *) &block, NULL))
    if (ts_runner_get_state (run->runner, block) != TS_RUN_STATE_DONE)
      return TRUE;

  return FALSE;
}

static int
run_batch (CliRun     *run,
           TsBlock    *only,
           const char *batch,
           cJSON      *rows)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) table = NULL;
  g_autofree TsBlock **columns = NULL;
  const char * const *header;
  gboolean failed = FALSE;

  if (!g_file_get_contents (batch, &contents, NULL, &error))
    {
      g_printerr ("tessera-cli: %s\n", error->message);
      return CLI_EXIT_USAGE;
    }

  table = parse_csv (contents, batch, &error);
  if (table == NULL)
    {
      g_printerr ("tessera-cli: %s\n", error->message);
      return CLI_EXIT_USAGE;
    }
  if (table->len < 2)
    {
      g_printerr ("tessera-cli: %s: needs a header line and at least one row\n", batch);
      return CLI_EXIT_USAGE;
    }

  header = g_ptr_array_index (table, 0);
  columns = g_new0 (TsBlock *, g_strv_length ((char **) header));
  for (guint c = 0; header[c] != NULL; c++)
    {
      columns[c] = find_input (run->playground, header[c]);
      if (columns[c] == NULL)
        {
          g_printerr ("tessera-cli: %s: column %u, “%s”, names no input widget\n", batch, c + 1, header[c]);
          return CLI_EXIT_USAGE;
        }
    }

  for (guint r = 1; r < table->len && !run->interrupted; r++)
    {
      const char * const *row = g_ptr_array_index (table, r);
      g_autofree char *row_name = g_strdup_printf ("row-%u", r);
      cJSON *entry;

      if (g_strv_length ((char **) row) != g_strv_length ((char **) header))
        {
          g_printerr ("tessera-cli: %s: row %u has %u fields; the header has %u\n", batch, r,
                      g_strv_length ((char **) row), g_strv_length ((char **) header));
          return CLI_EXIT_USAGE;
        }

      for (guint c = 0; row[c] != NULL; c++)
        set_input (columns[c], row[c]);

      if (!run->json)
        g_printerr ("%s:\n", row_name);
      g_free (run->row_dir);
      run->row_dir = g_build_filename (run->out_dir, row_name, NULL);

      /* Later rows rerun only what their inputs changed. */
      if (!run_once (run, only, r == 1 ? TS_RUN_SCOPE_ALL : TS_RUN_SCOPE_OUTDATED))
        return CLI_EXIT_USAGE;
      failed |= row_failed (run);

      entry = cJSON_CreateObject ();
      cJSON_AddNumberToObject (entry, "row", r);
      cJSON_AddStringToObject (entry, "directory", run->row_dir);
      cJSON_AddItemToObject (entry, "widgets", cli_run_row_to_json (run));
      cJSON_AddItemToArray (rows, entry);
    }

  return failed ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static const char summary_text[] =
  "Runs the playground's text and image widgets in the order their mentions give,\n"
  "independent ones side by side. Text outputs go to DIR/TITLE.md and images to\n"
  "DIR/TITLE-N.png; without --out, text is printed. With --batch, each row of the CSV\n"
  "file (its header names input widgets) runs into DIR/row-N/, reusing what the row\n"
  "does not change.\n"
  "\n"
  "Exits 0 if all ran, 1 if any widget failed, 2 on a usage or file error, 130 when\n"
  "interrupted (what finished is kept).";

int
cli_run (int                  argc,
         char               **argv,
         TsProviderRegistry  *registry)
{
  g_auto(Options) options = { .concurrency = TS_RUNNER_DEFAULT_CONCURRENCY };
  GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.sets, "Give an input widget a value", "TITLE=VALUE" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &options.out_dir, "Write the outputs into DIR", "DIR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, "Print a summary as JSON", NULL },
    { "only", 0, 0, G_OPTION_ARG_STRING, &options.only, "Run only this widget and what it needs", "TITLE" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &options.concurrency, "Run at most N requests at once (default 4)", "N" },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &options.no_cache, "Neither read nor write the output cache", NULL },
    { "batch", 0, 0, G_OPTION_ARG_FILENAME, &options.batch, "Run once per row of a CSV file of inputs", "CSV" },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options.endpoints, "Where a provider's server is", "ID=URL" },
    { "text-provider", 0, 0, G_OPTION_ARG_STRING, &options.text_provider, "Provider for text and chat widgets", "ID" },
    { "text-model", 0, 0, G_OPTION_ARG_STRING, &options.text_model, "Model for text and chat widgets", "MODEL" },
    { "image-provider", 0, 0, G_OPTION_ARG_STRING, &options.image_provider, "Provider for image widgets", "ID" },
    { "image-model", 0, 0, G_OPTION_ARG_STRING, &options.image_model, "Model for image widgets", "MODEL" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) playground = NULL;
  g_autoptr(TsRunner) runner = NULL;
  g_autoptr(TsCache) cache = NULL;
  g_autofree char *report = NULL;
  CliRun run = { 0 };
  TsBlock *only = NULL;
  cJSON *rows = NULL;
  guint sigint_id;
  int status;

  g_option_context_set_summary (context, summary_text);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_usage_error ("run: %s", error->message);
  if (argc != 2)
    return cli_usage_error ("%s", argc < 2 ? "run needs a FILE" : "run takes one FILE");
  if (options.concurrency < 1 || options.concurrency > 64)
    return cli_usage_error ("--concurrency is %d; it must be from 1 to 64", options.concurrency);
  if (options.batch != NULL && options.out_dir == NULL)
    return cli_usage_error ("%s", "--batch needs --out DIR");

  file = g_file_new_for_commandline_arg (argv[1]);
  playground = ts_format_load_file (file, NULL, problems, &error);
  report = ts_problems_format (problems, argv[1]);
  g_printerr ("%s", report);
  if (playground == NULL)
    {
      if (!g_error_matches (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID))
        g_printerr ("tessera-cli: %s: %s\n", argv[1], error->message);
      return CLI_EXIT_USAGE;
    }

  run.file_name = argv[1];
  run.playground = playground;
  runner = run.runner = ts_runner_new (playground, registry);
  ts_runner_set_concurrency (runner, options.concurrency);
  if (!options.no_cache)
    {
      g_autofree char *directory = ts_cache_dup_default_directory ();

      cache = ts_cache_new (directory, TS_CACHE_DEFAULT_DISK_BYTES);
      ts_runner_set_cache (runner, cache);
    }

  status = apply_options (&run, &options, registry);
  if (status != CLI_EXIT_OK)
    return status;

  if (options.only != NULL)
    {
      only = ts_playground_find_block_by_title (playground, options.only);
      if (only == NULL || (ts_block_get_kind (only) != TS_BLOCK_KIND_TEXT &&
                           ts_block_get_kind (only) != TS_BLOCK_KIND_IMAGE))
        return cli_usage_error ("--only: no text or image widget is titled “%s”", options.only);
    }

  if (options.out_dir != NULL && g_mkdir_with_parents (options.out_dir, 0777) != 0)
    {
      g_printerr ("tessera-cli: cannot create %s: %s\n", options.out_dir, g_strerror (errno));
      return CLI_EXIT_USAGE;
    }

  run.out_dir = options.out_dir;
  run.json = options.json;
  run.tty = isatty (STDERR_FILENO);
  run.ran = g_hash_table_new (NULL, NULL);
  run.written = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  run.lines = g_ptr_array_new ();
  run.summary = cJSON_CreateObject ();
  cli_run_progress_connect (&run);
  sigint_id = g_unix_signal_add (SIGINT, sigint_cb, &run);

  cJSON_AddStringToObject (run.summary, "file", argv[1]);
  if (options.batch != NULL)
    {
      rows = cJSON_AddArrayToObject (run.summary, "rows");
      status = run_batch (&run, only, options.batch, rows);
    }
  else
    {
      run.row_dir = g_strdup (options.out_dir);
      if (!run_once (&run, only, TS_RUN_SCOPE_ALL))
        status = CLI_EXIT_USAGE;
      else
        status = row_failed (&run) ? CLI_EXIT_FAILED : CLI_EXIT_OK;
      cJSON_AddItemToObject (run.summary, "widgets", cli_run_row_to_json (&run));
      if (run.out_dir == NULL && !run.json)
        cli_run_print_text (&run);
    }

  g_source_remove (sigint_id);
  if (run.interrupted)
    status = CLI_EXIT_INTERRUPTED;
  else if (run.write_failed)
    status = CLI_EXIT_USAGE;

  if (run.json)
    {
      g_autofree char *text = NULL;

      cJSON_AddStringToObject (run.summary, "status",
                               status == CLI_EXIT_OK ? "ok" :
                               status == CLI_EXIT_FAILED ? "failed" :
                               status == CLI_EXIT_INTERRUPTED ? "interrupted" : "error");
      text = cJSON_Print (run.summary);
      g_print ("%s\n", text);
      cJSON_free (g_steal_pointer (&text));
    }

  g_signal_handlers_disconnect_by_data (runner, &run);
  ts_runner_cancel (runner, NULL);
  while (ts_runner_get_n_settling (runner) > 0)
    g_main_context_iteration (NULL, TRUE);
  cJSON_Delete (run.summary);
  g_hash_table_unref (run.ran);
  g_hash_table_unref (run.written);
  g_ptr_array_unref (run.lines);
  g_free (run.row_dir);

  return status;
}
