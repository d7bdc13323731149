/* ts-window-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-format.h"
#include "ts-problem.h"
#include "ts-window-private.h"

/* Loading and saving: the core's format code does the work, the window shows the result
 * or the error. */

/* Examples live in the application's resources: they can be read, not written back. */
gboolean
_ts_window_is_example (GFile *file)
{
  return file != NULL && g_file_has_uri_scheme (file, "resource");
}

char *
_ts_window_dup_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  if (basename == NULL)
    return g_file_get_parse_name (file);

  return g_filename_display_name (basename);
}

void
_ts_window_show_message (TsWindow   *self,
                         const char *heading,
                         const char *body)
{
  AdwMessageDialog *dialog;

  g_assert (TS_IS_WINDOW (self));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_ts_window_show_error (TsWindow   *self,
                       const char *heading,
                       const char *body)
{
  g_assert (TS_IS_WINDOW (self));

  _ts_window_set_last_error (self, body);
  _ts_window_show_message (self, heading, body);
}

/* How many problems an error dialog lists before it says how many more there are. */
#define MAX_PROBLEM_LINES 20

/* Lists each problem on a line, "PATH: reason", and how many more there are past
 * MAX_PROBLEM_LINES. */
char *
_ts_window_dup_problem_list (GPtrArray *problems)
{
  GString *str = g_string_new (NULL);
  guint n_shown = MIN (problems->len, MAX_PROBLEM_LINES);

  for (guint i = 0; i < n_shown; i++)
    {
      g_autofree char *line = ts_problem_to_string (g_ptr_array_index (problems, i));

      if (i > 0)
        g_string_append_c (str, '\n');
      g_string_append (str, line);
    }

  if (problems->len > n_shown)
    {
      guint n_more = problems->len - n_shown;

      g_string_append_c (str, '\n');
      g_string_append_printf (str, ngettext ("…and %u more problem", "…and %u more problems",
                                             n_more),
                              n_more);
    }

  return g_string_free (str, FALSE);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) problems = ts_problems_new ();
  g_autoptr(TsPlayground) playground = NULL;
  g_autoptr(GError) error = NULL;
  TsWindow *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  guint n_warnings;

  playground = ts_format_load_file_finish (result, problems, &error);

  g_clear_object (&self->loading_file);
  _ts_window_end_busy (self);

  /* Closing the window cancels the load: there is no one left to tell. */
  if (self->disposed || g_cancellable_is_cancelled (self->cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The window was closed");
      return;
    }

  if (playground == NULL)
    {
      g_autofree char *name = _ts_window_dup_display_name (file);
      g_autofree char *heading = NULL;
      g_autofree char *body = NULL;

      /* Translators: the heading of an error dialog; %s is a file name */
      heading = g_strdup_printf (_("Could not open “%s”"), name);

      if (problems->len > 0 && g_error_matches (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID))
        body = _ts_window_dup_problem_list (problems);
      else
        body = g_strdup (error->message);

      if (self->playground == NULL)
        gtk_stack_set_visible_child_name (self->stack, "empty");

      _ts_window_show_error (self, heading, body);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&self->warnings, g_free);
  _ts_window_set_document (self, playground, file);
  _ts_window_add_recent (self, file);

  n_warnings = ts_problems_count (problems, TS_SEVERITY_WARNING);
  if (n_warnings > 0)
    {
      g_autofree char *title = NULL;
      AdwToast *toast;

      self->warnings = _ts_window_dup_problem_list (problems);

      title = g_strdup_printf (ngettext ("Opened with %u warning", "Opened with %u warnings",
                                         n_warnings),
                               n_warnings);
      toast = adw_toast_new (title);
      adw_toast_set_button_label (toast, _("_Details"));
      adw_toast_set_action_name (toast, "win.show-warnings");
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * ts_window_open_file_async:
 * @self: a #TsWindow
 * @file: a playground file, or an example in the application's resources
 * @callback: (nullable): called when the file is loaded or has failed to load
 * @user_data: data for @callback
 *
 * Loads @file and shows it in @self in place of the playground it showed before. A
 * failure is shown to the user in a dialog, kept as #TsWindow:last-error, and reported to
 * @callback; the window then keeps what it showed.
 */
void
ts_window_open_file_async (TsWindow            *self,
                           GFile               *file,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!self->disposed);

  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_window_open_file_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  g_set_object (&self->loading_file, file);
  _ts_window_set_last_error (self, NULL);
  _ts_window_begin_busy (self);

  if (self->playground == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  ts_format_load_file_async (file, self->cancellable, load_cb, g_steal_pointer (&task));
}

/**
 * ts_window_open_file_finish:
 * @self: a #TsWindow
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: %TRUE if @self now shows the file
 */
gboolean
ts_window_open_file_finish (TsWindow      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  GFile        *file;
  GApplication *application;
  guint64       revision;
} SaveData;

static void
save_data_free (SaveData *data)
{
  if (data->application != NULL)
    g_application_release (data->application);
  g_clear_object (&data->application);
  g_clear_object (&data->file);
  g_free (data);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TsWindow *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);

  _ts_window_end_busy (self);

  if (!ts_format_save_file_finish (TS_PLAYGROUND (object), result, &error))
    {
      if (!self->disposed)
        {
          g_autofree char *name = _ts_window_dup_display_name (data->file);
          g_autofree char *heading = NULL;

          /* Translators: the heading of an error dialog; %s is a file name */
          heading = g_strdup_printf (_("Could not save “%s”"), name);
          _ts_window_show_error (self, heading, error->message);
        }

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The file now holds what the window shows, unless another document arrived meanwhile;
   * edits made during the write stay unsaved. */
  if (!self->disposed && self->playground == TS_PLAYGROUND (object))
    {
      _ts_window_set_file (self, data->file);
      _ts_window_mark_saved (self, data->revision);
      if (!ts_window_get_modified (self))
        _ts_window_discard_draft (self);
      _ts_window_add_recent (self, data->file);
    }

  g_task_return_boolean (task, TRUE);
}

/* Saving the outputs too when the document holds some: a snapshot opened and saved
 * again must not lose its results. */
static TsFormatSaveFlags
get_save_flags (TsPlayground *playground)
{
  guint n_blocks = ts_playground_get_n_blocks (playground);

  for (guint i = 0; i < n_blocks; i++)
    {
      TsOutput *output = ts_block_get_output (ts_playground_get_block (playground, i));

      if (output != NULL && !ts_output_is_empty (output))
        return TS_FORMAT_SAVE_OUTPUTS;
    }

  return TS_FORMAT_SAVE_DEFINITION;
}

/**
 * ts_window_save_file_async:
 * @self: a #TsWindow that shows a playground
 * @file: where to save it
 * @callback: (nullable): called when the file is written or has failed to be
 * @user_data: data for @callback
 *
 * Saves the playground of @self to @file, which becomes the file of @self. A failure is
 * shown to the user and kept as #TsWindow:last-error, as for ts_window_open_file_async().
 * Closing the window does not stop the write: the application stays until it ends.
 */
void
ts_window_save_file_async (TsWindow            *self,
                           GFile               *file,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  GtkApplication *application;
  SaveData *data;

  g_return_if_fail (TS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (TS_IS_PLAYGROUND (self->playground));

  /* Never write a file that would not open again. */
  problems = ts_playground_check (self->playground, NULL);
  if (ts_problems_count (problems, TS_SEVERITY_ERROR) > 0)
    {
      g_autofree char *body = _ts_window_dup_problem_list (problems);

      _ts_window_show_error (self, _("Fix These Problems Before Saving"), body);
      g_task_report_new_error (self, callback, user_data, ts_window_save_file_async,
                               TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID,
                               "%s", _("The playground has problems"));
      return;
    }

  data = g_new0 (SaveData, 1);
  data->file = g_object_ref (file);
  data->revision = ts_playground_get_revision (self->playground);
  application = gtk_window_get_application (GTK_WINDOW (self));
  if (application != NULL)
    {
      data->application = g_object_ref (G_APPLICATION (application));
      g_application_hold (data->application);
    }

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, ts_window_save_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  _ts_window_set_last_error (self, NULL);
  _ts_window_begin_busy (self);

  ts_format_save_file_async (self->playground, file, get_save_flags (self->playground),
                             NULL, save_cb, g_steal_pointer (&task));
}

/**
 * ts_window_save_file_finish:
 * @self: a #TsWindow
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: %TRUE if the file was written
 */
gboolean
ts_window_save_file_finish (TsWindow      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
