/* fake-provider.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-provider.h"
#include "ts-runner.h"

G_BEGIN_DECLS

/**
 * TsFakeScript:
 * @delay_ms: before the first chunk, or before the result
 * @chunks: (nullable): the text to stream; %NULL echoes "[model] prompt"
 * @chunk_delay_ms: between two chunks
 * @fail: whether to fail after the chunks
 * @fail_code: the #TsProviderError to fail with
 * @fail_message: (nullable): its message
 * @image: (nullable): the PNG of each image; %NULL for a built-in 1×1 PNG
 * @seed: the seed reported for a random-seed request
 * @input_tokens: reported prompt tokens
 * @output_tokens: reported generated tokens
 *
 * How the fake answers a request. Tests for the runner and the command line set these
 * by model name or by a piece of the prompt.
 */
typedef struct
{
  guint            delay_ms;
  char           **chunks;
  guint            chunk_delay_ms;
  gboolean         fail;
  TsProviderError  fail_code;
  char            *fail_message;
  GBytes          *image;
  gint64           seed;
  gint64           input_tokens;
  gint64           output_tokens;
} TsFakeScript;

/**
 * TsFakeCall:
 * @model: the model asked for
 * @prompt: the last user message, or the image prompt
 * @n_images: how many images came with the text
 * @start_us: when it started (monotonic)
 * @end_us: when it ended, or 0 while in flight
 * @cancelled: whether it ended by cancellation
 */
typedef struct
{
  char     *model;
  char     *prompt;
  guint     n_images;
  gint64    start_us;
  gint64    end_us;
  gboolean  cancelled;
} TsFakeCall;

#define TS_TYPE_FAKE_PROVIDER (ts_fake_provider_get_type ())

G_DECLARE_FINAL_TYPE (TsFakeProvider, ts_fake_provider, TS, FAKE_PROVIDER, TsProvider)

TsFakeProvider *ts_fake_provider_new              (const char          *id);
TsFakeScript   *ts_fake_provider_script_model     (TsFakeProvider      *self,
                                                   const char          *model);
TsFakeScript   *ts_fake_provider_script_prompt    (TsFakeProvider      *self,
                                                   const char          *piece);
void            ts_fake_script_set_chunks         (TsFakeScript        *script,
                                                   const char          *first,
                                                   ...) G_GNUC_NULL_TERMINATED;
void            ts_fake_script_set_failure        (TsFakeScript        *script,
                                                   TsProviderError      code,
                                                   const char          *message);
void            ts_fake_provider_add_model        (TsFakeProvider      *self,
                                                   const char          *id,
                                                   TsModelCapabilities  capabilities);
GPtrArray      *ts_fake_provider_get_calls        (TsFakeProvider      *self);
guint           ts_fake_provider_get_n_calls      (TsFakeProvider      *self);
guint           ts_fake_provider_get_n_list_calls (TsFakeProvider      *self);
guint           ts_fake_provider_get_in_flight    (TsFakeProvider      *self);
guint           ts_fake_provider_get_max_in_flight (TsFakeProvider     *self);
void            ts_fake_provider_reset            (TsFakeProvider      *self);
TsTextRequest  *ts_fake_provider_get_last_text    (TsFakeProvider      *self);
GBytes         *ts_fake_png                       (void);

/* Test support */
TsBlock        *ts_fake_add_block                 (TsPlayground        *playground,
                                                   TsBlockKind          kind,
                                                   const char          *title,
                                                   const char          *prompt);
gboolean        ts_fake_wait_finished             (TsRunner            *runner,
                                                   guint                timeout_ms);
gboolean        ts_fake_wait_idle                 (TsFakeProvider      *self,
                                                   guint                timeout_ms);

G_END_DECLS
