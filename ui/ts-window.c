/* ts-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-window.h"

#include <glib/gi18n.h>

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
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

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

  if (_ts_window_is_example (self->file))
    subtitle = g_strdup (_("Example"));
  else if (self->file != NULL)
    subtitle = _ts_window_dup_display_name (self->file);

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

void
_ts_window_set_document (TsWindow     *self,
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
ts_window_dispose (GObject *object)
{
  TsWindow *self = (TsWindow *) object;

  self->disposed = TRUE;

  g_cancellable_cancel (self->cancellable);
  _ts_window_clear_chooser (self);

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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/ts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, description_label);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, count_label);
  gtk_widget_class_bind_template_child (widget_class, TsWindow, card_list);

  _ts_window_class_add_actions (widget_class);

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
