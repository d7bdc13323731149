/* ts-card.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "ts-block.h"
#include "ts-playground.h"

G_BEGIN_DECLS

#define TS_TYPE_CARD (ts_card_get_type ())

G_DECLARE_FINAL_TYPE (TsCard, ts_card, TS, CARD, GtkWidget)

GtkWidget    *ts_card_new            (TsBlock      *block,
                                      TsPlayground *playground);
TsBlock      *ts_card_get_block      (TsCard       *self);
TsPlayground *ts_card_get_playground (TsCard       *self);

G_END_DECLS
