/* ts-output.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  TS_CHAT_ROLE_USER,
  TS_CHAT_ROLE_ASSISTANT,
} TsChatRole;

#define TS_TYPE_OUTPUT (ts_output_get_type ())

G_DECLARE_FINAL_TYPE (TsOutput, ts_output, TS, OUTPUT, GObject)

TsOutput   *ts_output_new          (void);
const char *ts_output_get_text     (TsOutput    *self);
void        ts_output_set_text     (TsOutput    *self,
                                    const char  *text);
guint       ts_output_get_n_images (TsOutput    *self);
GBytes     *ts_output_get_image    (TsOutput    *self,
                                    guint        index,
                                    gint64      *seed);
void        ts_output_add_image    (TsOutput    *self,
                                    GBytes      *png,
                                    gint64       seed);
guint       ts_output_get_n_messages (TsOutput  *self);
const char *ts_output_get_message  (TsOutput    *self,
                                    guint        index,
                                    TsChatRole  *role);
void        ts_output_add_message  (TsOutput    *self,
                                    TsChatRole   role,
                                    const char  *text);
gboolean    ts_output_is_empty     (TsOutput    *self);

G_END_DECLS
