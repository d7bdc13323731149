/* ts-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-history-private.h"

/* Undo and redo of every edit of a playground. The history watches the model rather than
 * the editors, so an edit made anywhere (a card, a dialog, a script) can be undone. It
 * keeps the last value of every property it watches, since a notification only tells
 * that a value changed, not what it was; and the order of the blocks, since
 * items-changed only tells where the list changed.
 *
 * A step is what one undo takes back: every change made in one main-loop iteration (so a
 * layout change of four properties is one step), or between begin_group() and
 * end_group(), and successive edits of one text field made less than the coalescing
 * interval apart (typing). */

G_DEFINE_FINAL_TYPE (TsHistory, ts_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLAYGROUND,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* Tells of can-undo and can-redo where they differ from what they were. */
void
_ts_history_notify_can (TsHistory *self,
                        gboolean   could_undo,
                        gboolean   could_redo)
{
  if (could_undo != ts_history_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != ts_history_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static gboolean
same_blocks (GPtrArray *a,
             GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    {
      if (!g_ptr_array_find (b, g_ptr_array_index (a, i), NULL))
        return FALSE;
    }

  return TRUE;
}

/* Replaces @current, at @position, by @wanted. */
static void
apply_items (TsHistory *self,
             guint      position,
             GPtrArray *current,
             GPtrArray *wanted)
{
  if (same_blocks (current, wanted))
    {
      for (guint i = 0; i < wanted->len; i++)
        ts_playground_move_block (self->playground, g_ptr_array_index (wanted, i), position + i);
      return;
    }

  for (guint i = 0; i < current->len; i++)
    ts_playground_remove_block (self->playground, g_ptr_array_index (current, i));

  for (guint i = 0; i < wanted->len; i++)
    ts_playground_insert_block (self->playground, position + i, g_ptr_array_index (wanted, i));
}

static void
apply_step (TsHistory *self,
            Step      *step,
            gboolean   backwards)
{
  guint n = step->changes->len;

  self->applying = TRUE;

  for (guint k = 0; k < n; k++)
    {
      Change *change = g_ptr_array_index (step->changes, backwards ? n - 1 - k : k);

      if (change->kind == CHANGE_PROPERTY)
        g_object_set_property (change->object, change->property,
                               backwards ? &change->old_value : &change->new_value);
      else if (backwards)
        apply_items (self, change->position, change->added, change->removed);
      else
        apply_items (self, change->position, change->removed, change->added);
    }

  self->applying = FALSE;
}

static void
close_open_step (TsHistory *self)
{
  g_clear_handle_id (&self->close_id, g_source_remove);
  self->step_open = FALSE;
  self->sealed = TRUE;
}

static void
ts_history_dispose (GObject *object)
{
  TsHistory *self = (TsHistory *) object;

  g_clear_handle_id (&self->close_id, g_source_remove);

  if (self->playground != NULL)
    g_signal_handlers_disconnect_by_data (self->playground, self);
  g_clear_object (&self->playground);

  if (self->undo_steps != NULL)
    g_ptr_array_set_size (self->undo_steps, 0);
  if (self->redo_steps != NULL)
    g_ptr_array_set_size (self->redo_steps, 0);
  if (self->shadows != NULL)
    g_hash_table_remove_all (self->shadows);
  if (self->order != NULL)
    g_ptr_array_set_size (self->order, 0);

  G_OBJECT_CLASS (ts_history_parent_class)->dispose (object);
}

static void
ts_history_finalize (GObject *object)
{
  TsHistory *self = (TsHistory *) object;

  g_clear_pointer (&self->undo_steps, g_ptr_array_unref);
  g_clear_pointer (&self->redo_steps, g_ptr_array_unref);
  g_clear_pointer (&self->shadows, g_hash_table_unref);
  g_clear_pointer (&self->order, g_ptr_array_unref);

  G_OBJECT_CLASS (ts_history_parent_class)->finalize (object);
}

static void
ts_history_constructed (GObject *object)
{
  TsHistory *self = (TsHistory *) object;

  G_OBJECT_CLASS (ts_history_parent_class)->constructed (object);

  g_assert (TS_IS_PLAYGROUND (self->playground));

  _ts_history_watch (self);
}

static void
ts_history_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  TsHistory *self = TS_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PLAYGROUND:
      g_value_set_object (value, self->playground);
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, ts_history_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, ts_history_can_redo (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_history_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  TsHistory *self = TS_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PLAYGROUND:
      self->playground = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_history_class_init (TsHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ts_history_constructed;
  object_class->dispose = ts_history_dispose;
  object_class->finalize = ts_history_finalize;
  object_class->get_property = ts_history_get_property;
  object_class->set_property = ts_history_set_property;

  properties[PROP_PLAYGROUND] =
    g_param_spec_object ("playground", NULL, NULL, TS_TYPE_PLAYGROUND,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ts_history_init (TsHistory *self)
{
  self->undo_steps = g_ptr_array_new_with_free_func (_ts_history_step_free);
  self->redo_steps = g_ptr_array_new_with_free_func (_ts_history_step_free);
  self->shadows = g_hash_table_new_full (NULL, NULL, g_object_unref,
                                         (GDestroyNotify) g_hash_table_unref);
  self->order = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_steps = TS_HISTORY_DEFAULT_MAX_STEPS;
  self->coalesce_us = TS_HISTORY_DEFAULT_COALESCE_MS * G_TIME_SPAN_MILLISECOND;
}

/**
 * ts_history_new:
 * @playground: the playground whose edits to record
 *
 * Returns: (transfer full): a history that records every later edit of @playground
 */
TsHistory *
ts_history_new (TsPlayground *playground)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), NULL);

  return g_object_new (TS_TYPE_HISTORY, "playground", playground, NULL);
}

/**
 * ts_history_get_playground:
 * @self: a #TsHistory
 *
 * Returns: (transfer none): the playground
 */
TsPlayground *
ts_history_get_playground (TsHistory *self)
{
  g_return_val_if_fail (TS_IS_HISTORY (self), NULL);

  return self->playground;
}

gboolean
ts_history_can_undo (TsHistory *self)
{
  g_return_val_if_fail (TS_IS_HISTORY (self), FALSE);

  return self->undo_steps->len > 0;
}

gboolean
ts_history_can_redo (TsHistory *self)
{
  g_return_val_if_fail (TS_IS_HISTORY (self), FALSE);

  return self->redo_steps->len > 0;
}

/**
 * ts_history_undo:
 * @self: a #TsHistory
 *
 * Takes back the last step.
 *
 * Returns: %FALSE if there was nothing to undo
 */
gboolean
ts_history_undo (TsHistory *self)
{
  gboolean could_redo;
  Step *step;

  g_return_val_if_fail (TS_IS_HISTORY (self), FALSE);

  if (self->undo_steps->len == 0)
    return FALSE;

  could_redo = ts_history_can_redo (self);
  close_open_step (self);

  step = g_ptr_array_steal_index (self->undo_steps, self->undo_steps->len - 1);
  apply_step (self, step, TRUE);
  g_ptr_array_add (self->redo_steps, step);

  _ts_history_notify_can (self, TRUE, could_redo);

  return TRUE;
}

/**
 * ts_history_redo:
 * @self: a #TsHistory
 *
 * Makes again the last step undone.
 *
 * Returns: %FALSE if there was nothing to redo
 */
gboolean
ts_history_redo (TsHistory *self)
{
  gboolean could_undo;
  Step *step;

  g_return_val_if_fail (TS_IS_HISTORY (self), FALSE);

  if (self->redo_steps->len == 0)
    return FALSE;

  could_undo = ts_history_can_undo (self);
  close_open_step (self);

  step = g_ptr_array_steal_index (self->redo_steps, self->redo_steps->len - 1);
  apply_step (self, step, FALSE);
  g_ptr_array_add (self->undo_steps, step);

  _ts_history_notify_can (self, could_undo, TRUE);

  return TRUE;
}

/**
 * ts_history_seal:
 * @self: a #TsHistory
 *
 * Ends the current step: the next edit starts a new one, even if it continues typing
 * in the same field (an editor calls this when it loses the focus).
 */
void
ts_history_seal (TsHistory *self)
{
  g_return_if_fail (TS_IS_HISTORY (self));

  close_open_step (self);
}

/**
 * ts_history_begin_group:
 * @self: a #TsHistory
 *
 * Makes every edit until the matching ts_history_end_group() one step. Groups nest.
 */
void
ts_history_begin_group (TsHistory *self)
{
  g_return_if_fail (TS_IS_HISTORY (self));

  if (self->group_depth++ == 0)
    {
      close_open_step (self);
      /* The first edit of the group starts a step; later ones join it. */
      self->group_has_step = FALSE;
    }
}

void
ts_history_end_group (TsHistory *self)
{
  g_return_if_fail (TS_IS_HISTORY (self));
  g_return_if_fail (self->group_depth > 0);

  if (--self->group_depth == 0)
    close_open_step (self);
}

/**
 * ts_history_clear:
 * @self: a #TsHistory
 *
 * Forgets every step, as after loading a document.
 */
void
ts_history_clear (TsHistory *self)
{
  gboolean could_undo, could_redo;

  g_return_if_fail (TS_IS_HISTORY (self));

  could_undo = ts_history_can_undo (self);
  could_redo = ts_history_can_redo (self);
  close_open_step (self);
  g_ptr_array_set_size (self->undo_steps, 0);
  g_ptr_array_set_size (self->redo_steps, 0);
  _ts_history_notify_can (self, could_undo, could_redo);
}

guint
ts_history_get_n_undo (TsHistory *self)
{
  g_return_val_if_fail (TS_IS_HISTORY (self), 0);

  return self->undo_steps->len;
}

guint
ts_history_get_n_redo (TsHistory *self)
{
  g_return_val_if_fail (TS_IS_HISTORY (self), 0);

  return self->redo_steps->len;
}

void
ts_history_set_max_steps (TsHistory *self,
                          guint      max_steps)
{
  g_return_if_fail (TS_IS_HISTORY (self));
  g_return_if_fail (max_steps > 0);

  self->max_steps = max_steps;
  if (self->undo_steps->len > max_steps)
    g_ptr_array_remove_range (self->undo_steps, 0, self->undo_steps->len - max_steps);
}

void
ts_history_set_coalesce_interval (TsHistory *self,
                                  guint      milliseconds)
{
  g_return_if_fail (TS_IS_HISTORY (self));

  self->coalesce_us = (gint64) milliseconds * G_TIME_SPAN_MILLISECOND;
}
