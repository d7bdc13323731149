/* ts-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-application.h"

#include <glib/gi18n.h>

#include "ts-window.h"

struct _TsApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (TsApplication, ts_application, ADW_TYPE_APPLICATION)

static TsWindow *
find_window_with_file (TsApplication *self,
                       GFile         *file)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (TS_IS_WINDOW (l->data) && ts_window_has_file (l->data, file))
        return l->data;
    }

  return NULL;
}

static void
ts_application_activate (GApplication *application)
{
  TsApplication *self = TS_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (ts_window_new (self));

  gtk_window_present (window);
}

static void
ts_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  TsApplication *self = TS_APPLICATION (application);

  /* The active window takes the first file if it shows nothing yet; once it is
   * loading that file, it is no longer empty and each further file gets a window. */
  for (int i = 0; i < n_files; i++)
    ts_application_open_file (self, files[i],
                              gtk_application_get_active_window (GTK_APPLICATION (self)));
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *param,
                 gpointer       user_data)
{
  TsApplication *self = user_data;
  const char *developers[] = { _("The Tessera developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Tessera"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Tessera developers"),
                        "developers", developers,
                        "copyright", _("© 2026 The Tessera developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "comments", _("Chain prompts and models into playgrounds"),
                        /* Translators: your names, one a line, to be credited */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  TsApplication *self = user_data;
  GList *windows;

  /* Closing each window lets it finish or cancel its own work; a save in progress
   * holds the application until the file is written. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
}

static void
new_window_action_cb (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  TsApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (ts_window_new (self)));
}

static const GActionEntry app_entries[] = {
  { "about", about_action_cb },
  { "quit", quit_action_cb },
  { "new-window", new_window_action_cb },
};

static void
ts_application_startup (GApplication *application)
{
  static const struct {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.new-window", { "<Control>n", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.close", { "<Control>w", NULL } },
  };
  TsApplication *self = TS_APPLICATION (application);

  G_APPLICATION_CLASS (ts_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
}

static void
ts_application_class_init (TsApplicationClass *klass)
{
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  application_class->activate = ts_application_activate;
  application_class->open = ts_application_open;
  application_class->startup = ts_application_startup;
}

static void
ts_application_init (TsApplication *self)
{
}

/**
 * ts_application_new:
 *
 * Returns: (transfer full): the application
 */
TsApplication *
ts_application_new (void)
{
  return g_object_new (TS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

/**
 * ts_application_open_file:
 * @self: a #TsApplication
 * @file: a playground file
 * @hint: (nullable): a window to open @file in if it shows nothing yet
 *
 * Shows @file: brings forward the window that has it open already, else loads it into
 * @hint when that window is empty, else into a new window.
 *
 * Returns: (transfer none): the window that shows @file
 */
GtkWindow *
ts_application_open_file (TsApplication *self,
                          GFile         *file,
                          GtkWindow     *hint)
{
  TsWindow *window;

  g_return_val_if_fail (TS_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (hint == NULL || GTK_IS_WINDOW (hint), NULL);

  window = find_window_with_file (self, file);

  if (window == NULL)
    {
      if (TS_IS_WINDOW (hint) && ts_window_is_empty (TS_WINDOW (hint)))
        window = TS_WINDOW (hint);
      else
        window = ts_window_new (self);

      ts_window_open_file_async (window, file, NULL, NULL);
    }

  gtk_window_present (GTK_WINDOW (window));

  return GTK_WINDOW (window);
}
