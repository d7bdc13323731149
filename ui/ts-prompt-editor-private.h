/* ts-prompt-editor-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ts-prompt-editor.h"

G_BEGIN_DECLS

#define MENTION_ID_KEY "ts-mention-id"

struct _TsPromptEditor
{
  GtkTextView   parent_instance;

  TsPlayground *playground;
  TsBlock      *block;
  TsField       field;

  GtkWidget    *popover;
  GtkListBox   *completions;
  GtkTextMark  *completion_mark;
  GtkTextTag   *mention_tag;
  GtkTextTag   *invalid_tag;
  gboolean      loading;
};

/* ts-prompt-editor.c */
GtkTextTag *_ts_prompt_editor_get_mention_tag  (const GtkTextIter *iter);
void        _ts_prompt_editor_insert_mention   (TsPromptEditor    *self,
                                                GtkTextIter       *iter,
                                                const char        *id);
void        _ts_prompt_editor_write_back       (TsPromptEditor    *self,
                                                GtkTextBuffer     *buffer);

/* ts-prompt-editor-completion.c */
void        _ts_prompt_editor_init_completion   (TsPromptEditor    *self);
void        _ts_prompt_editor_update_completion (TsPromptEditor    *self);
void        _ts_prompt_editor_stop_completion   (TsPromptEditor    *self);

G_END_DECLS
