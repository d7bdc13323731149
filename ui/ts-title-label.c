/* ts-title-label.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-title-label.h"

#include <glib/gi18n.h>

#include "ts-utils.h"

/* A title that can be renamed in place: a label that turns into an entry on a click,
 * Enter or F2, and back on Enter (commit), Escape (cancel) or when the focus leaves it
 * (commit). The label does not change its own text when the user commits one: it emits
 * ::commit and shows whatever its owner sets, so the model stays the one source of the
 * title and can refuse an empty one.
 *
 * GtkEditableLabel would do, but GTK 4.8's arms a 100 ms timeout with a bare pointer to
 * its focus controller every time the focus leaves it, and the timeout outlives the
 * widget: a card deleted, or a window closed, within 100 ms of a focus change reads freed
 * memory. This widget's own deferred commit is removed in dispose. */

struct _TsTitleLabel
{
  GtkWidget  parent_instance;

  char      *text;
  gboolean   editable;
  guint      leave_id;

  GtkStack  *stack;
  GtkLabel  *label;
  GtkEntry  *entry;
};

G_DEFINE_FINAL_TYPE (TsTitleLabel, ts_title_label, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  PROP_EDITABLE,
  PROP_EDITING,
  PROP_XALIGN,
  N_PROPS,
};

enum {
  SIGNAL_COMMIT,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
update_accessible (TsTitleLabel *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->text[0] != '\0' ? self->text : _("Untitled"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->editable ? _("Press Enter to rename") : "",
                                  -1);
}

static void
entry_activate_cb (TsTitleLabel *self)
{
  ts_title_label_stop_editing (self, TRUE);
}

/* Whether the focus is in the entry (on the text widget inside it). */
static gboolean
entry_has_focus (TsTitleLabel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == GTK_WIDGET (self->entry) ||
                           gtk_widget_is_ancestor (focus, GTK_WIDGET (self->entry)));
}

static gboolean
leave_cb (gpointer user_data)
{
  TsTitleLabel *self = user_data;

  self->leave_id = 0;

  if (!entry_has_focus (self))
    ts_title_label_stop_editing (self, TRUE);

  return G_SOURCE_REMOVE;
}

/* The focus may only pass through a popup of the entry (its context menu), so the
 * commit waits for the focus to settle. */
static void
entry_focus_leave_cb (TsTitleLabel *self)
{
  if (ts_title_label_get_editing (self) && self->leave_id == 0 &&
      !gtk_widget_in_destruction (GTK_WIDGET (self)))
    self->leave_id = g_idle_add (leave_cb, self);
}

static gboolean
entry_key_pressed_cb (TsTitleLabel          *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_Escape)
    return FALSE;

  ts_title_label_stop_editing (self, FALSE);
  return TRUE;
}

static void
label_pressed_cb (TsTitleLabel    *self,
                  int              n_press,
                  double           x,
                  double           y,
                  GtkGestureClick *gesture)
{
  if (!self->editable)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  ts_title_label_start_editing (self);
}

static void
start_editing_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  ts_title_label_start_editing (TS_TITLE_LABEL (widget));
}

static gboolean
ts_title_label_grab_focus (GtkWidget *widget)
{
  TsTitleLabel *self = TS_TITLE_LABEL (widget);

  if (ts_title_label_get_editing (self))
    return gtk_widget_grab_focus (GTK_WIDGET (self->entry));

  return GTK_WIDGET_CLASS (ts_title_label_parent_class)->grab_focus (widget);
}

static void
ts_title_label_dispose (GObject *object)
{
  TsTitleLabel *self = (TsTitleLabel *) object;

  g_clear_handle_id (&self->leave_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), TS_TYPE_TITLE_LABEL);

  G_OBJECT_CLASS (ts_title_label_parent_class)->dispose (object);
}

static void
ts_title_label_finalize (GObject *object)
{
  TsTitleLabel *self = (TsTitleLabel *) object;

  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (ts_title_label_parent_class)->finalize (object);
}

static void
ts_title_label_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TsTitleLabel *self = TS_TITLE_LABEL (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;

    case PROP_EDITING:
      g_value_set_boolean (value, ts_title_label_get_editing (self));
      break;

    case PROP_XALIGN:
      g_value_set_float (value, gtk_label_get_xalign (self->label));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_title_label_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TsTitleLabel *self = TS_TITLE_LABEL (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      ts_title_label_set_text (self, g_value_get_string (value));
      break;

    case PROP_EDITABLE:
      ts_title_label_set_editable (self, g_value_get_boolean (value));
      break;

    case PROP_XALIGN:
      gtk_label_set_xalign (self->label, g_value_get_float (value));
      gtk_editable_set_alignment (GTK_EDITABLE (self->entry), g_value_get_float (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_title_label_class_init (TsTitleLabelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ts_title_label_dispose;
  object_class->finalize = ts_title_label_finalize;
  object_class->get_property = ts_title_label_get_property;
  object_class->set_property = ts_title_label_set_property;

  widget_class->grab_focus = ts_title_label_grab_focus;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_EDITABLE] =
    g_param_spec_boolean ("editable", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_EDITING] =
    g_param_spec_boolean ("editing", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_XALIGN] =
    g_param_spec_float ("xalign", NULL, NULL, 0.0, 1.0, 0.0,
                        (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TsTitleLabel::commit:
   * @self: a #TsTitleLabel
   * @text: the text the user entered
   *
   * The user ended editing by keeping @text, which the owner may take or refuse.
   */
  signals[SIGNAL_COMMIT] =
    g_signal_new ("commit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/ts-title-label.ui");
  gtk_widget_class_bind_template_child (widget_class, TsTitleLabel, stack);
  gtk_widget_class_bind_template_child (widget_class, TsTitleLabel, label);
  gtk_widget_class_bind_template_child (widget_class, TsTitleLabel, entry);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);

  gtk_widget_class_install_action (widget_class, "title.start-editing", NULL,
                                   start_editing_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0,
                                       "title.start-editing", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0,
                                       "title.start-editing", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "tstitlelabel");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
ts_title_label_init (TsTitleLabel *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  self->text = g_strdup ("");

  gtk_widget_init_template (GTK_WIDGET (self));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (gesture, "pressed", G_CALLBACK (label_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->label), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (entry_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), controller);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "title.start-editing", FALSE);
  update_accessible (self);
}

/**
 * ts_title_label_new:
 *
 * Returns: (transfer floating): a new title label, not editable
 */
GtkWidget *
ts_title_label_new (void)
{
  return g_object_new (TS_TYPE_TITLE_LABEL, NULL);
}

const char *
ts_title_label_get_text (TsTitleLabel *self)
{
  g_return_val_if_fail (TS_IS_TITLE_LABEL (self), NULL);

  return self->text;
}

/**
 * ts_title_label_set_text:
 * @self: a #TsTitleLabel
 * @text: (nullable): the title to show
 *
 * Shows @text; while the user edits, the entry keeps what they typed.
 */
void
ts_title_label_set_text (TsTitleLabel *self,
                         const char   *text)
{
  g_return_if_fail (TS_IS_TITLE_LABEL (self));

  if (!ts_set_str (&self->text, text != NULL ? text : ""))
    return;

  gtk_label_set_text (self->label, self->text);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

gboolean
ts_title_label_get_editable (TsTitleLabel *self)
{
  g_return_val_if_fail (TS_IS_TITLE_LABEL (self), FALSE);

  return self->editable;
}

/**
 * ts_title_label_set_editable:
 * @self: a #TsTitleLabel
 * @editable: whether the user may rename
 *
 * A label that stops being editable cancels the editing in progress.
 */
void
ts_title_label_set_editable (TsTitleLabel *self,
                             gboolean      editable)
{
  g_return_if_fail (TS_IS_TITLE_LABEL (self));

  editable = !!editable;
  if (self->editable == editable)
    return;

  self->editable = editable;
  if (!editable)
    ts_title_label_stop_editing (self, FALSE);

  gtk_widget_set_focusable (GTK_WIDGET (self), editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "title.start-editing", editable);
  if (editable)
    gtk_widget_add_css_class (GTK_WIDGET (self), "editable");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "editable");
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

gboolean
ts_title_label_get_editing (TsTitleLabel *self)
{
  g_return_val_if_fail (TS_IS_TITLE_LABEL (self), FALSE);

  return gtk_stack_get_visible_child (self->stack) == GTK_WIDGET (self->entry);
}

/**
 * ts_title_label_start_editing:
 * @self: a #TsTitleLabel
 *
 * Shows the entry, with the whole title selected, if @self is editable.
 */
void
ts_title_label_start_editing (TsTitleLabel *self)
{
  g_return_if_fail (TS_IS_TITLE_LABEL (self));

  if (!self->editable || ts_title_label_get_editing (self))
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->entry), self->text);
  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->entry));
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
  gtk_editable_select_region (GTK_EDITABLE (self->entry), 0, -1);
  gtk_widget_add_css_class (GTK_WIDGET (self), "editing");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITING]);
}

/**
 * ts_title_label_stop_editing:
 * @self: a #TsTitleLabel
 * @commit: whether to emit ::commit with the entry's text
 *
 * Shows the label again.
 */
void
ts_title_label_stop_editing (TsTitleLabel *self,
                             gboolean      commit)
{
  g_autofree char *text = NULL;
  gboolean had_focus;

  g_return_if_fail (TS_IS_TITLE_LABEL (self));

  g_clear_handle_id (&self->leave_id, g_source_remove);

  if (!ts_title_label_get_editing (self))
    return;

  had_focus = entry_has_focus (self);
  text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->label));
  gtk_widget_remove_css_class (GTK_WIDGET (self), "editing");
  if (had_focus && self->editable)
    gtk_widget_grab_focus (GTK_WIDGET (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITING]);

  if (commit)
    g_signal_emit (self, signals[SIGNAL_COMMIT], 0, text);
}

/**
 * ts_title_label_get_entry:
 * @self: a #TsTitleLabel
 *
 * Returns: (transfer none): the entry the user types in while editing
 */
GtkEditable *
ts_title_label_get_entry (TsTitleLabel *self)
{
  g_return_val_if_fail (TS_IS_TITLE_LABEL (self), NULL);

  return GTK_EDITABLE (self->entry);
}
