/* bench-startup-reference.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The smallest GTK program with a window: the floor every GTK application's start-up
 * stands on, for bench-startup to compare with. */

#include "config.h"

#include <gtk/gtk.h>

int
main (int   argc,
      char *argv[])
{
  GtkWidget *window;

  gtk_init ();

  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "Reference");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));

  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);

  return 0;
}
