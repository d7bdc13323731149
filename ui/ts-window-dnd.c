/* ts-window-dnd.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-format.h"
#include "ts-window-private.h"

/* Dropping files on a window: each playground file opens as the Open dialog would open
 * it (in this window while it is empty, else in a window of its own); other files are
 * left alone and the window says why. Cards moved on the canvas are the canvas's own
 * drops and never reach this one. */

static gboolean
is_playground_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *folded = basename != NULL ? g_utf8_casefold (basename, -1) : NULL;

  return folded != NULL && g_str_has_suffix (folded, TS_FORMAT_FILE_EXTENSION);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         TsWindow      *self)
{
  GSList *files = NULL;
  guint n_opened = 0;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    files = gdk_file_list_get_files (g_value_get_boxed (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE) && g_value_get_object (value) != NULL)
    files = g_slist_prepend (NULL, g_value_get_object (value));

  for (GSList *l = files; l != NULL; l = l->next)
    {
      if (is_playground_file (l->data))
        {
          _ts_window_open_file (self, l->data);
          n_opened++;
        }
    }

  g_slist_free (files);

  if (n_opened == 0)
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("Only playground files (.tessera) open here")));
      return FALSE;
    }

  return TRUE;
}

/* Adds the drop target for files to @self. */
void
_ts_window_init_dnd (TsWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);

  gtk_drop_target_set_gtypes (target, (GType[]) { GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
