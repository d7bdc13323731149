/* ts-block-kind.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ts-block-private.h"
#include "ts-document.h"

/* One table describes every field a widget kind can have: its property, its JSON key,
 * its type and its range. The model, the loader and the saver all read it, so a field
 * is added in one place. */
const TsFieldInfo _ts_field_infos[TS_N_FIELDS] = {
  { TS_FIELD_MULTILINE, "multiline", "multiline", TS_FIELD_TYPE_BOOLEAN, 0, 1, 0, 0, NULL, FALSE },
  { TS_FIELD_PLACEHOLDER, "placeholder", "placeholder", TS_FIELD_TYPE_STRING,
    0, 500, 0, 0, NULL, FALSE },
  { TS_FIELD_DEFAULT_VALUE, "default-value", "default_value", TS_FIELD_TYPE_STRING,
    0, 100000, 0, 0, NULL, TRUE },
  { TS_FIELD_CONTENT, "content", "content", TS_FIELD_TYPE_STRING,
    0, 4000000, 0, 0, NULL, TRUE },
  { TS_FIELD_FILE_NAME, "file-name", "file_name", TS_FIELD_TYPE_STRING,
    0, 255, 0, 0, NULL, FALSE },
  { TS_FIELD_PROMPT, "prompt", "prompt", TS_FIELD_TYPE_TEMPLATE,
    0, 100000, 0, 0, NULL, TRUE },
  { TS_FIELD_NEGATIVE_PROMPT, "negative-prompt", "negative_prompt", TS_FIELD_TYPE_TEMPLATE,
    0, 100000, 0, 0, NULL, TRUE },
  { TS_FIELD_SYSTEM_PROMPT, "system-prompt", "system_prompt", TS_FIELD_TYPE_TEMPLATE,
    0, 100000, 0, 0, NULL, TRUE },
  { TS_FIELD_CONTEXT, "context", "context", TS_FIELD_TYPE_TEMPLATE,
    0, 1000000, 0, 0, NULL, TRUE },
  { TS_FIELD_PROVIDER, "provider", "provider", TS_FIELD_TYPE_PROVIDER,
    0, 64, 0, 0, NULL, FALSE },
  { TS_FIELD_MODEL, "model", "model", TS_FIELD_TYPE_STRING, 0, 256, 0, 0, NULL, FALSE },
  { TS_FIELD_TEMPERATURE, "temperature", "temperature", TS_FIELD_TYPE_DOUBLE,
    0, 2, 0, 0.7, NULL, FALSE },
  { TS_FIELD_TOP_P, "top-p", "top_p", TS_FIELD_TYPE_DOUBLE, 0, 1, 0, 0.9, NULL, FALSE },
  { TS_FIELD_MAX_TOKENS, "max-tokens", "max_tokens", TS_FIELD_TYPE_INT,
    1, 200000, 0, 1024, NULL, FALSE },
  { TS_FIELD_STOP_SEQUENCES, "stop-sequences", "stop_sequences", TS_FIELD_TYPE_STRV,
    1, 200, 8, 0, NULL, TRUE },
  { TS_FIELD_WIDTH, "width", "width", TS_FIELD_TYPE_INT, 64, 4096, 0, 1024, NULL, FALSE },
  { TS_FIELD_HEIGHT, "height", "height", TS_FIELD_TYPE_INT, 64, 4096, 0, 1024, NULL, FALSE },
  { TS_FIELD_SEED, "seed", "seed", TS_FIELD_TYPE_SEED,
    0, 4294967295.0, 0, TS_SEED_RANDOM, NULL, FALSE },
  { TS_FIELD_CFG_SCALE, "cfg-scale", "cfg_scale", TS_FIELD_TYPE_DOUBLE,
    1, 30, 0, 7, NULL, FALSE },
  { TS_FIELD_STEPS, "steps", "steps", TS_FIELD_TYPE_INT, 1, 150, 0, 30, NULL, FALSE },
  { TS_FIELD_IMAGE_COUNT, "image-count", "image_count", TS_FIELD_TYPE_INT,
    1, 8, 0, 1, NULL, FALSE },
  /* The chosen file's size in bytes; 0 when not known (files saved before it was kept). */
  { TS_FIELD_FILE_SIZE, "file-size", "file_size", TS_FIELD_TYPE_INT,
    0, TS_DOCUMENT_MAX_FILE_SIZE, 0, 0, NULL, FALSE },
};

static const TsField input_fields[] = {
  TS_FIELD_MULTILINE, TS_FIELD_PLACEHOLDER, TS_FIELD_DEFAULT_VALUE,
};
static const TsField static_text_fields[] = {
  TS_FIELD_CONTENT,
};
static const TsField document_fields[] = {
  TS_FIELD_FILE_NAME, TS_FIELD_FILE_SIZE, TS_FIELD_CONTENT,
};
static const TsField text_fields[] = {
  TS_FIELD_PROMPT, TS_FIELD_SYSTEM_PROMPT, TS_FIELD_PROVIDER, TS_FIELD_MODEL,
  TS_FIELD_TEMPERATURE, TS_FIELD_TOP_P, TS_FIELD_MAX_TOKENS, TS_FIELD_STOP_SEQUENCES,
};
static const TsField image_fields[] = {
  TS_FIELD_PROMPT, TS_FIELD_NEGATIVE_PROMPT, TS_FIELD_PROVIDER, TS_FIELD_MODEL,
  TS_FIELD_WIDTH, TS_FIELD_HEIGHT, TS_FIELD_SEED, TS_FIELD_CFG_SCALE, TS_FIELD_STEPS,
  TS_FIELD_IMAGE_COUNT,
};
static const TsField chat_fields[] = {
  TS_FIELD_SYSTEM_PROMPT, TS_FIELD_CONTEXT, TS_FIELD_PROVIDER, TS_FIELD_MODEL,
  TS_FIELD_TEMPERATURE, TS_FIELD_TOP_P, TS_FIELD_MAX_TOKENS, TS_FIELD_STOP_SEQUENCES,
};

const TsKindInfo _ts_kind_infos[TS_N_BLOCK_KINDS] = {
  { "input", N_("User input"), "input-keyboard-symbolic",
    input_fields, G_N_ELEMENTS (input_fields) },
  { "static-text", N_("Static text"), "format-justify-left-symbolic",
    static_text_fields, G_N_ELEMENTS (static_text_fields) },
  { "document", N_("Document"), "x-office-document-symbolic",
    document_fields, G_N_ELEMENTS (document_fields) },
  { "text", N_("Text generation"), "accessories-text-editor-symbolic",
    text_fields, G_N_ELEMENTS (text_fields) },
  { "image", N_("Image generation"), "image-x-generic-symbolic",
    image_fields, G_N_ELEMENTS (image_fields) },
  { "chat", N_("Chatbot"), "chat-message-new-symbolic",
    chat_fields, G_N_ELEMENTS (chat_fields) },
};

const char *
ts_block_kind_to_string (TsBlockKind kind)
{
  g_return_val_if_fail (kind < TS_N_BLOCK_KINDS, NULL);

  return _ts_kind_infos[kind].id;
}

gboolean
ts_block_kind_from_string (const char  *str,
                           TsBlockKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < TS_N_BLOCK_KINDS; i++)
    {
      if (g_str_equal (str, _ts_kind_infos[i].id))
        {
          *kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
ts_block_kind_get_display_name (TsBlockKind kind)
{
  g_return_val_if_fail (kind < TS_N_BLOCK_KINDS, NULL);

  return _(_ts_kind_infos[kind].display_name);
}

const char *
ts_block_kind_get_icon_name (TsBlockKind kind)
{
  g_return_val_if_fail (kind < TS_N_BLOCK_KINDS, NULL);

  return _ts_kind_infos[kind].icon_name;
}

/**
 * ts_block_kind_get_fields:
 * @kind: a #TsBlockKind
 * @n_fields: (out): the number of fields
 *
 * Returns: (array length=n_fields) (transfer none): the fields of @kind in file order
 */
const TsField *
ts_block_kind_get_fields (TsBlockKind  kind,
                          guint       *n_fields)
{
  g_return_val_if_fail (kind < TS_N_BLOCK_KINDS, NULL);
  g_return_val_if_fail (n_fields != NULL, NULL);

  *n_fields = _ts_kind_infos[kind].n_fields;
  return _ts_kind_infos[kind].fields;
}

gboolean
ts_block_kind_has_field (TsBlockKind kind,
                         TsField     field)
{
  g_return_val_if_fail (kind < TS_N_BLOCK_KINDS, FALSE);

  for (guint i = 0; i < _ts_kind_infos[kind].n_fields; i++)
    {
      if (_ts_kind_infos[kind].fields[i] == field)
        return TRUE;
    }

  return FALSE;
}

/**
 * ts_block_kind_accepts_provider:
 * @kind: a #TsBlockKind
 * @provider: a provider id, or "" for the default provider
 *
 * Text and chat widgets run on `ollama`, `openai` (any OpenAI-compatible server) or
 * `bedrock`; image widgets on `sd-webui`, `comfyui`, `openai` or `bedrock`.
 *
 * Returns: %TRUE if widgets of @kind can run on @provider
 */
gboolean
ts_block_kind_accepts_provider (TsBlockKind  kind,
                                const char  *provider)
{
  static const char * const text_providers[] = { "ollama", "openai", "bedrock", NULL };
  static const char * const image_providers[] = { "sd-webui", "comfyui", "openai", "bedrock", NULL };

  g_return_val_if_fail (kind < TS_N_BLOCK_KINDS, FALSE);

  if (provider == NULL || provider[0] == '\0')
    return TRUE;

  switch (kind)
    {
    case TS_BLOCK_KIND_TEXT:
    case TS_BLOCK_KIND_CHAT:
      return g_strv_contains (text_providers, provider);

    case TS_BLOCK_KIND_IMAGE:
      return g_strv_contains (image_providers, provider);

    case TS_BLOCK_KIND_INPUT:
    case TS_BLOCK_KIND_STATIC_TEXT:
    case TS_BLOCK_KIND_DOCUMENT:
    default:
      return FALSE;
    }
}

const TsFieldInfo *
ts_field_get_info (TsField field)
{
  g_return_val_if_fail (field < TS_N_FIELDS, NULL);

  return &_ts_field_infos[field];
}

gboolean
ts_block_id_is_valid (const char *id)
{
  gsize len = 0;

  if (id == NULL || id[0] == '\0')
    return FALSE;

  for (const char *p = id; *p != '\0'; p++, len++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
        return FALSE;
    }

  return len <= TS_BLOCK_ID_MAX_LENGTH;
}

