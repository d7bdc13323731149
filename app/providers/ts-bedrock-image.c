/* ts-bedrock-image.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-bedrock-wire.h"

#include <cjson/cJSON.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "ts-block.h"
#include "ts-provider-common.h"

/* InvokeModel for the image models (protocols.md §6.6): each family has its own JSON.
 * The limits of each family are checked before sending, so a refused request says which
 * limit it broke instead of showing the service's ValidationException. */

/* Titan Image Generator's documented sizes. */
static const struct { gint64 width, height; } titan_sizes[] = {
  { 1024, 1024 }, { 768, 768 }, { 512, 512 }, { 768, 1152 }, { 384, 576 }, { 1152, 768 },
  { 576, 384 }, { 768, 1280 }, { 384, 640 }, { 1280, 768 }, { 640, 384 }, { 896, 1152 },
  { 448, 576 }, { 1152, 896 }, { 576, 448 }, { 768, 1408 }, { 384, 704 }, { 1408, 768 },
  { 704, 384 }, { 640, 1408 }, { 320, 704 }, { 1408, 640 }, { 704, 320 }, { 1152, 640 },
  { 1173, 640 },
};

static const char *aspect_ratios[] = {
  "16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21",
};

/* The geographic prefixes of cross-region inference profiles. */
static const char *profile_prefixes[] = {
  "us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca.",
};

/**
 * ts_bedrock_image_family:
 * @model_id: a model id, an inference-profile id or an ARN
 *
 * Returns: the request schema the model takes, from its id
 */
TsBedrockImageFamily
ts_bedrock_image_family (const char *model_id)
{
  const char *id;

  g_return_val_if_fail (model_id != NULL, TS_BEDROCK_IMAGE_UNKNOWN);

  id = g_str_has_prefix (model_id, "arn:") && strrchr (model_id, '/') != NULL
       ? strrchr (model_id, '/') + 1 : model_id;

  for (guint i = 0; i < G_N_ELEMENTS (profile_prefixes); i++)
    if (g_str_has_prefix (id, profile_prefixes[i]))
      {
        id += strlen (profile_prefixes[i]);
        break;
      }

  if (g_str_has_prefix (id, "amazon.nova-canvas"))
    return TS_BEDROCK_IMAGE_NOVA_CANVAS;
  if (g_str_has_prefix (id, "amazon.titan-image-generator"))
    return TS_BEDROCK_IMAGE_TITAN;
  if (g_str_has_prefix (id, "stability.sd3") || g_str_has_prefix (id, "stability.stable-image"))
    return TS_BEDROCK_IMAGE_STABILITY;

  return TS_BEDROCK_IMAGE_UNKNOWN;
}

/**
 * ts_bedrock_image_max_seed:
 *
 * Returns: the largest seed @family takes
 */
gint64
ts_bedrock_image_max_seed (TsBedrockImageFamily family)
{
  switch (family)
    {
    case TS_BEDROCK_IMAGE_NOVA_CANVAS:
      return 858993459;
    case TS_BEDROCK_IMAGE_TITAN:
      return 2147483646;
    case TS_BEDROCK_IMAGE_STABILITY:
      return G_GINT64_CONSTANT (4294967294);
    case TS_BEDROCK_IMAGE_UNKNOWN:
    default:
      return 0;
    }
}

/**
 * ts_bedrock_aspect_ratio:
 *
 * Returns: the aspect ratio Stability models take that is closest to @width × @height
 */
const char *
ts_bedrock_aspect_ratio (gint64 width,
                         gint64 height)
{
  double wanted = (double) MAX (width, 1) / (double) MAX (height, 1);
  const char *best = "1:1";
  double best_distance = G_MAXDOUBLE;

  for (guint i = 0; i < G_N_ELEMENTS (aspect_ratios); i++)
    {
      int a = 1, b = 1;
      double quotient;

      /* How many times wider or narrower: the distance on a logarithmic scale. */
      sscanf (aspect_ratios[i], "%d:%d", &a, &b);
      quotient = wanted * b / a;
      if (quotient < 1.0)
        quotient = 1.0 / quotient;
      if (quotient < best_distance - 1e-9)
        {
          best = aspect_ratios[i];
          best_distance = quotient;
        }
    }

  return best;
}

static gboolean
limit_error (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
limit_error (GError     **error,
             const char  *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
                                                format, args));
  va_end (args);

  return FALSE;
}

static gboolean
check_text (const char  *what,
            const char  *text,
            glong        min,
            glong        max,
            const char  *model,
            GError     **error)
{
  glong length = text != NULL ? g_utf8_strlen (text, -1) : 0;

  if (length < min || length > max)
    return limit_error (error, _("%s takes a %s of %ld to %ld characters, not %ld"),
                        model, what, min, max, length);

  return TRUE;
}

static gboolean
check_amazon (TsBedrockImageFamily   family,
              TsImageRequest        *request,
              gint64                 seed,
              GError               **error)
{
  gboolean titan = family == TS_BEDROCK_IMAGE_TITAN;
  const char *model = titan ? "Titan Image Generator" : "Nova Canvas";
  glong max_text = titan ? 512 : 1024;

  if (!check_text (_("prompt"), request->prompt, 1, max_text, model, error))
    return FALSE;
  if (request->negative_prompt != NULL && *request->negative_prompt != '\0' &&
      !check_text (_("negative prompt"), request->negative_prompt, 1, max_text, model, error))
    return FALSE;
  if (request->count < 1 || request->count > 5)
    return limit_error (error, _("%s makes 1 to 5 images at a time, not %" G_GINT64_FORMAT),
                        model, request->count);
  if (request->cfg_scale != TS_UNSET_DOUBLE &&
      (request->cfg_scale < 1.1 || request->cfg_scale > 10.0))
    return limit_error (error, _("%s takes a CFG scale from 1.1 to 10, not %g"), model,
                        request->cfg_scale);

  if (titan)
    {
      gboolean listed = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (titan_sizes); i++)
        listed |= titan_sizes[i].width == request->width &&
                  titan_sizes[i].height == request->height;
      if (!listed)
        return limit_error (error, _("Titan Image Generator cannot make %" G_GINT64_FORMAT "×%"
                                     G_GINT64_FORMAT " images; choose one of its sizes, such "
                                     "as 1024×1024, 1152×768 or 768×1152"),
                            request->width, request->height);
    }
  else if (request->width < 320 || request->width > 4096 || request->width % 16 != 0 ||
           request->height < 320 || request->height > 4096 || request->height % 16 != 0)
    {
      return limit_error (error, _("Nova Canvas makes images of 320 to 4096 pixels a side, in "
                                   "multiples of 16, not %" G_GINT64_FORMAT "×%" G_GINT64_FORMAT),
                          request->width, request->height);
    }

  if (seed < 0 || seed > ts_bedrock_image_max_seed (family))
    return limit_error (error, _("%s takes a seed from 0 to %" G_GINT64_FORMAT ", not %"
                                 G_GINT64_FORMAT), model, ts_bedrock_image_max_seed (family),
                        seed);

  return TRUE;
}

static char *
print_and_free (cJSON *json)
{
  char *printed = ts_json_print (json);

  cJSON_Delete (json);
  return printed;
}

/**
 * ts_bedrock_image_body:
 * @family: the model's family
 * @request: the request
 * @seed: the seed to send (a random one already chosen when the request has none)
 * @error: a #GError
 *
 * Builds the InvokeModel body of @family: TEXT_IMAGE for Nova Canvas and Titan, a
 * text-to-image request asking for PNG for Stability models (one image a request; the
 * size becomes the closest aspect ratio).
 *
 * Returns: (transfer full): the JSON text, or %NULL with a %TS_PROVIDER_ERROR_BAD_REQUEST
 *   error naming the limit @request breaks, or %TS_PROVIDER_ERROR_UNSUPPORTED for an
 *   unknown family
 */
char *
ts_bedrock_image_body (TsBedrockImageFamily   family,
                       TsImageRequest        *request,
                       gint64                 seed,
                       GError               **error)
{
  cJSON *root;

  g_return_val_if_fail (request != NULL, NULL);

  if (family == TS_BEDROCK_IMAGE_STABILITY)
    {
      if (!check_text (_("prompt"), request->prompt, 1, 10000, request->model, error))
        return NULL;
      if (seed < 0 || seed > ts_bedrock_image_max_seed (family))
        {
          limit_error (error, _("%s takes a seed from 0 to %" G_GINT64_FORMAT ", not %"
                                G_GINT64_FORMAT), request->model,
                       ts_bedrock_image_max_seed (family), seed);
          return NULL;
        }

      root = cJSON_CreateObject ();
      cJSON_AddStringToObject (root, "prompt", request->prompt);
      if (request->negative_prompt != NULL && *request->negative_prompt != '\0')
        cJSON_AddStringToObject (root, "negative_prompt", request->negative_prompt);
      cJSON_AddStringToObject (root, "mode", "text-to-image");
      cJSON_AddStringToObject (root, "aspect_ratio",
                               ts_bedrock_aspect_ratio (request->width, request->height));
      cJSON_AddNumberToObject (root, "seed", (double) seed);
      cJSON_AddStringToObject (root, "output_format", "png");

      return print_and_free (root);
    }

  if (family == TS_BEDROCK_IMAGE_NOVA_CANVAS || family == TS_BEDROCK_IMAGE_TITAN)
    {
      cJSON *params;
      cJSON *config;

      if (!check_amazon (family, request, seed, error))
        return NULL;

      root = cJSON_CreateObject ();
      cJSON_AddStringToObject (root, "taskType", "TEXT_IMAGE");
      params = cJSON_AddObjectToObject (root, "textToImageParams");
      cJSON_AddStringToObject (params, "text", request->prompt);
      if (request->negative_prompt != NULL && *request->negative_prompt != '\0')
        cJSON_AddStringToObject (params, "negativeText", request->negative_prompt);
      config = cJSON_AddObjectToObject (root, "imageGenerationConfig");
      cJSON_AddNumberToObject (config, "numberOfImages", (double) request->count);
      cJSON_AddNumberToObject (config, "width", (double) request->width);
      cJSON_AddNumberToObject (config, "height", (double) request->height);
      if (request->cfg_scale != TS_UNSET_DOUBLE)
        cJSON_AddNumberToObject (config, "cfgScale", request->cfg_scale);
      cJSON_AddNumberToObject (config, "seed", (double) seed);
      cJSON_AddStringToObject (config, "quality", "standard");

      return print_and_free (root);
    }

  g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_UNSUPPORTED,
               _("Tessera does not know the request format of the Bedrock image model %s; it "
                 "knows Nova Canvas, Titan Image Generator and the Stability models"),
               request->model);
  return NULL;
}

static gboolean
add_image (TsImageResult  *result,
           const char     *encoded,
           gint64          seed,
           GError        **error)
{
  g_autoptr(GBytes) png = ts_provider_decode_png (encoded, "Bedrock", error);

  if (png == NULL)
    return FALSE;

  ts_image_result_add (result, png, seed);
  return TRUE;
}

/**
 * ts_bedrock_parse_image:
 * @family: the model's family
 * @body: the body of a 2xx InvokeModel answer
 * @seed: the seed that was sent
 * @error: a #GError
 *
 * Decodes and checks every image. Nova Canvas and Titan report no seeds: the first image
 * gets @seed, the others %TS_SEED_RANDOM (only the first one is made again from @seed
 * alone). A Stability image whose `finish_reasons` entry is not null is refused: when no
 * image is left, the reason is the error.
 *
 * Returns: (transfer full): the images, or %NULL with @error set: %TS_PROVIDER_ERROR_BAD_REQUEST
 *   for a refusal, %TS_PROVIDER_ERROR_PROTOCOL for a malformed answer or image
 */
TsImageResult *
ts_bedrock_parse_image (TsBedrockImageFamily   family,
                        GBytes                *body,
                        gint64                 seed,
                        GError               **error)
{
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  cJSON *json = cJSON_ParseWithLength (data != NULL ? data : "", size);
  const cJSON *images = cJSON_GetObjectItemCaseSensitive (json, "images");
  const cJSON *failure = cJSON_GetObjectItemCaseSensitive (json, "error");
  const cJSON *reasons = cJSON_GetObjectItemCaseSensitive (json, "finish_reasons");
  const cJSON *seeds = cJSON_GetObjectItemCaseSensitive (json, "seeds");
  g_autoptr(TsImageResult) result = ts_image_result_new ();
  const char *refusal = NULL;
  gboolean ok = TRUE;

  if (cJSON_IsString (failure))
    {
      g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
                   _("the model refused: %s"), failure->valuestring);
      ok = FALSE;
    }
  else if (!cJSON_IsArray (images))
    {
      g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                           _("Bedrock's image answer is not JSON with an \"images\" list"));
      ok = FALSE;
    }

  /* A refused Stability image may come with an empty "images" list: count the reasons. */
  for (int i = 0; ok && i < MAX (cJSON_GetArraySize (images), cJSON_GetArraySize (reasons)); i++)
    {
      const cJSON *image = cJSON_GetArrayItem (images, i);
      const cJSON *reason = cJSON_GetArrayItem (reasons, i);
      const cJSON *image_seed = cJSON_GetArrayItem (seeds, i);
      gint64 this_seed = i == 0 ? seed : TS_SEED_RANDOM;

      if (family == TS_BEDROCK_IMAGE_STABILITY && cJSON_IsString (reason))
        {
          refusal = refusal != NULL ? refusal : reason->valuestring;
          continue;
        }
      if (cJSON_IsNumber (image_seed))
        this_seed = (gint64) image_seed->valuedouble;

      if (!cJSON_IsString (image))
        {
          g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                       _("image %d of Bedrock's answer is not a string"), i + 1);
          ok = FALSE;
        }
      else
        {
          ok = add_image (result, image->valuestring, this_seed, error);
        }
    }

  if (ok && result->images->len == 0)
    {
      if (refusal != NULL)
        g_set_error (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_BAD_REQUEST,
                     _("the model refused to make the image (%s)"), refusal);
      else
        g_set_error_literal (error, TS_PROVIDER_ERROR, TS_PROVIDER_ERROR_PROTOCOL,
                             _("Bedrock's image answer holds no image"));
      ok = FALSE;
    }

  cJSON_Delete (json);

  return ok ? g_steal_pointer (&result) : NULL;
}
