/* ts-title-label.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TS_TYPE_TITLE_LABEL (ts_title_label_get_type ())

G_DECLARE_FINAL_TYPE (TsTitleLabel, ts_title_label, TS, TITLE_LABEL, GtkWidget)

GtkWidget  *ts_title_label_new           (void);
const char *ts_title_label_get_text      (TsTitleLabel *self);
void        ts_title_label_set_text      (TsTitleLabel *self,
                                          const char   *text);
gboolean    ts_title_label_get_editable  (TsTitleLabel *self);
void        ts_title_label_set_editable  (TsTitleLabel *self,
                                          gboolean      editable);
gboolean    ts_title_label_get_editing   (TsTitleLabel *self);
void        ts_title_label_start_editing (TsTitleLabel *self);
void        ts_title_label_stop_editing  (TsTitleLabel *self,
                                          gboolean      commit);
GtkEditable *ts_title_label_get_entry    (TsTitleLabel *self);

G_END_DECLS
