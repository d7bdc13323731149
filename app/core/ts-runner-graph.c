/* ts-runner-graph.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-runner-private.h"

/* The runner's view of the playground: a node per block holding its state, linked to
 * the blocks it mentions and the blocks that mention it; and the edits that make
 * outputs stale (a widget's fields, an input's typed text or default, the playground's
 * provider and model settings), while titles, layout and placeholders change nothing. */

static void input_changed (TsRunner *self, RunnerNode *node);

/* Nodes */

static void
unwatch_output (RunnerNode *node)
{
  if (node->watched != NULL)
    {
      g_clear_signal_handler (&node->watched_id, node->watched);
      g_clear_object (&node->watched);
    }
}

void
_ts_runner_node_free (gpointer data)
{
  RunnerNode *node = data;

  g_assert (node->job == NULL);

  unwatch_output (node);
  g_clear_pointer (&node->up, g_ptr_array_unref);
  g_clear_pointer (&node->down, g_ptr_array_unref);
  g_clear_error (&node->error);
  g_clear_pointer (&node->waiting_on, g_free);
  g_clear_pointer (&node->record, ts_run_record_unref);
  g_clear_object (&node->block);
  g_free (node);
}

static void
output_changed_cb (TsOutput   *output,
                   RunnerNode *node)
{
  input_changed (node->runner, node);
}

static void
watch_output (RunnerNode *node)
{
  TsOutput *output = ts_block_get_output (node->block);

  if (output == node->watched)
    return;

  unwatch_output (node);
  if (output != NULL)
    {
      node->watched = g_object_ref (output);
      node->watched_id = g_signal_connect (output, "changed", G_CALLBACK (output_changed_cb), node);
    }
}

RunnerNode *
_ts_runner_get_node (TsRunner *self,
                     TsBlock  *block)
{
  RunnerNode *node = g_hash_table_lookup (self->nodes, block);

  if (node != NULL)
    return node;

  node = g_new0 (RunnerNode, 1);
  node->runner = self;
  node->block = g_object_ref (block);
  node->ready_link.data = node;
  node->up = g_ptr_array_new ();
  node->down = g_ptr_array_new ();
  g_hash_table_insert (self->nodes, block, node);
  self->graph_valid = FALSE;

  if (ts_block_get_kind (block) == TS_BLOCK_KIND_INPUT)
    watch_output (node);

  return node;
}

/* The graph */

/* Makes a node for every block and links each to the blocks its templates mention and
 * to the blocks that mention it, unless the links are up to date; returns whether it did. */
static gboolean
rebuild_graph (TsRunner *self)
{
  guint n = ts_playground_get_n_blocks (self->playground);
  GHashTableIter iter;
  RunnerNode *node;

  if (self->graph_valid)
    return FALSE;

  for (guint i = 0; i < n; i++)
    _ts_runner_get_node (self, ts_playground_get_block (self->playground, i));

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      g_ptr_array_set_size (node->up, 0);
      g_ptr_array_set_size (node->down, 0);
    }

  for (guint i = 0; i < n; i++)
    {
      TsBlock *block = ts_playground_get_block (self->playground, i);
      g_auto(GStrv) ids = ts_block_dup_upstream_ids (block);

      node = g_hash_table_lookup (self->nodes, block);
      for (guint j = 0; ids[j] != NULL; j++)
        {
          TsBlock *upstream = ts_playground_lookup_block (self->playground, ids[j]);
          RunnerNode *up;

          if (upstream == NULL || upstream == block)
            continue;

          up = g_hash_table_lookup (self->nodes, upstream);
          g_ptr_array_add (node->up, up);
          g_ptr_array_add (up->down, node);
        }
    }

  self->graph_valid = TRUE;

  return TRUE;
}

/**
 * _ts_runner_ensure_graph:
 *
 * Makes a node for every block and links each to the blocks its templates mention
 * and to the blocks that mention it. When the links changed, what each queued widget
 * waits for is worked out again from them.
 */
void
_ts_runner_ensure_graph (TsRunner *self)
{
  if (rebuild_graph (self))
    _ts_runner_mentions_changed (self);
}

/* Changes */

static gboolean
has_output (RunnerNode *node)
{
  TsOutput *output = ts_block_get_output (node->block);

  return output != NULL && !ts_output_is_empty (output);
}

static void
input_changed (TsRunner   *self,
               RunnerNode *node)
{
  _ts_runner_ensure_graph (self);
  _ts_runner_mark_downstream_stale (self, node);
}

static void
block_changed_cb (TsRunner     *self,
                  TsBlock      *block,
                  const char   *property,
                  TsPlayground *playground)
{
  static const char * const ignored[] = {
    "title", "column", "row", "column-span", "row-span", "placeholder", "multiline",
    "file-name", "file-size", NULL,
  };
  static const char * const templates[] = {
    "prompt", "negative-prompt", "system-prompt", "context", NULL,
  };
  TsBlockKind kind = ts_block_get_kind (block);
  RunnerNode *node;
  gboolean rebuilt;

  if (g_strv_contains (ignored, property))
    return;

  if (g_strv_contains (templates, property))
    self->graph_valid = FALSE;

  node = _ts_runner_get_node (self, block);

  if (g_str_equal (property, "output"))
    {
      /* A generative widget's new output is the runner's own doing, and it handles
       * what follows; an input's new output is new typed text. */
      if (kind == TS_BLOCK_KIND_INPUT)
        {
          watch_output (node);
          input_changed (self, node);
        }
      return;
    }

  if (kind == TS_BLOCK_KIND_INPUT && g_str_equal (property, "default-value"))
    {
      TsOutput *output = ts_block_get_output (block);

      if (output == NULL || ts_output_get_text (output)[0] == '\0')
        input_changed (self, node);
      return;
    }

  rebuilt = rebuild_graph (self);
  if (_ts_runner_block_is_generative (block))
    {
      if (node->state == TS_RUN_STATE_RUNNING)
        node->dirty = TRUE;
      else if (node->state != TS_RUN_STATE_QUEUED &&
               (node->state != TS_RUN_STATE_IDLE || has_output (node)))
        _ts_runner_set_state (self, node, TS_RUN_STATE_STALE);
    }
  _ts_runner_mark_downstream_stale (self, node);

  /* After the edit's own staleness, so that what the new mentions do to queued widgets
   * (a cycle fails them) stands. */
  if (rebuilt)
    _ts_runner_mentions_changed (self);
}

static void
setting_changed_cb (TsRunner   *self,
                    GParamSpec *pspec,
                    gpointer    playground)
{
  gboolean image = g_str_has_prefix (pspec->name, "image");
  GHashTableIter iter;
  RunnerNode *node;

  _ts_runner_ensure_graph (self);
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      TsBlockKind kind = ts_block_get_kind (node->block);
      TsField field = g_str_has_suffix (pspec->name, "provider") ? TS_FIELD_PROVIDER : TS_FIELD_MODEL;

      if (!_ts_runner_block_is_generative (node->block) ||
          (kind == TS_BLOCK_KIND_IMAGE) != image ||
          ts_block_get_string (node->block, field)[0] != '\0')
        continue;

      if (node->state == TS_RUN_STATE_RUNNING)
        node->dirty = TRUE;
      else if (node->state == TS_RUN_STATE_DONE ||
               (node->state == TS_RUN_STATE_IDLE && has_output (node)))
        {
          _ts_runner_set_state (self, node, TS_RUN_STATE_STALE);
          _ts_runner_mark_downstream_stale (self, node);
        }
    }
}

static void
items_changed_cb (TsRunner   *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *model)
{
  GHashTableIter iter;
  RunnerNode *node;

  self->graph_valid = FALSE;
  if (removed == 0)
    return;

  /* Forget removed blocks, cancelling what they were doing. */
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      if (ts_playground_find_block (self->playground, node->block, NULL))
        continue;

      ts_runner_cancel (self, node->block);
      if (node->queue != NULL)
        g_queue_unlink (node->queue, &node->ready_link);

      /* Neighbours must not point at a freed node before the graph is rebuilt. */
      for (guint i = 0; i < node->up->len; i++)
        g_ptr_array_remove (((RunnerNode *) g_ptr_array_index (node->up, i))->down, node);
      for (guint i = 0; i < node->down->len; i++)
        g_ptr_array_remove (((RunnerNode *) g_ptr_array_index (node->down, i))->up, node);
      g_hash_table_iter_remove (&iter);
    }
}

/**
 * _ts_runner_watch_playground:
 *
 * Follows the edits of the playground that make outputs stale, and its blocks coming
 * and going.
 */
void
_ts_runner_watch_playground (TsRunner *self)
{
  static const char * const signals_of_settings[] = {
    "notify::text-provider", "notify::text-model",
    "notify::image-provider", "notify::image-model",
  };

  g_signal_connect_object (self->playground, "block-changed",
                           G_CALLBACK (block_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playground, "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < G_N_ELEMENTS (signals_of_settings); i++)
    g_signal_connect_object (self->playground, signals_of_settings[i],
                             G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);

  _ts_runner_ensure_graph (self);
}
