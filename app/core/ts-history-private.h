/* ts-history-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-history.h"

G_BEGIN_DECLS

typedef enum
{
  CHANGE_PROPERTY,
  CHANGE_ITEMS,
} ChangeKind;

typedef struct
{
  ChangeKind  kind;

  /* CHANGE_PROPERTY */
  GObject    *object;
  const char *property;
  GValue      old_value;
  GValue      new_value;

  /* CHANGE_ITEMS: at position, the blocks in removed were replaced by those in added. */
  guint       position;
  GPtrArray  *removed;
  GPtrArray  *added;
} Change;

typedef struct
{
  GPtrArray *changes;
  gint64     time;
} Step;

struct _TsHistory
{
  GObject       parent_instance;

  TsPlayground *playground;
  GPtrArray    *undo_steps;
  GPtrArray    *redo_steps;
  GHashTable   *shadows;       /* GObject → (property → GValue) */
  GPtrArray    *order;         /* the blocks, in the playground's order */
  guint         max_steps;
  gint64        coalesce_us;
  guint         group_depth;
  guint         close_id;
  gboolean      step_open;
  gboolean      group_has_step;
  gboolean      sealed;
  gboolean      applying;
};

/* ts-history.c */
void _ts_history_notify_can (TsHistory *self,
                             gboolean   could_undo,
                             gboolean   could_redo);

/* ts-history-record.c */
void _ts_history_step_free  (gpointer   data);
void _ts_history_watch      (TsHistory *self);

G_END_DECLS
