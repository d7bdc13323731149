/* ui-test-utils.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ui-test-utils.h"

#include "ts-application.h"

#include <glib/gstdio.h>

/* Sets the gboolean @user_data; a timeout callback. */
gboolean
test_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;

  return G_SOURCE_REMOVE;
}

/* Dispatches everything that is ready, as the running application would between two
 * user actions. */
void
test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Keeps the result of an async call in the GAsyncResult * @user_data points to. */
void
test_result_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

GFile *
test_example_file (const char *name)
{
  g_autofree char *uri = g_strdup_printf ("resource://%s/examples/%s.tessera",
                                          RESOURCE_PREFIX, name);

  return g_file_new_for_uri (uri);
}

/* Makes a temporary folder for the test program @name and points the user's state
 * (drafts), data (recent files) and cache (outputs) folders into it, so that a test never reads or
 * writes the user's. Call it before GTK starts: GLib reads those folders once.
 *
 * Returns: (transfer full): the folder */
char *
test_setup_dirs (const char *name)
{
  g_autofree char *template = g_strdup_printf ("tessera-%s-XXXXXX", name);
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *data = NULL;
  g_autofree char *cache = NULL;
  char *tmpdir;

  tmpdir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);

  state = g_build_filename (tmpdir, "state", NULL);
  data = g_build_filename (tmpdir, "data", NULL);
  cache = g_build_filename (tmpdir, "cache", NULL);
  g_assert_cmpint (g_mkdir (state, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (data, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (cache, 0700), ==, 0);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);

  return tmpdir;
}

/* Settings every process of a UI test shares; call it after GTK starts.
 *
 * GTK 4.8's GtkRecentManager leaks a GDateTime each time it writes its list (its clamp
 * to the maximum age never frees "now"), and every GtkApplication writes it when it
 * shuts down. With recent files off GTK writes an empty list and clamps nothing, so
 * LeakSanitizer reports the leaks of this program, not that one. */
void
test_setup_display (void)
{
  g_object_set (gtk_settings_get_default (), "gtk-recent-files-enabled", FALSE, NULL);
}

void
test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
              !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            test_remove_tree (child);
          else
            g_unlink (child);
        }
    }

  g_remove (path);
}

/* Whether a visible label inside @widget shows @text, or contains it when @whole is
 * FALSE. */
gboolean
test_shows_text (GtkWidget  *widget,
                 const char *text,
                 gboolean    whole)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return FALSE;

  if (GTK_IS_LABEL (widget))
    {
      const char *label = gtk_label_get_text (GTK_LABEL (widget));

      if (whole ? g_str_equal (label, text) : strstr (label, text) != NULL)
        return TRUE;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (test_shows_text (child, text, whole))
        return TRUE;
    }

  return FALSE;
}

/* Destroys @window and checks that nothing else keeps it alive. */
void
test_destroy_window (GtkWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (window);
  test_drain ();
  g_assert_finalize_object (window);
}

/* The application, registered but not unique: a test must never hand its files to a
 * Tessera the user runs.
 *
 * Returns: (transfer full): the application */
GApplication *
test_new_application (void)
{
  g_autoptr(GError) error = NULL;
  GApplication *application = G_APPLICATION (ts_application_new ());

  g_application_set_flags (application, G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (application, NULL, &error);
  g_assert_no_error (error);

  return application;
}
