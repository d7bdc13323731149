/* ts-runner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-core-enums.h"
#include "ts-runner-private.h"
#include "ts-utils.h"

/* The runner runs a playground's widgets against providers: in the order their
 * mentions give, independent ones side by side, each with its own state a GUI binds to.
 * This file holds the object, the per-block states, the mention graph and the tracking
 * of edits that make outputs stale; ts-runner-schedule.c runs things; and
 * ts-runner-request.c turns a block into a request and an answer into an output. */

G_DEFINE_QUARK (ts-runner-error-quark, ts_runner_error)

G_DEFINE_FINAL_TYPE (TsRunner, ts_runner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLAYGROUND,
  PROP_REGISTRY,
  PROP_CACHE,
  PROP_CONCURRENCY,
  PROP_AUTO_RUN,
  PROP_DEBOUNCE_MS,
  PROP_DEFAULT_TEXT_PROVIDER,
  PROP_DEFAULT_IMAGE_PROVIDER,
  PROP_BUSY,
  N_PROPS,
};

enum {
  STATE_CHANGED,
  CHUNK,
  PROGRESS,
  WIDGET_FINISHED,
  FINISHED,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

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

static void
node_free (gpointer data)
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

/**
 * _ts_runner_ensure_graph:
 *
 * Makes a node for every block and links each to the blocks its templates mention
 * and to the blocks that mention it.
 */
void
_ts_runner_ensure_graph (TsRunner *self)
{
  guint n = ts_playground_get_n_blocks (self->playground);
  GHashTableIter iter;
  RunnerNode *node;

  if (self->graph_valid)
    return;

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
    "file-name", NULL,
  };
  static const char * const templates[] = {
    "prompt", "negative-prompt", "system-prompt", "context", NULL,
  };
  TsBlockKind kind = ts_block_get_kind (block);
  RunnerNode *node;

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

  _ts_runner_ensure_graph (self);
  if (_ts_runner_block_is_generative (block))
    {
      if (node->state == TS_RUN_STATE_RUNNING)
        node->dirty = TRUE;
      else if (node->state != TS_RUN_STATE_QUEUED &&
               (node->state != TS_RUN_STATE_IDLE || has_output (node)))
        _ts_runner_set_state (self, node, TS_RUN_STATE_STALE);
    }
  _ts_runner_mark_downstream_stale (self, node);
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

/* The object */

static void
ts_runner_constructed (GObject *object)
{
  TsRunner *self = TS_RUNNER (object);

  G_OBJECT_CLASS (ts_runner_parent_class)->constructed (object);

  g_signal_connect_object (self->playground, "block-changed",
                           G_CALLBACK (block_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playground, "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const signals_of_settings[] = {
        "notify::text-provider", "notify::text-model",
        "notify::image-provider", "notify::image-model",
      };

      g_signal_connect_object (self->playground, signals_of_settings[i],
                               G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);
    }

  _ts_runner_ensure_graph (self);
}

static void
ts_runner_dispose (GObject *object)
{
  TsRunner *self = (TsRunner *) object;

  _ts_runner_abandon_all (self);
  if (self->settling != NULL)
    {
      GHashTableIter iter;
      RunnerJob *job;

      /* Jobs outlive their runner until their callbacks come. */
      g_hash_table_iter_init (&iter, self->settling);
      while (g_hash_table_iter_next (&iter, (gpointer *) &job, NULL))
        job->settling_in = NULL;
      g_clear_pointer (&self->settling, g_hash_table_unref);
    }
  g_clear_handle_id (&self->pump_id, g_source_remove);
  g_clear_handle_id (&self->debounce_id, g_source_remove);

  g_queue_init (&self->ready);
  g_queue_init (&self->slot_wait);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->models, g_hash_table_unref);
  g_clear_object (&self->cache);
  g_clear_object (&self->registry);
  g_clear_object (&self->playground);

  G_OBJECT_CLASS (ts_runner_parent_class)->dispose (object);
}

static void
ts_runner_finalize (GObject *object)
{
  TsRunner *self = (TsRunner *) object;

  g_clear_pointer (&self->default_text_provider, g_free);
  g_clear_pointer (&self->default_image_provider, g_free);

  G_OBJECT_CLASS (ts_runner_parent_class)->finalize (object);
}

static void
ts_runner_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TsRunner *self = TS_RUNNER (object);

  switch (prop_id)
    {
    case PROP_PLAYGROUND:
      g_value_set_object (value, self->playground);
      break;

    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;

    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;

    case PROP_CONCURRENCY:
      g_value_set_uint (value, self->concurrency);
      break;

    case PROP_AUTO_RUN:
      g_value_set_boolean (value, self->auto_run);
      break;

    case PROP_DEBOUNCE_MS:
      g_value_set_uint (value, self->debounce_ms);
      break;

    case PROP_DEFAULT_TEXT_PROVIDER:
      g_value_set_string (value, self->default_text_provider);
      break;

    case PROP_DEFAULT_IMAGE_PROVIDER:
      g_value_set_string (value, self->default_image_provider);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_runner_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TsRunner *self = TS_RUNNER (object);

  switch (prop_id)
    {
    case PROP_PLAYGROUND:
      self->playground = g_value_dup_object (value);
      break;

    case PROP_REGISTRY:
      self->registry = g_value_dup_object (value);
      break;

    case PROP_CACHE:
      ts_runner_set_cache (self, g_value_get_object (value));
      break;

    case PROP_CONCURRENCY:
      ts_runner_set_concurrency (self, g_value_get_uint (value));
      break;

    case PROP_AUTO_RUN:
      ts_runner_set_auto_run (self, g_value_get_boolean (value));
      break;

    case PROP_DEBOUNCE_MS:
      ts_runner_set_debounce_ms (self, g_value_get_uint (value));
      break;

    case PROP_DEFAULT_TEXT_PROVIDER:
      ts_runner_set_default_text_provider (self, g_value_get_string (value));
      break;

    case PROP_DEFAULT_IMAGE_PROVIDER:
      ts_runner_set_default_image_provider (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_runner_class_init (TsRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = ts_runner_constructed;
  object_class->dispose = ts_runner_dispose;
  object_class->finalize = ts_runner_finalize;
  object_class->get_property = ts_runner_get_property;
  object_class->set_property = ts_runner_set_property;

  properties[PROP_PLAYGROUND] =
    g_param_spec_object ("playground", NULL, NULL, TS_TYPE_PLAYGROUND,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, TS_TYPE_PROVIDER_REGISTRY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, TS_TYPE_CACHE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONCURRENCY] =
    g_param_spec_uint ("concurrency", NULL, NULL, 1, 64, TS_RUNNER_DEFAULT_CONCURRENCY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTO_RUN] =
    g_param_spec_boolean ("auto-run", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEBOUNCE_MS] =
    g_param_spec_uint ("debounce-ms", NULL, NULL, 0, 60000, TS_RUNNER_DEFAULT_DEBOUNCE_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFAULT_TEXT_PROVIDER] =
    g_param_spec_string ("default-text-provider", NULL, NULL, TS_RUNNER_DEFAULT_TEXT_PROVIDER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFAULT_IMAGE_PROVIDER] =
    g_param_spec_string ("default-image-provider", NULL, NULL, TS_RUNNER_DEFAULT_IMAGE_PROVIDER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * TsRunner:busy:
   *
   * Whether any widget is queued or running.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TsRunner::state-changed:
   * @block: the widget
   * @state: its new #TsRunState
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, TS_TYPE_BLOCK, TS_TYPE_RUN_STATE);

  /**
   * TsRunner::chunk:
   * @block: the widget
   * @chunk: the next piece of streamed text, in order
   */
  signals[CHUNK] =
    g_signal_new ("chunk", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, TS_TYPE_BLOCK, G_TYPE_STRING);

  /**
   * TsRunner::progress:
   * @block: the widget
   * @fraction: from 0 to 1
   */
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, TS_TYPE_BLOCK, G_TYPE_DOUBLE);

  /**
   * TsRunner::widget-finished:
   * @block: the widget
   * @record: the #TsRunRecord of the run that ended, whatever its outcome
   */
  signals[WIDGET_FINISHED] =
    g_signal_new ("widget-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, TS_TYPE_BLOCK, TS_TYPE_RUN_RECORD);

  /**
   * TsRunner::finished:
   *
   * Emitted when the last queued or running widget ended.
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ts_runner_init (TsRunner *self)
{
  self->nodes = g_hash_table_new_full (NULL, NULL, NULL, node_free);
  self->settling = g_hash_table_new (NULL, NULL);
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, _ts_runner_models_query_free);
  self->concurrency = TS_RUNNER_DEFAULT_CONCURRENCY;
  self->debounce_ms = TS_RUNNER_DEFAULT_DEBOUNCE_MS;
  self->default_text_provider = g_strdup (TS_RUNNER_DEFAULT_TEXT_PROVIDER);
  self->default_image_provider = g_strdup (TS_RUNNER_DEFAULT_IMAGE_PROVIDER);
}

/**
 * ts_runner_new:
 * @playground: the playground to run
 * @registry: the providers to run it on
 *
 * Returns: (transfer full): a new runner, without a cache
 */
TsRunner *
ts_runner_new (TsPlayground       *playground,
               TsProviderRegistry *registry)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), NULL);
  g_return_val_if_fail (TS_IS_PROVIDER_REGISTRY (registry), NULL);

  return g_object_new (TS_TYPE_RUNNER, "playground", playground, "registry", registry, NULL);
}

/* Signals, for the other files */

void
_ts_runner_emit_state_changed (TsRunner   *self,
                               TsBlock    *block,
                               TsRunState  state)
{
  g_signal_emit (self, signals[STATE_CHANGED], 0, block, state);
}

void
_ts_runner_emit_chunk (TsRunner   *self,
                       TsBlock    *block,
                       const char *chunk)
{
  g_signal_emit (self, signals[CHUNK], 0, block, chunk);
}

void
_ts_runner_emit_progress (TsRunner *self,
                          TsBlock  *block,
                          double    fraction)
{
  g_signal_emit (self, signals[PROGRESS], 0, block, fraction);
}

void
_ts_runner_emit_widget_finished (TsRunner    *self,
                                 TsBlock     *block,
                                 TsRunRecord *record)
{
  g_signal_emit (self, signals[WIDGET_FINISHED], 0, block, record);
}

void
_ts_runner_emit_finished (TsRunner *self)
{
  if (self->busy && self->n_active == 0)
    {
      self->busy = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      g_signal_emit (self, signals[FINISHED], 0);
    }
  else if (!self->busy && self->n_active > 0)
    {
      self->busy = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
}

/* Properties */

TsPlayground *
ts_runner_get_playground (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);

  return self->playground;
}

TsProviderRegistry *
ts_runner_get_registry (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);

  return self->registry;
}

/**
 * ts_runner_get_cache:
 *
 * Returns: (transfer none) (nullable): the output cache
 */
TsCache *
ts_runner_get_cache (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);

  return self->cache;
}

/**
 * ts_runner_set_cache:
 * @cache: (nullable): an output cache, or %NULL to always ask the providers
 */
void
ts_runner_set_cache (TsRunner *self,
                     TsCache  *cache)
{
  g_return_if_fail (TS_IS_RUNNER (self));
  g_return_if_fail (cache == NULL || TS_IS_CACHE (cache));

  if (g_set_object (&self->cache, cache))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHE]);
}

guint
ts_runner_get_concurrency (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), 0);

  return self->concurrency;
}

/**
 * ts_runner_set_concurrency:
 * @concurrency: the most requests in flight at once, from 1 to 64
 */
void
ts_runner_set_concurrency (TsRunner *self,
                           guint     concurrency)
{
  g_return_if_fail (TS_IS_RUNNER (self));
  g_return_if_fail (concurrency >= 1 && concurrency <= 64);

  if (self->concurrency == concurrency)
    return;

  self->concurrency = concurrency;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONCURRENCY]);
  _ts_runner_schedule_pump (self);
}

gboolean
ts_runner_get_auto_run (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), FALSE);

  return self->auto_run;
}

/**
 * ts_runner_set_auto_run:
 * @auto_run: whether to re-run stale widgets, a debounce delay after the last change
 */
void
ts_runner_set_auto_run (TsRunner *self,
                        gboolean  auto_run)
{
  g_return_if_fail (TS_IS_RUNNER (self));

  auto_run = !!auto_run;
  if (self->auto_run == auto_run)
    return;

  self->auto_run = auto_run;
  if (!auto_run)
    g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RUN]);
}

guint
ts_runner_get_debounce_ms (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), 0);

  return self->debounce_ms;
}

void
ts_runner_set_debounce_ms (TsRunner *self,
                           guint     debounce_ms)
{
  g_return_if_fail (TS_IS_RUNNER (self));

  if (self->debounce_ms == debounce_ms)
    return;

  self->debounce_ms = debounce_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEBOUNCE_MS]);
}

const char *
ts_runner_get_default_text_provider (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);

  return self->default_text_provider;
}

void
ts_runner_set_default_text_provider (TsRunner   *self,
                                     const char *provider)
{
  g_return_if_fail (TS_IS_RUNNER (self));

  if (ts_set_str (&self->default_text_provider, provider))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_TEXT_PROVIDER]);
}

const char *
ts_runner_get_default_image_provider (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);

  return self->default_image_provider;
}

void
ts_runner_set_default_image_provider (TsRunner   *self,
                                      const char *provider)
{
  g_return_if_fail (TS_IS_RUNNER (self));

  if (ts_set_str (&self->default_image_provider, provider))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_IMAGE_PROVIDER]);
}

gboolean
ts_runner_get_busy (TsRunner *self)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), FALSE);

  return self->busy;
}

/* Provider and model */

/**
 * _ts_runner_lookup_provider:
 * @provider_id: (out): the id resolved
 *
 * The block's provider, else the playground's for its kind, else the runner's default.
 *
 * Returns: (transfer none) (nullable): the provider, or %NULL with @error set
 */
TsProvider *
_ts_runner_lookup_provider (TsRunner    *self,
                            TsBlock     *block,
                            char       **provider_id,
                            GError     **error)
{
  gboolean image = ts_block_get_kind (block) == TS_BLOCK_KIND_IMAGE;
  const char *id = ts_block_get_string (block, TS_FIELD_PROVIDER);
  TsProvider *provider;

  if (id[0] == '\0')
    id = ts_playground_get_setting (self->playground, image ? "image-provider" : "text-provider");
  if (id[0] == '\0')
    id = image ? self->default_image_provider : self->default_text_provider;
  if (id == NULL || id[0] == '\0')
    {
      g_set_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_SETUP,
                   _("no provider chosen for “%s”"), ts_block_get_title (block));
      return NULL;
    }

  provider = ts_provider_registry_lookup (self->registry, id);
  if (provider == NULL)
    {
      g_set_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_SETUP,
                   _("the provider “%s” chosen for “%s” is not available"),
                   id, ts_block_get_title (block));
      return NULL;
    }

  *provider_id = g_strdup (id);
  return provider;
}

const char *
_ts_runner_resolve_model (TsRunner *self,
                          TsBlock  *block)
{
  gboolean image = ts_block_get_kind (block) == TS_BLOCK_KIND_IMAGE;
  const char *model = ts_block_get_string (block, TS_FIELD_MODEL);

  if (model[0] == '\0')
    model = ts_playground_get_setting (self->playground, image ? "image-model" : "text-model");

  return model;
}

/* States */

const char *
ts_run_state_to_string (TsRunState state)
{
  static const char * const names[] = {
    "idle", "queued", "running", "done", "stale", "failed", "waiting", "cancelled",
  };

  g_return_val_if_fail (state < G_N_ELEMENTS (names), NULL);

  return names[state];
}

static RunnerNode *
lookup_node (TsRunner *self,
             TsBlock  *block)
{
  return g_hash_table_lookup (self->nodes, block);
}

TsRunState
ts_runner_get_state (TsRunner *self,
                     TsBlock  *block)
{
  RunnerNode *node;

  g_return_val_if_fail (TS_IS_RUNNER (self), TS_RUN_STATE_IDLE);
  g_return_val_if_fail (TS_IS_BLOCK (block), TS_RUN_STATE_IDLE);

  node = lookup_node (self, block);
  return node != NULL ? node->state : TS_RUN_STATE_IDLE;
}

/**
 * ts_runner_get_error:
 *
 * Returns: (transfer none) (nullable): why the last run of @block failed or was
 *   cancelled
 */
const GError *
ts_runner_get_error (TsRunner *self,
                     TsBlock  *block)
{
  RunnerNode *node;

  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);

  node = lookup_node (self, block);
  return node != NULL ? node->error : NULL;
}

/**
 * ts_runner_get_waiting_on:
 *
 * Returns: (transfer none) (nullable): for a waiting widget, the failed widget it
 *   depends on
 */
TsBlock *
ts_runner_get_waiting_on (TsRunner *self,
                          TsBlock  *block)
{
  RunnerNode *node;

  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);

  node = lookup_node (self, block);
  if (node == NULL || node->state != TS_RUN_STATE_WAITING || node->waiting_on == NULL)
    return NULL;

  return ts_playground_lookup_block (self->playground, node->waiting_on);
}

/**
 * ts_runner_dup_status:
 *
 * Returns: (transfer full): the state of @block in words, such as "waiting on Story"
 *   or a failed run's error
 */
char *
ts_runner_dup_status (TsRunner *self,
                      TsBlock  *block)
{
  RunnerNode *node;
  TsBlock *blocker;

  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);

  node = lookup_node (self, block);
  switch (node != NULL ? node->state : TS_RUN_STATE_IDLE)
    {
    case TS_RUN_STATE_QUEUED:
      return g_strdup (_("queued"));
    case TS_RUN_STATE_RUNNING:
      return g_strdup (_("running"));
    case TS_RUN_STATE_DONE:
      return g_strdup (_("done"));
    case TS_RUN_STATE_STALE:
      return g_strdup (_("out of date"));
    case TS_RUN_STATE_FAILED:
      return g_strdup (node->error != NULL ? node->error->message : _("failed"));
    case TS_RUN_STATE_WAITING:
      blocker = ts_runner_get_waiting_on (self, block);
      return g_strdup_printf (_("waiting on %s"),
                              blocker != NULL ? ts_block_get_title (blocker) : _("a removed widget"));
    case TS_RUN_STATE_CANCELLED:
      return g_strdup (_("cancelled"));
    case TS_RUN_STATE_IDLE:
    default:
      return g_strdup (_("idle"));
    }
}

/**
 * ts_runner_get_record:
 *
 * Returns: (transfer none) (nullable): the record of the last run of @block
 */
TsRunRecord *
ts_runner_get_record (TsRunner *self,
                      TsBlock  *block)
{
  RunnerNode *node;

  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);

  node = lookup_node (self, block);
  return node != NULL ? node->record : NULL;
}

/**
 * ts_runner_dup_value:
 *
 * Returns: (transfer full): the text a mention of @block stands for right now
 */
char *
ts_runner_dup_value (TsRunner *self,
                     TsBlock  *block)
{
  g_return_val_if_fail (TS_IS_RUNNER (self), NULL);
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);

  return _ts_runner_dup_value (self, block);
}
