/* ts-history-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-history-private.h"

/* How the history records: it keeps a shadow of every property an edit can change and of
 * the blocks' order, turns each notification into a change from the shadow's value to
 * the new one, and puts the change in the open step or a new one (see ts-history.c). */

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

void
_ts_history_step_free (gpointer data)
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

  _ts_history_notify_can (self, could_undo, could_redo);
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

/* Learns the playground's values and order, and follows its changes from now on. */
void
_ts_history_watch (TsHistory *self)
{
  guint n_blocks;

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
