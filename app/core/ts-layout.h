/* ts-layout.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-playground.h"

G_BEGIN_DECLS

gboolean ts_layout_overlaps     (TsBlock      *a,
                                 TsBlock      *b);
void     ts_layout_place        (TsPlayground *playground,
                                 TsBlock      *block,
                                 int           column,
                                 int           row,
                                 int           column_span,
                                 int           row_span);
void     ts_layout_move_by      (TsPlayground *playground,
                                 TsBlock      *block,
                                 int           columns,
                                 int           rows);
void     ts_layout_resize_by    (TsPlayground *playground,
                                 TsBlock      *block,
                                 int           columns,
                                 int           rows);
int      ts_layout_get_end_row  (TsPlayground *playground);
TsBlock *ts_layout_duplicate    (TsPlayground *playground,
                                 TsBlock      *block);

G_END_DECLS
