/* ts-runner-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-runner.h"

G_BEGIN_DECLS

typedef struct _RunnerJob RunnerJob;

/* What the runner knows of one block. */
typedef struct
{
  TsRunner    *runner;
  TsBlock     *block;
  TsRunState   state;
  GError      *error;          /* of a failed or cancelled run */
  char        *waiting_on;     /* id of the failed widget a waiting one depends on */
  TsRunRecord *record;         /* of the last run */
  RunnerJob   *job;            /* the run in flight, or NULL */
  guint        pending;        /* queued or running widgets this queued one waits for */
  gboolean     regenerate;     /* bypass the cache on the next run */
  gboolean     dirty;          /* an input changed while it ran */
  GQueue      *queue;          /* the queue ready_link is in, or NULL */
  GList        ready_link;
  GPtrArray   *up;             /* of RunnerNode: the widgets it mentions */
  GPtrArray   *down;           /* of RunnerNode: the widgets that mention it */
  TsOutput    *watched;        /* an input's output, watched for typing */
  gulong       watched_id;
} RunnerNode;

struct _TsRunner
{
  GObject             parent_instance;

  TsPlayground       *playground;
  TsProviderRegistry *registry;
  TsCache            *cache;
  guint               concurrency;
  gboolean            auto_run;
  guint               debounce_ms;
  char               *default_text_provider;
  char               *default_image_provider;

  GHashTable         *nodes;        /* TsBlock → RunnerNode */
  gboolean            graph_valid;
  GQueue              ready;        /* may run now: not yet looked up in the cache */
  GQueue              slot_wait;    /* missed the cache, wait for a free slot */
  guint               n_active;     /* queued or running */
  guint               n_running;    /* requests in flight */
  gboolean            busy;
  gboolean            pumping;
  guint               pump_id;
  guint               debounce_id;
  GHashTable         *models;       /* provider id → ModelsQuery */
  GHashTable         *settling;     /* abandoned jobs whose callbacks are still due */
};

/* A request on its way: built from a block, answered from the cache or a provider. The
 * runner and node pointers are cleared when the job is abandoned (cancelled, or its
 * runner disposed): whatever still holds the job then only frees it. */
struct _RunnerJob
{
  TsRunner       *runner;
  RunnerNode     *node;
  TsBlock        *block;
  gboolean        is_chat;
  TsProvider     *provider;
  TsTextRequest  *text;
  TsImageRequest *image;
  char           *image_sources;  /* titles of the widgets whose images go with the text */
  char           *cache_key;
  GCancellable   *cancellable;
  TsOutput       *output;
  GString        *streamed;
  TsRunRecord    *record;
  gint64          started_us;
  TsRunner       *settling_in;    /* the runner counting it as settling, if alive */
};

/* ts-runner-request.c */
gboolean    _ts_runner_block_is_generative (TsBlock        *block);
char       *_ts_runner_dup_value           (TsRunner       *self,
                                            TsBlock        *block);
RunnerJob  *_ts_runner_job_new             (TsRunner       *self,
                                            RunnerNode     *node,
                                            gboolean        is_chat,
                                            const char     *message,
                                            GError        **error);
void        _ts_runner_job_free            (RunnerJob      *job);
GVariant   *_ts_runner_job_result_to_variant (RunnerJob    *job,
                                            gpointer        result);
gboolean    _ts_runner_job_apply_variant   (RunnerJob      *job,
                                            GVariant       *value);
void        _ts_runner_job_apply_text      (RunnerJob      *job,
                                            TsTextResult   *result);
void        _ts_runner_job_apply_images    (RunnerJob      *job,
                                            TsImageResult  *result);
GError     *_ts_runner_explain_error       (RunnerJob      *job,
                                            const GError   *error);

/* ts-runner-job.c */
void        _ts_runner_start_request       (TsRunner       *self,
                                            RunnerJob      *job);
gboolean    _ts_runner_answer_from_cache   (TsRunner       *self,
                                            RunnerJob      *job);
void        _ts_runner_node_failed         (TsRunner       *self,
                                            RunnerNode     *node,
                                            GError         *error);
void        _ts_runner_abandon_all         (TsRunner       *self);
void        _ts_runner_models_query_free   (gpointer        data);

/* ts-runner-schedule.c */
gboolean    _ts_runner_node_is_active      (RunnerNode     *node);
void        _ts_runner_dequeue             (RunnerNode     *node);
void        _ts_runner_enqueue             (GQueue         *queue,
                                            RunnerNode     *node);
void        _ts_runner_make_waiting        (TsRunner       *self,
                                            RunnerNode     *node,
                                            const char     *failed_id);
void        _ts_runner_schedule_pump       (TsRunner       *self);
void        _ts_runner_set_state           (TsRunner       *self,
                                            RunnerNode     *node,
                                            TsRunState      state);
void        _ts_runner_maybe_finished      (TsRunner       *self);
void        _ts_runner_mark_downstream_stale (TsRunner     *self,
                                            RunnerNode     *node);

/* ts-runner-graph.c */
RunnerNode *_ts_runner_get_node            (TsRunner       *self,
                                            TsBlock        *block);
void        _ts_runner_node_free           (gpointer        data);
void        _ts_runner_ensure_graph        (TsRunner       *self);
void        _ts_runner_watch_playground    (TsRunner       *self);

/* ts-runner.c */
void        _ts_runner_emit_chunk          (TsRunner       *self,
                                            TsBlock        *block,
                                            const char     *chunk);
void        _ts_runner_emit_progress       (TsRunner       *self,
                                            TsBlock        *block,
                                            double          fraction);
void        _ts_runner_emit_widget_finished (TsRunner      *self,
                                            TsBlock        *block,
                                            TsRunRecord    *record);
void        _ts_runner_emit_state_changed  (TsRunner       *self,
                                            TsBlock        *block,
                                            TsRunState      state);
void        _ts_runner_emit_finished       (TsRunner       *self);
TsProvider *_ts_runner_lookup_provider     (TsRunner       *self,
                                            TsBlock        *block,
                                            char          **provider_id,
                                            GError        **error);
const char *_ts_runner_resolve_model       (TsRunner       *self,
                                            TsBlock        *block);

G_END_DECLS
