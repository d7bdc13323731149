/* ts-bedrock-models.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-bedrock-wire.h"

#include <cjson/cJSON.h>
#include <glib/gi18n.h>
#include <string.h>

/* The model picker's list (protocols.md §6.7): the foundation models that make text or
 * images, gathered from ListFoundationModels, and the inference profiles that reach them
 * from ListInferenceProfiles. A model without on-demand throughput is offered only through
 * its profiles; legacy models come last, marked. Unknown enumeration values are ignored. */

typedef struct
{
  char     *id;
  char     *name;
  gboolean  text_out;
  gboolean  image_out;
  gboolean  image_in;
  gboolean  on_demand;
  gboolean  legacy;
} Model;

typedef struct
{
  char      *id;
  char      *name;
  GPtrArray *model_ids;
} Profile;

struct _TsBedrockCatalog
{
  GPtrArray  *models;
  GHashTable *by_id;
  GPtrArray  *profiles;
};

static void
model_free (gpointer data)
{
  Model *model = data;

  g_free (model->id);
  g_free (model->name);
  g_free (model);
}

static void
profile_free (gpointer data)
{
  Profile *profile = data;

  g_free (profile->id);
  g_free (profile->name);
  g_ptr_array_unref (profile->model_ids);
  g_free (profile);
}

TsBedrockCatalog *
ts_bedrock_catalog_new (void)
{
  TsBedrockCatalog *catalog = g_new0 (TsBedrockCatalog, 1);

  catalog->models = g_ptr_array_new_with_free_func (model_free);
  catalog->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  catalog->profiles = g_ptr_array_new_with_free_func (profile_free);

  return catalog;
}

void
ts_bedrock_catalog_free (TsBedrockCatalog *catalog)
{
  if (catalog == NULL)
    return;

  g_hash_table_unref (catalog->by_id);
  g_ptr_array_unref (catalog->models);
  g_ptr_array_unref (catalog->profiles);
  g_free (catalog);
}

static gboolean
list_has (const cJSON *list,
          const char  *value)
{
  const cJSON *item;

  cJSON_ArrayForEach (item, list)
    if (cJSON_IsString (item) && strcmp (item->valuestring, value) == 0)
      return TRUE;

  return FALSE;
}

static const char *
string_of (const cJSON *object,
           const char  *name)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, name);

  return cJSON_IsString (item) && *item->valuestring != '\0' ? item->valuestring : NULL;
}

static cJSON *
parse_list (GBytes      *body,
            const char  *member,
            GError     **error)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  cJSON *json = cJSON_ParseWithLength (data != NULL ? data : "", size);

  if (!cJSON_IsArray (cJSON_GetObjectItemCaseSensitive (json, member)))
    {
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                   _("Bedrock's model list is not JSON with a \"%s\" list"), member);
      cJSON_Delete (json);
      return NULL;
    }

  return json;
}

/**
 * ts_bedrock_catalog_add_models:
 * @body: a ListFoundationModels answer
 * @error: a #GError
 *
 * Returns: %TRUE, or %FALSE with a %TS_PROVIDER_ERROR_PROTOCOL error
 */
gboolean
ts_bedrock_catalog_add_models (TsBedrockCatalog  *catalog,
                               GBytes            *body,
                               GError           **error)
{
  cJSON *json;
  const cJSON *summary;

  g_return_val_if_fail (catalog != NULL && body != NULL, FALSE);

  if ((json = parse_list (body, "modelSummaries", error)) == NULL)
    return FALSE;

  cJSON_ArrayForEach (summary, cJSON_GetObjectItemCaseSensitive (json, "modelSummaries"))
    {
      const char *id = string_of (summary, "modelId");
      const char *name = string_of (summary, "modelName");
      const char *provider = string_of (summary, "providerName");
      const cJSON *lifecycle = cJSON_GetObjectItemCaseSensitive (summary, "modelLifecycle");
      Model *model;

      if (id == NULL || g_hash_table_contains (catalog->by_id, id))
        continue;

      model = g_new0 (Model, 1);
      model->id = g_strdup (id);
      if (name != NULL)
        model->name = provider != NULL && !g_str_has_prefix (name, provider)
                      ? g_strdup_printf ("%s %s", provider, name) : g_strdup (name);
      model->text_out = list_has (cJSON_GetObjectItem (summary, "outputModalities"), "TEXT");
      model->image_out = list_has (cJSON_GetObjectItem (summary, "outputModalities"), "IMAGE");
      model->image_in = list_has (cJSON_GetObjectItem (summary, "inputModalities"), "IMAGE");
      model->on_demand = list_has (cJSON_GetObjectItem (summary, "inferenceTypesSupported"),
                                   "ON_DEMAND");
      model->legacy = g_strcmp0 (string_of (lifecycle, "status"), "LEGACY") == 0;

      g_ptr_array_add (catalog->models, model);
      g_hash_table_insert (catalog->by_id, model->id, model);
    }

  cJSON_Delete (json);
  return TRUE;
}

/**
 * ts_bedrock_catalog_add_profiles:
 * @body: a ListInferenceProfiles answer
 * @next_token: (out) (transfer full): the token of the next page, or %NULL at the end
 * @error: a #GError
 *
 * Returns: %TRUE, or %FALSE with a %TS_PROVIDER_ERROR_PROTOCOL error
 */
gboolean
ts_bedrock_catalog_add_profiles (TsBedrockCatalog  *catalog,
                                 GBytes            *body,
                                 char             **next_token,
                                 GError           **error)
{
  cJSON *json;
  const cJSON *summary;

  g_return_val_if_fail (catalog != NULL && body != NULL && next_token != NULL, FALSE);

  *next_token = NULL;
  if ((json = parse_list (body, "inferenceProfileSummaries", error)) == NULL)
    return FALSE;

  cJSON_ArrayForEach (summary, cJSON_GetObjectItemCaseSensitive (json, "inferenceProfileSummaries"))
    {
      const char *id = string_of (summary, "inferenceProfileId");
      const cJSON *model;
      Profile *profile;

      if (id == NULL || g_strcmp0 (string_of (summary, "status"), "ACTIVE") != 0)
        continue;

      profile = g_new0 (Profile, 1);
      profile->id = g_strdup (id);
      profile->name = g_strdup (string_of (summary, "inferenceProfileName"));
      profile->model_ids = g_ptr_array_new_with_free_func (g_free);

      cJSON_ArrayForEach (model, cJSON_GetObjectItemCaseSensitive (summary, "models"))
        {
          const char *arn = string_of (model, "modelArn");
          const char *slash = arn != NULL ? strstr (arn, ":foundation-model/") : NULL;

          if (slash != NULL)
            g_ptr_array_add (profile->model_ids,
                             g_strdup (slash + strlen (":foundation-model/")));
        }

      g_ptr_array_add (catalog->profiles, profile);
    }

  *next_token = g_strdup (string_of (json, "nextToken"));
  cJSON_Delete (json);

  return TRUE;
}

static TsModelCapabilities
capabilities_of (const Model *model)
{
  TsModelCapabilities capabilities = 0;

  if (model->text_out)
    capabilities |= TS_MODEL_TEXT;
  if (model->text_out && model->image_in)
    capabilities |= TS_MODEL_IMAGE_INPUT;
  if (model->image_out)
    capabilities |= TS_MODEL_IMAGE_OUTPUT;

  return capabilities;
}

static void
add_info (GPtrArray   *list,
          GHashTable  *seen,
          const char  *id,
          const char  *name,
          gboolean     legacy,
          const Model *model)
{
  g_autofree char *shown = NULL;

  if (g_hash_table_contains (seen, id))
    return;

  g_hash_table_add (seen, (gpointer) id);
  shown = legacy ? g_strdup_printf (_("%s (legacy)"), name != NULL ? name : id)
                 : g_strdup (name);
  g_ptr_array_add (list, ts_model_info_new (id, shown, capabilities_of (model)));
}

/**
 * ts_bedrock_catalog_list:
 *
 * Returns: (transfer full) (element-type TsModelInfo): the models for the picker: text
 *   models and the image models Tessera can drive, each on demand and through each of its
 *   active inference profiles; legacy ones last
 */
GPtrArray *
ts_bedrock_catalog_list (TsBedrockCatalog *catalog)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) ts_model_info_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (catalog != NULL, list);

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < catalog->models->len; i++)
      {
        const Model *model = g_ptr_array_index (catalog->models, i);

        if (model->legacy != (pass == 1))
          continue;
        if (!model->text_out && !model->image_out)
          continue;
        if (model->image_out && !model->text_out &&
            ts_bedrock_image_family (model->id) == TS_BEDROCK_IMAGE_UNKNOWN)
          continue;

        if (model->on_demand)
          add_info (list, seen, model->id, model->name, model->legacy, model);

        for (guint j = 0; j < catalog->profiles->len; j++)
          {
            const Profile *profile = g_ptr_array_index (catalog->profiles, j);

            for (guint k = 0; k < profile->model_ids->len; k++)
              if (g_str_equal (g_ptr_array_index (profile->model_ids, k), model->id))
                {
                  add_info (list, seen, profile->id, profile->name, model->legacy, model);
                  break;
                }
          }
      }

  return list;
}
