/* ts-runner-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-runner-private.h"
#include "ts-template.h"

/* Turning a block into a request: the value each mentioned widget stands for, the
 * rendered templates, the images that go with a text request, the cache key, the run
 * record's parameters; and turning an answer (from a provider or the cache) into the
 * block's output. */

gboolean
_ts_runner_block_is_generative (TsBlock *block)
{
  TsBlockKind kind = ts_block_get_kind (block);

  return kind == TS_BLOCK_KIND_TEXT || kind == TS_BLOCK_KIND_IMAGE;
}

static char *
dup_document_text (TsBlock *block)
{
  const char *content = ts_block_get_string (block, TS_FIELD_CONTENT);
  glong n_chars;
  const char *end;

  /* Characters are never fewer than bytes: short texts need no counting. */
  if (strlen (content) <= TS_RUNNER_DOCUMENT_MAX_CHARS)
    return g_strdup (content);

  n_chars = g_utf8_strlen (content, -1);
  if (n_chars <= TS_RUNNER_DOCUMENT_MAX_CHARS)
    return g_strdup (content);

  end = g_utf8_offset_to_pointer (content, TS_RUNNER_DOCUMENT_MAX_CHARS);
  return g_strdup_printf (_("%.*s\n\n[… document “%s” truncated: %d of %ld characters shown]"),
                          (int) (end - content), content, ts_block_get_title (block),
                          TS_RUNNER_DOCUMENT_MAX_CHARS, n_chars);
}

/**
 * _ts_runner_dup_value:
 *
 * The text a mention of @block stands for: an input's typed value (the text of its
 * output) or else its default; a static text's content; a document's text, capped; a
 * text widget's output; a chat's last answer. Images have no text value.
 */
char *
_ts_runner_dup_value (TsRunner *self,
                      TsBlock  *block)
{
  TsOutput *output = ts_block_get_output (block);

  switch (ts_block_get_kind (block))
    {
    case TS_BLOCK_KIND_INPUT:
      if (output != NULL && ts_output_get_text (output)[0] != '\0')
        return g_strdup (ts_output_get_text (output));
      return g_strdup (ts_block_get_string (block, TS_FIELD_DEFAULT_VALUE));

    case TS_BLOCK_KIND_STATIC_TEXT:
      return g_strdup (ts_block_get_string (block, TS_FIELD_CONTENT));

    case TS_BLOCK_KIND_DOCUMENT:
      return dup_document_text (block);

    case TS_BLOCK_KIND_TEXT:
      return g_strdup (output != NULL ? ts_output_get_text (output) : "");

    case TS_BLOCK_KIND_CHAT:
      for (guint i = output != NULL ? ts_output_get_n_messages (output) : 0; i > 0; i--)
        {
          TsChatRole role;
          const char *text = ts_output_get_message (output, i - 1, &role);

          if (role == TS_CHAT_ROLE_ASSISTANT)
            return g_strdup (text);
        }
      return g_strdup ("");

    case TS_BLOCK_KIND_IMAGE:
    default:
      return g_strdup ("");
    }
}

/* Rendering */

typedef struct
{
  TsRunner   *runner;
  TsBlock    *block;
  gboolean    images_allowed;
  GPtrArray  *values;        /* keeps returned strings alive */
  GPtrArray  *images;        /* of GBytes */
  GString    *image_sources;
  TsBlock    *refused_image; /* an image mentioned where none may go */
  GHashTable *seen_images;
} Render;

static const char *
lookup_cb (const char *id,
           gpointer    user_data)
{
  Render *render = user_data;
  TsBlock *block = ts_playground_lookup_block (ts_runner_get_playground (render->runner), id);
  char *value;

  if (block == NULL)
    return NULL;

  if (ts_block_get_kind (block) == TS_BLOCK_KIND_IMAGE)
    {
      TsOutput *output = ts_block_get_output (block);

      if (!render->images_allowed)
        {
          render->refused_image = block;
          return "";
        }

      if (g_hash_table_add (render->seen_images, block) && output != NULL)
        {
          for (guint i = 0; i < ts_output_get_n_images (output); i++)
            g_ptr_array_add (render->images, g_bytes_ref (ts_output_get_image (output, i, NULL)));
          if (render->image_sources->len > 0)
            g_string_append (render->image_sources, ", ");
          g_string_append_printf (render->image_sources, "“%s”", ts_block_get_title (block));
        }

      value = g_strdup_printf (_("[image: %s]"), ts_block_get_title (block));
    }
  else
    value = _ts_runner_dup_value (render->runner, block);

  g_ptr_array_add (render->values, value);
  return value;
}

static char *
render_field (Render   *render,
              TsField   field,
              GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text;

  text = ts_template_render (ts_block_get_string (render->block, field), lookup_cb, render,
                             &local_error);
  if (text == NULL)
    {
      g_set_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_SETUP, "%s: %s",
                   ts_field_get_info (field)->key, local_error->message);
      return NULL;
    }

  if (render->refused_image != NULL)
    {
      g_set_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_SETUP,
                   _("“%s” is an image: an image widget's prompt can only mention text"),
                   ts_block_get_title (render->refused_image));
      g_free (text);
      return NULL;
    }

  return text;
}

static void
render_clear (Render *render)
{
  g_ptr_array_unref (render->values);
  g_ptr_array_unref (render->images);
  g_string_free (render->image_sources, TRUE);
  g_hash_table_unref (render->seen_images);
}

/* Requests */

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

static char **
dup_stop (TsBlock *block)
{
  const char * const *stop = ts_block_get_strv (block, TS_FIELD_STOP_SEQUENCES);

  if (stop == NULL || stop[0] == NULL)
    return NULL;

  return g_strdupv ((char **) stop);
}

static void
set_sampling (TsTextRequest *request,
              TsBlock       *block)
{
  request->temperature = ts_block_get_double (block, TS_FIELD_TEMPERATURE);
  request->top_p = ts_block_get_double (block, TS_FIELD_TOP_P);
  request->max_tokens = ts_block_get_int (block, TS_FIELD_MAX_TOKENS);
  request->stop = dup_stop (block);
}

static TsMessage *
user_message (const char *text,
              Render     *render)
{
  TsMessage *message = ts_message_new (TS_CHAT_ROLE_USER, text);

  for (guint i = 0; i < render->images->len; i++)
    ts_message_add_image (message, g_ptr_array_index (render->images, i));

  return message;
}

static TsTextRequest *
build_text (Render      *render,
            const char  *model,
            GError     **error)
{
  g_autoptr(TsTextRequest) request = ts_text_request_new (model);
  g_autofree char *system = NULL;
  g_autofree char *prompt = NULL;

  if ((system = render_field (render, TS_FIELD_SYSTEM_PROMPT, error)) == NULL ||
      (prompt = render_field (render, TS_FIELD_PROMPT, error)) == NULL)
    return NULL;

  if (is_blank (prompt))
    {
      g_set_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_SETUP,
                   _("the prompt of “%s” is empty"), ts_block_get_title (render->block));
      return NULL;
    }

  if (system[0] != '\0')
    request->system = g_steal_pointer (&system);
  set_sampling (request, render->block);
  ts_text_request_add_message (request, user_message (prompt, render));

  return g_steal_pointer (&request);
}

static TsTextRequest *
build_chat (Render      *render,
            const char  *model,
            const char  *text,
            GError     **error)
{
  g_autoptr(TsTextRequest) request = ts_text_request_new (model);
  g_autofree char *system = NULL;
  g_autofree char *context = NULL;
  TsOutput *output = ts_block_get_output (render->block);

  if ((system = render_field (render, TS_FIELD_SYSTEM_PROMPT, error)) == NULL ||
      (context = render_field (render, TS_FIELD_CONTEXT, error)) == NULL)
    return NULL;

  /* The context is background for every turn: it follows the instructions. */
  if (context[0] != '\0')
    {
      char *joined = system[0] != '\0' ? g_strconcat (system, "\n\n", context, NULL)
                                       : g_strdup (context);

      g_free (system);
      system = joined;
    }

  if (system[0] != '\0')
    request->system = g_steal_pointer (&system);
  set_sampling (request, render->block);

  for (guint i = 0; output != NULL && i < ts_output_get_n_messages (output); i++)
    {
      TsChatRole role;
      const char *message = ts_output_get_message (output, i, &role);

      ts_text_request_add_message (request, ts_message_new (role, message));
    }
  ts_text_request_add_message (request, user_message (text, render));

  return g_steal_pointer (&request);
}

static TsImageRequest *
build_image (Render      *render,
             const char  *model,
             GError     **error)
{
  g_autoptr(TsImageRequest) request = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *negative = NULL;
  TsBlock *block = render->block;

  if ((prompt = render_field (render, TS_FIELD_PROMPT, error)) == NULL ||
      (negative = render_field (render, TS_FIELD_NEGATIVE_PROMPT, error)) == NULL)
    return NULL;

  if (is_blank (prompt))
    {
      g_set_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_SETUP,
                   _("the prompt of “%s” is empty"), ts_block_get_title (block));
      return NULL;
    }

  request = ts_image_request_new (model, prompt);
  if (negative[0] != '\0')
    request->negative_prompt = g_steal_pointer (&negative);
  request->width = ts_block_get_int (block, TS_FIELD_WIDTH);
  request->height = ts_block_get_int (block, TS_FIELD_HEIGHT);
  request->steps = ts_block_get_int (block, TS_FIELD_STEPS);
  request->cfg_scale = ts_block_get_double (block, TS_FIELD_CFG_SCALE);
  request->seed = ts_block_get_int (block, TS_FIELD_SEED);
  request->count = ts_block_get_int (block, TS_FIELD_IMAGE_COUNT);

  return g_steal_pointer (&request);
}

static GVariant *
text_parameters (TsTextRequest *request)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "temperature", g_variant_new_double (request->temperature));
  g_variant_builder_add (&builder, "{sv}", "top_p", g_variant_new_double (request->top_p));
  g_variant_builder_add (&builder, "{sv}", "max_tokens", g_variant_new_int64 (request->max_tokens));
  g_variant_builder_add (&builder, "{sv}", "stop",
                         g_variant_new_strv ((const char * const *) request->stop,
                                             request->stop != NULL ? -1 : 0));

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static GVariant *
image_parameters (TsImageRequest *request)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&builder, "{sv}", "width", g_variant_new_int64 (request->width));
  g_variant_builder_add (&builder, "{sv}", "height", g_variant_new_int64 (request->height));
  g_variant_builder_add (&builder, "{sv}", "steps", g_variant_new_int64 (request->steps));
  g_variant_builder_add (&builder, "{sv}", "cfg_scale", g_variant_new_double (request->cfg_scale));
  g_variant_builder_add (&builder, "{sv}", "image_count", g_variant_new_int64 (request->count));

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static char *
compute_cache_key (RunnerJob *job)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *provider_id = ts_provider_get_id (job->provider);

  g_checksum_update (checksum, (const guchar *) "tessera-runner/1", sizeof "tessera-runner/1");
  g_checksum_update (checksum, (const guchar *) provider_id, strlen (provider_id) + 1);
  if (job->text != NULL)
    ts_text_request_hash (job->text, checksum);
  else
    ts_image_request_hash (job->image, checksum);

  return g_strdup (g_checksum_get_string (checksum));
}

/**
 * _ts_runner_job_new:
 * @message: (nullable): for a chat, the user's new message
 *
 * Resolves the provider and model and renders every template of @node's block.
 *
 * Returns: (transfer full) (nullable): the job, or %NULL with @error set
 */
RunnerJob *
_ts_runner_job_new (TsRunner    *self,
                    RunnerNode  *node,
                    gboolean     is_chat,
                    const char  *message,
                    GError     **error)
{
  TsBlock *block = node->block;
  g_autofree char *provider_id = NULL;
  TsProvider *provider;
  const char *model;
  Render render = { 0 };
  RunnerJob *job;

  provider = _ts_runner_lookup_provider (self, block, &provider_id, error);
  if (provider == NULL)
    return NULL;

  model = _ts_runner_resolve_model (self, block);
  if (model[0] == '\0' && !ts_provider_get_model_optional (provider))
    {
      gboolean image = ts_block_get_kind (block) == TS_BLOCK_KIND_IMAGE;

      g_set_error (error, TS_RUNNER_ERROR, TS_RUNNER_ERROR_SETUP,
                   image ? _("no model chosen for “%s”: choose one on the widget or set the playground's image model")
                         : _("no model chosen for “%s”: choose one on the widget or set the playground's text model"),
                   ts_block_get_title (block));
      return NULL;
    }

  render.runner = self;
  render.block = block;
  render.images_allowed = ts_block_get_kind (block) != TS_BLOCK_KIND_IMAGE;
  render.values = g_ptr_array_new_with_free_func (g_free);
  render.images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  render.image_sources = g_string_new (NULL);
  render.seen_images = g_hash_table_new (NULL, NULL);

  job = g_new0 (RunnerJob, 1);
  job->runner = self;
  job->node = node;
  job->block = g_object_ref (block);
  job->is_chat = is_chat;
  job->provider = g_object_ref (provider);

  if (is_chat)
    job->text = build_chat (&render, model, message, error);
  else if (ts_block_get_kind (block) == TS_BLOCK_KIND_IMAGE)
    job->image = build_image (&render, model, error);
  else
    job->text = build_text (&render, model, error);

  if (job->text == NULL && job->image == NULL)
    {
      render_clear (&render);
      _ts_runner_job_free (job);
      return NULL;
    }

  job->image_sources = g_strdup (render.image_sources->str);
  render_clear (&render);

  job->cache_key = compute_cache_key (job);
  job->cancellable = g_cancellable_new ();
  job->record = ts_run_record_new (provider_id, model);
  if (job->text != NULL)
    job->record->parameters = text_parameters (job->text);
  else
    {
      job->record->parameters = image_parameters (job->image);
      if (job->image->seed != TS_SEED_RANDOM)
        job->record->seed = job->image->seed;
    }

  return job;
}

void
_ts_runner_job_free (RunnerJob *job)
{
  if (job == NULL)
    return;

  g_clear_object (&job->block);
  g_clear_object (&job->provider);
  g_clear_pointer (&job->text, ts_text_request_unref);
  g_clear_pointer (&job->image, ts_image_request_unref);
  g_clear_pointer (&job->image_sources, g_free);
  g_clear_pointer (&job->cache_key, g_free);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->output);
  if (job->streamed != NULL)
    g_string_free (job->streamed, TRUE);
  g_clear_pointer (&job->record, ts_run_record_unref);
  g_free (job);
}

/* Answers */

#define TEXT_VALUE_TYPE "(ssxx)"
#define IMAGE_VALUE_TYPE "a(ayx)"

/**
 * _ts_runner_job_result_to_variant:
 * @result: a #TsTextResult or a #TsImageResult, as the job asked
 *
 * Returns: (transfer full): the result as the cache keeps it
 */
GVariant *
_ts_runner_job_result_to_variant (RunnerJob *job,
                                  gpointer   result)
{
  if (job->text != NULL)
    {
      TsTextResult *text = result;

      return g_variant_ref_sink (g_variant_new (TEXT_VALUE_TYPE, text->text,
                                                text->finish_reason != NULL ? text->finish_reason : "",
                                                text->input_tokens, text->output_tokens));
    }
  else
    {
      TsImageResult *images = result;
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE (IMAGE_VALUE_TYPE));
      for (guint i = 0; i < images->images->len; i++)
        {
          GBytes *png = g_ptr_array_index (images->images, i);
          gint64 seed = i < images->seeds->len ? g_array_index (images->seeds, gint64, i)
                                               : TS_SEED_RANDOM;

          g_variant_builder_add (&builder, "(@ayx)",
                                 g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, png, TRUE),
                                 seed);
        }

      return g_variant_ref_sink (g_variant_builder_end (&builder));
    }
}

/**
 * _ts_runner_job_apply_variant:
 *
 * Applies a cached answer. A value of the wrong shape (a cache written by another
 * version) is refused, and the job then asks the provider.
 *
 * Returns: %TRUE if @value was applied
 */
gboolean
_ts_runner_job_apply_variant (RunnerJob *job,
                              GVariant  *value)
{
  if (job->text != NULL)
    {
      g_autoptr(TsTextResult) result = NULL;
      const char *finish_reason;

      if (!g_variant_is_of_type (value, G_VARIANT_TYPE (TEXT_VALUE_TYPE)))
        return FALSE;

      result = ts_text_result_new ();
      g_clear_pointer (&result->text, g_free);
      g_variant_get (value, "(s&sxx)", &result->text, &finish_reason,
                     &result->input_tokens, &result->output_tokens);
      if (!g_utf8_validate (result->text, -1, NULL))
        return FALSE;
      if (finish_reason[0] != '\0')
        result->finish_reason = g_strdup (finish_reason);

      _ts_runner_job_apply_text (job, result);
    }
  else
    {
      g_autoptr(TsImageResult) result = NULL;
      GVariantIter iter;
      GVariant *png;
      gint64 seed;

      if (!g_variant_is_of_type (value, G_VARIANT_TYPE (IMAGE_VALUE_TYPE)))
        return FALSE;

      result = ts_image_result_new ();
      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "(@ayx)", &png, &seed))
        {
          g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes (png);

          ts_image_result_add (result, bytes, seed);
          g_variant_unref (png);
        }

      _ts_runner_job_apply_images (job, result);
    }

  return TRUE;
}

void
_ts_runner_job_apply_text (RunnerJob    *job,
                           TsTextResult *result)
{
  job->record->input_tokens = result->input_tokens;
  job->record->output_tokens = result->output_tokens;

  if (job->is_chat)
    {
      if (job->output == NULL)
        job->output = ts_output_new ();
      ts_output_add_message (job->output, TS_CHAT_ROLE_ASSISTANT, result->text);
    }
  else
    {
      if (job->output == NULL)
        job->output = ts_output_new ();
      ts_output_set_text (job->output, result->text);
    }
}

void
_ts_runner_job_apply_images (RunnerJob     *job,
                             TsImageResult *result)
{
  g_clear_object (&job->output);
  job->output = ts_output_new ();

  for (guint i = 0; i < result->images->len; i++)
    {
      gint64 seed = i < result->seeds->len ? g_array_index (result->seeds, gint64, i)
                                           : TS_SEED_RANDOM;

      /* The seed asked for stands when the provider does not say which it used. */
      if (seed == TS_SEED_RANDOM && i == 0 && job->image->seed != TS_SEED_RANDOM)
        seed = job->image->seed;
      if (i == 0)
        job->record->seed = seed;
      ts_output_add_image (job->output, g_ptr_array_index (result->images, i), seed);
    }
}

/**
 * _ts_runner_explain_error:
 *
 * Rewrites a provider's error about images into one that says what to do.
 *
 * Returns: (transfer full): the error to show on the widget
 */
GError *
_ts_runner_explain_error (RunnerJob    *job,
                          const GError *error)
{
  gboolean has_images = job->text != NULL && ts_text_request_has_images (job->text);

  if (has_images && g_error_matches (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNSUPPORTED))
    return g_error_new (TS_RUNNER_ERROR, TS_RUNNER_ERROR_NO_VISION,
                        _("%s cannot read images; choose a vision model for “%s”, or mention %s no more (%s)"),
                        job->text->model, ts_block_get_title (job->block), job->image_sources,
                        error->message);

  if (has_images && g_error_matches (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST))
    return g_error_new (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
                        _("%s refused a prompt with images from %s; if it cannot read images, choose a vision model for “%s” (%s)"),
                        job->text->model, job->image_sources, ts_block_get_title (job->block),
                        error->message);

  return g_error_copy (error);
}
