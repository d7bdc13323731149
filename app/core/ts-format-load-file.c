/* ts-format-load-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-format.h"
#include "ts-problem.h"

/* Reading playground files, capped at the size limit however large the file claims or
 * turns out to be, synchronously for the CLI and on a worker thread for the window. */

static GBytes *
read_capped (GFile         *file,
             GCancellable  *cancellable,
             gboolean      *too_large,
             GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;

  *too_large = FALSE;

  /* A file built into the application (the examples) is read whole from its resource,
   * which holds it uncompressed in memory once looked up; reading it as a stream would
   * decompress it again through a converter stream. */
  if (g_file_has_uri_scheme (file, "resource"))
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *path = g_uri_unescape_string (uri + strlen ("resource://"), NULL);
      GBytes *bytes = path != NULL ? g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE,
                                                              NULL) : NULL;

      if (bytes == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No file “%s” in the application"),
                       uri);
          return NULL;
        }
      *too_large = g_bytes_get_size (bytes) > TS_FORMAT_MAX_FILE_SIZE;
      return bytes;
    }

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  buffer = g_byte_array_new ();

  for (;;)
    {
      guint8 chunk[64 * 1024];
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), chunk, sizeof chunk,
                                      cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;

      if (buffer->len + (gsize) n > TS_FORMAT_MAX_FILE_SIZE)
        {
          *too_large = TRUE;
          break;
        }

      g_byte_array_append (buffer, chunk, n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

/**
 * ts_format_load_file:
 * @file: a .tessera file
 * @cancellable: (nullable): a #GCancellable
 * @problems: (element-type TsProblem): where to append every problem found
 * @error: return location for an error
 *
 * Reads and validates @file, reading no more than the size limit.
 *
 * Returns: (transfer full) (nullable): the playground; %NULL with a #GIOError if the
 *   file could not be read, or with %TS_FORMAT_ERROR_INVALID if @problems gained an error
 */
TsPlayground *
ts_format_load_file (GFile         *file,
                     GCancellable  *cancellable,
                     GPtrArray     *problems,
                     GError       **error)
{
  return ts_format_load_file_full (file, TS_FORMAT_LOAD_DEFAULT, cancellable, problems, error);
}

/**
 * ts_format_load_file_full:
 * @file: a .tessera file
 * @flags: how strict to be; see ts_format_load_data_full()
 * @cancellable: (nullable): a #GCancellable
 * @problems: (element-type TsProblem): where to append every problem found
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the playground, as ts_format_load_file() does
 */
TsPlayground *
ts_format_load_file_full (GFile              *file,
                          TsFormatLoadFlags   flags,
                          GCancellable       *cancellable,
                          GPtrArray          *problems,
                          GError            **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TsPlayground) playground = NULL;
  g_autofree char *name = NULL;
  gboolean too_large;
  guint errors_before;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (problems != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = read_capped (file, cancellable, &too_large, error);
  if (bytes == NULL)
    return NULL;

  name = g_file_get_basename (file);
  errors_before = ts_problems_count (problems, TS_SEVERITY_ERROR);

  if (too_large)
    {
      ts_problems_add (problems, TS_SEVERITY_ERROR, NULL,
                       _("the file is larger than %d MiB, the limit for playground files"),
                       TS_FORMAT_MAX_FILE_SIZE / (1024 * 1024));
    }
  else
    {
      playground = ts_format_load_data_full (g_bytes_get_data (bytes, NULL),
                                             g_bytes_get_size (bytes), flags, problems);
    }

  if (playground == NULL)
    {
      guint n = ts_problems_count (problems, TS_SEVERITY_ERROR) - errors_before;

      g_set_error (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "“%s” is not a valid playground: %u problem",
                                "“%s” is not a valid playground: %u problems", n),
                   name, n);
      return NULL;
    }

  return g_steal_pointer (&playground);
}

typedef struct
{
  GFile     *file;
  GPtrArray *problems;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->problems, g_ptr_array_unref);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError *error = NULL;
  TsPlayground *playground;

  playground = ts_format_load_file (data->file, cancellable, data->problems, &error);
  if (playground == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, playground, g_object_unref);
}

/**
 * ts_format_load_file_async:
 * @file: a .tessera file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when loading ends
 * @user_data: data for @callback
 *
 * Loads @file on a worker thread; see ts_format_load_file().
 */
void
ts_format_load_file_async (GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->problems = ts_problems_new ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_format_load_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * ts_format_load_file_finish:
 * @result: the result given to the callback
 * @problems: (element-type TsProblem): where to append every problem found
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the playground, as ts_format_load_file() does
 */
TsPlayground *
ts_format_load_file_finish (GAsyncResult  *result,
                            GPtrArray     *problems,
                            GError       **error)
{
  LoadData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (problems != NULL, NULL);

  data = g_task_get_task_data (G_TASK (result));
  for (guint i = 0; i < data->problems->len; i++)
    g_ptr_array_add (problems, ts_problem_copy (g_ptr_array_index (data->problems, i)));

  return g_task_propagate_pointer (G_TASK (result), error);
}
