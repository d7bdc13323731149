/* ts-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-window.h"

#include <glib/gi18n.h>

#include "ts-format.h"
#include "ts-settings.h"
#include "ts-utils.h"
#include "ts-window-private.h"

/* A window shows at most one playground. It holds the document and the file it came from;
 * the cards and labels only observe the document, so anything that edits the model shows
 * up here without the window copying any state. */

G_DEFINE_FINAL_TYPE (TsWindow, ts_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_PLAYGROUND,
  PROP_FILE,
  PROP_BUSY,
  PROP_LAST_ERROR,
  PROP_MODIFIED,
  PROP_MODE,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void
update_title (TsWindow *self)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *window_title = NULL;
  const char *title;
  gboolean modified = ts_window_get_modified (self);

  g_assert (TS_IS_WINDOW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->title_entry), self->playground != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->window_title), self->playground == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->modified_label), modified);

  if (self->playground == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Tessera"));
      gtk_window_set_title (GTK_WINDOW (self), _("Tessera"));
      return;
    }

  title = ts_playground_get_title (self->playground);
  ts_title_label_set_text (self->title_entry, title);

  if (_ts_window_is_example (self->file))
    subtitle = g_strdup (_("Example"));
  else if (self->file != NULL)
    subtitle = _ts_window_dup_display_name (self->file);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_entry), subtitle);
  window_title = g_strdup_printf ("%s%s", modified ? "• " : "",
                                  title[0] != '\0' ? title : _("Untitled Playground"));
  gtk_window_set_title (GTK_WINDOW (self), window_title);
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
  guint n_blocks;

  g_assert (TS_IS_WINDOW (self));

  n_blocks = self->playground != NULL ? ts_playground_get_n_blocks (self->playground) : 0;
  gtk_widget_set_visible (self->no_widgets_page, self->playground != NULL && n_blocks == 0);
}

static void
update_actions (TsWindow *self)
{
  gboolean has_document = self->playground != NULL;
  gboolean can_save = has_document && self->n_pending == 0;
  gboolean editing = g_strcmp0 (self->mode, "edit") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", can_save);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", can_save);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-block", has_document && editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-add-menu", has_document && editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mode", has_document);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 self->history != NULL && ts_history_can_undo (self->history));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 self->history != NULL && ts_history_can_redo (self->history));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run-all", has_document);
  /* Menu items that only tell something ("No Recent Playgrounds") show it greyed out. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.unavailable", FALSE);

  gtk_widget_set_visible (self->add_button, has_document && editing);
  gtk_widget_set_visible (self->mode_box, has_document);
  gtk_widget_set_visible (self->run_button, has_document);
  ts_title_label_set_editable (self->title_entry, editing);
}

void
_ts_window_begin_busy (TsWindow *self)
{
  g_assert (TS_IS_WINDOW (self));

  if (self->n_pending++ == 0)
    {
      update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

void
_ts_window_end_busy (TsWindow *self)
{
  g_assert (TS_IS_WINDOW (self));
  g_assert (self->n_pending > 0);

  if (--self->n_pending == 0)
    {
      if (!self->disposed)
        update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

void
_ts_window_set_last_error (TsWindow   *self,
                           const char *message)
{
  g_assert (TS_IS_WINDOW (self));

  if (ts_set_str (&self->last_error, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

void
_ts_window_set_document (TsWindow     *self,
                         TsPlayground *playground,
                         GFile        *file)
{
  g_assert (TS_IS_WINDOW (self));
  g_assert (TS_IS_PLAYGROUND (playground));

  /* The old cards must not outlive the document they show. */
  g_clear_pointer (&self->canvas, gtk_widget_unparent);
  _ts_window_discard_draft (self);
  _ts_window_expire_undo_toast (self);

  g_set_object (&self->playground, playground);
  g_set_object (&self->file, file);
  g_clear_object (&self->history);
  self->history = ts_history_new (playground);
  self->saved_revision = ts_playground_get_revision (playground);
  g_signal_group_set_target (self->playground_signals, playground);
  g_signal_group_set_target (self->history_signals, self->history);

  self->canvas = ts_canvas_new (playground, self->history);
  ts_canvas_set_editing (TS_CANVAS (self->canvas), g_strcmp0 (self->mode, "edit") == 0);
  gtk_box_append (self->document_box, self->canvas);
  _ts_window_setup_runner (self);

  update_title (self);
  update_description (self);
  update_count (self);
  update_actions (self);
  _ts_window_schedule_check (self);
  gtk_stack_set_visible_child_name (self->stack, "document");
  _ts_window_report_first_frame (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYGROUND]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

void
_ts_window_mark_saved (TsWindow *self,
                       guint64   revision)
{
  g_assert (TS_IS_WINDOW (self));

  self->saved_revision = revision;
  update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

void
_ts_window_set_file (TsWindow *self,
                     GFile    *file)
{
  g_assert (TS_IS_WINDOW (self));

  if (g_set_object (&self->file, file))
    {
      update_title (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }
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
playground_revision_changed_cb (TsWindow     *self,
                                GParamSpec   *pspec,
                                TsPlayground *playground)
{
  if (ts_playground_get_revision (playground) != self->undo_revision)
    _ts_window_expire_undo_toast (self);
  update_title (self);
  _ts_window_schedule_check (self);
  _ts_window_schedule_autosave (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
history_changed_cb (TsWindow *self)
{
  update_actions (self);
}

/* A title the user commits goes to the model; an empty one is refused. */
static void
title_commit_cb (TsWindow     *self,
                 const char   *text,
                 TsTitleLabel *label)
{
  g_autofree char *title = g_strstrip (g_strdup (text));

  if (self->playground != NULL && title[0] != '\0')
    ts_playground_set_title (self->playground, title);
}

/* Typing in one field and then in another are two undo steps. */
static void
focus_changed_cb (TsWindow *self)
{
  if (self->history != NULL)
    ts_history_seal (self->history);
}

static void
set_mode (TsWindow   *self,
          const char *mode)
{
  if (!g_str_equal (mode, "edit") && !g_str_equal (mode, "use"))
    return;

  if (!ts_set_str (&self->mode, mode))
    return;

  if (self->canvas != NULL)
    ts_canvas_set_editing (TS_CANVAS (self->canvas), g_str_equal (mode, "edit"));
  _ts_window_update_runner (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/* The next window opens as this one closes: same size, same mode. */
static void
save_state (TsWindow *self)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (settings, TS_SETTINGS_KEY_WINDOW_MAXIMIZED,
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (settings, TS_SETTINGS_KEY_WINDOW_WIDTH, width);
      g_settings_set_int (settings, TS_SETTINGS_KEY_WINDOW_HEIGHT, height);
    }
  g_settings_set_string (settings, TS_SETTINGS_KEY_WINDOW_MODE, self->mode);
}

static gboolean
close_request_cb (TsWindow *self)
{
  if (_ts_window_close_request (self))
    return TRUE;

  save_state (self);
  return FALSE;
}

static void
ts_window_dispose (GObject *object)
{
  TsWindow *self = (TsWindow *) object;

  self->disposed = TRUE;

  g_cancellable_cancel (self->cancellable);
  _ts_window_clear_chooser (self);
  if (self->close_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->close_dialog), (gpointer *) &self->close_dialog);
  self->close_dialog = NULL;

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  g_clear_handle_id (&self->check_id, g_source_remove);
  g_clear_handle_id (&self->recent_id, g_source_remove);
  self->undo_toast = NULL;
  _ts_window_dispose_runner (self);
  g_clear_pointer (&self->canvas, gtk_widget_unparent);
  if (self->playground_signals != NULL)
    g_signal_group_set_target (self->playground_signals, NULL);
  if (self->history_signals != NULL)
    g_signal_group_set_target (self->history_signals, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_WINDOW);

  g_clear_object (&self->playground_signals);
  g_clear_object (&self->history_signals);
  g_clear_object (&self->history);
  g_clear_object (&self->drafts);
  g_clear_object (&self->settings);
  g_clear_object (&self->playground);
  g_clear_object (&self->file);
  g_clear_object (&self->loading_file);

  G_OBJECT_CLASS (ts_window_parent_class)->dispose (object);
}

/* A window is unrealized when it is destroyed. A load in progress holds a reference that
 * keeps it from being disposed, so its cancellation cannot wait for dispose. */
static void
ts_window_unrealize (GtkWidget *widget)
{
  TsWindow *self = TS_WINDOW (widget);

  g_cancellable_cancel (self->cancellable);
  _ts_window_clear_chooser (self);

  GTK_WIDGET_CLASS (ts_window_parent_class)->unrealize (widget);
}

static void
ts_window_finalize (GObject *object)
{
  TsWindow *self = (TsWindow *) object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->warnings, g_free);
  g_clear_pointer (&self->mode, g_free);
  g_clear_pointer (&self->draft_id, g_free);

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

    case PROP_MODIFIED:
      g_value_set_boolean (value, ts_window_get_modified (self));
      break;

    case PROP_MODE:
      g_value_set_string (value, self->mode);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TsWindow *self = TS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MODE:
      set_mode (self, g_value_get_string (value));
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
  object_class->set_property = ts_window_set_property;

  widget_class->unrealize = ts_window_unrealize;

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
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODE] =
    g_param_spec_string ("mode", NULL, NULL, "edit",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/ts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, description_label);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, document_box);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, no_widgets_page);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, title_entry);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, modified_label);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, mode_box);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, use_button);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, recent_menu);

  _ts_window_class_add_actions (widget_class);
  _ts_window_class_add_run_actions (widget_class);

  g_type_ensure (TS_TYPE_CANVAS);
  g_type_ensure (TS_TYPE_TITLE_LABEL);
}

static void
ts_window_init (TsWindow *self)
{
  /* The mode is the state of win.mode, which the template's buttons read. */
  self->mode = g_strdup ("edit");
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
  g_signal_group_connect_object (self->playground_signals, "notify::revision",
                                 G_CALLBACK (playground_revision_changed_cb), self,
                                 G_CONNECT_SWAPPED);

  self->history_signals = g_signal_group_new (TS_TYPE_HISTORY);
  g_signal_group_connect_object (self->history_signals, "notify::can-undo",
                                 G_CALLBACK (history_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->history_signals, "notify::can-redo",
                                 G_CALLBACK (history_changed_cb), self, G_CONNECT_SWAPPED);

  self->settings = g_settings_new (APP_ID);
  g_free (self->mode);
  self->mode = g_settings_get_string (self->settings, TS_SETTINGS_KEY_WINDOW_MODE);
  /* The mode toggles show the state of win.mode, which follows the property. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, TS_SETTINGS_KEY_WINDOW_WIDTH),
                               g_settings_get_int (self->settings, TS_SETTINGS_KEY_WINDOW_HEIGHT));
  if (g_settings_get_boolean (self->settings, TS_SETTINGS_KEY_WINDOW_MAXIMIZED))
    gtk_window_maximize (GTK_WINDOW (self));
  _ts_window_init_runner (self);
  {
    g_autoptr(GFile) dir = ts_draft_store_default_dir ();

    self->drafts = ts_draft_store_new (dir);
  }

  g_signal_connect_object (self->title_entry, "commit", G_CALLBACK (title_commit_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_changed_cb), NULL);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (_ts_window_schedule_recent), self, G_CONNECT_SWAPPED);
  _ts_window_schedule_recent (self);
  _ts_window_init_dnd (self);
  _ts_window_init_header (self);

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
  g_return_val_if_fail (TS_IS_WINDOW (self), 0);

  return self->canvas != NULL ? ts_canvas_get_n_cards (TS_CANVAS (self->canvas)) : 0;
}

/**
 * ts_window_get_card:
 * @self: a #TsWindow
 * @position: the position of a block in the playground
 *
 * Returns: (transfer none) (nullable): the card of the block at @position
 */
TsCard *
ts_window_get_card (TsWindow *self,
                    guint     position)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return self->canvas != NULL ? ts_canvas_get_card (TS_CANVAS (self->canvas), position) : NULL;
}

/**
 * ts_window_get_history:
 * @self: a #TsWindow
 *
 * Returns: (transfer none) (nullable): the undo history of the playground
 */
TsHistory *
ts_window_get_history (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return self->history;
}

/**
 * ts_window_get_modified:
 * @self: a #TsWindow
 *
 * Returns: %TRUE if the playground changed since it was opened or saved
 */
gboolean
ts_window_get_modified (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), FALSE);

  return self->playground != NULL &&
         ts_playground_get_revision (self->playground) != self->saved_revision;
}

/**
 * ts_window_get_mode:
 * @self: a #TsWindow
 *
 * Returns: "edit" or "use"
 */
const char *
ts_window_get_mode (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return self->mode;
}

/**
 * ts_window_new_playground:
 * @self: a #TsWindow
 *
 * Shows a new, empty playground that has no file yet.
 */
void
ts_window_new_playground (TsWindow *self)
{
  g_autoptr(TsPlayground) playground = ts_playground_new ();

  g_return_if_fail (TS_IS_WINDOW (self));

  _ts_window_set_document (self, playground, NULL);
}

/**
 * ts_window_get_draft_id:
 * @self: a #TsWindow
 *
 * Returns: (nullable): the id of the draft that keeps the unsaved playground, if one was
 *   written
 */
const char *
ts_window_get_draft_id (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return self->draft_id;
}
