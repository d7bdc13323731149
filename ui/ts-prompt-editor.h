/* ts-prompt-editor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "ts-playground.h"

G_BEGIN_DECLS

#define TS_TYPE_PROMPT_EDITOR (ts_prompt_editor_get_type ())

G_DECLARE_FINAL_TYPE (TsPromptEditor, ts_prompt_editor, TS, PROMPT_EDITOR, GtkTextView)

GtkWidget  *ts_prompt_editor_new                (TsPlayground   *playground,
                                                 TsBlock        *block,
                                                 TsField         field);
gboolean    ts_prompt_editor_is_completing      (TsPromptEditor *self);
char      **ts_prompt_editor_list_completions   (TsPromptEditor *self);
gboolean    ts_prompt_editor_choose_completion  (TsPromptEditor *self,
                                                 guint           index);
char       *ts_prompt_editor_dup_invalid_reason (TsPromptEditor *self,
                                                 const char     *id);

G_END_DECLS
