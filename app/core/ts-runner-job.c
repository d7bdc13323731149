/* ts-runner-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-runner-private.h"

/* One widget's run, from the request to the output: the provider call and its chunks,
 * the vision check against the provider's model list, the answer from the cache, how a
 * run ends (done, failed, cancelled) and what that does to the widgets behind it; chat
 * turns. A cancelled job is abandoned at once and freed when its provider calls back. */

typedef struct
{
  TsRunner     *runner;        /* NULL once the runner is gone */
  TsProvider   *provider;
  GPtrArray    *models;        /* of TsModelInfo, or NULL when they could not be listed */
  gboolean      done;
  GPtrArray    *waiting;       /* of RunnerJob */
  GCancellable *cancellable;
} ModelsQuery;

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
            _ts_runner_enqueue (&self->ready, down);
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

  /* The error is in place before the state changes, so a handler of state-changed can
   * read it. */
  g_clear_error (&node->error);
  node->error = explained != NULL ? g_steal_pointer (&explained) : g_error_copy (error);
  _ts_runner_set_state (self, node, TS_RUN_STATE_FAILED);

  for (guint i = 0; i < node->down->len; i++)
    {
      RunnerNode *down = g_ptr_array_index (node->down, i);

      if (down->state == TS_RUN_STATE_QUEUED)
        _ts_runner_make_waiting (self, down, ts_block_get_id (node->block));
    }

  _ts_runner_emit_widget_finished (self, job->block, record);
  _ts_runner_job_free (job);
}

/* Fails a node before any job exists, e.g. when its templates cannot be expanded. */
void
_ts_runner_node_failed (TsRunner   *self,
                        RunnerNode *node,
                        GError     *error)
{
  g_clear_error (&node->error);
  node->error = error;
  _ts_runner_set_state (self, node, TS_RUN_STATE_FAILED);

  for (guint i = 0; i < node->down->len; i++)
    {
      RunnerNode *down = g_ptr_array_index (node->down, i);

      if (down->state == TS_RUN_STATE_QUEUED)
        _ts_runner_make_waiting (self, down, ts_block_get_id (node->block));
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

void
_ts_runner_start_request (TsRunner  *self,
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
gboolean
_ts_runner_answer_from_cache (TsRunner  *self,
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

  _ts_runner_dequeue (node);
  g_clear_error (&node->error);
  node->error = g_error_new_literal (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED, _("cancelled"));
  _ts_runner_set_state (self, node, TS_RUN_STATE_CANCELLED);
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
        if (_ts_runner_node_is_active (node))
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

              if (_ts_runner_node_is_active (down) && g_hash_table_add (in_set, down))
                g_ptr_array_add (set, down);
            }
        }
    }

  for (guint i = 0; i < set->len; i++)
    {
      RunnerNode *node = g_ptr_array_index (set, i);

      if (_ts_runner_node_is_active (node))
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
      _ts_runner_dequeue (node);
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
  _ts_runner_start_request (self, job);

  return TRUE;
}
