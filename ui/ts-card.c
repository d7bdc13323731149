/* ts-card.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-card.h"

#include <glib/gi18n.h>

#include "ts-block-settings.h"
#include "ts-canvas.h"
#include "ts-card-private.h"
#include "ts-layout.h"
#include "ts-prompt-editor.h"

/* A card draws one block on the canvas. In Edit mode it shows the block's editors, a
 * menu (rename, duplicate, delete), a settings popover for the generating kinds and the
 * handles to move and resize it; in Use mode only the inputs and outputs. It keeps no
 * copy of the block's state: every editor writes to the model and follows it. */

G_DEFINE_FINAL_TYPE (TsCard, ts_card, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BLOCK,
  PROP_PLAYGROUND,
  PROP_EDITING,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

/* Generating kinds name their provider and model; an empty one defers to the playground's
 * defaults, and those to the user's preference. */
static char *
dup_details (TsCard *self)
{
  TsBlockKind kind = ts_block_get_kind (self->block);
  gboolean image = kind == TS_BLOCK_KIND_IMAGE;
  const char *provider;
  const char *model;

  if (!ts_block_kind_has_field (kind, TS_FIELD_PROVIDER))
    return g_strdup (ts_block_kind_get_display_name (kind));

  provider = ts_block_get_string (self->block, TS_FIELD_PROVIDER);
  model = ts_block_get_string (self->block, TS_FIELD_MODEL);

  if (provider[0] == '\0')
    provider = ts_playground_get_setting (self->playground,
                                          image ? "image-provider" : "text-provider");
  if (model[0] == '\0')
    model = ts_playground_get_setting (self->playground, image ? "image-model" : "text-model");

  if (provider[0] != '\0' && model[0] != '\0')
    /* Translators: a widget's model provider and model, such as "ollama · llama3.2" */
    return g_strdup_printf (_("%s · %s"), provider, model);
  else if (provider[0] != '\0')
    return g_strdup (provider);
  else if (model[0] != '\0')
    return g_strdup (model);
  else
    return g_strdup (_("Default model"));
}

static void
update_details (TsCard *self)
{
  g_autofree char *details = dup_details (self);

  gtk_label_set_text (self->details_label, details);
}

static void
update_title (TsCard *self)
{
  const char *title = ts_block_get_title (self->block);
  g_autofree char *label = NULL;

  ts_title_label_set_text (self->title_label, title);

  /* Translators: the accessible name of a card: its title and its kind */
  label = g_strdup_printf (_("%s, %s"), title,
                           ts_block_kind_get_display_name (ts_block_get_kind (self->block)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update_mode (TsCard *self)
{
  gboolean has_settings = ts_block_kind_has_field (ts_block_get_kind (self->block),
                                                   TS_FIELD_PROVIDER);

  gtk_widget_set_visible (GTK_WIDGET (self->drag_handle), self->editing);
  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), self->editing);
  gtk_widget_set_visible (GTK_WIDGET (self->settings_button), self->editing && has_settings);
  gtk_widget_set_visible (GTK_WIDGET (self->resize_handle), self->editing);
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), self->editing);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_icon),
                          self->editing && self->problems != NULL);
  ts_title_label_set_editable (self->title_label, self->editing);
  gtk_stack_set_visible_child_name (self->body, self->editing ? "edit" : "use");

  if (self->editing)
    gtk_widget_add_css_class (GTK_WIDGET (self), "editing");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "editing");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.rename", self->editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.duplicate", self->editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.delete", self->editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.move", self->editing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.resize", self->editing);
}

/* A title the user commits goes to the model; an empty one is refused. */
static void
title_commit_cb (TsCard       *self,
                 const char   *text,
                 TsTitleLabel *label)
{
  g_autofree char *title = g_strstrip (g_strdup (text));

  if (title[0] != '\0')
    ts_block_set_title (self->block, title);
}

static void
block_notify_cb (TsCard     *self,
                 GParamSpec *pspec,
                 TsBlock    *block)
{
  if (g_str_equal (pspec->name, "title"))
    update_title (self);
  else if (g_str_equal (pspec->name, "provider") || g_str_equal (pspec->name, "model"))
    update_details (self);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  ts_card_start_rename (TS_CARD (widget));
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  TsCard *self = TS_CARD (widget);

  ts_layout_duplicate (self->playground, self->block);
}

/* The window deletes, so it can offer to undo; a card on its own deletes itself. */
static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  TsCard *self = TS_CARD (widget);

  if (!gtk_widget_activate_action (widget, "win.delete-block", "s", ts_block_get_id (self->block)))
    ts_playground_remove_block (self->playground, self->block);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TsCard *self = TS_CARD (widget);
  const char *direction = g_variant_get_string (param, NULL);
  int dx = 0, dy = 0;

  if (g_str_equal (direction, "left"))
    dx = -1;
  else if (g_str_equal (direction, "right"))
    dx = 1;
  else if (g_str_equal (direction, "up"))
    dy = -1;
  else if (g_str_equal (direction, "down"))
    dy = 1;
  else
    g_return_if_reached ();

  if (g_str_equal (action_name, "card.move"))
    {
      ts_layout_move_by (self->playground, self->block, dx, dy);
    }
  else
    {
      GtkWidget *canvas = gtk_widget_get_ancestor (widget, TS_TYPE_CANVAS);

      /* Stacked cards are all as wide as the canvas: a width change would not show. */
      if (dx != 0 && canvas != NULL && ts_canvas_is_narrow (TS_CANVAS (canvas)))
        {
          gtk_widget_error_bell (widget);
          return;
        }
      ts_layout_resize_by (self->playground, self->block, dx, dy);
    }

  /* Keep the focus where it was: the card may have moved across the canvas. */
  gtk_widget_queue_resize (widget);
}

static void
choose_document_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  _ts_card_choose_document (TS_CARD (widget));
}

static void
ts_card_constructed (GObject *object)
{
  TsCard *self = (TsCard *) object;
  TsBlockKind kind;

  G_OBJECT_CLASS (ts_card_parent_class)->constructed (object);

  g_return_if_fail (TS_IS_BLOCK (self->block));
  g_return_if_fail (TS_IS_PLAYGROUND (self->playground));

  kind = ts_block_get_kind (self->block);
  gtk_image_set_from_icon_name (self->kind_icon, ts_block_kind_get_icon_name (kind));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->kind_icon), ts_block_kind_get_display_name (kind));
  gtk_widget_add_css_class (GTK_WIDGET (self), ts_block_kind_to_string (kind));

  if (ts_block_kind_has_field (kind, TS_FIELD_PROVIDER))
    gtk_menu_button_set_popover (self->settings_button,
                                 ts_block_settings_new (self->playground, self->block));

  gtk_stack_add_named (self->body, _ts_card_build_editor (self), "edit");
  gtk_stack_add_named (self->body, _ts_card_build_view (self), "use");

  g_signal_connect_object (self->block, "notify", G_CALLBACK (block_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->playground, "notify", G_CALLBACK (update_details), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->title_label, "commit", G_CALLBACK (title_commit_cb), self,
                           G_CONNECT_SWAPPED);

  update_title (self);
  update_details (self);
  update_mode (self);
  _ts_card_update_run_actions (self);
}

static void
ts_card_dispose (GObject *object)
{
  TsCard *self = (TsCard *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);

  _ts_card_dispose_run (self);
  g_clear_pointer (&self->output_boxes, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_CARD);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  self->prompt_editor = NULL;
  g_clear_object (&self->cancellable);
  g_clear_object (&self->block);
  g_clear_object (&self->playground);

  G_OBJECT_CLASS (ts_card_parent_class)->dispose (object);
}

static void
ts_card_finalize (GObject *object)
{
  TsCard *self = (TsCard *) object;

  g_clear_pointer (&self->problems, g_free);

  G_OBJECT_CLASS (ts_card_parent_class)->finalize (object);
}

static void
ts_card_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  TsCard *self = TS_CARD (object);

  switch (prop_id)
    {
    case PROP_BLOCK:
      g_value_set_object (value, self->block);
      break;

    case PROP_PLAYGROUND:
      g_value_set_object (value, self->playground);
      break;

    case PROP_EDITING:
      g_value_set_boolean (value, self->editing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_card_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  TsCard *self = TS_CARD (object);

  switch (prop_id)
    {
    case PROP_BLOCK:
      self->block = g_value_dup_object (value);
      break;

    case PROP_PLAYGROUND:
      self->playground = g_value_dup_object (value);
      break;

    case PROP_EDITING:
      ts_card_set_editing (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Enter on the card itself goes to its first control. */
static gboolean
enter_cb (GtkWidget *widget,
          GVariant  *args,
          gpointer   user_data)
{
  if (!gtk_widget_is_focus (widget))
    return FALSE;

  return gtk_widget_child_focus (widget, GTK_DIR_TAB_FORWARD);
}

/* Delete on the card itself deletes it; in one of its controls the key is theirs. */
static gboolean
delete_key_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  if (!gtk_widget_is_focus (widget) || !TS_CARD (widget)->editing)
    return FALSE;

  return gtk_widget_activate_action (widget, "card.delete", NULL);
}

/* Escape in one of its controls goes back to the card, where the arrow keys move
 * between cards. */
static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  if (gtk_widget_is_focus (widget))
    return FALSE;

  return gtk_widget_grab_focus (widget);
}

static void
add_arrow_bindings (GtkWidgetClass  *widget_class,
                    GdkModifierType  modifiers,
                    const char      *action)
{
  static const struct {
    guint keyval;
    const char *direction;
  } keys[] = {
    { GDK_KEY_Left, "left" }, { GDK_KEY_Right, "right" },
    { GDK_KEY_Up, "up" }, { GDK_KEY_Down, "down" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i].keyval, modifiers, action,
                                         "s", keys[i].direction);
}

static void
ts_card_class_init (TsCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ts_card_constructed;
  object_class->dispose = ts_card_dispose;
  object_class->finalize = ts_card_finalize;
  object_class->get_property = ts_card_get_property;
  object_class->set_property = ts_card_set_property;

  properties[PROP_BLOCK] =
    g_param_spec_object ("block", NULL, NULL, TS_TYPE_BLOCK,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAYGROUND] =
    g_param_spec_object ("playground", NULL, NULL, TS_TYPE_PLAYGROUND,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_EDITING] =
    g_param_spec_boolean ("editing", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/ts-card.ui");
  gtk_widget_class_bind_template_child (widget_class, TsCard, root);
  gtk_widget_class_bind_template_child (widget_class, TsCard, drag_handle);
  gtk_widget_class_bind_template_child (widget_class, TsCard, kind_icon);
  gtk_widget_class_bind_template_child (widget_class, TsCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, TsCard, state_label);
  gtk_widget_class_bind_template_child (widget_class, TsCard, error_label);
  gtk_widget_class_bind_template_child (widget_class, TsCard, problem_icon);
  gtk_widget_class_bind_template_child (widget_class, TsCard, run_button);
  gtk_widget_class_bind_template_child (widget_class, TsCard, settings_button);
  gtk_widget_class_bind_template_child (widget_class, TsCard, menu_button);
  gtk_widget_class_bind_template_child (widget_class, TsCard, body);
  gtk_widget_class_bind_template_child (widget_class, TsCard, details_label);
  gtk_widget_class_bind_template_child (widget_class, TsCard, resize_handle);

  gtk_widget_class_install_action (widget_class, "card.rename", NULL, rename_action);
  gtk_widget_class_install_action (widget_class, "card.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "card.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "card.move", "s", move_action);
  gtk_widget_class_install_action (widget_class, "card.resize", "s", move_action);
  gtk_widget_class_install_action (widget_class, "card.choose-document", NULL,
                                   choose_document_action);

  _ts_card_class_add_run_actions (widget_class);

  add_arrow_bindings (widget_class, GDK_ALT_MASK, "card.move");
  add_arrow_bindings (widget_class, GDK_ALT_MASK | GDK_SHIFT_MASK, "card.resize");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "card.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "card.duplicate", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Delete, 0, delete_key_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Delete, 0, delete_key_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, 0, enter_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, 0, enter_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tscard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (TS_TYPE_PROMPT_EDITOR);
  g_type_ensure (TS_TYPE_TITLE_LABEL);
}

static void
ts_card_init (TsCard *self)
{
  self->editing = TRUE;
  self->cancellable = g_cancellable_new ();
  self->output_boxes = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->drag_handle), "grab");
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->resize_handle), "se-resize");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->problem_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Problems"), -1);
}

/**
 * ts_card_new:
 * @block: the block to show
 * @playground: the playground of @block
 *
 * Returns: (transfer floating): a new card, in Edit mode
 */
GtkWidget *
ts_card_new (TsBlock      *block,
             TsPlayground *playground)
{
  g_return_val_if_fail (TS_IS_BLOCK (block), NULL);
  g_return_val_if_fail (TS_IS_PLAYGROUND (playground), NULL);

  return g_object_new (TS_TYPE_CARD,
                       "block", block,
                       "playground", playground,
                       NULL);
}

/**
 * ts_card_get_block:
 * @self: a #TsCard
 *
 * Returns: (transfer none): the block @self shows
 */
TsBlock *
ts_card_get_block (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return self->block;
}

/**
 * ts_card_get_playground:
 * @self: a #TsCard
 *
 * Returns: (transfer none): the playground of the block
 */
TsPlayground *
ts_card_get_playground (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return self->playground;
}

gboolean
ts_card_get_editing (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), FALSE);

  return self->editing;
}

/**
 * ts_card_set_editing:
 * @self: a #TsCard
 * @editing: %TRUE for Edit mode, %FALSE for Use mode
 */
void
ts_card_set_editing (TsCard   *self,
                     gboolean  editing)
{
  g_return_if_fail (TS_IS_CARD (self));

  editing = !!editing;
  if (self->editing == editing)
    return;

  self->editing = editing;
  if (self->block != NULL)
    update_mode (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITING]);
}

/**
 * ts_card_set_problems:
 * @self: a #TsCard
 * @problems: (nullable): what is wrong with the block, one problem a line
 *
 * Shows a warning sign that tells @problems, or none.
 */
void
ts_card_set_problems (TsCard     *self,
                      const char *problems)
{
  g_return_if_fail (TS_IS_CARD (self));

  if (problems != NULL && problems[0] == '\0')
    problems = NULL;

  if (g_strcmp0 (self->problems, problems) == 0)
    return;

  g_free (self->problems);
  self->problems = g_strdup (problems);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->problem_icon), problems);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->problem_icon),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  problems != NULL ? problems : "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_icon), self->editing && problems != NULL);

  if (problems != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "has-problems");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "has-problems");
}

/**
 * ts_card_get_problems:
 * @self: a #TsCard
 *
 * Returns: (nullable): the problems @self shows
 */
const char *
ts_card_get_problems (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return self->problems;
}

/**
 * ts_card_start_rename:
 * @self: a #TsCard
 *
 * Lets the user edit the title in place, in Edit mode.
 */
void
ts_card_start_rename (TsCard *self)
{
  g_return_if_fail (TS_IS_CARD (self));

  if (!self->editing)
    return;

  ts_title_label_start_editing (self->title_label);
}

/**
 * ts_card_get_drag_handle:
 * @self: a #TsCard
 *
 * Returns: (transfer none): the handle to drag the card by
 */
GtkWidget *
ts_card_get_drag_handle (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return GTK_WIDGET (self->drag_handle);
}

/**
 * ts_card_get_resize_handle:
 * @self: a #TsCard
 *
 * Returns: (transfer none): the handle to resize the card by
 */
GtkWidget *
ts_card_get_resize_handle (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return GTK_WIDGET (self->resize_handle);
}

/**
 * ts_card_get_prompt_editor:
 * @self: a #TsCard
 *
 * Returns: (transfer none) (nullable): the editor of the main template of the block
 */
GtkWidget *
ts_card_get_prompt_editor (TsCard *self)
{
  g_return_val_if_fail (TS_IS_CARD (self), NULL);

  return self->prompt_editor;
}
