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
 * This file holds the object and its public state; ts-runner-graph.c the mention graph
 * and the edits that make outputs stale; ts-runner-schedule.c what runs when;
 * ts-runner-job.c one widget's run; and ts-runner-request.c turns a block into a
 * request and an answer into an output. */

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

/* The object */

static void
ts_runner_constructed (GObject *object)
{
  TsRunner *self = TS_RUNNER (object);

  G_OBJECT_CLASS (ts_runner_parent_class)->constructed (object);

  _ts_runner_watch_playground (self);
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
  self->nodes = g_hash_table_new_full (NULL, NULL, NULL, _ts_runner_node_free);
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
