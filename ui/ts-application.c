/* ts-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-application.h"

#include <epoxy/gl.h>
#include <glib/gi18n.h>
#include <string.h>

#include "ts-preferences-window.h"
#include "ts-settings.h"
#include "ts-window.h"

struct _TsApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  gboolean        drafts_checked;
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
restore_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     TsApplication    *self)
{
  GPtrArray *drafts = g_object_get_data (G_OBJECT (dialog), "ts-drafts");
  TsDraftStore *store = g_object_get_data (G_OBJECT (dialog), "ts-store");
  GtkWindow *hint = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  for (guint i = 0; i < drafts->len; i++)
    {
      TsDraftInfo *info = g_ptr_array_index (drafts, i);

      if (g_str_equal (response, "restore"))
        {
          TsWindow *window;

          if (TS_IS_WINDOW (hint) && ts_window_is_empty (TS_WINDOW (hint)))
            window = TS_WINDOW (hint);
          else
            window = ts_window_new (self);
          ts_window_restore_draft (window, store, info);
          gtk_window_present (GTK_WINDOW (window));
        }
      else if (g_str_equal (response, "discard"))
        ts_draft_store_delete (store, info->id, NULL);
    }
}

/* Drafts left when the first window opens were left by a process that did not end
 * cleanly (the application is unique): offer them back once. */
static void
offer_drafts (TsApplication *self,
              GtkWindow     *window)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(TsDraftStore) store = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GString) body = NULL;
  AdwMessageDialog *dialog;

  if (self->drafts_checked)
    return;
  self->drafts_checked = TRUE;

  dir = ts_draft_store_default_dir ();
  store = ts_draft_store_new (dir);
  drafts = ts_draft_store_list (store, NULL);
  if (drafts == NULL || drafts->len == 0)
    return;

  body = g_string_new (ngettext ("Tessera did not close properly. This playground has changes "
                                 "that were not saved:",
                                 "Tessera did not close properly. These playgrounds have "
                                 "changes that were not saved:", drafts->len));
  for (guint i = 0; i < drafts->len; i++)
    g_string_append_printf (body, "\n• %s", ((TsDraftInfo *) g_ptr_array_index (drafts, i))->title);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Restore Unsaved Changes?"),
                                                       body->str));
  adw_message_dialog_add_responses (dialog,
                                    "later", _("_Not Now"),
                                    "discard", _("_Discard"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "restore", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "restore");
  adw_message_dialog_set_close_response (dialog, "later");
  g_object_set_data_full (G_OBJECT (dialog), "ts-drafts", g_steal_pointer (&drafts),
                          (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (dialog), "ts-store", g_steal_pointer (&store),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (restore_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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
  offer_drafts (self, window);
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

  offer_drafts (self, gtk_application_get_active_window (GTK_APPLICATION (self)));
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *param,
                       gpointer       user_data)
{
  TsApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (ts_preferences_window_new (parent)));
}

static void
color_scheme_changed_cb (TsApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, TS_SETTINGS_KEY_COLOR_SCHEME);
  AdwColorScheme color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (scheme, "light"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (scheme, "dark"))
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), color_scheme);
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

  /* Each window is asked to close, as its close button would: one with unsaved changes
   * asks what to do with them and stays until answered, the others remember their size
   * and mode and go. The application ends with its last window; a save in progress holds
   * it until the file is written. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  g_list_foreach (windows, (GFunc) (void (*) (void)) g_object_ref, NULL);
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
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
  { "preferences", preferences_action_cb },
};

/* Whether the display's OpenGL is drawn on the CPU by Mesa (llvmpipe, softpipe): a
 * virtual machine, a remote or virtual display, a computer without a usable GPU. */
static gboolean
display_has_software_gl (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autofree char *renderer = NULL;
  const char *name;

  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return FALSE;

  gdk_gl_context_make_current (context);
  name = (const char *) glGetString (GL_RENDERER);
  renderer = name != NULL ? g_ascii_strdown (name, -1) : NULL;
  gdk_gl_context_clear_current ();

  g_debug ("OpenGL renderer: %s", name != NULL ? name : "(unknown)");
  if (renderer == NULL)
    return FALSE;

  return strstr (renderer, "llvmpipe") != NULL ||
         strstr (renderer, "softpipe") != NULL ||
         strstr (renderer, "software rasterizer") != NULL;
}

/* On software OpenGL, GTK's OpenGL renderer compiles its shaders and paints every frame
 * on the CPU: the story example's first frame comes about 300 ms later, scrolling the
 * canvas takes nine times the CPU and the process holds 75 MiB more than with the cairo
 * renderer, which redraws only what changed. So there the windows are drawn with cairo,
 * unless GSK_RENDERER says otherwise. The display's "gsk-renderer" is the name GSK looks
 * up before the environment's, the same one GSK_RENDERER takes. */
static void
choose_renderer (GdkDisplay *display)
{
  if (display == NULL || g_getenv ("GSK_RENDERER") != NULL)
    return;

  if (display_has_software_gl (display))
    g_object_set_data (G_OBJECT (display), "gsk-renderer", (gpointer) "cairo");
}

static void
ts_application_startup (GApplication *application)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "win.new", { "<Control>n", NULL } },
    { "app.new-window", { "<Control><Shift>n", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.save", { "<Control>s", NULL } },
    { "win.save-as", { "<Control><Shift>s", NULL } },
    { "win.close", { "<Control>w", NULL } },
    { "win.undo", { "<Control>z", NULL } },
    { "win.redo", { "<Control><Shift>z", NULL } },
    { "win.run-all", { "<Control>Return", "<Control>KP_Enter", NULL } },
    { "win.run-focused", { "<Control><Shift>Return", "<Control><Shift>KP_Enter", NULL } },
    { "win.show-add-menu", { "<Control><Shift>a", NULL } },
    { "win.toggle-mode", { "<Control>e", NULL } },
  };
  TsApplication *self = TS_APPLICATION (application);

  G_APPLICATION_CLASS (ts_application_parent_class)->startup (application);

  choose_renderer (gdk_display_get_default ());

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::" TS_SETTINGS_KEY_COLOR_SCHEME,
                           G_CALLBACK (color_scheme_changed_cb), self, G_CONNECT_SWAPPED);
  color_scheme_changed_cb (self);
}

static void
ts_application_dispose (GObject *object)
{
  TsApplication *self = (TsApplication *) object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ts_application_parent_class)->dispose (object);
}

static void
ts_application_class_init (TsApplicationClass *klass)
{
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ts_application_dispose;

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
