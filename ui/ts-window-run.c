/* ts-window-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-settings.h"
#include "ts-window-private.h"

/* Running widgets: each document gets a TsRunner on the window's provider registry,
 * whose servers come from the preferences, and the output cache tessera-cli uses. Run All runs every text and image widget,
 * Stop cancels what is queued or running; the cards run, regenerate and stop their own
 * widget and show its state; Ctrl+Shift+Return runs the card that has the focus. In Use mode, with the preference on, widgets whose inputs
 * changed run again by themselves. */

/* Auto-run only in Use mode, where inputs are typed; concurrency always. */
void
_ts_window_update_runner (TsWindow *self)
{
  g_assert (TS_IS_WINDOW (self));

  if (self->runner == NULL)
    return;

  ts_runner_set_concurrency (self->runner,
                             MAX (1, g_settings_get_int (self->settings,
                                                         TS_SETTINGS_KEY_CONCURRENCY)));
  ts_runner_set_auto_run (self->runner,
                          g_strcmp0 (self->mode, "use") == 0 &&
                          g_settings_get_boolean (self->settings, TS_SETTINGS_KEY_AUTO_RUN));
}

static void
runner_busy_cb (TsWindow *self)
{
  gboolean busy = self->runner != NULL && ts_runner_get_busy (self->runner);

  gtk_button_set_icon_name (GTK_BUTTON (self->run_button),
                            busy ? "media-playback-stop-symbolic"
                                 : "media-playback-start-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->run_button),
                                  busy ? "win.stop" : "win.run-all");
  gtk_widget_set_tooltip_text (self->run_button,
                               busy ? _("Stop") : _("Run All (Ctrl+Return)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->run_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  busy ? _("Stop") : _("Run All"), -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", busy);
}

/* Called when a document is shown: a runner for it, given to its cards. */
void
_ts_window_setup_runner (TsWindow *self)
{
  g_assert (TS_IS_WINDOW (self));
  g_assert (TS_IS_PLAYGROUND (self->playground));

  if (self->runner != NULL)
    ts_runner_cancel (self->runner, NULL);
  g_clear_object (&self->runner);

  if (self->registry == NULL)
    {
      self->registry = ts_settings_new_registry (self->settings);
      ts_settings_follow (self->settings, self->registry, NULL);
    }

  /* The command line's cache: a widget run there is not run again here. */
  if (self->cache == NULL)
    {
      g_autofree char *directory = ts_cache_dup_default_directory ();

      self->cache = ts_cache_new (directory, TS_CACHE_DEFAULT_DISK_BYTES);
    }

  self->runner = ts_runner_new (self->playground, self->registry);
  ts_runner_set_cache (self->runner, self->cache);
  g_signal_group_set_target (self->runner_signals, self->runner);
  ts_canvas_set_runner (TS_CANVAS (self->canvas), self->runner);
  _ts_window_update_runner (self);
  runner_busy_cb (self);
}

void
_ts_window_dispose_runner (TsWindow *self)
{
  if (self->runner != NULL)
    ts_runner_cancel (self->runner, NULL);
  if (self->runner_signals != NULL)
    g_signal_group_set_target (self->runner_signals, NULL);
  g_clear_object (&self->runner_signals);
  g_clear_object (&self->runner);
  g_clear_object (&self->registry);
  g_clear_object (&self->cache);
}

static void
settings_changed_cb (TsWindow   *self,
                     const char *key)
{
  /* The registry follows the servers and keys by itself (ts_settings_follow()). */
  if (g_str_equal (key, TS_SETTINGS_KEY_AUTO_RUN) || g_str_equal (key, TS_SETTINGS_KEY_CONCURRENCY))
    _ts_window_update_runner (self);
}

void
_ts_window_init_runner (TsWindow *self)
{
  self->runner_signals = g_signal_group_new (TS_TYPE_RUNNER);
  g_signal_group_connect_object (self->runner_signals, "notify::busy",
                                 G_CALLBACK (runner_busy_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self,
                           G_CONNECT_SWAPPED);
  runner_busy_cb (self);
}

static void
run_all_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (self->runner == NULL)
    return;

  if (!ts_runner_run (self->runner, NULL, TS_RUN_SCOPE_ALL, TS_RUN_FLAGS_NONE, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

/* Runs the widget of the card that holds the focus, or one of whose controls does. An
 * application accelerator, so that it reaches the window before a text view inside the
 * card takes the key as a new line. */
static void
run_focused_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (widget));
  GtkWidget *card = focus != NULL ? gtk_widget_get_ancestor (focus, TS_TYPE_CARD) : NULL;

  if (card != NULL)
    gtk_widget_activate_action (card, "card.run", NULL);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TsWindow *self = TS_WINDOW (widget);

  if (self->runner != NULL)
    ts_runner_cancel (self->runner, NULL);
}

void
_ts_window_class_add_run_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.run-all", NULL, run_all_action);
  gtk_widget_class_install_action (widget_class, "win.run-focused", NULL, run_focused_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
}

/**
 * ts_window_get_runner:
 * @self: a #TsWindow
 *
 * Returns: (transfer none) (nullable): the runner of the playground @self shows
 */
TsRunner *
ts_window_get_runner (TsWindow *self)
{
  g_return_val_if_fail (TS_IS_WINDOW (self), NULL);

  return self->runner;
}

/**
 * ts_window_set_registry:
 * @self: a #TsWindow that shows no playground yet
 * @registry: the providers to run widgets on
 *
 * Replaces the shipped providers, which otherwise come from the preferences.
 */
void
ts_window_set_registry (TsWindow           *self,
                        TsProviderRegistry *registry)
{
  g_return_if_fail (TS_IS_WINDOW (self));
  g_return_if_fail (TS_IS_PROVIDER_REGISTRY (registry));
  g_return_if_fail (self->runner == NULL);

  g_set_object (&self->registry, registry);
}
