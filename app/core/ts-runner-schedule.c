/* ts-runner-schedule.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-runner-private.h"

/* Running: which widgets a run takes in, the order they go in, the slots they share,
 * the requests in flight and how each ends, cancellation, chat turns and auto-run.
 *
 * A queued widget counts the queued or running widgets it mentions (pending); when that
 * reaches zero it moves to the ready queue. The pump takes ready widgets, answers them
 * from the cache when it can, and else starts a request while a slot is free; those
 * that find no slot wait in slot_wait. Every provider callback comes back on the main
 * context; a cancelled job is abandoned at once and only freed when its callback comes. */

typedef struct
{
  TsRunner     *runner;        /* NULL once the runner is gone */
  TsProvider   *provider;
  GPtrArray    *models;        /* of TsModelInfo, or NULL when they could not be listed */
  gboolean      done;
  GPtrArray    *waiting;       /* of RunnerJob */
  GCancellable *cancellable;
} ModelsQuery;

static void start_request (TsRunner *self, RunnerJob *job);

static gboolean
is_active (RunnerNode *node)
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
  gboolean was_active = is_active (node);

  if (node->state == state)
    return;

  node->state = state;
  if (was_active && !is_active (node))
    self->n_active--;
  else if (!was_active && is_active (node))
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

static void
dequeue (RunnerNode *node)
{
  if (node->queue != NULL)
    {
      g_queue_unlink (node->queue, &node->ready_link);
      node->queue = NULL;
    }
}

static void
enqueue (GQueue     *queue,
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
              !is_active (up) && g_hash_table_add (in_set, up))
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

static void
make_waiting (TsRunner   *self,
              RunnerNode *node,
              const char *failed_id)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();

  /* Every queued widget behind @node waits on the same failed widget. */
  g_ptr_array_add (stack, node);
  while (stack->len > 0)
    {
      RunnerNode *current = g_ptr_array_steal_index (stack, stack->len - 1);

      dequeue (current);
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

      if (is_active (node))
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
        if (is_active (g_ptr_array_index (node->up, j)))
          node->pending++;

      /* Widgets queued by an earlier run now also wait for this one. */
      for (guint j = 0; j < node->down->len; j++)
        {
          RunnerNode *down = g_ptr_array_index (node->down, j);

          if (down->state == TS_RUN_STATE_QUEUED && !g_hash_table_contains (is_fresh, down))
            {
              down->pending++;
              dequeue (down);
            }
        }
    }

  for (guint i = 0; i < fresh->len; i++)
    {
      RunnerNode *node = g_ptr_array_index (fresh, i);

      if (node->state == TS_RUN_STATE_QUEUED && node->pending == 0 && node->queue == NULL)
        enqueue (&self->ready, node);
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

/* Running one widget */

static void
detach (TsRunner  *self,
        RunnerJob *job)
{
  if (job->node != NULL && job->node->job == job)
    job->node->job = NULL;
  if (job->runner != NULL && job->provider != NULL && job->started_us != 0)
    self->n_running--;
  job->runner = NULL;
  job->node = NULL;
}

/* An abandoned job is freed when its provider calls back; until then it settles. */
static void
abandon (TsRunner  *self,
         RunnerJob *job)
{
  detach (self, job);
  job->settling_in = self;
  g_hash_table_add (self->settling, job);
  g_cancellable_cancel (job->cancellable);
}

static void
free_abandoned (RunnerJob *job)
{
  if (job->settling_in != NULL)
    g_hash_table_remove (job->settling_in->settling, job);
  _ts_runner_job_free (job);
}

static void
finish_record (RunnerJob    *job,
               TsRunOutcome  outcome,
               const GError *error)
{
  TsRunRecord *record = job->record;

  record->ended = g_date_time_new_now_utc ();
  if (job->started_us != 0)
    record->total_us = g_get_monotonic_time () - job->started_us;
  else
    record->total_us = 0;
  record->outcome = outcome;
  if (error != NULL)
    record->error = g_strdup (error->message);
  if (job->output != NULL)
    ts_output_set_run_record (job->output, record);
}

/* A chat turn that did not get an answer leaves the transcript as it was. */
static void
chat_rollback (RunnerJob *job)
{
  TsOutput *output = ts_block_get_output (job->block);
  g_autoptr(TsOutput) copy = NULL;
  guint n;

  if (output == NULL || (n = ts_output_get_n_messages (output)) == 0)
    return;

  copy = ts_output_new ();
  for (guint i = 0; i + 1 < n; i++)
    {
      TsChatRole role;
      const char *text = ts_output_get_message (output, i, &role);

      ts_output_add_message (copy, role, text);
    }
  ts_block_set_output (job->block, copy);
}

static void
job_succeeded (TsRunner     *self,
               RunnerJob    *job,
               TsRunOutcome  outcome)
{
  RunnerNode *node = job->node;
  g_autoptr(TsRunRecord) record = ts_run_record_ref (job->record);

  detach (self, job);
  finish_record (job, outcome, NULL);
  g_clear_pointer (&node->record, ts_run_record_unref);
  node->record = ts_run_record_ref (record);
  ts_block_set_output (job->block, job->output);

  if (!job->is_chat)
    {
      /* What this widget feeds and was not queued with it is now out of date; what
       * was queued behind it may be ready. */
      for (guint i = 0; i < node->down->len; i++)
        {
          RunnerNode *down = g_ptr_array_index (node->down, i);

          if (down->state == TS_RUN_STATE_QUEUED && down->pending > 0 && --down->pending == 0)
            enqueue (&self->ready, down);
        }
      _ts_runner_set_state (self, node, node->dirty ? TS_RUN_STATE_STALE : TS_RUN_STATE_DONE);
      _ts_runner_mark_downstream_stale (self, node);
    }
  else
    _ts_runner_set_state (self, node, TS_RUN_STATE_DONE);

  _ts_runner_emit_widget_finished (self, job->block, record);
  _ts_runner_job_free (job);
}

static void
job_failed (TsRunner     *self,
            RunnerJob    *job,
            const GError *error)
{
  RunnerNode *node = job->node;
  g_autoptr(TsRunRecord) record = ts_run_record_ref (job->record);
  g_autoptr(GError) explained = _ts_runner_explain_error (job, error);

  detach (self, job);
  finish_record (job, TS_RUN_OUTCOME_FAILED, explained);
  g_clear_pointer (&node->record, ts_run_record_unref);
  node->record = ts_run_record_ref (record);
  if (job->is_chat)
    chat_rollback (job);

  node->error = g_steal_pointer (&explained);
  _ts_runner_set_state (self, node, TS_RUN_STATE_FAILED);
  if (node->error == NULL)
    node->error = g_error_copy (error);

  for (guint i = 0; i < node->down->len; i++)
    {
      RunnerNode *down = g_ptr_array_index (node->down, i);

      if (down->state == TS_RUN_STATE_QUEUED)
        make_waiting (self, down, ts_block_get_id (node->block));
    }

  _ts_runner_emit_widget_finished (self, job->block, record);
  _ts_runner_job_free (job);
}

/* Fails a node before any job exists, e.g. when its templates cannot be expanded. */
static void
node_failed (TsRunner   *self,
             RunnerNode *node,
             GError     *error)
{
  _ts_runner_set_state (self, node, TS_RUN_STATE_FAILED);
  g_clear_error (&node->error);
  node->error = error;

  for (guint i = 0; i < node->down->len; i++)
    {
      RunnerNode *down = g_ptr_array_index (node->down, i);

      if (down->state == TS_RUN_STATE_QUEUED)
        make_waiting (self, down, ts_block_get_id (node->block));
    }
}

static void
store_in_cache (TsRunner  *self,
                RunnerJob *job,
                gpointer   result)
{
  if (self->cache != NULL)
    {
      g_autoptr(GVariant) value = _ts_runner_job_result_to_variant (job, result);

      ts_cache_store (self->cache, job->cache_key, value);
    }
}

static void
chunk_cb (const char *chunk,
          gpointer    user_data)
{
  RunnerJob *job = user_data;

  if (job->runner == NULL)
    return;

  if (job->record->first_chunk_us == TS_RUN_RECORD_UNKNOWN)
    job->record->first_chunk_us = g_get_monotonic_time () - job->started_us;

  g_string_append (job->streamed, chunk);
  if (!job->is_chat)
    ts_output_set_text (job->output, job->streamed->str);
  _ts_runner_emit_chunk (job->runner, job->block, chunk);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  RunnerJob *job = user_data;

  if (job->runner != NULL)
    _ts_runner_emit_progress (job->runner, job->block, fraction);
}

static void
text_ready_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  RunnerJob *job = user_data;
  g_autoptr(TsTextResult) text = NULL;
  g_autoptr(GError) error = NULL;
  TsRunner *self = job->runner;

  text = ts_provider_generate_text_finish (TS_PROVIDER (object), result, &error);
  if (self == NULL)
    {
      free_abandoned (job);
      return;
    }

  if (text == NULL)
    job_failed (self, job, error);
  else
    {
      _ts_runner_job_apply_text (job, text);
      if (!job->is_chat)
        store_in_cache (self, job, text);
      job_succeeded (self, job, TS_RUN_OUTCOME_SUCCEEDED);
    }

  _ts_runner_schedule_pump (self);
  _ts_runner_maybe_finished (self);
}

static void
image_ready_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RunnerJob *job = user_data;
  g_autoptr(TsImageResult) images = NULL;
  g_autoptr(GError) error = NULL;
  TsRunner *self = job->runner;

  images = ts_provider_generate_image_finish (TS_PROVIDER (object), result, &error);
  if (self == NULL)
    {
      free_abandoned (job);
      return;
    }

  if (images == NULL)
    job_failed (self, job, error);
  else
    {
      _ts_runner_job_apply_images (job, images);
      store_in_cache (self, job, images);
      job_succeeded (self, job, TS_RUN_OUTCOME_SUCCEEDED);
    }

  _ts_runner_schedule_pump (self);
  _ts_runner_maybe_finished (self);
}

static void
send_request (TsRunner  *self,
              RunnerJob *job)
{
  if (job->text != NULL)
    ts_provider_generate_text_async (job->provider, job->text, chunk_cb, job,
                                     job->cancellable, text_ready_cb, job);
  else
    ts_provider_generate_image_async (job->provider, job->image, progress_cb, job,
                                      job->cancellable, image_ready_cb, job);
}

static const TsModelInfo *
find_model (GPtrArray  *models,
            const char *id)
{
  for (guint i = 0; models != NULL && i < models->len; i++)
    {
      const TsModelInfo *info = g_ptr_array_index (models, i);
      gsize length = strlen (id);

      /* Ollama lists "llava:latest" for a model asked for as "llava". */
      if (g_str_equal (info->id, id) ||
          (g_str_has_prefix (info->id, id) && g_str_equal (info->id + length, ":latest")))
        return info;
    }

  return NULL;
}

static void
check_vision_and_send (TsRunner    *self,
                       RunnerJob   *job,
                       ModelsQuery *query)
{
  const TsModelInfo *info = find_model (query->models, job->text->model);

  if (info != NULL && (info->capabilities & TS_MODEL_IMAGE_INPUT) == 0)
    {
      g_autoptr(GError) error =
        g_error_new (TS_RUNNER_ERROR, TS_RUNNER_ERROR_NO_VISION,
                     _("%s cannot read images; choose a vision model for “%s”, or mention %s no more"),
                     job->text->model, ts_block_get_title (job->block), job->image_sources);

      job_failed (self, job, error);
      _ts_runner_schedule_pump (self);
      _ts_runner_maybe_finished (self);
      return;
    }

  send_request (self, job);
}

static void
models_ready_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ModelsQuery *query = user_data;
  g_autoptr(GPtrArray) waiting = g_steal_pointer (&query->waiting);
  TsRunner *self = query->runner;

  /* A provider that cannot list its models leaves the question to its own errors. */
  query->models = ts_provider_list_models_finish (TS_PROVIDER (object), result, NULL);
  query->done = TRUE;
  query->waiting = g_ptr_array_new ();

  if (self == NULL)
    _ts_runner_models_query_free (query);

  for (guint i = 0; i < waiting->len; i++)
    {
      RunnerJob *job = g_ptr_array_index (waiting, i);

      if (job->runner == NULL)
        free_abandoned (job);
      else
        check_vision_and_send (self, job, query);
    }
}

void
_ts_runner_models_query_free (gpointer data)
{
  ModelsQuery *query = data;

  /* A query still in flight frees itself when its callback comes. */
  if (!query->done)
    {
      query->runner = NULL;
      g_cancellable_cancel (query->cancellable);
      return;
    }

  g_clear_pointer (&query->models, g_ptr_array_unref);
  g_clear_pointer (&query->waiting, g_ptr_array_unref);
  g_clear_object (&query->cancellable);
  g_clear_object (&query->provider);
  g_free (query);
}

static void
start_request (TsRunner  *self,
               RunnerJob *job)
{
  ModelsQuery *query;
  const char *provider_id = ts_provider_get_id (job->provider);

  job->started_us = g_get_monotonic_time ();
  job->record->started = g_date_time_new_now_utc ();
  job->streamed = g_string_new (NULL);
  self->n_running++;

  if (job->text != NULL && !job->is_chat)
    {
      /* The output streams into a fresh output the views show at once. */
      g_clear_object (&job->output);
      job->output = ts_output_new ();
      ts_block_set_output (job->block, job->output);
    }

  _ts_runner_set_state (self, job->node, TS_RUN_STATE_RUNNING);

  if (job->text == NULL || !ts_text_request_has_images (job->text))
    {
      send_request (self, job);
      return;
    }

  /* Whether the model reads images: ask the provider once, then remember. */
  query = g_hash_table_lookup (self->models, provider_id);
  if (query == NULL)
    {
      query = g_new0 (ModelsQuery, 1);
      query->runner = self;
      query->provider = g_object_ref (job->provider);
      query->waiting = g_ptr_array_new ();
      query->cancellable = g_cancellable_new ();
      g_hash_table_insert (self->models, (gpointer) ts_provider_get_id (query->provider), query);
      ts_provider_list_models_async (query->provider, query->cancellable, models_ready_cb, query);
    }

  if (query->done)
    check_vision_and_send (self, job, query);
  else
    g_ptr_array_add (query->waiting, job);
}

/* Answers @job from the cache; returns TRUE if it did (the job is then freed). */
static gboolean
answer_from_cache (TsRunner  *self,
                   RunnerJob *job)
{
  g_autoptr(GVariant) value = NULL;

  if (self->cache == NULL || job->node->regenerate)
    return FALSE;

  value = ts_cache_lookup (self->cache, job->cache_key);
  if (value == NULL)
    return FALSE;

  job->record->started = g_date_time_new_now_utc ();
  job->started_us = 0;
  if (!_ts_runner_job_apply_variant (job, value))
    return FALSE;

  job_succeeded (self, job, TS_RUN_OUTCOME_CACHED);
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
      make_waiting (self, node, blocker);
      return;
    }

  job = _ts_runner_job_new (self, node, FALSE, NULL, &error);
  if (job == NULL)
    {
      node_failed (self, node, g_steal_pointer (&error));
      return;
    }

  if (answer_from_cache (self, job))
    return;

  if (!slot_free)
    {
      _ts_runner_job_free (job);
      enqueue (&self->slot_wait, node);
      return;
    }

  node->job = job;
  start_request (self, job);
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

      dequeue (node);
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

/* Cancelling */

static void
cancel_node (TsRunner   *self,
             RunnerNode *node)
{
  RunnerJob *job = node->job;

  if (job != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED,
                                                     _("cancelled"));

      finish_record (job, TS_RUN_OUTCOME_CANCELLED, NULL);
      g_clear_pointer (&node->record, ts_run_record_unref);
      node->record = ts_run_record_ref (job->record);
      if (job->is_chat)
        chat_rollback (job);
      abandon (self, job);
    }

  dequeue (node);
  _ts_runner_set_state (self, node, TS_RUN_STATE_CANCELLED);
  node->error = g_error_new_literal (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED, _("cancelled"));
}

/**
 * ts_runner_cancel:
 * @block: (nullable): the widget to cancel, with what waits on it; %NULL for all
 *
 * Cancels at once: when this returns, the cancelled widgets are in the cancelled state
 * and no signal about them follows. What a cancelled request streamed stays in its
 * output, whose run record says it was cancelled.
 */
void
ts_runner_cancel (TsRunner *self,
                  TsBlock  *block)
{
  g_autoptr(GPtrArray) set = g_ptr_array_new ();
  g_autoptr(GHashTable) in_set = g_hash_table_new (NULL, NULL);

  g_return_if_fail (TS_IS_RUNNER (self));
  g_return_if_fail (block == NULL || TS_IS_BLOCK (block));

  if (block == NULL)
    {
      GHashTableIter iter;
      RunnerNode *node;

      g_hash_table_iter_init (&iter, self->nodes);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
        if (is_active (node))
          g_ptr_array_add (set, node);
    }
  else
    {
      RunnerNode *node = g_hash_table_lookup (self->nodes, block);

      if (node == NULL)
        return;

      g_hash_table_add (in_set, node);
      g_ptr_array_add (set, node);
      for (guint k = 0; k < set->len; k++)
        {
          RunnerNode *current = g_ptr_array_index (set, k);

          for (guint i = 0; i < current->down->len; i++)
            {
              RunnerNode *down = g_ptr_array_index (current->down, i);

              if (is_active (down) && g_hash_table_add (in_set, down))
                g_ptr_array_add (set, down);
            }
        }
    }

  for (guint i = 0; i < set->len; i++)
    {
      RunnerNode *node = g_ptr_array_index (set, i);

      if (is_active (node))
        cancel_node (self, node);
    }

  /* Freed slots go to widgets that were not cancelled. */
  _ts_runner_schedule_pump (self);
  _ts_runner_maybe_finished (self);
}

/**
 * _ts_runner_abandon_all:
 *
 * Lets go of every job without a signal, for dispose.
 */
void
_ts_runner_abandon_all (TsRunner *self)
{
  GHashTableIter iter;
  RunnerNode *node;

  if (self->nodes == NULL)
    return;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      RunnerJob *job = node->job;

      if (job != NULL)
        abandon (self, job);
      dequeue (node);
    }
}

/**
 * ts_runner_get_n_settling:
 *
 * Cancelled requests end promptly, but their providers still call back, on the main
 * context, to let go of them. A program about to exit iterates until none is left.
 *
 * Returns: how many cancelled requests have not yet called back
 */
guint
ts_runner_get_n_settling (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), 0);

  return g_hash_table_size (self->settling);
}

/* Chat */

/**
 * ts_runner_send_message:
 * @chat: a chat widget
 * @text: what the user says
 * @error: return location for a %TS_RUNNER_ERROR_SETUP error
 *
 * Adds @text to the chat's transcript and asks for the answer, which streams through
 * #TsRunner::chunk and joins the transcript when complete. A turn that fails or is
 * cancelled leaves the transcript as it was.
 *
 * Returns: %TRUE if the turn started
 */
gboolean
ts_runner_send_message (TsRunner    *self,
                        TsBlock     *chat,
                        const char  *text,
                        GError     **error)
{
  RunnerNode *node;
  RunnerJob *job;
  TsOutput *output;
  g_autoptr(TsOutput) owned = NULL;

  g_return_val_if_fail (TS_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (TS_IS_BLOCK (chat), FALSE);
  g_return_val_if_fail (ts_block_get_kind (chat) == TS_BLOCK_KIND_CHAT, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  _ts_runner_ensure_graph (self);
  node = _ts_runner_get_node (self, chat);
  if (node->job != NULL)
    {
      g_set_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_SETUP,
                   _("“%s” is still answering"), ts_block_get_title (chat));
      return FALSE;
    }

  job = _ts_runner_job_new (self, node, TRUE, text, error);
  if (job == NULL)
    return FALSE;

  output = ts_block_get_output (chat);
  if (output == NULL)
    {
      output = owned = ts_output_new ();
      ts_block_set_output (chat, output);
    }
  ts_output_add_message (output, TS_CHAT_ROLE_USER, text);
  job->output = g_object_ref (output);
  node->regenerate = TRUE;
  node->job = job;
  _ts_runner_set_state (self, node, TS_RUN_STATE_QUEUED);
  start_request (self, job);

  return TRUE;
}
