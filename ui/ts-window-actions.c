/* ts-window-actions.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-format.h"
#include "ts-layout.h"
#include "ts-settings.h"
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
void
_ts_window_open_file (TsWindow *self,
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

          _ts_window_open_file (self, file);
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
  _ts_window_open_file (self, file);
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
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  TsWindow *window = self;

  /* One window per document: a window that shows one opens another. */
  if (!ts_window_is_empty (self) && TS_IS_APPLICATION (application))
    window = ts_window_new (TS_APPLICATION (application));

  ts_window_new_playground (window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
add_block_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);
  TsBlockKind kind;
  TsBlock *block;
  TsCard *card;

  if (self->playground == NULL ||
      !ts_block_kind_from_string (g_variant_get_string (param, NULL), &kind))
    return;

  ts_history_begin_group (self->history);
  block = ts_playground_add_block (self->playground, kind);
  ts_settings_apply_default_model (self->settings, self->playground, block);
  switch (kind)
    {
    case TS_BLOCK_KIND_INPUT:
      ts_block_set_string (block, TS_FIELD_PLACEHOLDER, _("Type here"));
      ts_block_set_layout (block, 0, ts_layout_get_end_row (self->playground) - 1, 6, 1);
      break;

    case TS_BLOCK_KIND_STATIC_TEXT:
      ts_block_set_string (block, TS_FIELD_CONTENT, _("## Welcome\n\nTell people what this playground does."));
      break;

    case TS_BLOCK_KIND_TEXT:
      ts_block_set_string (block, TS_FIELD_PROMPT, _("Write a short paragraph about "));
      break;

    case TS_BLOCK_KIND_IMAGE:
      ts_block_set_string (block, TS_FIELD_PROMPT, _("A watercolour painting of "));
      break;

    case TS_BLOCK_KIND_CHAT:
      ts_block_set_string (block, TS_FIELD_SYSTEM_PROMPT, _("You are a helpful assistant. Answer briefly."));
      break;

    case TS_BLOCK_KIND_DOCUMENT:
    default:
      break;
    }
  ts_history_end_group (self->history);

  /* After the + menu has closed, which gives the focus back to its button. */
  card = ts_canvas_find_card (TS_CANVAS (self->canvas), block);
  if (card != NULL)
    ts_canvas_reveal_card (TS_CANVAS (self->canvas), card);
}

static void
show_add_menu_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);

  if (gtk_widget_get_visible (self->add_button))
    gtk_menu_button_popup (GTK_MENU_BUTTON (self->add_button));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);

  if (self->history == NULL)
    return;

  if (g_str_equal (action_name, "win.undo"))
    ts_history_undo (self->history);
  else
    ts_history_redo (self->history);
}

static void
undo_toast_dismissed_cb (TsWindow *self,
                         AdwToast *toast)
{
  if (self->undo_toast == toast)
    self->undo_toast = NULL;
}

static void
delete_block_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);
  TsBlock *block;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (self->playground == NULL)
    return;

  block = ts_playground_lookup_block (self->playground, g_variant_get_string (param, NULL));
  if (block == NULL)
    return;

  /* Translators: %s is a widget title */
  title = g_strdup_printf (_("“%s” deleted"), ts_block_get_title (block));
  ts_history_seal (self->history);
  ts_playground_remove_block (self->playground, block);
  ts_history_seal (self->history);

  _ts_window_expire_undo_toast (self);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  self->undo_toast = toast;
  self->undo_revision = ts_playground_get_revision (self->playground);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The Undo of a delete's toast takes back that delete only: the button goes from the
 * toast at the next edit (ts-window.c), and a click that comes later anyway does
 * nothing. The toast dismisses itself after a click. */
static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);

  if (self->undo_toast == NULL || self->playground == NULL ||
      ts_playground_get_revision (self->playground) != self->undo_revision)
    return;

  self->undo_toast = NULL;
  ts_history_undo (self->history);
}

/* Takes the Undo button from the toast of the last delete. The toast stays until it
 * times out: libadwaita 1.2 frees a toast dismissed during its show animation while
 * that animation still refers to it. */
void
_ts_window_expire_undo_toast (TsWindow *self)
{
  AdwToast *toast = g_steal_pointer (&self->undo_toast);

  if (toast != NULL)
    {
      adw_toast_set_button_label (toast, NULL);
      adw_toast_set_action_name (toast, NULL);
    }
}

/* The action of menu items that only tell something; it is never enabled. */
static void
nothing_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
}

static void
toggle_mode_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);

  if (self->playground != NULL)
    g_object_set (self, "mode", g_str_equal (self->mode, "edit") ? "use" : "edit", NULL);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  _ts_window_open_file (TS_WINDOW (widget), file);
}

static gboolean
is_playground_uri (const char *uri)
{
  return g_str_has_suffix (uri, TS_FORMAT_FILE_EXTENSION) && g_str_has_prefix (uri, "file:");
}

static int
compare_modified (gconstpointer a,
                  gconstpointer b)
{
  GtkRecentInfo *info_a = *(GtkRecentInfo * const *) a;
  GtkRecentInfo *info_b = *(GtkRecentInfo * const *) b;

  return g_date_time_compare (gtk_recent_info_get_modified (info_b),
                              gtk_recent_info_get_modified (info_a));
}

/* Lists the last playgrounds opened or saved, newest first. */
static gboolean
update_recent_cb (gpointer user_data)
{
  TsWindow *self = user_data;
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  self->recent_id = 0;

  g_menu_remove_all (self->recent_menu);

  for (GList *l = items; l != NULL; l = l->next)
    {
      if (is_playground_uri (gtk_recent_info_get_uri (l->data)) && gtk_recent_info_exists (l->data))
        g_ptr_array_add (found, l->data);
    }
  g_ptr_array_sort (found, compare_modified);

  for (guint i = 0; i < found->len && i < 8; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (found, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s",
                                         gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_menu, item);
    }

  if (found->len == 0)
    g_menu_append (self->recent_menu, _("No Recent Playgrounds"), "win.unavailable");

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);

  return G_SOURCE_REMOVE;
}

/* Fills the Open Recent menu once the window has painted, and again whenever the recent
 * list changes: reading the list (every application's, often hundreds of entries) is not
 * needed for the first frame, and took some tens of milliseconds of start-up with a
 * well-used one. The list changes when a file joins it, which is only once GIO has told
 * its type, and when other windows and applications change it. */
void
_ts_window_schedule_recent (TsWindow *self)
{
  if (self->recent_id == 0)
    self->recent_id = g_idle_add_full (G_PRIORITY_LOW, update_recent_cb, self, NULL);
}

void
_ts_window_add_recent (TsWindow *self,
                       GFile    *file)
{
  g_autofree char *uri = NULL;

  if (file == NULL || !g_file_is_native (file))
    return;

  uri = g_file_get_uri (file);
  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

/* Below this width the mode switch shows icons instead of words, which leaves the
 * playground's title room in a window as narrow as a phone's. */
#define COMPACT_HEADER_WIDTH 560

static void
update_header_width_cb (TsWindow *self)
{
  int width = 0, height = 0;
  gboolean compact;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  compact = width > 0 && width < COMPACT_HEADER_WIDTH;

  if (compact == (gtk_button_get_icon_name (GTK_BUTTON (self->edit_button)) != NULL))
    return;

  if (compact)
    {
      gtk_button_set_icon_name (GTK_BUTTON (self->edit_button), "document-edit-symbolic");
      gtk_button_set_icon_name (GTK_BUTTON (self->use_button), "view-reveal-symbolic");
    }
  else
    {
      gtk_button_set_label (GTK_BUTTON (self->edit_button), _("_Edit"));
      gtk_button_set_label (GTK_BUTTON (self->use_button), _("_Use"));
    }
}

/* The header fits the window's width: see COMPACT_HEADER_WIDTH. */
void
_ts_window_init_header (TsWindow *self)
{
  g_signal_connect (self, "notify::default-width", G_CALLBACK (update_header_width_cb), NULL);
  update_header_width_cb (self);
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
  gtk_widget_class_install_action (widget_class, "win.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "win.add-block", "s", add_block_action);
  gtk_widget_class_install_action (widget_class, "win.show-add-menu", NULL, show_add_menu_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.delete-block", "s", delete_block_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", NULL, undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.unavailable", NULL, nothing_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-mode", NULL, toggle_mode_action);
  gtk_widget_class_install_property_action (widget_class, "win.mode", "mode");
}
