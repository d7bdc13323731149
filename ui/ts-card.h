/* ts-card.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "ts-block.h"
#include "ts-playground.h"
#include "ts-runner.h"

G_BEGIN_DECLS

#define TS_TYPE_CARD (ts_card_get_type ())

G_DECLARE_FINAL_TYPE (TsCard, ts_card, TS, CARD, GtkWidget)

GtkWidget    *ts_card_new               (TsBlock      *block,
                                         TsPlayground *playground);
TsBlock      *ts_card_get_block         (TsCard       *self);
TsPlayground *ts_card_get_playground    (TsCard       *self);
gboolean      ts_card_get_editing       (TsCard       *self);
void          ts_card_set_editing       (TsCard       *self,
                                         gboolean      editing);
void          ts_card_set_problems      (TsCard       *self,
                                         const char   *problems);
const char   *ts_card_get_problems      (TsCard       *self);
void          ts_card_start_rename      (TsCard       *self);
GtkWidget    *ts_card_get_drag_handle   (TsCard       *self);
GtkWidget    *ts_card_get_resize_handle (TsCard       *self);
GtkWidget    *ts_card_get_prompt_editor (TsCard       *self);
void          ts_card_set_runner        (TsCard       *self,
                                         TsRunner     *runner);
const char   *ts_card_get_state_text    (TsCard       *self);
const char   *ts_card_get_error_text    (TsCard       *self);

G_END_DECLS
