/* ts-canvas.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "ts-card.h"
#include "ts-history.h"
#include "ts-playground.h"
#include "ts-runner.h"

G_BEGIN_DECLS

#define TS_TYPE_CANVAS (ts_canvas_get_type ())

G_DECLARE_FINAL_TYPE (TsCanvas, ts_canvas, TS, CANVAS, GtkWidget)

GtkWidget *ts_canvas_new         (TsPlayground *playground,
                                  TsHistory    *history);
void       ts_canvas_set_editing (TsCanvas     *self,
                                  gboolean      editing);
gboolean   ts_canvas_get_editing (TsCanvas     *self);
gboolean   ts_canvas_is_narrow   (TsCanvas     *self);
guint      ts_canvas_get_n_cards (TsCanvas     *self);
TsCard    *ts_canvas_get_card    (TsCanvas     *self,
                                  guint         position);
TsCard    *ts_canvas_find_card   (TsCanvas     *self,
                                  TsBlock      *block);
gboolean   ts_canvas_move_focus  (TsCanvas     *self,
                                  const char   *direction);
void       ts_canvas_reveal_card (TsCanvas     *self,
                                  TsCard       *card);
void       ts_canvas_set_runner  (TsCanvas     *self,
                                  TsRunner     *runner);

G_END_DECLS
