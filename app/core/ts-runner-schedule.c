/* ts-runner-schedule.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-runner-private.h"

/* Scheduling: which widgets a run takes in, the order they go in, the slots they
 * share, staleness and auto-run.
 *
 * A queued widget counts the queued or running widgets it mentions (pending); when that
 * reaches zero it moves to the ready queue. The pump takes ready widgets, answers them
 * from the cache when it can, and else starts a request while a slot is free; those
 * that find no slot wait in slot_wait. ts-runner-job.c runs a widget once it is taken. */

gboolean
_ts_runner_node_is_active (RunnerNode *node)
{
  return node->state == TS_RUN_STATE_QUEUED || node->state == TS_RUN_STATE_RUNNING;
}

static gboolean
is_up_to_date (RunnerNode *node)
{
  TsOutput *output = ts_block_get_output (node->block);

  return node->state == TS_RUN_STATE_DONE ||
         (node->state == TS_RUN_STATE_IDLE && output != NULL && !ts_output_is_empty (output));
}

static gboolean
is_blocked (RunnerNode *node)
{
  return node->state == TS_RUN_STATE_FAILED || node->state == TS_RUN_STATE_WAITING ||
         node->state == TS_RUN_STATE_CANCELLED;
}

void
_ts_runner_set_state (TsRunner   *self,
                      RunnerNode *node,
                      TsRunState  state)
{
  gboolean was_active = _ts_runner_node_is_active (node);

  if (node->state == state)
    return;

  node->state = state;
  if (was_active && !_ts_runner_node_is_active (node))
    self->n_active--;
  else if (!was_active && _ts_runner_node_is_active (node))
    self->n_active++;

  if (state != TS_RUN_STATE_WAITING)
    g_clear_pointer (&node->waiting_on, g_free);
  if (state != TS_RUN_STATE_FAILED && state != TS_RUN_STATE_CANCELLED)
    g_clear_error (&node->error);

  _ts_runner_emit_state_changed (self, node->block, state);
  if (self->n_active > 0 && !self->busy)
    _ts_runner_emit_finished (self);
}

void
_ts_runner_maybe_finished (TsRunner *self)
{
  if (self->busy && self->n_active == 0)
    _ts_runner_emit_finished (self);
}

void
_ts_runner_dequeue (RunnerNode *node)
{
  if (node->queue != NULL)
    {
      g_queue_unlink (node->queue, &node->ready_link);
      node->queue = NULL;
    }
}

void
_ts_runner_enqueue (GQueue     *queue,
                    RunnerNode *node)
{
  g_assert (node->queue == NULL);

  g_queue_push_tail_link (queue, &node->ready_link);
  node->queue = queue;
}

/* Staleness and auto-run */

static gboolean
debounce_cb (gpointer data)
{
  TsRunner *self = data;
  GHashTableIter iter;
  RunnerNode *node;
  g_autoptr(GPtrArray) stale = g_ptr_array_new ();

  self->debounce_id = 0;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    if (node->state == TS_RUN_STATE_STALE)
      g_ptr_array_add (stale, node->block);

  for (guint i = 0; i < stale->len; i++)
    if (ts_runner_get_state (self, g_ptr_array_index (stale, i)) == TS_RUN_STATE_STALE)
      ts_runner_run (self, g_ptr_array_index (stale, i), TS_RUN_SCOPE_WIDGET, TS_RUN_FLAGS_NONE, NULL);

  return G_SOURCE_REMOVE;
}

static void
arm_auto_run (TsRunner *self)
{
  if (!self->auto_run)
    return;

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (self->debounce_ms, debounce_cb, self);
}

/**
 * _ts_runner_mark_downstream_stale:
 *
 * Marks what depends on @node, directly or not, stale: widgets with an output or a
 * failed run become stale; a running one is marked to become stale when it ends; a
 * queued one has not read its inputs yet and needs nothing.
 */
void
_ts_runner_mark_downstream_stale (TsRunner   *self,
                                  RunnerNode *node)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  gboolean any = FALSE;

  g_ptr_array_add (stack, node);
  while (stack->len > 0)
    {
      RunnerNode *current = g_ptr_array_steal_index (stack, stack->len - 1);

      for (guint i = 0; i < current->down->len; i++)
        {
          RunnerNode *down = g_ptr_array_index (current->down, i);

          if (!g_hash_table_add (seen, down))
            continue;
          if (!_ts_runner_block_is_generative (down->block))
            continue;

          if (down->state == TS_RUN_STATE_RUNNING)
            down->dirty = TRUE;
          else if (down->state != TS_RUN_STATE_QUEUED &&
                   (down->state != TS_RUN_STATE_IDLE || is_up_to_date (down)))
            {
              _ts_runner_set_state (self, down, TS_RUN_STATE_STALE);
              any = TRUE;
            }

          if (down->state != TS_RUN_STATE_QUEUED)
            g_ptr_array_add (stack, down);
        }
    }

  if (any || self->debounce_id != 0)
    arm_auto_run (self);
}

/* Choosing what to run */

static void
add_needed_upstream (GPtrArray  *set,
                     GHashTable *in_set,
                     RunnerNode *node)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  g_ptr_array_add (stack, node);
  while (stack->len > 0)
    {
      RunnerNode *current = g_ptr_array_steal_index (stack, stack->len - 1);

      for (guint i = 0; i < current->up->len; i++)
        {
          RunnerNode *up = g_ptr_array_index (current->up, i);

          if (_ts_runner_block_is_generative (up->block) && !is_up_to_date (up) &&
              !_ts_runner_node_is_active (up) && g_hash_table_add (in_set, up))
            {
              g_ptr_array_add (set, up);
              g_ptr_array_add (stack, up);
            }
        }
    }
}

static void
add_downstream (GPtrArray  *set,
                GHashTable *in_set,
                RunnerNode *node)
{
  for (guint k = 0; k < set->len; k++)
    {
      RunnerNode *current = g_ptr_array_index (set, k);

      for (guint i = 0; i < current->down->len; i++)
        {
          RunnerNode *down = g_ptr_array_index (current->down, i);

          if (_ts_runner_block_is_generative (down->block) && g_hash_table_add (in_set, down))
            g_ptr_array_add (set, down);
        }
    }
}

/* Finds a cycle through the mentions of the widgets in @set, following mentions from
 * each; returns FALSE with an error naming it, in the order the mentions go. */
static gboolean
check_cycles (GPtrArray  *set,
              GError    **error)
{
  g_autoptr(GHashTable) color = g_hash_table_new (NULL, NULL);   /* 1 on the path, 2 done */
  g_autoptr(GPtrArray) path = g_ptr_array_new ();
  g_autoptr(GArray) next_edge = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint s = 0; s < set->len; s++)
    {
      RunnerNode *start = g_ptr_array_index (set, s);
      guint zero = 0;

      if (g_hash_table_contains (color, start))
        continue;

      g_hash_table_insert (color, start, GUINT_TO_POINTER (1));
      g_ptr_array_add (path, start);
      g_array_append_val (next_edge, zero);

      while (path->len > 0)
        {
          RunnerNode *current = g_ptr_array_index (path, path->len - 1);
          guint *edge = &g_array_index (next_edge, guint, next_edge->len - 1);
          RunnerNode *up;
          guint mark;

          if (*edge >= current->up->len)
            {
              g_hash_table_insert (color, current, GUINT_TO_POINTER (2));
              g_ptr_array_set_size (path, path->len - 1);
              g_array_set_size (next_edge, next_edge->len - 1);
              continue;
            }

          up = g_ptr_array_index (current->up, (*edge)++);
          mark = GPOINTER_TO_UINT (g_hash_table_lookup (color, up));
          if (mark == 1)
            {
              g_autoptr(GString) names = g_string_new (NULL);
              guint from = 0;

              while (g_ptr_array_index (path, from) != up)
                from++;
              for (guint i = from; i < path->len; i++)
                g_string_append_printf (names, "%s → ",
                                        ts_block_get_title (((RunnerNode *) g_ptr_array_index (path, i))->block));
              g_string_append (names, ts_block_get_title (up->block));

              g_set_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_CYCLE,
                           _("mentions form a cycle: %s"), names->str);
              return FALSE;
            }
          if (mark == 0)
            {
              g_hash_table_insert (color, up, GUINT_TO_POINTER (1));
              g_ptr_array_add (path, up);
              g_array_append_val (next_edge, zero);
            }
        }
    }

  return TRUE;
}

void
_ts_runner_make_waiting (TsRunner   *self,
                         RunnerNode *node,
                         const char *failed_id)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  /* Every queued widget behind @node waits on the same failed widget. */
  g_ptr_array_add (stack, node);
  while (stack->len > 0)
    {
      RunnerNode *current = g_ptr_array_steal_index (stack, stack->len - 1);

      _ts_runner_dequeue (current);
      current->waiting_on = g_strdup (failed_id);
      _ts_runner_set_state (self, current, TS_RUN_STATE_WAITING);
      if (current->waiting_on == NULL)
        current->waiting_on = g_strdup (failed_id);

      for (guint i = 0; i < current->down->len; i++)
        {
          RunnerNode *down = g_ptr_array_index (current->down, i);

          if (down->state == TS_RUN_STATE_QUEUED)
            g_ptr_array_add (stack, down);
        }
    }
}

static const char *
blocking_id (RunnerNode *node)
{
  for (guint i = 0; i < node->up->len; i++)
    {
      RunnerNode *up = g_ptr_array_index (node->up, i);

      if (!_ts_runner_block_is_generative (up->block) || !is_blocked (up))
        continue;

      if (up->state == TS_RUN_STATE_WAITING && up->waiting_on != NULL)
        return up->waiting_on;
      return ts_block_get_id (up->block);
    }

  return NULL;
}

static void
queue_set (TsRunner   *self,
           GPtrArray  *set,
           gboolean    regenerate_all,
           RunnerNode *named,
           gboolean    regenerate_named)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GHashTable) is_fresh = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < set->len; i++)
    {
      RunnerNode *node = g_ptr_array_index (set, i);

      if (_ts_runner_node_is_active (node))
        continue;

      node->regenerate = regenerate_all || (regenerate_named && node == named);
      node->dirty = FALSE;
      _ts_runner_set_state (self, node, TS_RUN_STATE_QUEUED);
      g_ptr_array_add (fresh, node);
      g_hash_table_add (is_fresh, node);
    }

  for (guint i = 0; i < fresh->len; i++)
    {
      RunnerNode *node = g_ptr_array_index (fresh, i);

      node->pending = 0;
      for (guint j = 0; j < node->up->len; j++)
        if (_ts_runner_node_is_active (g_ptr_array_index (node->up, j)))
          node->pending++;

      /* Widgets queued by an earlier run now also wait for this one. */
      for (guint j = 0; j < node->down->len; j++)
        {
          RunnerNode *down = g_ptr_array_index (node->down, j);

          if (down->state == TS_RUN_STATE_QUEUED && !g_hash_table_contains (is_fresh, down))
            {
              down->pending++;
              _ts_runner_dequeue (down);
            }
        }
    }

  for (guint i = 0; i < fresh->len; i++)
    {
      RunnerNode *node = g_ptr_array_index (fresh, i);

      if (node->state == TS_RUN_STATE_QUEUED && node->pending == 0 && node->queue == NULL)
        _ts_runner_enqueue (&self->ready, node);
    }

  _ts_runner_schedule_pump (self);
}

/**
 * ts_runner_run:
 * @block: (nullable): the widget the scope starts from; %NULL for %TS_RUN_SCOPE_ALL and
 *   %TS_RUN_SCOPE_OUTDATED
 * @scope: which widgets to run
 * @flags: whether to bypass the cache
 * @error: return location for a %TS_RUNNER_ERROR_CYCLE error
 *
 * Queues widgets to run. Those already queued or running are left as they are. States,
 * chunks and results arrive later, on the thread-default main context, through the
 * runner's signals; #TsRunner::finished says when nothing is left to run.
 *
 * Returns: %TRUE if the widgets were queued, %FALSE if their mentions form a cycle
 */
gboolean
ts_runner_run (TsRunner    *self,
               TsBlock     *block,
               TsRunScope   scope,
               TsRunFlags   flags,
               GError     **error)
{
  g_autoptr(GPtrArray) set = g_ptr_array_new ();
  g_autoptr(GHashTable) in_set = g_hash_table_new (NULL, NULL);
  RunnerNode *named = NULL;
  gboolean regenerate = (flags & TS_RUN_FLAGS_REGENERATE) != 0;
  guint n_targets;

  g_return_val_if_fail (TS_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (block == NULL || TS_IS_BLOCK (block), FALSE);
  g_return_val_if_fail (block == NULL || ts_playground_find_block (self->playground, block, NULL), FALSE);
  g_return_val_if_fail (block != NULL || scope == TS_RUN_SCOPE_ALL || scope == TS_RUN_SCOPE_OUTDATED, FALSE);

  _ts_runner_ensure_graph (self);

  if (block != NULL)
    {
      named = _ts_runner_get_node (self, block);
      if (_ts_runner_block_is_generative (block) && g_hash_table_add (in_set, named))
        g_ptr_array_add (set, named);
      if (scope == TS_RUN_SCOPE_DOWNSTREAM)
        {
          if (!_ts_runner_block_is_generative (block))
            {
              /* An input starts the walk without running itself. */
              g_ptr_array_add (set, named);
              add_downstream (set, in_set, named);
              g_ptr_array_remove_index (set, 0);
            }
          else
            add_downstream (set, in_set, named);
        }
    }
  else
    {
      for (guint i = 0; i < ts_playground_get_n_blocks (self->playground); i++)
        {
          RunnerNode *node = _ts_runner_get_node (self, ts_playground_get_block (self->playground, i));

          if (!_ts_runner_block_is_generative (node->block))
            continue;
          if (scope == TS_RUN_SCOPE_OUTDATED && is_up_to_date (node))
            continue;
          g_hash_table_add (in_set, node);
          g_ptr_array_add (set, node);
        }
    }

  n_targets = set->len;
  for (guint i = 0; i < n_targets; i++)
    add_needed_upstream (set, in_set, g_ptr_array_index (set, i));

  if (!check_cycles (set, error))
    return FALSE;

  queue_set (self, set, regenerate && block == NULL, named, regenerate);
  return TRUE;
}

static void
take (TsRunner   *self,
      RunnerNode *node,
      gboolean    slot_free)
{
  g_autoptr(GError) error = NULL;
  RunnerJob *job;
  const char *blocker;

  if ((blocker = blocking_id (node)) != NULL)
    {
      _ts_runner_make_waiting (self, node, blocker);
      return;
    }

  job = _ts_runner_job_new (self, node, FALSE, NULL, &error);
  if (job == NULL)
    {
      _ts_runner_node_failed (self, node, g_steal_pointer (&error));
      return;
    }

  if (_ts_runner_answer_from_cache (self, job))
    return;

  if (!slot_free)
    {
      _ts_runner_job_free (job);
      _ts_runner_enqueue (&self->slot_wait, node);
      return;
    }

  node->job = job;
  _ts_runner_start_request (self, job);
}

static void
pump (TsRunner *self)
{
  if (self->pumping)
    return;

  self->pumping = TRUE;

  while (self->ready.length > 0 ||
         (self->slot_wait.length > 0 && self->n_running < self->concurrency))
    {
      RunnerNode *node;

      if (self->slot_wait.length > 0 && self->n_running < self->concurrency)
        node = self->slot_wait.head->data;
      else
        node = self->ready.head->data;

      _ts_runner_dequeue (node);
      take (self, node, self->n_running < self->concurrency);
    }

  self->pumping = FALSE;
  _ts_runner_maybe_finished (self);
}

static gboolean
pump_cb (gpointer data)
{
  TsRunner *self = data;

  self->pump_id = 0;
  pump (self);

  return G_SOURCE_REMOVE;
}

void
_ts_runner_schedule_pump (TsRunner *self)
{
  if (self->pump_id == 0 && (self->ready.length > 0 || self->slot_wait.length > 0))
    self->pump_id = g_idle_add (pump_cb, self);
}
