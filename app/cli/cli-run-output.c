/* cli-run-output.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "cli-run.h"

/* What tessera-cli run shows and writes: progress on stderr (live lines on a terminal,
 * plain lines otherwise), each output as a file as soon as its widget finishes, text on
 * stdout without --out, and the --json summary. */

#define REDRAW_INTERVAL_MS 100

static gboolean
is_generative (TsBlock *block)
{
  TsBlockKind kind = ts_block_get_kind (block);

  return kind == TS_BLOCK_KIND_TEXT || kind == TS_BLOCK_KIND_IMAGE;
}

static char *
describe_record (TsRunRecord *record)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (record->outcome == TS_RUN_OUTCOME_CACHED)
    return g_strdup ("done (cached)");

  g_string_append_printf (text, "done in %.1f s", record->total_us / (double) G_USEC_PER_SEC);
  if (record->input_tokens >= 0 && record->output_tokens >= 0)
    g_string_append_printf (text, ", %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT " tokens",
                            record->input_tokens, record->output_tokens);
  if (record->seed >= 0)
    g_string_append_printf (text, ", seed %" G_GINT64_FORMAT, record->seed);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
describe (CliRun  *run,
          TsBlock *block)
{
  TsRunState state = ts_runner_get_state (run->runner, block);
  TsRunRecord *record = ts_runner_get_record (run->runner, block);
  g_autofree char *status = NULL;

  if (state == TS_RUN_STATE_DONE && record != NULL)
    return describe_record (record);

  status = ts_runner_dup_status (run->runner, block);
  if (state == TS_RUN_STATE_FAILED)
    return g_strdup_printf ("failed: %s", status);

  if (state == TS_RUN_STATE_RUNNING && ts_block_get_kind (block) == TS_BLOCK_KIND_TEXT)
    {
      TsOutput *output = ts_block_get_output (block);
      glong n = output != NULL ? g_utf8_strlen (ts_output_get_text (output), -1) : 0;

      if (n > 0)
        return g_strdup_printf ("running, %ld characters", n);
    }

  return g_steal_pointer (&status);
}

/* Live lines: one a widget, redrawn in place. */
static void
redraw (CliRun *run)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (run->lines_drawn > 0)
    g_string_append_printf (out, "\033[%uA", run->lines_drawn);

  for (guint i = 0; i < run->lines->len; i++)
    {
      TsBlock *block = g_ptr_array_index (run->lines, i);
      g_autofree char *line = describe (run, block);

      g_string_append_printf (out, "\r\033[2K%s: %s\n", ts_block_get_title (block), line);
    }

  run->lines_drawn = run->lines->len;
  fputs (out->str, stderr);
  fflush (stderr);
}

static gboolean
redraw_cb (gpointer data)
{
  CliRun *run = data;

  run->redraw_id = 0;
  redraw (run);
  return G_SOURCE_REMOVE;
}

static void
schedule_redraw (CliRun *run)
{
  if (run->redraw_id == 0)
    run->redraw_id = g_timeout_add (REDRAW_INTERVAL_MS, redraw_cb, run);
}

static void
state_changed_cb (TsRunner   *runner,
                  TsBlock    *block,
                  TsRunState  state,
                  CliRun     *run)
{
  if (state == TS_RUN_STATE_QUEUED)
    g_hash_table_add (run->ran, block);

  if (run->tty)
    {
      if (!g_ptr_array_find (run->lines, block, NULL) && state != TS_RUN_STATE_STALE)
        g_ptr_array_add (run->lines, block);
      schedule_redraw (run);
      return;
    }

  /* Plain lines for logs: each widget's start and end. */
  if (state == TS_RUN_STATE_RUNNING || state == TS_RUN_STATE_FAILED ||
      state == TS_RUN_STATE_WAITING || state == TS_RUN_STATE_CANCELLED ||
      (state == TS_RUN_STATE_DONE && ts_runner_get_record (runner, block) == NULL))
    {
      g_autofree char *line = describe (run, block);

      g_printerr ("%s: %s\n", ts_block_get_title (block), line);
    }
}

static void
chunk_cb (TsRunner   *runner,
          TsBlock    *block,
          const char *chunk,
          CliRun     *run)
{
  if (run->tty)
    schedule_redraw (run);
}

static void
widget_finished_cb (TsRunner    *runner,
                    TsBlock     *block,
                    TsRunRecord *record,
                    CliRun      *run)
{
  if (record->outcome == TS_RUN_OUTCOME_SUCCEEDED || record->outcome == TS_RUN_OUTCOME_CACHED)
    cli_run_write_block (run, block);

  if (run->tty)
    schedule_redraw (run);
  else if (record->outcome == TS_RUN_OUTCOME_SUCCEEDED || record->outcome == TS_RUN_OUTCOME_CACHED)
    {
      g_autofree char *line = describe_record (record);

      g_printerr ("%s: %s\n", ts_block_get_title (block), line);
    }
}

void
cli_run_progress_connect (CliRun *run)
{
  g_signal_connect (run->runner, "state-changed", G_CALLBACK (state_changed_cb), run);
  g_signal_connect (run->runner, "chunk", G_CALLBACK (chunk_cb), run);
  g_signal_connect (run->runner, "widget-finished", G_CALLBACK (widget_finished_cb), run);
}

void
cli_run_progress_finish (CliRun *run)
{
  g_clear_handle_id (&run->redraw_id, g_source_remove);
  if (run->tty && run->lines->len > 0)
    redraw (run);
  run->lines_drawn = 0;
  g_ptr_array_set_size (run->lines, 0);
}

/* Files */

static char *
file_stem (TsBlock *block)
{
  g_autofree char *stem = g_strdup (ts_block_get_title (block));

  /* A title is one line of any text; a file name may hold neither separators nor a
   * leading dot. */
  g_strdelimit (stem, "/\\:*?\"<>|", '_');
  if (stem[0] == '.')
    stem[0] = '_';

  return g_steal_pointer (&stem);
}

static void
write_file (CliRun        *run,
            TsBlock       *block,
            const char    *name,
            gconstpointer  data,
            gsize          size)
{
  g_autofree char *path = g_build_filename (run->row_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  GPtrArray *paths = g_hash_table_lookup (run->written, block);

  if (!g_file_set_contents (path, data, size, &error))
    {
      g_printerr ("tessera-cli: %s\n", error->message);
      run->write_failed = TRUE;
      return;
    }

  if (paths == NULL)
    {
      paths = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (run->written, block, paths);
    }
  g_ptr_array_add (paths, g_steal_pointer (&path));
}

/**
 * cli_run_write_block:
 *
 * Writes @block's output into the row's directory: text as TITLE.md, images as
 * TITLE-N.png. Without --out, nothing is written.
 */
void
cli_run_write_block (CliRun  *run,
                     TsBlock *block)
{
  TsOutput *output = ts_block_get_output (block);
  g_autofree char *stem = NULL;

  if (run->row_dir == NULL || output == NULL || g_hash_table_contains (run->written, block))
    return;

  stem = file_stem (block);
  if (ts_block_get_kind (block) == TS_BLOCK_KIND_TEXT)
    {
      g_autofree char *name = g_strconcat (stem, ".md", NULL);
      const char *text = ts_output_get_text (output);

      write_file (run, block, name, text, strlen (text));
    }
  else if (ts_block_get_kind (block) == TS_BLOCK_KIND_IMAGE)
    {
      for (guint i = 0; i < ts_output_get_n_images (output); i++)
        {
          g_autofree char *name = g_strdup_printf ("%s-%u.png", stem, i + 1);
          gsize size;
          GBytes *png = ts_output_get_image (output, i, NULL);
          gconstpointer data = g_bytes_get_data (png, &size);

          write_file (run, block, name, data, size);
        }
    }
}

/* Writes the outputs this row did not rerun: they are still this row's. */
void
cli_run_write_remaining (CliRun *run)
{
  for (guint i = 0; i < ts_playground_get_n_blocks (run->playground); i++)
    {
      TsBlock *block = ts_playground_get_block (run->playground, i);

      if (is_generative (block) && ts_runner_get_state (run->runner, block) == TS_RUN_STATE_DONE)
        cli_run_write_block (run, block);
    }
}

/* Without --out: the text outputs on stdout, images only mentioned. */
void
cli_run_print_text (CliRun *run)
{
  for (guint i = 0; i < ts_playground_get_n_blocks (run->playground); i++)
    {
      TsBlock *block = ts_playground_get_block (run->playground, i);
      TsOutput *output = ts_block_get_output (block);

      if (!g_hash_table_contains (run->ran, block) ||
          ts_runner_get_state (run->runner, block) != TS_RUN_STATE_DONE || output == NULL)
        continue;

      if (ts_block_get_kind (block) == TS_BLOCK_KIND_TEXT)
        g_print ("## %s\n\n%s\n\n", ts_block_get_title (block), ts_output_get_text (output));
      else
        g_printerr ("%s: %u image(s) not saved; use --out DIR to write them\n",
                    ts_block_get_title (block), ts_output_get_n_images (output));
    }
}

/* The summary */

static cJSON *
block_to_json (CliRun  *run,
               TsBlock *block)
{
  cJSON *object = cJSON_CreateObject ();
  TsRunState state = ts_runner_get_state (run->runner, block);
  TsRunRecord *record = ts_runner_get_record (run->runner, block);
  TsOutput *output = ts_block_get_output (block);
  GPtrArray *paths = g_hash_table_lookup (run->written, block);
  cJSON *files = cJSON_CreateArray ();

  cJSON_AddStringToObject (object, "id", ts_block_get_id (block));
  cJSON_AddStringToObject (object, "title", ts_block_get_title (block));
  cJSON_AddStringToObject (object, "kind", ts_block_kind_to_string (ts_block_get_kind (block)));
  cJSON_AddStringToObject (object, "state", ts_run_state_to_string (state));
  cJSON_AddBoolToObject (object, "reused", !g_hash_table_contains (run->ran, block));

  if (state == TS_RUN_STATE_FAILED || state == TS_RUN_STATE_WAITING || state == TS_RUN_STATE_CANCELLED)
    {
      g_autofree char *status = ts_runner_dup_status (run->runner, block);

      cJSON_AddStringToObject (object, "error", status);
    }
  else
    cJSON_AddNullToObject (object, "error");

  if (ts_block_get_kind (block) == TS_BLOCK_KIND_TEXT && state == TS_RUN_STATE_DONE && output != NULL)
    cJSON_AddStringToObject (object, "text", ts_output_get_text (output));

  for (guint i = 0; paths != NULL && i < paths->len; i++)
    cJSON_AddItemToArray (files, cJSON_CreateString (g_ptr_array_index (paths, i)));
  cJSON_AddItemToObject (object, "files", files);

  /* The run as a snapshot records it: provider, model, parameters, seed, tokens,
   * timings and outcome. */
  if (record != NULL)
    cJSON_AddItemToObject (object, "run", ts_run_record_to_json (record));
  else
    cJSON_AddNullToObject (object, "run");

  return object;
}

/**
 * cli_run_row_to_json:
 *
 * Returns: (transfer full): the text and image widgets of the playground as they stand
 */
cJSON *
cli_run_row_to_json (CliRun *run)
{
  cJSON *widgets = cJSON_CreateArray ();

  for (guint i = 0; i < ts_playground_get_n_blocks (run->playground); i++)
    {
      TsBlock *block = ts_playground_get_block (run->playground, i);

      if (is_generative (block))
        cJSON_AddItemToArray (widgets, block_to_json (run, block));
    }

  return widgets;
}
