/* ts-output.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-output.h"
#include "ts-utils.h"

/* The result a widget produced: text, images with the seed each was made with, or a chat
 * transcript. Snapshots save it beside the definition. */

typedef struct
{
  GBytes *png;
  gint64  seed;
} Image;

typedef struct
{
  TsChatRole  role;
  char       *text;
} Message;

struct _TsOutput
{
  GObject  parent_instance;

  char    *text;
  GArray  *images;
  GArray  *messages;
};

G_DEFINE_FINAL_TYPE (TsOutput, ts_output, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS,
};

enum {
  CHANGED,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_image (gpointer data)
{
  Image *image = data;

  g_clear_pointer (&image->png, g_bytes_unref);
}

static void
clear_message (gpointer data)
{
  Message *message = data;

  g_clear_pointer (&message->text, g_free);
}

static void
ts_output_finalize (GObject *object)
{
  TsOutput *self = (TsOutput *) object;

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->images, g_array_unref);
  g_clear_pointer (&self->messages, g_array_unref);

  G_OBJECT_CLASS (ts_output_parent_class)->finalize (object);
}

static void
ts_output_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TsOutput *self = TS_OUTPUT (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, ts_output_get_text (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_output_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TsOutput *self = TS_OUTPUT (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      ts_output_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_output_class_init (TsOutputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ts_output_finalize;
  object_class->get_property = ts_output_get_property;
  object_class->set_property = ts_output_set_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TsOutput::changed:
   *
   * Emitted after any part of the output changed: text, images or messages.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ts_output_init (TsOutput *self)
{
  self->text = g_strdup ("");
  self->images = g_array_new (FALSE, FALSE, sizeof (Image));
  g_array_set_clear_func (self->images, clear_image);
  self->messages = g_array_new (FALSE, FALSE, sizeof (Message));
  g_array_set_clear_func (self->messages, clear_message);
}

TsOutput *
ts_output_new (void)
{
  return g_object_new (TS_TYPE_OUTPUT, NULL);
}

const char *
ts_output_get_text (TsOutput *self)
{
  g_return_val_if_fail (TS_IS_OUTPUT (self), NULL);

  return self->text;
}

void
ts_output_set_text (TsOutput   *self,
                    const char *text)
{
  g_return_if_fail (TS_IS_OUTPUT (self));

  if (ts_set_str (&self->text, text != NULL ? text : ""))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

guint
ts_output_get_n_images (TsOutput *self)
{
  g_return_val_if_fail (TS_IS_OUTPUT (self), 0);

  return self->images->len;
}

/**
 * ts_output_get_image:
 * @self: a #TsOutput
 * @index: which image
 * @seed: (out) (optional): the seed the image was made with
 *
 * Returns: (transfer none): the PNG bytes
 */
GBytes *
ts_output_get_image (TsOutput *self,
                     guint     index,
                     gint64   *seed)
{
  const Image *image;

  g_return_val_if_fail (TS_IS_OUTPUT (self), NULL);
  g_return_val_if_fail (index < self->images->len, NULL);

  image = &g_array_index (self->images, Image, index);
  if (seed != NULL)
    *seed = image->seed;

  return image->png;
}

void
ts_output_add_image (TsOutput *self,
                     GBytes   *png,
                     gint64    seed)
{
  Image image;

  g_return_if_fail (TS_IS_OUTPUT (self));
  g_return_if_fail (png != NULL);

  image.png = g_bytes_ref (png);
  image.seed = seed;
  g_array_append_val (self->images, image);
  g_signal_emit (self, signals[CHANGED], 0);
}

guint
ts_output_get_n_messages (TsOutput *self)
{
  g_return_val_if_fail (TS_IS_OUTPUT (self), 0);

  return self->messages->len;
}

/**
 * ts_output_get_message:
 * @self: a #TsOutput
 * @index: which message of the chat transcript
 * @role: (out) (optional): who wrote it
 *
 * Returns: (transfer none): the message text
 */
const char *
ts_output_get_message (TsOutput   *self,
                       guint       index,
                       TsChatRole *role)
{
  const Message *message;

  g_return_val_if_fail (TS_IS_OUTPUT (self), NULL);
  g_return_val_if_fail (index < self->messages->len, NULL);

  message = &g_array_index (self->messages, Message, index);
  if (role != NULL)
    *role = message->role;

  return message->text;
}

void
ts_output_add_message (TsOutput   *self,
                       TsChatRole  role,
                       const char *text)
{
  Message message;

  g_return_if_fail (TS_IS_OUTPUT (self));
  g_return_if_fail (text != NULL);

  message.role = role;
  message.text = g_strdup (text);
  g_array_append_val (self->messages, message);
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
ts_output_is_empty (TsOutput *self)
{
  g_return_val_if_fail (TS_IS_OUTPUT (self), TRUE);

  return self->text[0] == '\0' && self->images->len == 0 && self->messages->len == 0;
}
