/* ts-markdown-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-markdown-private.h"

#include <adwaita.h>
#include <glib/gi18n.h>

/* A text view that shows rendered Markdown: read-only, wrapped, and with its links
 * followed on a click, shown with a hand pointer and their address as a tooltip. From
 * the keyboard, Enter opens the link at the text cursor; the context menu (a right
 * click, or Menu and Shift+F10 at the cursor) offers to open it or copy its address. */

/**
 * ts_markdown_get_link:
 * @iter: a position in a buffer filled by ts_markdown_render()
 *
 * Returns: (nullable): the address of the link at @iter, or %NULL when there is none
 *   or it is not one to follow
 */
const char *
ts_markdown_get_link (const GtkTextIter *iter)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);

  for (GSList *l = tags; l != NULL; l = l->next)
    {
      const char *uri = g_object_get_data (l->data, LINK_DATA);

      if (uri != NULL)
        return uri;
    }

  return NULL;
}

/* The position under a point of @view's widget coordinates, if there is text there. */
static gboolean
iter_at_point (GtkTextView *view,
               double       x,
               double       y,
               GtkTextIter *iter)
{
  int bx, by;

  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y,
                                         &bx, &by);

  return gtk_text_view_get_iter_at_location (view, iter, bx, by);
}

static const char *
link_at_point (GtkTextView *view,
               double       x,
               double       y)
{
  GtkTextIter iter;

  return iter_at_point (view, x, y, &iter) ? ts_markdown_get_link (&iter) : NULL;
}

static void
show_uri_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree char *uri = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  if (gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (object), _("Could Not Open the Link"), NULL);
  /* TRANSLATORS: the link's address, then why it could not be opened */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("%s: %s"), uri, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_link (GtkTextView *view,
           const char  *uri)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (view));

  if (GTK_IS_WINDOW (root))
    gtk_show_uri_full (GTK_WINDOW (root), uri, GDK_CURRENT_TIME, NULL, show_uri_cb,
                       g_strdup (uri));
}

static const char *
link_at_cursor (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));

  return ts_markdown_get_link (&iter);
}

static void
released_cb (GtkGestureClick *gesture,
             int              n_press,
             double           x,
             double           y,
             GtkTextView     *view)
{
  const char *uri;

  /* A click that ends a selection selects; it does not open. */
  if (n_press != 1 || gtk_text_buffer_get_has_selection (gtk_text_view_get_buffer (view)))
    return;

  uri = link_at_point (view, x, y);
  if (uri != NULL)
    open_link (view, uri);
}

/* A right click puts the text cursor where it is, unless it is on the selection, so that
 * the context menu's link items act on the link clicked. */
static void
secondary_pressed_cb (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      GtkTextView     *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter iter, start, end;

  if (!iter_at_point (view, x, y, &iter) ||
      (gtk_text_buffer_get_selection_bounds (buffer, &start, &end) &&
       gtk_text_iter_in_range (&iter, &start, &end)))
    return;

  gtk_text_buffer_place_cursor (buffer, &iter);
}

static gboolean
activate_link_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  const char *uri = link_at_cursor (GTK_TEXT_VIEW (widget));

  if (uri == NULL)
    return FALSE;  /* Enter goes on to whatever else takes it */

  open_link (GTK_TEXT_VIEW (widget), uri);
  return TRUE;
}

/* Open Link and Copy Link Address, on the link at the text cursor. */
static void
link_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  const char *uri = link_at_cursor (user_data);

  if (uri == NULL)
    return;

  if (g_str_equal (g_action_get_name (G_ACTION (action)), "open-link"))
    open_link (user_data, uri);
  else
    gdk_clipboard_set_text (gtk_widget_get_clipboard (user_data), uri);
}

/* The link actions are there only while the text cursor is on a link. */
static void
update_link_actions (GtkTextView *view)
{
  GActionMap *actions = g_object_get_data (G_OBJECT (view), "ts-link-actions");
  gboolean on_link = link_at_cursor (view) != NULL;

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (actions, "open-link")),
                               on_link);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (actions, "copy-link")),
                               on_link);
}

static void
mark_set_cb (GtkTextView   *view,
             GtkTextIter   *location,
             GtkTextMark   *mark,
             GtkTextBuffer *buffer)
{
  if (mark == gtk_text_buffer_get_insert (buffer))
    update_link_actions (view);
}

/* A rendering applies the links' tags after it has replaced the text. */
static void
apply_tag_cb (GtkTextView   *view,
              GtkTextTag    *tag,
              GtkTextIter   *start,
              GtkTextIter   *end,
              GtkTextBuffer *buffer)
{
  if (g_object_get_data (G_OBJECT (tag), LINK_DATA) != NULL)
    update_link_actions (view);
}

static void
add_link_access (GtkWidget *view)
{
  static const GActionEntry entries[] = {
    { "open-link", link_action },
    { "copy-link", link_action },
  };
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_autoptr(GSimpleActionGroup) actions = g_simple_action_group_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenuItem) open = g_menu_item_new (_("_Open Link"), "markdown.open-link");
  g_autoptr(GMenuItem) copy = g_menu_item_new (_("Copy _Link Address"), "markdown.copy-link");
  GtkGesture *secondary = gtk_gesture_click_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (actions), entries, G_N_ELEMENTS (entries), view);
  gtk_widget_insert_action_group (view, "markdown", G_ACTION_GROUP (actions));
  g_object_set_data_full (G_OBJECT (view), "ts-link-actions", g_object_ref (actions),
                          g_object_unref);
  update_link_actions (GTK_TEXT_VIEW (view));
  g_signal_connect_object (buffer, "mark-set", G_CALLBACK (mark_set_cb), view, G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (update_link_actions), view,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (buffer, "apply-tag", G_CALLBACK (apply_tag_cb), view,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  g_menu_item_set_attribute (open, "hidden-when", "s", "action-disabled");
  g_menu_item_set_attribute (copy, "hidden-when", "s", "action-disabled");
  g_menu_append_item (section, open);
  g_menu_append_item (section, copy);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  gtk_text_view_set_extra_menu (GTK_TEXT_VIEW (view), G_MENU_MODEL (menu));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (secondary), GTK_PHASE_CAPTURE);
  g_signal_connect (secondary, "pressed", G_CALLBACK (secondary_pressed_cb), view);
  gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (secondary));

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("Return|KP_Enter"),
                                                          gtk_callback_action_new (activate_link_cb, NULL, NULL)));
  gtk_widget_add_controller (view, shortcuts);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           GtkTextView              *view)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (view),
                                   link_at_point (view, x, y) != NULL ? "pointer" : "text");
}

static gboolean
query_tooltip_cb (GtkTextView *view,
                  int          x,
                  int          y,
                  gboolean     keyboard_mode,
                  GtkTooltip  *tooltip)
{
  const char *uri = keyboard_mode ? NULL : link_at_point (view, x, y);

  if (uri == NULL)
    return FALSE;

  /* Not over the context menu, which the text view keeps as a child. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_POPOVER (child) && gtk_widget_get_visible (child))
        return FALSE;
    }

  gtk_tooltip_set_text (tooltip, uri);
  return TRUE;
}

/* Links take the style's accent colour, which changes with the dark style. Text tags
 * know no CSS: the colour is looked up when the view is shown and when the style
 * changes. */
static void
update_link_colour (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GdkRGBA colour;

  if (gtk_style_context_lookup_color (gtk_widget_get_style_context (view), "accent_color",
                                      &colour))
    g_object_set (ts_markdown_ensure_tag (buffer, "link"), "foreground-rgba", &colour, NULL);
}

static gboolean
update_link_colour_cb (gpointer user_data)
{
  update_link_colour (user_data);

  return G_SOURCE_REMOVE;
}

/* The style sheet follows the dark style after the notification: look after it. */
static void
dark_changed_cb (GtkWidget *view)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, update_link_colour_cb, g_object_ref (view),
                   g_object_unref);
}

/**
 * ts_markdown_view_new:
 * @label: what the view shows, for assistive technologies
 *
 * Returns: (transfer floating): a read-only text view for ts_markdown_render()
 */
GtkWidget *
ts_markdown_view_new (const char *label)
{
  GtkWidget *view = gtk_text_view_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (view, "markdown");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (released_cb), view);
  gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), view);
  gtk_widget_add_controller (view, motion);
  gtk_widget_set_has_tooltip (view, TRUE);
  g_signal_connect (view, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  add_link_access (view);

  g_signal_connect (view, "map", G_CALLBACK (update_link_colour), NULL);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), view, G_CONNECT_SWAPPED);

  return view;
}
