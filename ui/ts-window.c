/* ts-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-window.h"

#include <glib/gi18n.h>

#include "ts-format.h"
#include "ts-problem.h"
#include "ts-utils.h"

/* A window shows at most one playground. It holds the document and the file it came from;
 * the cards and labels only observe the document, so anything that edits the model shows
 * up here without the window copying any state. */

/* How many problems an error dialog lists before it says how many more there are. */
#define MAX_PROBLEM_LINES 20

struct _TsWindow
{
  AdwApplicationWindow  parent_instance;

  TsPlayground         *playground;
  GFile                *file;
  GFile                *loading_file;
  GCancellable         *cancellable;
  GSignalGroup         *playground_signals;
  GtkNativeDialog      *chooser;
  char                 *last_error;
  char                 *warnings;
  guint                 n_pending;
  gboolean              disposed;

  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkLabel             *title_label;
  GtkLabel             *description_label;
  GtkLabel             *count_label;
  GtkListBox           *card_list;
};

G_DEFINE_FINAL_TYPE (TsWindow, ts_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PLAYGROUND,
  PROP_FILE,
  PROP_BUSY,
  PROP_LAST_ERROR,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* The bundled examples, by the name of their resource. */
static const char * const example_names[] = {
  "story-writer",
  "meeting-notes",
  "knowledge-chatbot",
};

/* Examples live in the application's resources: they can be read, not written back. */
static gboolean
is_example (GFile *file)
{
  return file != NULL && g_file_has_uri_scheme (file, "resource");
}

static char *
dup_display_name (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  if (basename == NULL)
    return g_file_get_parse_name (file);

  return g_filename_display_name (basename);
}

/* Lists each problem on a line, "PATH: reason", and how many more there are past
 * MAX_PROBLEM_LINES. */
static char *
dup_problem_list (GPtrArray *problems)
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
update_title (TsWindow *self)
{
  g_autofree char *subtitle = NULL;
  const char *title;

  g_assert (TS_IS_WINDOW (self));

  if (self->playground == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Tessera"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Tessera"));
      return;
    }

  title = ts_playground_get_title (self->playground);
  if (title[0] == '\0')
    title = _("Untitled Playground");

  if (is_example (self->file))
    subtitle = g_strdup (_("Example"));
  else if (self->file != NULL)
    subtitle = dup_display_name (self->file);

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_label_set_text (self->title_label, title);
}

static void
update_description (TsWindow *self)
{
  const char *description;

  g_assert (TS_IS_WINDOW (self));

  description = self->playground != NULL ? ts_playground_get_description (self->playground) : "";
  gtk_label_set_text (self->description_label, description);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), description[0] != '\0');
}

static void
update_count (TsWindow *self)
{
  g_autofree char *text = NULL;
  guint n_blocks;

  g_assert (TS_IS_WINDOW (self));

  n_blocks = self->playground != NULL ? ts_playground_get_n_blocks (self->playground) : 0;
  text = g_strdup_printf (ngettext ("%u Widget", "%u Widgets", n_blocks), n_blocks);
  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), n_blocks > 0);
}

static void
update_actions (TsWindow *self)
{
  gboolean can_save = self->playground != NULL && self->n_pending == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", can_save);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", can_save);
}

static void
begin_busy (TsWindow *self)
{
  if (self->n_pending++ == 0)
    {
      update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

static void
end_busy (TsWindow *self)
{
  g_assert (self->n_pending > 0);

  if (--self->n_pending == 0)
    {
      if (!self->disposed)
        update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

static void
set_last_error (TsWindow   *self,
                const char *message)
{
  if (ts_set_str (&self->last_error, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
show_message (TsWindow   *self,
              const char *heading,
              const char *body)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_error (TsWindow   *self,
            const char *heading,
            const char *body)
{
  set_last_error (self, body);
  show_message (self, heading, body);
}

static GtkWidget *
create_card_cb (gpointer item,
                gpointer user_data)
{
  TsWindow *self = user_data;
  GtkWidget *row;

  g_assert (TS_IS_BLOCK (item));
  g_assert (TS_IS_WINDOW (self));

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), ts_card_new (item, self->playground));

  return row;
}

static void
set_document (TsWindow     *self,
              TsPlayground *playground,
              GFile        *file)
{
  g_assert (TS_IS_WINDOW (self));
  g_assert (TS_IS_PLAYGROUND (playground));

  /* Unbind first: the old cards must not outlive the document they show. */
  gtk_list_box_bind_model (self->card_list, NULL, NULL, NULL, NULL);

  g_set_object (&self->playground, playground);
  g_set_object (&self->file, file);
  g_signal_group_set_target (self->playground_signals, playground);

  gtk_list_box_bind_model (self->card_list, G_LIST_MODEL (playground),
                           create_card_cb, self, NULL);

  update_title (self);
  update_description (self);
  update_count (self);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "document");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYGROUND]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

static void
show_warnings_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);
  g_autofree char *name = NULL;
  g_autofree char *heading = NULL;

  if (self->warnings == NULL || self->file == NULL)
    return;

  name = dup_display_name (self->file);
  /* Translators: the heading of a list of warnings about a file */
  heading = g_strdup_printf (_("Warnings in “%s”"), name);
  show_message (self, heading, self->warnings);
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
  end_busy (self);

  if (self->disposed)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The window was closed");
      return;
    }

  if (playground == NULL)
    {
      g_autofree char *name = dup_display_name (file);
      g_autofree char *heading = NULL;
      g_autofree char *body = NULL;

      /* Translators: the heading of an error dialog; %s is a file name */
      heading = g_strdup_printf (_("Could not open “%s”"), name);

      if (problems->len > 0 && g_error_matches (error, TS_FORMAT_ERROR, TS_FORMAT_ERROR_INVALID))
        body = dup_problem_list (problems);
      else
        body = g_strdup (error->message);

      if (self->playground == NULL)
        gtk_stack_set_visible_child_name (self->stack, "empty");

      show_error (self, heading, body);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_clear_pointer (&self->warnings, g_free);
  set_document (self, playground, file);

  n_warnings = ts_problems_count (problems, TS_SEVERITY_WARNING);
  if (n_warnings > 0)
    {
      g_autofree char *title = NULL;
      AdwToast *toast;

      self->warnings = dup_problem_list (problems);

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
  set_last_error (self, NULL);
  begin_busy (self);

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

  end_busy (self);

  if (!ts_format_save_file_finish (TS_PLAYGROUND (object), result, &error))
    {
      if (!self->disposed)
        {
          g_autofree char *name = dup_display_name (data->file);
          g_autofree char *heading = NULL;

          /* Translators: the heading of an error dialog; %s is a file name */
          heading = g_strdup_printf (_("Could not save “%s”"), name);
          show_error (self, heading, error->message);
        }

      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The file now holds what the window shows, unless another document arrived meanwhile. */
  if (!self->disposed && self->playground == TS_PLAYGROUND (object))
    {
      if (g_set_object (&self->file, data->file))
        {
          update_title (self);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
        }
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
  GtkApplication *application;
  SaveData *data;

  g_return_if_fail (TS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (TS_IS_PLAYGROUND (self->playground));

  data = g_new0 (SaveData, 1);
  data->file = g_object_ref (file);
  application = gtk_window_get_application (GTK_WINDOW (self));
  if (application != NULL)
    {
      data->application = g_object_ref (G_APPLICATION (application));
      g_application_hold (data->application);
    }

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, ts_window_save_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  set_last_error (self, NULL);
  begin_busy (self);

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

static void
clear_chooser (TsWindow *self)
{
  if (self->chooser == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->chooser, self);
  gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
}

static GtkFileFilter *
create_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Playgrounds"));
  gtk_file_filter_add_suffix (filter, "tessera");
  gtk_file_filter_add_mime_type (filter, TS_FORMAT_MIME_TYPE);

  return filter;
}

/* Opens @file in this window if it is empty, else in a window of its own; a file that is
 * open already only brings its window forward. */
static void
open_file (TsWindow *self,
           GFile    *file)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (TS_IS_APPLICATION (application))
    ts_application_open_file (TS_APPLICATION (application), file, GTK_WINDOW (self));
  else if (!ts_window_has_file (self, file))
    ts_window_open_file_async (self, file, NULL, NULL);
}

static void
open_response_cb (TsWindow             *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  g_autoptr(GListModel) files = NULL;
  guint n_files;

  g_assert (TS_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      n_files = g_list_model_get_n_items (files);

      for (guint i = 0; i < n_files; i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          open_file (self, file);
        }
    }

  clear_chooser (self);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = create_filter ();
  GtkFileChooserNative *chooser;

  clear_chooser (self);

  chooser = gtk_file_chooser_native_new (_("Open Playground"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_swapped (chooser, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
open_example_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);
  const char *name = g_variant_get_string (param, NULL);
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  gboolean known = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (example_names); i++)
    known |= g_str_equal (name, example_names[i]);

  g_return_if_fail (known);

  uri = g_strdup_printf ("resource://%s/examples/%s%s", RESOURCE_PREFIX, name,
                         TS_FORMAT_FILE_EXTENSION);
  file = g_file_new_for_uri (uri);
  open_file (self, file);
}

static void
save_as_response_cb (TsWindow             *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_assert (TS_IS_WINDOW (self));

  if (response == GTK_RESPONSE_ACCEPT && self->playground != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        ts_window_save_file_async (self, file, NULL, NULL);
    }

  clear_chooser (self);
}

/* A file name from the playground's title, without the characters that cannot or
 * should not stand in one. */
static char *
dup_suggested_name (TsWindow *self)
{
  g_autofree char *title = g_strdup (ts_playground_get_title (self->playground));

  g_strdelimit (title, "/\\:", '-');
  g_strstrip (title);

  if (title[0] == '\0' || title[0] == '.')
    {
      g_free (title);
      title = g_strdup (_("Untitled Playground"));
    }

  return g_strconcat (title, TS_FORMAT_FILE_EXTENSION, NULL);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = create_filter ();
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (self->playground == NULL)
    return;

  clear_chooser (self);

  chooser = gtk_file_chooser_native_new (_("Save Playground"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  if (self->file != NULL && !is_example (self->file))
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), self->file, NULL);
  else
    {
      name = dup_suggested_name (self);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_swapped (chooser, "response", G_CALLBACK (save_as_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);

  if (self->playground == NULL)
    return;

  if (self->file == NULL || is_example (self->file))
    gtk_widget_activate_action (widget, "win.save-as", NULL);
  else
    ts_window_save_file_async (self, self->file, NULL, NULL);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

static void
playground_title_changed_cb (TsWindow     *self,
                             GParamSpec   *pspec,
                             TsPlayground *playground)
{
  update_title (self);
}

static void
playground_description_changed_cb (TsWindow     *self,
                                   GParamSpec   *pspec,
                                   TsPlayground *playground)
{
  update_description (self);
}

static void
playground_n_items_changed_cb (TsWindow     *self,
                               GParamSpec   *pspec,
                               TsPlayground *playground)
{
  update_count (self);
}

static void
ts_window_dispose (GObject *object)
{
  TsWindow *self = (TsWindow *) object;

  self->disposed = TRUE;

  g_cancellable_cancel (self->cancellable);
  clear_chooser (self);

  if (self->card_list != NULL)
    gtk_list_box_bind_model (self->card_list, NULL, NULL, NULL, NULL);
  if (self->playground_signals != NULL)
    g_signal_group_set_target (self->playground_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_WINDOW);

  g_clear_object (&self->playground_signals);
  g_clear_object (&self->playground);
  g_clear_object (&self->file);
  g_clear_object (&self->loading_file);

  G_OBJECT_CLASS (ts_window_parent_class)->dispose (object);
}

static void
ts_window_finalize (GObject *object)
{
  TsWindow *self = (TsWindow *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->warnings, g_free);

  G_OBJECT_CLASS (ts_window_parent_class)->finalize (object);
}

static void
ts_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TsWindow *self = TS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PLAYGROUND:
      g_value_set_object (value, self->playground);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, ts_window_get_busy (self));
      break;

    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_window_class_init (TsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_window_dispose;
  object_class->finalize = ts_window_finalize;
  object_class->get_property = ts_window_get_property;

  properties[PROP_PLAYGROUND] =
    g_param_spec_object ("playground", NULL, NULL, TS_TYPE_PLAYGROUND,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/ts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, description_label);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, card_list);

  /* The keys are the application's (ts_application_startup()), so menus show them. */
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-example", "s", open_example_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "win.show-warnings", NULL,
                                   show_warnings_action);

  g_type_ensure (TS_TYPE_CARD);
}

static void
ts_window_init (TsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

  self->playground_signals = g_signal_group_new (TS_TYPE_PLAYGROUND);
  g_signal_group_connect_object (self->playground_signals, "notify::title",
                                 G_CALLBACK (playground_title_changed_cb), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->playground_signals, "notify::description",
                                 G_CALLBACK (playground_description_changed_cb), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->playground_signals, "notify::n-items",
                                 G_CALLBACK (playground_n_items_changed_cb), self,
                                 G_CONNECT_SWAPPED);

  update_title (self);
  update_description (self);
  update_count (self);
  update_actions (self);
}

/**
 * ts_window_new:
 * @application: (nullable): the application
 *
 * Returns: (transfer none): a new empty window
 */
TsWindow *
ts_window_new (TsApplication *application)
{
  g_return_val_if_fail (application == NULL || TS_IS_APPLICATION (application), NULL);

  return g_object_new (TS_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/**
 * ts_window_get_playground:
 * @self: a #TsWindow
 *
 * Returns: (transfer none) (nullable): the playground @self shows
 */
TsPlayground *
ts_window_get_playground (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return self->playground;
}

/**
 * ts_window_get_file:
 * @self: a #TsWindow
 *
 * Returns: (transfer none) (nullable): the file the playground was loaded from or last
 *   saved to; for an example, a `resource:` file that cannot be saved to
 */
GFile *
ts_window_get_file (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return self->file;
}

/**
 * ts_window_get_busy:
 * @self: a #TsWindow
 *
 * Returns: %TRUE while a file is being loaded or saved
 */
gboolean
ts_window_get_busy (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), FALSE);

  return self->n_pending > 0;
}

/**
 * ts_window_get_last_error:
 * @self: a #TsWindow
 *
 * Returns: (nullable): the message of the last failed load or save, cleared when the
 *   next one starts
 */
const char *
ts_window_get_last_error (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return self->last_error;
}

/**
 * ts_window_is_empty:
 * @self: a #TsWindow
 *
 * Returns: %TRUE if @self shows no playground and is loading none
 */
gboolean
ts_window_is_empty (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), FALSE);

  return self->playground == NULL && self->loading_file == NULL;
}

/**
 * ts_window_has_file:
 * @self: a #TsWindow
 * @file: a file
 *
 * Returns: %TRUE if @self shows @file or is loading it
 */
gboolean
ts_window_has_file (TsWindow *self,
                    GFile    *file)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  return (self->file != NULL && g_file_equal (self->file, file)) ||
         (self->loading_file != NULL && g_file_equal (self->loading_file, file));
}

/**
 * ts_window_get_n_cards:
 * @self: a #TsWindow
 *
 * Returns: the number of cards @self shows
 */
guint
ts_window_get_n_cards (TsWindow *self)
{
  guint n_cards = 0;

  g_return_val_if_fail (TS_IS_WINDOW (self), 0);

  while (gtk_list_box_get_row_at_index (self->card_list, n_cards) != NULL)
    n_cards++;

  return n_cards;
}

/**
 * ts_window_get_card:
 * @self: a #TsWindow
 * @position: the index of a card, from the top
 *
 * Returns: (transfer none) (nullable): the card at @position
 */
TsCard *
ts_window_get_card (TsWindow *self,
                    guint     position)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  row = gtk_list_box_get_row_at_index (self->card_list, position);
  if (row == NULL)
    return NULL;

  return TS_CARD (gtk_list_box_row_get_child (row));
}
