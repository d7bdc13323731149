/* ts-window-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-format.h"
#include "ts-window-private.h"

/* The window's verbs: open, open an example, save, save as, close. The keys that go with
 * them are the application's (ts_application_startup()), so that menus show them. */

/* The bundled examples, by the name of their resource. */
static const char * const example_names[] = {
  "story-writer",
  "meeting-notes",
  "knowledge-chatbot",
};

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

  name = _ts_window_dup_display_name (self->file);
  /* Translators: the heading of a list of warnings about a file */
  heading = g_strdup_printf (_("Warnings in “%s”"), name);
  _ts_window_show_message (self, heading, self->warnings);
}

void
_ts_window_clear_chooser (TsWindow *self)
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

  _ts_window_clear_chooser (self);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = create_filter ();
  GtkFileChooserNative *chooser;

  _ts_window_clear_chooser (self);

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

  _ts_window_clear_chooser (self);
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

  _ts_window_clear_chooser (self);

  chooser = gtk_file_chooser_native_new (_("Save Playground"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  if (self->file != NULL && !_ts_window_is_example (self->file))
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

  if (self->file == NULL || _ts_window_is_example (self->file))
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

void
_ts_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-example", "s", open_example_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "win.show-warnings", NULL,
                                   show_warnings_action);
}
