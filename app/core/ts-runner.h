/* ts-runner.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ts-cache.h"
#include "ts-playground.h"
#include "ts-provider.h"
#include "ts-run-record.h"

G_BEGIN_DECLS

#define TS_RUNNER_DEFAULT_CONCURRENCY 4
#define TS_RUNNER_DEFAULT_DEBOUNCE_MS 600
#define TS_RUNNER_DEFAULT_TEXT_PROVIDER "ollama"
#define TS_RUNNER_DEFAULT_IMAGE_PROVIDER "sd-webui"

/* A document inserts at most this many characters of its text into a prompt. */
#define TS_RUNNER_DOCUMENT_MAX_CHARS 100000

#define TS_RUNNER_ERROR (ts_runner_error_quark ())

/**
 * TsRunnerError:
 * @TS_RUNNER_ERROR_CYCLE: the widgets to run mention each other in a cycle
 * @TS_RUNNER_ERROR_SETUP: a widget cannot run as set up: no model, an unknown provider,
 *   a mention that cannot be expanded
 * @TS_RUNNER_ERROR_NO_VISION: the model cannot read the images a prompt mentions
 */
typedef enum
{
  TS_RUNNER_ERROR_CYCLE,
  TS_RUNNER_ERROR_SETUP,
  TS_RUNNER_ERROR_NO_VISION,
} TsRunnerError;

/**
 * TsRunState:
 * @TS_RUN_STATE_IDLE: not run by this runner
 * @TS_RUN_STATE_QUEUED: will run when what it mentions is done and a slot is free
 * @TS_RUN_STATE_RUNNING: a request is in flight
 * @TS_RUN_STATE_DONE: its output is up to date
 * @TS_RUN_STATE_STALE: something it depends on changed since its output was made
 * @TS_RUN_STATE_FAILED: the last run failed; see ts_runner_get_error()
 * @TS_RUN_STATE_WAITING: it did not run because a widget it depends on failed; see
 *   ts_runner_get_waiting_on()
 * @TS_RUN_STATE_CANCELLED: the last run was cancelled
 */
typedef enum
{
  TS_RUN_STATE_IDLE,
  TS_RUN_STATE_QUEUED,
  TS_RUN_STATE_RUNNING,
  TS_RUN_STATE_DONE,
  TS_RUN_STATE_STALE,
  TS_RUN_STATE_FAILED,
  TS_RUN_STATE_WAITING,
  TS_RUN_STATE_CANCELLED,
} TsRunState;

/**
 * TsRunScope:
 * @TS_RUN_SCOPE_WIDGET: the widget, and what it mentions that has no up-to-date output
 * @TS_RUN_SCOPE_DOWNSTREAM: the widget and every widget that depends on it, and what
 *   they mention that has no up-to-date output
 * @TS_RUN_SCOPE_ALL: every text and image widget
 * @TS_RUN_SCOPE_OUTDATED: every text and image widget without an up-to-date output
 */
typedef enum
{
  TS_RUN_SCOPE_WIDGET,
  TS_RUN_SCOPE_DOWNSTREAM,
  TS_RUN_SCOPE_ALL,
  TS_RUN_SCOPE_OUTDATED,
} TsRunScope;

/**
 * TsRunFlags:
 * @TS_RUN_FLAGS_NONE: answer from the cache where it can
 * @TS_RUN_FLAGS_REGENERATE: ask the provider again for the widgets named, bypassing the
 *   cache (what they mention may still come from it)
 */
typedef enum /*< flags >*/
{
  TS_RUN_FLAGS_NONE       = 0,
  TS_RUN_FLAGS_REGENERATE = 1 << 0,
} TsRunFlags;

#define TS_TYPE_RUNNER (ts_runner_get_type ())

G_DECLARE_FINAL_TYPE (TsRunner, ts_runner, TS, RUNNER, GObject)

GQuark              ts_runner_error_quark        (void);
const char         *ts_run_state_to_string       (TsRunState          state);

TsRunner           *ts_runner_new                (TsPlayground       *playground,
                                                  TsProviderRegistry *registry);
TsPlayground       *ts_runner_get_playground     (TsRunner           *self);
TsProviderRegistry *ts_runner_get_registry       (TsRunner           *self);
TsCache            *ts_runner_get_cache          (TsRunner           *self);
void                ts_runner_set_cache          (TsRunner           *self,
                                                  TsCache            *cache);
guint               ts_runner_get_concurrency    (TsRunner           *self);
void                ts_runner_set_concurrency    (TsRunner           *self,
                                                  guint               concurrency);
gboolean            ts_runner_get_auto_run       (TsRunner           *self);
void                ts_runner_set_auto_run       (TsRunner           *self,
                                                  gboolean            auto_run);
guint               ts_runner_get_debounce_ms    (TsRunner           *self);
void                ts_runner_set_debounce_ms    (TsRunner           *self,
                                                  guint               debounce_ms);
const char         *ts_runner_get_default_text_provider  (TsRunner   *self);
void                ts_runner_set_default_text_provider  (TsRunner   *self,
                                                          const char *provider);
const char         *ts_runner_get_default_image_provider (TsRunner   *self);
void                ts_runner_set_default_image_provider (TsRunner   *self,
                                                          const char *provider);
gboolean            ts_runner_get_busy           (TsRunner           *self);
guint               ts_runner_get_n_settling     (TsRunner           *self);

gboolean            ts_runner_run                (TsRunner           *self,
                                                  TsBlock            *block,
                                                  TsRunScope          scope,
                                                  TsRunFlags          flags,
                                                  GError            **error);
gboolean            ts_runner_send_message       (TsRunner           *self,
                                                  TsBlock            *chat,
                                                  const char         *text,
                                                  GError            **error);
void                ts_runner_cancel             (TsRunner           *self,
                                                  TsBlock            *block);

TsRunState          ts_runner_get_state          (TsRunner           *self,
                                                  TsBlock            *block);
const GError       *ts_runner_get_error          (TsRunner           *self,
                                                  TsBlock            *block);
TsBlock            *ts_runner_get_waiting_on     (TsRunner           *self,
                                                  TsBlock            *block);
char               *ts_runner_dup_status         (TsRunner           *self,
                                                  TsBlock            *block);
TsRunRecord        *ts_runner_get_record         (TsRunner           *self,
                                                  TsBlock            *block);
char               *ts_runner_dup_value          (TsRunner           *self,
                                                  TsBlock            *block);

G_END_DECLS
