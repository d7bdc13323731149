/* fake-provider.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fake-provider.h"
#include "ts-template.h"

/* A scripted provider for tests and benchmarks only, never linked into the app. It
 * answers on the caller's thread-default main context with GLib timeouts (no threads),
 * streams the chunks it is given, fails as told, and counts what it was asked, how many
 * requests were in flight at once, and when each started and ended. */

static const guchar fake_png_data[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
  0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
  0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78,
  0x9c, 0x63, 0xf8, 0xdf, 0xc0, 0x00, 0x00, 0x04, 0x01, 0x01, 0x80, 0xc5, 0x2a, 0x18,
  0x5d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

struct _TsFakeProvider
{
  TsProvider     parent_instance;

  GHashTable    *by_model;      /* model → TsFakeScript */
  GPtrArray     *by_prompt;     /* of PromptScript, in the order added */
  GPtrArray     *models;        /* of TsModelInfo */
  GPtrArray     *calls;         /* of TsFakeCall */
  guint          n_list_calls;
  guint          in_flight;
  guint          max_in_flight;
  TsTextRequest *last_text;
};

G_DEFINE_FINAL_TYPE (TsFakeProvider, ts_fake_provider, TS_TYPE_PROVIDER)

typedef struct
{
  char         *piece;
  TsFakeScript *script;
} PromptScript;

typedef struct
{
  TsFakeProvider  *self;
  GTask           *task;
  GMainContext    *context;
  GSource         *timer;
  GSource         *cancel_source;
  TsFakeCall      *call;
  const TsFakeScript *script;
  char           **chunks;
  guint            next_chunk;
  GString         *text;
  TsTextChunkFunc  chunk_func;
  TsProgressFunc   progress_func;
  gpointer         func_data;
  TsImageRequest  *image;
} Op;

GBytes *
ts_fake_png (void)
{
  return g_bytes_new_static (fake_png_data, sizeof fake_png_data);
}

static TsFakeScript *
script_new (void)
{
  TsFakeScript *script = g_new0 (TsFakeScript, 1);

  script->seed = 4242;
  script->input_tokens = 11;
  script->output_tokens = 7;

  return script;
}

static void
script_free (gpointer data)
{
  TsFakeScript *script = data;

  g_strfreev (script->chunks);
  g_free (script->fail_message);
  g_clear_pointer (&script->image, g_bytes_unref);
  g_free (script);
}

static void
prompt_script_free (gpointer data)
{
  PromptScript *entry = data;

  g_free (entry->piece);
  script_free (entry->script);
  g_free (entry);
}

static void
call_free (gpointer data)
{
  TsFakeCall *call = data;

  g_free (call->model);
  g_free (call->prompt);
  g_free (call);
}

static const TsFakeScript *
find_script (TsFakeProvider *self,
             const char     *model,
             const char     *prompt)
{
  static TsFakeScript defaults = { .seed = 4242, .input_tokens = 11, .output_tokens = 7 };
  TsFakeScript *script;

  for (guint i = 0; i < self->by_prompt->len; i++)
    {
      PromptScript *entry = g_ptr_array_index (self->by_prompt, i);

      if (strstr (prompt, entry->piece) != NULL)
        return entry->script;
    }

  script = g_hash_table_lookup (self->by_model, model);
  return script != NULL ? script : &defaults;
}

/* Operations */

static void
op_free (Op *op)
{
  if (op->timer != NULL)
    {
      g_source_destroy (op->timer);
      g_source_unref (op->timer);
    }
  if (op->cancel_source != NULL)
    {
      g_source_destroy (op->cancel_source);
      g_source_unref (op->cancel_source);
    }
  g_strfreev (op->chunks);
  if (op->text != NULL)
    g_string_free (op->text, TRUE);
  g_clear_pointer (&op->image, ts_image_request_unref);
  g_main_context_unref (op->context);
  g_object_unref (op->self);
  g_free (op);
}

static void
op_end (Op *op)
{
  op->self->in_flight--;
  op->call->end_us = g_get_monotonic_time ();
}

static void
op_return (Op *op)
{
  GTask *task = op->task;
  const TsFakeScript *script = op->script;

  op_end (op);

  if (script->fail)
    g_task_return_new_error (task, TS_PROVIDER_ERROR, script->fail_code, "%s",
                             script->fail_message != NULL ? script->fail_message : "scripted failure");
  else if (op->image != NULL)
    {
      TsImageResult *result = ts_image_result_new ();
      g_autoptr(GBytes) png = script->image != NULL ? g_bytes_ref (script->image) : ts_fake_png ();

      for (gint64 i = 0; i < op->image->count; i++)
        ts_image_result_add (result, png,
                             op->image->seed != TS_SEED_RANDOM ? op->image->seed + i
                                                               : (script->seed != TS_SEED_RANDOM ? script->seed + i
                                                                                                  : TS_SEED_RANDOM));
      g_task_return_pointer (task, result, (GDestroyNotify) ts_image_result_free);
    }
  else
    {
      TsTextResult *result = ts_text_result_new ();

      g_free (result->text);
      result->text = g_strdup (op->text->str);
      result->finish_reason = g_strdup ("stop");
      result->input_tokens = script->input_tokens;
      result->output_tokens = script->output_tokens;
      g_task_return_pointer (task, result, (GDestroyNotify) ts_text_result_free);
    }

  op->task = NULL;
  op_free (op);
  g_object_unref (task);
}

static gboolean step_cb (gpointer data);

static void
arm (Op    *op,
     guint  delay_ms)
{
  if (op->timer != NULL)
    g_source_unref (op->timer);

  op->timer = delay_ms > 0 ? g_timeout_source_new (delay_ms) : g_idle_source_new ();
  g_source_set_callback (op->timer, step_cb, op, NULL);
  g_source_attach (op->timer, op->context);
}

static gboolean
step_cb (gpointer data)
{
  Op *op = data;

  if (op->chunks != NULL && op->chunks[op->next_chunk] != NULL)
    {
      const char *chunk = op->chunks[op->next_chunk++];

      g_string_append (op->text, chunk);
      if (op->chunk_func != NULL)
        op->chunk_func (chunk, op->func_data);

      if (op->chunks[op->next_chunk] != NULL)
        {
          arm (op, op->script->chunk_delay_ms);
          return G_SOURCE_REMOVE;
        }
    }
  else if (op->progress_func != NULL)
    op->progress_func (1.0, op->func_data);

  /* The source is destroyed with the operation; it must not be removed twice. */
  g_source_unref (op->timer);
  op->timer = NULL;
  op_return (op);

  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      data)
{
  Op *op = data;
  GTask *task = op->task;

  g_source_unref (op->cancel_source);
  op->cancel_source = NULL;

  op_end (op);
  op->call->cancelled = TRUE;
  g_task_return_new_error (task, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_CANCELLED, "cancelled");
  op->task = NULL;
  op_free (op);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static Op *
op_new (TsFakeProvider      *self,
        const char          *model,
        const char          *prompt,
        guint                n_images,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data,
        gpointer             source_tag)
{
  Op *op = g_new0 (Op, 1);
  TsFakeCall *call = g_new0 (TsFakeCall, 1);

  call->model = g_strdup (model);
  call->prompt = g_strdup (prompt);
  call->n_images = n_images;
  call->start_us = g_get_monotonic_time ();
  g_ptr_array_add (self->calls, call);

  self->in_flight++;
  self->max_in_flight = MAX (self->max_in_flight, self->in_flight);

  op->self = g_object_ref (self);
  op->call = call;
  op->script = find_script (self, model, prompt);
  op->context = g_main_context_ref_thread_default ();
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, source_tag);
  g_task_set_check_cancellable (op->task, FALSE);

  if (cancellable != NULL)
    {
      op->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (op->cancel_source, (GSourceFunc) (void (*) (void)) cancelled_cb, op, NULL);
      g_source_attach (op->cancel_source, op->context);
    }

  return op;
}

static void
ts_fake_provider_generate_text_async (TsProvider          *provider,
                                      TsTextRequest       *request,
                                      TsTextChunkFunc      chunk_func,
                                      gpointer             chunk_data,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  TsFakeProvider *self = TS_FAKE_PROVIDER (provider);
  TsMessage *last = g_ptr_array_index (request->messages, request->messages->len - 1);
  Op *op;

  g_clear_pointer (&self->last_text, ts_text_request_unref);
  self->last_text = ts_text_request_ref (request);

  op = op_new (self, request->model, last->text, last->images->len, cancellable, callback,
               user_data, ts_fake_provider_generate_text_async);
  op->chunk_func = chunk_func;
  op->func_data = chunk_data;
  op->text = g_string_new (NULL);

  if (op->script->chunks != NULL)
    op->chunks = g_strdupv (op->script->chunks);
  else
    {
      g_autofree char *head = g_strdup_printf ("[%s] ", request->model);

      op->chunks = last->text[0] != '\0' ? g_strdupv ((char *[]) { head, last->text, NULL })
                                         : g_strdupv ((char *[]) { head, NULL });
    }

  arm (op, op->script->delay_ms);
}

static void
ts_fake_provider_generate_image_async (TsProvider          *provider,
                                       TsImageRequest      *request,
                                       TsProgressFunc       progress_func,
                                       gpointer             progress_data,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  TsFakeProvider *self = TS_FAKE_PROVIDER (provider);
  Op *op = op_new (self, request->model, request->prompt, 0, cancellable, callback,
                   user_data, ts_fake_provider_generate_image_async);

  op->image = ts_image_request_ref (request);
  op->progress_func = progress_func;
  op->func_data = progress_data;

  arm (op, op->script->delay_ms);
}

static gboolean
list_cb (gpointer data)
{
  GTask *task = data;
  TsFakeProvider *self = g_task_get_source_object (task);
  GPtrArray *models = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_info_free);

  for (guint i = 0; i < self->models->len; i++)
    {
      TsModelInfo *info = g_ptr_array_index (self->models, i);

      g_ptr_array_add (models, ts_model_info_new (info->id, info->name, info->capabilities));
    }

  g_task_return_pointer (task, models, (GDestroyNotify) g_ptr_array_unref);
  return G_SOURCE_REMOVE;
}

static void
ts_fake_provider_list_models_async (TsProvider          *provider,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  TsFakeProvider *self = TS_FAKE_PROVIDER (provider);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GSource) idle = g_idle_source_new ();

  self->n_list_calls++;
  g_task_set_source_tag (task, ts_fake_provider_list_models_async);
  g_source_set_callback (idle, list_cb, task, g_object_unref);
  g_source_attach (idle, g_main_context_get_thread_default ());
}

static void
ts_fake_provider_finalize (GObject *object)
{
  TsFakeProvider *self = (TsFakeProvider *) object;

  g_clear_pointer (&self->by_model, g_hash_table_unref);
  g_clear_pointer (&self->by_prompt, g_ptr_array_unref);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_pointer (&self->calls, g_ptr_array_unref);
  g_clear_pointer (&self->last_text, ts_text_request_unref);

  G_OBJECT_CLASS (ts_fake_provider_parent_class)->finalize (object);
}

static void
ts_fake_provider_class_init (TsFakeProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  TsProviderClass *provider_class = TS_PROVIDER_CLASS (klass);

  object_class->finalize = ts_fake_provider_finalize;
  provider_class->list_models_async = ts_fake_provider_list_models_async;
  provider_class->generate_text_async = ts_fake_provider_generate_text_async;
  provider_class->generate_image_async = ts_fake_provider_generate_image_async;
}

static void
ts_fake_provider_init (TsFakeProvider *self)
{
  self->by_model = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, script_free);
  self->by_prompt = g_ptr_array_new_with_free_func (prompt_script_free);
  self->models = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_info_free);
  self->calls = g_ptr_array_new_with_free_func (call_free);
}

TsFakeProvider *
ts_fake_provider_new (const char *id)
{
  return g_object_new (TS_TYPE_FAKE_PROVIDER, "id", id, "display-name", id, NULL);
}

/**
 * ts_fake_provider_script_model:
 *
 * Returns: (transfer none): the script for requests to @model, made on first use
 */
TsFakeScript *
ts_fake_provider_script_model (TsFakeProvider *self,
                               const char     *model)
{
  TsFakeScript *script = g_hash_table_lookup (self->by_model, model);

  if (script == NULL)
    {
      script = script_new ();
      g_hash_table_insert (self->by_model, g_strdup (model), script);
    }

  return script;
}

/**
 * ts_fake_provider_script_prompt:
 *
 * Returns: (transfer none): the script for requests whose prompt contains @piece; it
 *   wins over a model's script
 */
TsFakeScript *
ts_fake_provider_script_prompt (TsFakeProvider *self,
                                const char     *piece)
{
  PromptScript *entry = g_new0 (PromptScript, 1);

  entry->piece = g_strdup (piece);
  entry->script = script_new ();
  g_ptr_array_add (self->by_prompt, entry);

  return entry->script;
}

void
ts_fake_script_set_chunks (TsFakeScript *script,
                           const char   *first,
                           ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  va_list args;

  va_start (args, first);
  for (const char *chunk = first; chunk != NULL; chunk = va_arg (args, const char *))
    g_strv_builder_add (builder, chunk);
  va_end (args);

  g_strfreev (script->chunks);
  script->chunks = g_strv_builder_end (builder);
}

void
ts_fake_script_set_failure (TsFakeScript    *script,
                            TsProviderError  code,
                            const char      *message)
{
  script->fail = TRUE;
  script->fail_code = code;
  g_free (script->fail_message);
  script->fail_message = g_strdup (message);
}

void
ts_fake_provider_add_model (TsFakeProvider      *self,
                            const char          *id,
                            TsModelCapabilities  capabilities)
{
  g_ptr_array_add (self->models, ts_model_info_new (id, NULL, capabilities));
}

/**
 * ts_fake_provider_get_calls:
 *
 * Returns: (transfer none) (element-type TsFakeCall): the generation requests, in the
 *   order they came
 */
GPtrArray *
ts_fake_provider_get_calls (TsFakeProvider *self)
{
  return self->calls;
}

guint
ts_fake_provider_get_n_calls (TsFakeProvider *self)
{
  return self->calls->len;
}

guint
ts_fake_provider_get_n_list_calls (TsFakeProvider *self)
{
  return self->n_list_calls;
}

guint
ts_fake_provider_get_in_flight (TsFakeProvider *self)
{
  return self->in_flight;
}

guint
ts_fake_provider_get_max_in_flight (TsFakeProvider *self)
{
  return self->max_in_flight;
}

/* Forgets the calls made so far; scripts stay. Only while nothing is in flight. */
void
ts_fake_provider_reset (TsFakeProvider *self)
{
  g_assert (self->in_flight == 0);

  g_ptr_array_set_size (self->calls, 0);
  self->max_in_flight = 0;
  self->n_list_calls = 0;
}

/**
 * ts_fake_provider_get_last_text:
 *
 * Returns: (transfer none) (nullable): the last text request
 */
TsTextRequest *
ts_fake_provider_get_last_text (TsFakeProvider *self)
{
  return self->last_text;
}

/* Test support */

/**
 * ts_fake_add_block:
 * @prompt: (nullable): the prompt, where `{Title}` mentions the widget of that title
 *
 * Adds a block of @kind titled @title, with the text model "m" (text widgets) or the
 * image model "p" (image widgets) so it can run.
 *
 * Returns: (transfer none): the block
 */
TsBlock *
ts_fake_add_block (TsPlayground *playground,
                   TsBlockKind   kind,
                   const char   *title,
                   const char   *prompt)
{
  TsBlock *block = ts_playground_add_block (playground, kind);

  ts_block_set_title (block, title);
  if (kind == TS_BLOCK_KIND_TEXT || kind == TS_BLOCK_KIND_CHAT)
    ts_block_set_string (block, TS_FIELD_MODEL, "m");
  else if (kind == TS_BLOCK_KIND_IMAGE)
    ts_block_set_string (block, TS_FIELD_MODEL, "p");

  if (prompt != NULL)
    {
      g_autoptr(GString) tmpl = g_string_new (NULL);
      TsField field = kind == TS_BLOCK_KIND_CHAT ? TS_FIELD_CONTEXT : TS_FIELD_PROMPT;

      for (const char *p = prompt; *p != '\0'; p++)
        {
          const char *end;

          if (*p == '{' && (end = strchr (p, '}')) != NULL)
            {
              g_autofree char *name = g_strndup (p + 1, end - p - 1);
              TsBlock *other = ts_playground_find_block_by_title (playground, name);
              g_autofree char *mention = NULL;

              g_assert (other != NULL);
              mention = ts_template_mention (ts_block_get_id (other));
              g_string_append (tmpl, mention);
              p = end;
            }
          else
            g_string_append_c (tmpl, *p);
        }

      ts_block_set_string (block, field, tmpl->str);
    }

  return block;
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
finished_cb (TsRunner *runner,
             gboolean *finished)
{
  *finished = TRUE;
}

/* Iterates the main context until @runner says it finished; FALSE on a timeout. */
gboolean
ts_fake_wait_finished (TsRunner *runner,
                       guint     timeout_ms)
{
  gboolean finished = FALSE;
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);
  gulong handler = g_signal_connect (runner, "finished", G_CALLBACK (finished_cb), &finished);

  while (!finished && !timed_out && ts_runner_get_busy (runner))
    g_main_context_iteration (NULL, TRUE);

  g_signal_handler_disconnect (runner, handler);
  if (!timed_out)
    g_source_remove (timeout_id);

  return !timed_out;
}

/* Iterates the main context until no request is in flight; FALSE on a timeout. */
gboolean
ts_fake_wait_idle (TsFakeProvider *self,
                   guint           timeout_ms)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (self->in_flight > 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  /* Let the completions that were queued run too. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (!timed_out)
    g_source_remove (timeout_id);

  return !timed_out;
}
