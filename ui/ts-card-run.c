/* ts-card-run.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-block-settings.h"
#include "ts-card-private.h"

/* A card and the runner: Run, Regenerate and Stop for its widget, its state in the
 * header ("running", "waiting on Story", the error of a failed run), the output
 * redrawn as text streams in, and the chat's messages sent. */

static gboolean
can_run (TsCard *self)
{
  TsBlockKind kind = ts_block_get_kind (self->block);

  return self->runner != NULL && (kind == TS_BLOCK_KIND_TEXT || kind == TS_BLOCK_KIND_IMAGE);
}

static void
update_state (TsCard *self)
{
  static const char * const state_classes[] = {
    "queued", "running", "stale", "failed", "waiting", "cancelled",
  };
  TsRunState state = TS_RUN_STATE_IDLE;
  g_autofree char *status = NULL;
  const char *state_class = NULL;
  const char *tooltip = NULL;

  if (self->runner != NULL)
    {
      state = ts_runner_get_state (self->runner, self->block);
      status = ts_runner_dup_status (self->runner, self->block);
    }

  if (self->run_error != NULL)
    {
      g_free (status);
      status = g_strdup (self->run_error);
      state_class = "failed";
    }
  else if (state != TS_RUN_STATE_IDLE && state != TS_RUN_STATE_DONE)
    {
      state_class = ts_run_state_to_string (state);
    }

  /* The header says a state in a few words; an error, which names its remedy, is shown
   * whole below the header. */
  if (state == TS_RUN_STATE_FAILED && ts_runner_get_error (self->runner, self->block) != NULL)
    tooltip = ts_runner_get_error (self->runner, self->block)->message;
  else if (self->run_error != NULL)
    tooltip = self->run_error;
  else if (state_class != NULL)
    tooltip = status;

  gtk_label_set_text (self->error_label, tooltip != NULL && g_strcmp0 (state_class, "failed") == 0 ? tooltip : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), g_strcmp0 (state_class, "failed") == 0);
  if (g_strcmp0 (state_class, "failed") == 0)
    {
      g_free (status);
      status = g_strdup (_("Failed"));
    }

  gtk_label_set_text (self->state_label, state_class != NULL ? status : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->state_label), state_class != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), state_classes[i]);
  if (state_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_label), state_class);

  _ts_card_update_run_actions (self);
}

void
_ts_card_update_run_actions (TsCard *self)
{
  TsRunState state = self->runner != NULL ? ts_runner_get_state (self->runner, self->block)
                                          : TS_RUN_STATE_IDLE;
  gboolean active = state == TS_RUN_STATE_QUEUED || state == TS_RUN_STATE_RUNNING;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.run", can_run (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.regenerate", can_run (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.stop", self->runner != NULL && active);
  gtk_widget_set_visible (GTK_WIDGET (self->run_button), can_run (self));
  gtk_button_set_icon_name (self->run_button, active ? "media-playback-stop-symbolic"
                                                     : "media-playback-start-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->run_button),
                                  active ? "card.stop" : "card.run");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->run_button),
                               active ? _("Stop") : _("Run (Ctrl+Shift+Return)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->run_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  active ? _("Stop") : _("Run"), -1);
}

static void
set_run_error (TsCard     *self,
               const char *message)
{
  g_free (self->run_error);
  self->run_error = g_strdup (message);
  update_state (self);
}

static void
state_changed_cb (TsCard     *self,
                  TsBlock    *block,
                  TsRunState  state,
                  TsRunner   *runner)
{
  if (block != self->block)
    return;

  g_clear_pointer (&self->run_error, g_free);
  update_state (self);

  /* A run that ends fills its output in place, after the last chunk or without any (an
   * answer from the cache): show it now rather than on a later turn, if ever. */
  if (state != TS_RUN_STATE_QUEUED && state != TS_RUN_STATE_RUNNING)
    {
      g_clear_handle_id (&self->refresh_id, g_source_remove);
      _ts_card_refresh_outputs (self);
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  TsCard *self = user_data;

  self->refresh_id = 0;
  _ts_card_refresh_outputs (self);

  return G_SOURCE_REMOVE;
}

/* Streamed text grows the output in place; redraw once per main-loop turn. */
static void
chunk_cb (TsCard     *self,
          TsBlock    *block,
          const char *chunk,
          TsRunner   *runner)
{
  if (block == self->block && self->refresh_id == 0)
    self->refresh_id = g_idle_add (refresh_cb, self);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  TsCard *self = TS_CARD (widget);
  g_autoptr(GError) error = NULL;
  TsRunFlags flags = g_str_equal (action_name, "card.regenerate") ? TS_RUN_FLAGS_REGENERATE
                                                                   : TS_RUN_FLAGS_NONE;

  if (!can_run (self))
    return;

  g_clear_pointer (&self->run_error, g_free);
  if (!ts_runner_run (self->runner, self->block, TS_RUN_SCOPE_WIDGET, flags, &error))
    set_run_error (self, error->message);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TsCard *self = TS_CARD (widget);

  if (self->runner != NULL)
    ts_runner_cancel (self->runner, self->block);
}

void
_ts_card_class_add_run_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "card.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "card.regenerate", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "card.stop", NULL, stop_action);
}

void
_ts_card_dispose_run (TsCard *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->run_error, g_free);
}

/* Sends @text to the chat the card shows; returns FALSE, and shows why, if it cannot. */
gboolean
_ts_card_send_message (TsCard     *self,
                       const char *text)
{
  g_autoptr(GError) error = NULL;

  if (self->runner == NULL)
    return FALSE;

  g_clear_pointer (&self->run_error, g_free);
  if (!ts_runner_send_message (self->runner, self->block, text, &error))
    {
      set_run_error (self, error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * ts_card_set_runner:
 * @self: a #TsCard
 * @runner: the runner of the card's playground
 *
 * Lets the card run its widget and show its state.
 */
void
ts_card_set_runner (TsCard   *self,
                    TsRunner *runner)
{
  g_return_if_fail (TS_IS_CARD (self));
  g_return_if_fail (TS_IS_RUNNER (runner));
  g_return_if_fail (self->runner == NULL);

  self->runner = g_object_ref (runner);
  if (TS_IS_BLOCK_SETTINGS (gtk_menu_button_get_popover (self->settings_button)))
    ts_block_settings_set_registry (TS_BLOCK_SETTINGS (gtk_menu_button_get_popover (self->settings_button)),
                                    ts_runner_get_registry (runner));
  g_signal_connect_object (runner, "state-changed", G_CALLBACK (state_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (runner, "chunk", G_CALLBACK (chunk_cb), self, G_CONNECT_SWAPPED);
  update_state (self);
}

/**
 * ts_card_get_state_text:
 * @self: a #TsCard
 *
 * Returns: what the card's header says of its run ("running", "waiting on Story",
 *   "Failed"), or "" when there is nothing to say
 */
const char *
ts_card_get_state_text (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return gtk_label_get_text (self->state_label);
}

/**
 * ts_card_get_error_text:
 * @self: a #TsCard
 *
 * Returns: the error of a failed run, shown whole below the header, or ""
 */
const char *
ts_card_get_error_text (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label)) ?
         gtk_label_get_text (self->error_label) : "";
}
