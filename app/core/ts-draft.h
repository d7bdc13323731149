/* ts-draft.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ts-playground.h"

G_BEGIN_DECLS

/**
 * TsDraftInfo:
 * @id: the draft's id, a UUID
 * @origin: (nullable): the URI of the file the playground came from, if any
 * @title: the playground's title when the draft was written
 * @saved: when the draft was written, in seconds since 1970
 */
typedef struct
{
  char   *id;
  char   *origin;
  char   *title;
  gint64  saved;
} TsDraftInfo;

#define TS_TYPE_DRAFT_STORE (ts_draft_store_get_type ())

G_DECLARE_FINAL_TYPE (TsDraftStore, ts_draft_store, TS, DRAFT_STORE, GObject)

void          ts_draft_info_free          (TsDraftInfo    *info);

GFile        *ts_draft_store_default_dir  (void);
TsDraftStore *ts_draft_store_new          (GFile          *dir);
GFile        *ts_draft_store_get_dir      (TsDraftStore   *self);
char         *ts_draft_store_new_id       (void);
gboolean      ts_draft_store_write        (TsDraftStore   *self,
                                           const char     *id,
                                           TsPlayground   *playground,
                                           GFile          *origin,
                                           GError        **error);
void          ts_draft_store_write_async  (TsDraftStore   *self,
                                           const char     *id,
                                           TsPlayground   *playground,
                                           GFile          *origin,
                                           GCancellable   *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer        user_data);
gboolean      ts_draft_store_write_finish (TsDraftStore   *self,
                                           GAsyncResult   *result,
                                           GError        **error);
gboolean      ts_draft_store_delete       (TsDraftStore   *self,
                                           const char     *id,
                                           GError        **error);
GPtrArray    *ts_draft_store_list         (TsDraftStore   *self,
                                           GError        **error);
TsPlayground *ts_draft_store_load         (TsDraftStore   *self,
                                           const char     *id,
                                           GPtrArray      *problems,
                                           GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TsDraftInfo, ts_draft_info_free)

G_END_DECLS
