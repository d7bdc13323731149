/* ts-history.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-history.h"

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

typedef enum
{
  CHANGE_PROPERTY,
  CHANGE_ITEMS,
} ChangeKind;

typedef struct
{
  ChangeKind  kind;

  /* CHANGE_PROPERTY */
  GObject    *object;
  const char *property;
  GValue      old_value;
  GValue      new_value;

  /* CHANGE_ITEMS: at position, the blocks in removed were replaced by those in added. */
  guint       position;
  GPtrArray  *removed;
  GPtrArray  *added;
} Change;

typedef struct
{
  GPtrArray *changes;
  gint64     time;
} Step;

struct _TsHistory
{
  GObject       parent_instance;

  TsPlayground *playground;
  GPtrArray    *undo_steps;
  GPtrArray    *redo_steps;
  GHashTable   *shadows;       /* GObject → (property → GValue) */
  GPtrArray    *order;         /* the blocks, in the playground's order */
  guint         max_steps;
  gint64        coalesce_us;
  guint         group_depth;
  guint         close_id;
  gboolean      step_open;
  gboolean      group_has_step;
  gboolean      sealed;
  gboolean      applying;
};

G_DEFINE_FINAL_TYPE (TsHistory, ts_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLAYGROUND,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static const char * const playground_properties[] = {
  "title", "description", "text-provider", "text-model", "image-provider", "image-model",
};

static void
change_free (gpointer data)
{
  Change *change = data;

  g_clear_object (&change->object);
  if (G_IS_VALUE (&change->old_value))
    g_value_unset (&change->old_value);
  if (G_IS_VALUE (&change->new_value))
    g_value_unset (&change->new_value);
  g_clear_pointer (&change->removed, g_ptr_array_unref);
  g_clear_pointer (&change->added, g_ptr_array_unref);
  g_free (change);
}

static Step *
step_new (void)
{
  Step *step = g_new0 (Step, 1);

  step->changes = g_ptr_array_new_with_free_func (change_free);
  step->time = g_get_monotonic_time ();

  return step;
}

static void
step_free (gpointer data)
{
  Step *step = data;

  g_ptr_array_unref (step->changes);
  g_free (step);
}

static void
value_free (gpointer data)
{
  GValue *value = data;

  g_value_unset (value);
  g_free (value);
}

static GValue *
dup_property (GObject    *object,
              const char *property)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  GValue *value = g_new0 (GValue, 1);

  g_assert (pspec != NULL);

  g_value_init (value, pspec->value_type);
  g_object_get_property (object, property, value);

  return value;
}

static void
remember (TsHistory  *self,
          GObject    *object,
          const char *property)
{
  GHashTable *values = g_hash_table_lookup (self->shadows, object);

  if (values == NULL)
    {
      values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, value_free);
      g_hash_table_insert (self->shadows, g_object_ref (object), values);
    }

  g_hash_table_insert (values, (gpointer) g_intern_string (property),
                       dup_property (object, property));
}

/* Remembers the value of every property of @block an edit can change. */
static void
remember_block (TsHistory *self,
                TsBlock   *block)
{
  static const char * const base[] = { "title", "column", "row", "column-span", "row-span" };
  const TsField *fields;
  guint n_fields;

  for (guint i = 0; i < G_N_ELEMENTS (base); i++)
    remember (self, G_OBJECT (block), base[i]);

  fields = ts_block_kind_get_fields (ts_block_get_kind (block), &n_fields);
  for (guint i = 0; i < n_fields; i++)
    remember (self, G_OBJECT (block), ts_field_get_info (fields[i])->name);
}

static void
notify_can (TsHistory *self,
            gboolean   could_undo,
            gboolean   could_redo)
{
  if (could_undo != ts_history_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (could_redo != ts_history_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static gboolean
close_step_cb (gpointer user_data)
{
  TsHistory *self = user_data;

  self->close_id = 0;
  self->step_open = FALSE;

  return G_SOURCE_REMOVE;
}

static Step *
top_step (TsHistory *self)
{
  if (self->undo_steps->len == 0)
    return NULL;

  return g_ptr_array_index (self->undo_steps, self->undo_steps->len - 1);
}

/* Whether @change may join @step as more typing: the step holds only changes of the same
 * text property of the same object, made a moment ago. */
static gboolean
is_typing (TsHistory *self,
           Step      *step,
           Change    *change)
{
  Change *last;

  if (step == NULL || self->sealed || step->changes->len != 1)
    return FALSE;

  last = g_ptr_array_index (step->changes, 0);

  return change->kind == CHANGE_PROPERTY && last->kind == CHANGE_PROPERTY &&
         last->object == change->object && last->property == change->property &&
         G_VALUE_HOLDS_STRING (&change->new_value) &&
         g_get_monotonic_time () - step->time < self->coalesce_us;
}

/* Folds @change into a change of the same property in @step, if there is one. */
static gboolean
merge_into (Step   *step,
            Change *change)
{
  if (change->kind != CHANGE_PROPERTY)
    return FALSE;

  for (guint i = 0; i < step->changes->len; i++)
    {
      Change *other = g_ptr_array_index (step->changes, i);

      if (other->kind == CHANGE_PROPERTY && other->object == change->object &&
          other->property == change->property)
        {
          g_value_unset (&other->new_value);
          g_value_init (&other->new_value, G_VALUE_TYPE (&change->new_value));
          g_value_copy (&change->new_value, &other->new_value);
          return TRUE;
        }
    }

  return FALSE;
}

static void
record (TsHistory *self,
        Change    *change)
{
  gboolean could_undo = ts_history_can_undo (self);
  gboolean could_redo = ts_history_can_redo (self);
  Step *step = top_step (self);

  g_ptr_array_set_size (self->redo_steps, 0);

  if (step != NULL &&
      ((self->group_depth > 0 && self->group_has_step) ||
       (self->group_depth == 0 && (self->step_open || is_typing (self, step, change)))))
    {
      if (merge_into (step, change))
        change_free (change);
      else
        g_ptr_array_add (step->changes, change);
      step->time = g_get_monotonic_time ();
    }
  else
    {
      step = step_new ();
      g_ptr_array_add (step->changes, change);
      g_ptr_array_add (self->undo_steps, step);

      if (self->undo_steps->len > self->max_steps)
        g_ptr_array_remove_range (self->undo_steps, 0, self->undo_steps->len - self->max_steps);

      if (self->group_depth > 0)
        self->group_has_step = TRUE;
    }

  self->sealed = FALSE;

  /* Everything else that happens before the main loop runs again belongs to this step. */
  if (self->group_depth == 0)
    {
      self->step_open = TRUE;
      if (self->close_id == 0)
        self->close_id = g_idle_add_full (G_PRIORITY_HIGH, close_step_cb, self, NULL);
    }

  notify_can (self, could_undo, could_redo);
}

static void
property_changed (TsHistory  *self,
                  GObject    *object,
                  const char *property)
{
  GHashTable *values = g_hash_table_lookup (self->shadows, object);
  GValue *old_value = values != NULL ? g_hash_table_lookup (values, property) : NULL;
  Change *change;

  if (self->applying || old_value == NULL)
    {
      remember (self, object, property);
      return;
    }

  change = g_new0 (Change, 1);
  change->kind = CHANGE_PROPERTY;
  change->object = g_object_ref (object);
  change->property = g_intern_string (property);
  g_value_init (&change->old_value, G_VALUE_TYPE (old_value));
  g_value_copy (old_value, &change->old_value);
  g_value_init (&change->new_value, G_VALUE_TYPE (old_value));
  g_object_get_property (object, property, &change->new_value);

  remember (self, object, property);
  record (self, change);
}

static void
block_changed_cb (TsHistory    *self,
                  TsBlock      *block,
                  const char   *property,
                  TsPlayground *playground)
{
  /* Outputs are results, not edits. */
  if (g_str_equal (property, "output"))
    return;

  property_changed (self, G_OBJECT (block), property);
}

static void
playground_notify_cb (TsHistory    *self,
                      GParamSpec   *pspec,
                      TsPlayground *playground)
{
  for (guint i = 0; i < G_N_ELEMENTS (playground_properties); i++)
    {
      if (g_str_equal (pspec->name, playground_properties[i]))
        {
          property_changed (self, G_OBJECT (playground), pspec->name);
          return;
        }
    }
}

static void
items_changed_cb (TsHistory  *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *model)
{
  Change *change = g_new0 (Change, 1);

  change->kind = CHANGE_ITEMS;
  change->position = position;
  change->removed = g_ptr_array_new_with_free_func (g_object_unref);
  change->added = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < removed; i++)
    g_ptr_array_add (change->removed, g_object_ref (g_ptr_array_index (self->order, position + i)));
  g_ptr_array_remove_range (self->order, position, removed);

  for (guint i = 0; i < added; i++)
    {
      TsBlock *block = ts_playground_get_block (self->playground, position + i);

      g_ptr_array_add (change->added, g_object_ref (block));
      g_ptr_array_insert (self->order, position + i, g_object_ref (block));

      /* A block that comes back keeps what it had; one that is new is learnt now. */
      if (!g_ptr_array_find (change->removed, block, NULL))
        remember_block (self, block);
    }

  if (self->applying)
    change_free (change);
  else
    record (self, change);
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
  guint n_blocks;

  G_OBJECT_CLASS (ts_history_parent_class)->constructed (object);

  g_assert (TS_IS_PLAYGROUND (self->playground));

  for (guint i = 0; i < G_N_ELEMENTS (playground_properties); i++)
    remember (self, G_OBJECT (self->playground), playground_properties[i]);

  n_blocks = ts_playground_get_n_blocks (self->playground);
  for (guint i = 0; i < n_blocks; i++)
    {
      TsBlock *block = ts_playground_get_block (self->playground, i);

      g_ptr_array_add (self->order, g_object_ref (block));
      remember_block (self, block);
    }

  g_signal_connect_swapped (self->playground, "block-changed", G_CALLBACK (block_changed_cb), self);
  g_signal_connect_swapped (self->playground, "notify", G_CALLBACK (playground_notify_cb), self);
  g_signal_connect_swapped (self->playground, "items-changed", G_CALLBACK (items_changed_cb), self);
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
  self->undo_steps = g_ptr_array_new_with_free_func (step_free);
  self->redo_steps = g_ptr_array_new_with_free_func (step_free);
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

  notify_can (self, TRUE, could_redo);

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

  notify_can (self, could_undo, TRUE);

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
  notify_can (self, could_undo, could_redo);
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
