/* ts-provider.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ts-output.h"

G_BEGIN_DECLS

#define TS_PROVIDER_ERROR (ts_provider_error_quark ())

/**
 * TsProviderError:
 * @TS_PROVIDER_ERROR_UNREACHABLE: the server could not be reached (refused, DNS, TLS)
 * @TS_PROVIDER_ERROR_AUTH: missing, wrong or expired credentials
 * @TS_PROVIDER_ERROR_RATE_LIMITED: the server asked to slow down
 * @TS_PROVIDER_ERROR_BAD_REQUEST: the server refused the request as given, including a
 *   content filter's refusal
 * @TS_PROVIDER_ERROR_NOT_FOUND: the model is not installed or not available
 * @TS_PROVIDER_ERROR_SERVER: the server failed
 * @TS_PROVIDER_ERROR_PROTOCOL: the answer was not what the protocol promises
 * @TS_PROVIDER_ERROR_TOO_LARGE: the answer exceeded a size cap
 * @TS_PROVIDER_ERROR_CANCELLED: the caller cancelled
 * @TS_PROVIDER_ERROR_UNSUPPORTED: the provider or model cannot do what was asked, such as
 *   reading an image with a model that has no vision
 *
 * Every provider reports errors in this one domain, with a message a person can act on.
 */
typedef enum
{
  TS_PROVIDER_ERROR_UNREACHABLE,
  TS_PROVIDER_ERROR_AUTH,
  TS_PROVIDER_ERROR_RATE_LIMITED,
  TS_PROVIDER_ERROR_BAD_REQUEST,
  TS_PROVIDER_ERROR_NOT_FOUND,
  TS_PROVIDER_ERROR_SERVER,
  TS_PROVIDER_ERROR_PROTOCOL,
  TS_PROVIDER_ERROR_TOO_LARGE,
  TS_PROVIDER_ERROR_CANCELLED,
  TS_PROVIDER_ERROR_UNSUPPORTED,
} TsProviderError;

/**
 * TsModelCapabilities:
 * @TS_MODEL_TEXT: generates text
 * @TS_MODEL_IMAGE_OUTPUT: generates images
 * @TS_MODEL_IMAGE_INPUT: reads images given with a text request (vision)
 */
typedef enum /*< flags >*/
{
  TS_MODEL_TEXT         = 1 << 0,
  TS_MODEL_IMAGE_OUTPUT = 1 << 1,
  TS_MODEL_IMAGE_INPUT  = 1 << 2,
} TsModelCapabilities;

/* "Unset" values of the optional request parameters. */
#define TS_UNSET_DOUBLE (-1.0)
#define TS_UNSET_INT    ((gint64) -1)

/**
 * TsModelInfo:
 * @id: what to pass as the model of a request
 * @name: a name to show, or the id when the server has none
 * @capabilities: what the model can do, as far as the server tells
 */
typedef struct
{
  char                *id;
  char                *name;
  TsModelCapabilities  capabilities;
} TsModelInfo;

/**
 * TsMessage:
 * @role: who wrote it
 * @text: the text
 * @images: (element-type GBytes): PNG images given with the message; only for a model
 *   with %TS_MODEL_IMAGE_INPUT
 */
typedef struct
{
  TsChatRole  role;
  char       *text;
  GPtrArray  *images;
} TsMessage;

/**
 * TsTextRequest:
 *
 * A text generation request, fully expanded: templates are already rendered. Optional
 * numbers are %TS_UNSET_DOUBLE or %TS_UNSET_INT when the server's default should apply.
 * Reference counted; treat it as immutable once sent.
 */
typedef struct
{
  char        *model;
  char        *system;        /* nullable */
  GPtrArray   *messages;      /* of TsMessage, at least one, the last from the user */
  double       temperature;
  double       top_p;
  gint64       max_tokens;
  gint64       seed;
  char       **stop;          /* nullable */
} TsTextRequest;

/**
 * TsTextResult:
 * @text: the whole text, the same as the concatenated chunks
 * @finish_reason: (nullable): why the model stopped, as the server says it ("stop",
 *   "length", "end_turn", …)
 * @input_tokens: prompt tokens, or %TS_UNSET_INT when the server does not say
 * @output_tokens: generated tokens, or %TS_UNSET_INT
 * @reasoning: (nullable): what a reasoning model thought before answering, kept apart
 *   from @text and never passed on to another widget
 * @duration_ms: how long the server says the generation took, or %TS_UNSET_INT
 * @tokens_per_second: the generation speed the server reports, or %TS_UNSET_DOUBLE
 */
typedef struct
{
  char   *text;
  char   *finish_reason;
  gint64  input_tokens;
  gint64  output_tokens;
  char   *reasoning;
  gint64  duration_ms;
  double  tokens_per_second;
} TsTextResult;

/**
 * TsImageRequest:
 *
 * An image generation request. Sizes are in pixels; @seed is %TS_SEED_RANDOM for a
 * random seed, which the result then reports.
 */
typedef struct
{
  char   *model;
  char   *prompt;
  char   *negative_prompt;  /* nullable */
  gint64  width;
  gint64  height;
  gint64  steps;            /* TS_UNSET_INT: the server's default */
  double  cfg_scale;        /* TS_UNSET_DOUBLE: the server's default */
  gint64  seed;
  gint64  count;
} TsImageRequest;

/**
 * TsImageResult:
 * @images: (element-type GBytes): the PNG images, already checked to be PNG
 * @seeds: the seed each image was made with, %TS_SEED_RANDOM when the server does not say
 */
typedef struct
{
  GPtrArray *images;
  GArray    *seeds;
} TsImageResult;

/**
 * TsTextChunkFunc:
 * @chunk: the next piece of text, valid UTF-8, never empty
 * @user_data: the data given with the function
 *
 * Receives streamed text in order, on the thread-default main context of the caller of
 * ts_provider_generate_text_async(), and only before its callback runs.
 */
typedef void (*TsTextChunkFunc) (const char *chunk,
                                 gpointer    user_data);

/**
 * TsProgressFunc:
 * @fraction: from 0 to 1
 * @user_data: the data given with the function
 *
 * Receives progress the same way as #TsTextChunkFunc receives text.
 */
typedef void (*TsProgressFunc) (double   fraction,
                                gpointer user_data);

#define TS_TYPE_PROVIDER (ts_provider_get_type ())

G_DECLARE_DERIVABLE_TYPE (TsProvider, ts_provider, TS, PROVIDER, GObject)

/**
 * TsProviderClass:
 *
 * A model server client. Every method is asynchronous, never blocks the calling thread
 * and takes a #GCancellable: on cancellation the operation ends promptly with
 * %TS_PROVIDER_ERROR_CANCELLED and calls no further chunk or progress function.
 * A method a provider does not implement fails with %TS_PROVIDER_ERROR_UNSUPPORTED.
 */
struct _TsProviderClass
{
  GObjectClass parent_class;

  void            (*list_models_async)     (TsProvider           *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  GPtrArray      *(*list_models_finish)    (TsProvider           *self,
                                            GAsyncResult         *result,
                                            GError              **error);
  void            (*generate_text_async)   (TsProvider           *self,
                                            TsTextRequest        *request,
                                            TsTextChunkFunc       chunk_func,
                                            gpointer              chunk_data,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  TsTextResult   *(*generate_text_finish)  (TsProvider           *self,
                                            GAsyncResult         *result,
                                            GError              **error);
  void            (*generate_image_async)  (TsProvider           *self,
                                            TsImageRequest       *request,
                                            TsProgressFunc        progress_func,
                                            gpointer              progress_data,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  TsImageResult  *(*generate_image_finish) (TsProvider           *self,
                                            GAsyncResult         *result,
                                            GError              **error);

  /* Whether a request may leave the model empty, meaning the one the server has loaded
   * (a Stable Diffusion WebUI's current checkpoint). */
  gboolean        model_optional;

  /*< private >*/
  gpointer padding[8];
};

GQuark          ts_provider_error_quark          (void);
gboolean        ts_provider_error_is_cancelled   (const GError         *error);

const char     *ts_provider_get_id               (TsProvider           *self);
const char     *ts_provider_get_display_name     (TsProvider           *self);
const char     *ts_provider_get_endpoint         (TsProvider           *self);
void            ts_provider_set_endpoint         (TsProvider           *self,
                                                  const char           *endpoint);
gboolean        ts_provider_get_model_optional   (TsProvider           *self);

void            ts_provider_list_models_async    (TsProvider           *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GPtrArray      *ts_provider_list_models_finish   (TsProvider           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void            ts_provider_generate_text_async  (TsProvider           *self,
                                                  TsTextRequest        *request,
                                                  TsTextChunkFunc       chunk_func,
                                                  gpointer              chunk_data,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
TsTextResult   *ts_provider_generate_text_finish (TsProvider           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
void            ts_provider_generate_image_async (TsProvider           *self,
                                                  TsImageRequest       *request,
                                                  TsProgressFunc        progress_func,
                                                  gpointer              progress_data,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
TsImageResult  *ts_provider_generate_image_finish (TsProvider          *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

TsModelInfo    *ts_model_info_new                (const char           *id,
                                                  const char           *name,
                                                  TsModelCapabilities   capabilities);
void            ts_model_info_free               (TsModelInfo          *info);

TsMessage      *ts_message_new                   (TsChatRole            role,
                                                  const char           *text);
void            ts_message_add_image             (TsMessage            *message,
                                                  GBytes               *png);
void            ts_message_free                  (TsMessage            *message);

TsTextRequest  *ts_text_request_new              (const char           *model);
TsTextRequest  *ts_text_request_ref              (TsTextRequest        *request);
void            ts_text_request_unref            (TsTextRequest        *request);
void            ts_text_request_add_message      (TsTextRequest        *request,
                                                  TsMessage            *message);
gboolean        ts_text_request_has_images       (TsTextRequest        *request);
void            ts_text_request_hash             (TsTextRequest        *request,
                                                  GChecksum            *checksum);

TsTextResult   *ts_text_result_new               (void);
void            ts_text_result_free              (TsTextResult         *result);

TsImageRequest *ts_image_request_new             (const char           *model,
                                                  const char           *prompt);
TsImageRequest *ts_image_request_ref             (TsImageRequest       *request);
void            ts_image_request_unref           (TsImageRequest       *request);
void            ts_image_request_hash            (TsImageRequest       *request,
                                                  GChecksum            *checksum);

TsImageResult  *ts_image_result_new              (void);
void            ts_image_result_add              (TsImageResult        *result,
                                                  GBytes               *png,
                                                  gint64                seed);
void            ts_image_result_free             (TsImageResult        *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsModelInfo, ts_model_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsMessage, ts_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsTextRequest, ts_text_request_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsTextResult, ts_text_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsImageRequest, ts_image_request_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsImageResult, ts_image_result_free)

/* A provider registry: the providers a runner may use, by id. */

#define TS_TYPE_PROVIDER_REGISTRY (ts_provider_registry_get_type ())

G_DECLARE_FINAL_TYPE (TsProviderRegistry, ts_provider_registry, TS, PROVIDER_REGISTRY, GObject)

TsProviderRegistry *ts_provider_registry_new        (void);
void                ts_provider_registry_add        (TsProviderRegistry *self,
                                                     TsProvider         *provider);
TsProvider         *ts_provider_registry_lookup     (TsProviderRegistry *self,
                                                     const char         *id);
GPtrArray          *ts_provider_registry_list       (TsProviderRegistry *self);

G_END_DECLS
