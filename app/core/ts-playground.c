/* ts-playground.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ts-playground.h"
#include "ts-template.h"
#include "ts-utils.h"

/* A playground is the document: a title, a description, playground-wide defaults and an
 * ordered list of blocks. It is a GListModel of TsBlock so views follow items-changed,
 * and it relays every block change so the UI and the runner watch one object. */

struct _TsPlayground
{
  GObject     parent_instance;

  char       *title;
  char       *description;
  char       *settings[4];
  GPtrArray  *blocks;
  GHashTable *by_id;
  GHashTable *removed_titles;   /* id → title of a block removed since */
  guint64     revision;
  guint       next_id;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TsPlayground, ts_playground, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_TEXT_PROVIDER,
  PROP_TEXT_MODEL,
  PROP_IMAGE_PROVIDER,
  PROP_IMAGE_MODEL,
  PROP_REVISION,
  PROP_N_ITEMS,
  N_PROPS,
};

enum {
  BLOCK_CHANGED,
  N_SIGNALS,
};

/* Setting keys as property names, in file order; PROP_TEXT_PROVIDER + i is key i. */
static const char * const setting_keys[] = {
  "text-provider", "text-model", "image-provider", "image-model", NULL,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
bump_revision (TsPlayground *self)
{
  self->revision++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
}

static GType
ts_playground_get_item_type (GListModel *model)
{
  return TS_TYPE_BLOCK;
}

static guint
ts_playground_get_n_items (GListModel *model)
{
  return TS_PLAYGROUND (model)->blocks->len;
}

static gpointer
ts_playground_get_item (GListModel *model,
                        guint       position)
{
  TsPlayground *self = TS_PLAYGROUND (model);

  if (position >= self->blocks->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->blocks, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ts_playground_get_item_type;
  iface->get_n_items = ts_playground_get_n_items;
  iface->get_item = ts_playground_get_item;
}

static void
block_notify_cb (TsPlayground *self,
                 GParamSpec   *pspec,
                 TsBlock      *block)
{
  g_assert (TS_IS_PLAYGROUND (self));
  g_assert (TS_IS_BLOCK (block));

  /* A new output is a result, not an edit of the document. */
  if (!g_str_equal (pspec->name, "output"))
    bump_revision (self);

  g_signal_emit (self, signals[BLOCK_CHANGED], 0, block, pspec->name);
}

static void
release_block (gpointer data)
{
  TsBlock *block = data;

  g_signal_handlers_disconnect_matched (block, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        block_notify_cb, NULL);
  g_object_unref (block);
}

static void
ts_playground_dispose (GObject *object)
{
  TsPlayground *self = (TsPlayground *) object;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->removed_titles, g_hash_table_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);

  G_OBJECT_CLASS (ts_playground_parent_class)->dispose (object);
}

static void
ts_playground_finalize (GObject *object)
{
  TsPlayground *self = (TsPlayground *) object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->settings); i++)
    g_clear_pointer (&self->settings[i], g_free);

  G_OBJECT_CLASS (ts_playground_parent_class)->finalize (object);
}

static void
ts_playground_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TsPlayground *self = TS_PLAYGROUND (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_TEXT_PROVIDER:
    case PROP_TEXT_MODEL:
    case PROP_IMAGE_PROVIDER:
    case PROP_IMAGE_MODEL:
      g_value_set_string (value, self->settings[prop_id - PROP_TEXT_PROVIDER]);
      break;

    case PROP_REVISION:
      g_value_set_uint64 (value, self->revision);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->blocks->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_playground_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TsPlayground *self = TS_PLAYGROUND (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      ts_playground_set_title (self, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      ts_playground_set_description (self, g_value_get_string (value));
      break;

    case PROP_TEXT_PROVIDER:
    case PROP_TEXT_MODEL:
    case PROP_IMAGE_PROVIDER:
    case PROP_IMAGE_MODEL:
      ts_playground_set_setting (self, setting_keys[prop_id - PROP_TEXT_PROVIDER],
                                 g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ts_playground_class_init (TsPlaygroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ts_playground_dispose;
  object_class->finalize = ts_playground_finalize;
  object_class->get_property = ts_playground_get_property;
  object_class->set_property = ts_playground_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TsPlayground:text-provider:
   *
   * The provider for text and chat widgets that name none; "" defers to the user's
   * preference. Likewise "text-model", "image-provider" and "image-model".
   */
  for (guint i = 0; setting_keys[i] != NULL; i++)
    properties[PROP_TEXT_PROVIDER + i] =
      g_param_spec_string (setting_keys[i], NULL, NULL, "",
                           (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * TsPlayground:revision:
   *
   * Grows on every edit of the document (not on new outputs), so a window can tell
   * whether the document changed since it was saved.
   */
  properties[PROP_REVISION] =
    g_param_spec_uint64 ("revision", NULL, NULL, 0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TsPlayground::block-changed:
   * @self: the playground
   * @block: the block that changed
   * @property: the name of the property that changed
   *
   * Emitted when a property of any block of the playground changes.
   */
  signals[BLOCK_CHANGED] =
    g_signal_new ("block-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, TS_TYPE_BLOCK, G_TYPE_STRING);
}

static void
ts_playground_init (TsPlayground *self)
{
  self->title = g_strdup (_("Untitled playground"));
  self->description = g_strdup ("");
  for (guint i = 0; i < G_N_ELEMENTS (self->settings); i++)
    self->settings[i] = g_strdup ("");
  self->blocks = g_ptr_array_new_with_free_func (release_block);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->removed_titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->next_id = 1;
}

/**
 * ts_playground_new:
 *
 * Returns: (transfer full): an empty playground
 */
TsPlayground *
ts_playground_new (void)
{
  return g_object_new (TS_TYPE_PLAYGROUND, NULL);
}

const char *
ts_playground_get_title (TsPlayground *self)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);

  return self->title;
}

void
ts_playground_set_title (TsPlayground *self,
                         const char   *title)
{
  g_return_if_fail (TS_IS_PLAYGROUND (self));

  if (ts_set_str (&self->title, title != NULL ? title : ""))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
      bump_revision (self);
    }
}

const char *
ts_playground_get_description (TsPlayground *self)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);

  return self->description;
}

void
ts_playground_set_description (TsPlayground *self,
                               const char   *description)
{
  g_return_if_fail (TS_IS_PLAYGROUND (self));

  if (ts_set_str (&self->description, description != NULL ? description : ""))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
      bump_revision (self);
    }
}

/**
 * ts_playground_list_setting_keys:
 *
 * Returns: (transfer none): the setting keys, in file order
 */
const char * const *
ts_playground_list_setting_keys (void)
{
  return setting_keys;
}

static int
setting_index (const char *key)
{
  for (guint i = 0; setting_keys[i] != NULL; i++)
    {
      if (g_strcmp0 (setting_keys[i], key) == 0)
        return i;
    }

  return -1;
}

const char *
ts_playground_get_setting (TsPlayground *self,
                           const char   *key)
{
  int i;

  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);
  g_return_val_if_fail ((i = setting_index (key)) >= 0, NULL);

  return self->settings[i];
}

void
ts_playground_set_setting (TsPlayground *self,
                           const char   *key,
                           const char   *value)
{
  int i;

  g_return_if_fail (TS_IS_PLAYGROUND (self));
  g_return_if_fail ((i = setting_index (key)) >= 0);

  if (ts_set_str (&self->settings[i], value != NULL ? value : ""))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT_PROVIDER + i]);
      bump_revision (self);
    }
}

guint
ts_playground_get_n_blocks (TsPlayground *self)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), 0);

  return self->blocks->len;
}

/**
 * ts_playground_get_block:
 * @self: a #TsPlayground
 * @position: an index below ts_playground_get_n_blocks()
 *
 * Returns: (transfer none): the block at @position
 */
TsBlock *
ts_playground_get_block (TsPlayground *self,
                         guint         position)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);
  g_return_val_if_fail (position < self->blocks->len, NULL);

  return g_ptr_array_index (self->blocks, position);
}

/**
 * ts_playground_find_block:
 * @self: a #TsPlayground
 * @block: a block
 * @position: (out) (optional): where @block is
 *
 * Returns: %TRUE if @block belongs to @self
 */
gboolean
ts_playground_find_block (TsPlayground *self,
                          TsBlock      *block,
                          guint        *position)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), FALSE);
  g_return_val_if_fail (TS_IS_BLOCK (block), FALSE);

  return g_ptr_array_find (self->blocks, block, position);
}

/**
 * ts_playground_lookup_block:
 * @self: a #TsPlayground
 * @id: a widget id
 *
 * Returns: (transfer none) (nullable): the block with @id
 */
TsBlock *
ts_playground_lookup_block (TsPlayground *self,
                            const char   *id)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);

  if (id == NULL)
    return NULL;

  return g_hash_table_lookup (self->by_id, id);
}

/**
 * ts_playground_get_removed_title:
 * @self: a #TsPlayground
 * @id: a block id
 *
 * The title a block had when it was removed, for showing the mentions of a deleted
 * block by name. It is not saved: a playground loaded from a file knows none.
 *
 * Returns: (transfer none) (nullable): the last title of the removed block with @id, or
 *   %NULL when @id names a current block or none that was removed
 */
const char *
ts_playground_get_removed_title (TsPlayground *self,
                                 const char   *id)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);

  if (id == NULL)
    return NULL;

  return g_hash_table_lookup (self->removed_titles, id);
}

/**
 * ts_playground_find_block_by_title:
 * @self: a #TsPlayground
 * @title: a widget title
 *
 * Returns: (transfer none) (nullable): the first block titled @title
 */
TsBlock *
ts_playground_find_block_by_title (TsPlayground *self,
                                   const char   *title)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);
  g_return_val_if_fail (title != NULL, NULL);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      TsBlock *block = g_ptr_array_index (self->blocks, i);

      if (g_str_equal (ts_block_get_title (block), title))
        return block;
    }

  return NULL;
}

/**
 * ts_playground_dup_unused_id:
 * @self: a #TsPlayground
 *
 * Returns: (transfer full): an id no block of @self has, such as `w7`
 */
char *
ts_playground_dup_unused_id (TsPlayground *self)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);

  for (;;)
    {
      g_autofree char *id = g_strdup_printf ("w%u", self->next_id++);

      if (!g_hash_table_contains (self->by_id, id))
        return g_steal_pointer (&id);
    }
}

/**
 * ts_playground_dup_unused_title:
 * @self: a #TsPlayground
 * @base: the wanted title
 *
 * Returns: (transfer full): @base if no block has it, else "@base N" with N above any
 *   number in use
 */
char *
ts_playground_dup_unused_title (TsPlayground *self,
                                const char   *base)
{
  gsize base_len;
  gboolean taken = FALSE;
  guint64 highest = 1;

  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);
  g_return_val_if_fail (base != NULL, NULL);

  /* One pass: note whether @base is taken and the highest "@base N" in use. */
  base_len = strlen (base);
  for (guint i = 0; i < self->blocks->len; i++)
    {
      const char *title = ts_block_get_title (g_ptr_array_index (self->blocks, i));
      guint64 n;

      if (strncmp (title, base, base_len) != 0)
        continue;

      if (title[base_len] == '\0')
        taken = TRUE;
      else if (title[base_len] == ' ' &&
               g_ascii_string_to_unsigned (title + base_len + 1, 10, 2, G_MAXUINT, &n, NULL))
        highest = MAX (highest, n);
    }

  if (!taken)
    return g_strdup (base);

  return g_strdup_printf ("%s %" G_GUINT64_FORMAT, base, highest + 1);
}

/**
 * ts_playground_add_block:
 * @self: a #TsPlayground
 * @kind: the kind of widget
 *
 * Appends a new block of @kind with a fresh id, an unused title and a full-width cell
 * below every other block.
 *
 * Returns: (transfer none): the new block
 */
TsBlock *
ts_playground_add_block (TsPlayground *self,
                         TsBlockKind   kind)
{
  g_autoptr(TsBlock) block = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  int next_row = 0;

  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);
  g_return_val_if_fail (kind < TS_N_BLOCK_KINDS, NULL);

  for (guint i = 0; i < self->blocks->len; i++)
    {
      int row, row_span;

      ts_block_get_layout (g_ptr_array_index (self->blocks, i), NULL, &row, NULL, &row_span);
      next_row = MAX (next_row, row + row_span);
    }

  id = ts_playground_dup_unused_id (self);
  title = ts_playground_dup_unused_title (self, ts_block_kind_get_display_name (kind));
  block = ts_block_new (kind, id);
  ts_block_set_title (block, title);
  ts_block_set_layout (block, 0, next_row, TS_GRID_COLUMNS,
                       kind == TS_BLOCK_KIND_INPUT ? 1 : 2);

  ts_playground_insert_block (self, self->blocks->len, block);

  return block;
}

/**
 * ts_playground_insert_block:
 * @self: a #TsPlayground
 * @position: where to insert, at most the number of blocks
 * @block: a block that belongs to no playground
 *
 * Returns: %FALSE, changing nothing, if another block has the id of @block
 */
gboolean
ts_playground_insert_block (TsPlayground *self,
                            guint         position,
                            TsBlock      *block)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), FALSE);
  g_return_val_if_fail (TS_IS_BLOCK (block), FALSE);
  g_return_val_if_fail (position <= self->blocks->len, FALSE);

  if (g_hash_table_contains (self->by_id, ts_block_get_id (block)))
    return FALSE;

  g_ptr_array_insert (self->blocks, position, g_object_ref (block));
  g_hash_table_insert (self->by_id, (gpointer) ts_block_get_id (block), block);
  g_hash_table_remove (self->removed_titles, ts_block_get_id (block));
  g_signal_connect_object (block, "notify", G_CALLBACK (block_notify_cb), self,
                           G_CONNECT_SWAPPED);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  bump_revision (self);

  return TRUE;
}

void
ts_playground_remove_block (TsPlayground *self,
                            TsBlock      *block)
{
  guint position;

  g_return_if_fail (TS_IS_PLAYGROUND (self));
  g_return_if_fail (TS_IS_BLOCK (block));

  if (!g_ptr_array_find (self->blocks, block, &position))
    g_return_if_reached ();

  g_hash_table_remove (self->by_id, ts_block_get_id (block));
  g_hash_table_insert (self->removed_titles, g_strdup (ts_block_get_id (block)),
                       g_strdup (ts_block_get_title (block)));
  g_ptr_array_remove_index (self->blocks, position);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  bump_revision (self);
}

/**
 * ts_playground_move_block:
 * @self: a #TsPlayground
 * @block: a block of @self
 * @position: its new index, below the number of blocks
 */
void
ts_playground_move_block (TsPlayground *self,
                          TsBlock      *block,
                          guint         position)
{
  guint old_position;

  g_return_if_fail (TS_IS_PLAYGROUND (self));
  g_return_if_fail (TS_IS_BLOCK (block));
  g_return_if_fail (position < self->blocks->len);

  if (!g_ptr_array_find (self->blocks, block, &old_position))
    g_return_if_reached ();

  if (old_position == position)
    return;

  /* Keep our own reference: the steal drops the array's. */
  g_ptr_array_steal_index (self->blocks, old_position);
  g_ptr_array_insert (self->blocks, position, block);

  g_list_model_items_changed (G_LIST_MODEL (self), MIN (old_position, position),
                              1 + (MAX (old_position, position) - MIN (old_position, position)),
                              1 + (MAX (old_position, position) - MIN (old_position, position)));
  bump_revision (self);
}

guint64
ts_playground_get_revision (TsPlayground *self)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), 0);

  return self->revision;
}

static const char *
lookup_title_cb (const char *id,
                 gpointer    user_data)
{
  TsBlock *block = ts_playground_lookup_block (user_data, id);

  return block != NULL ? ts_block_get_title (block) : NULL;
}

/**
 * ts_playground_to_display:
 * @self: a #TsPlayground
 * @tmpl: a template of one of its blocks
 *
 * Returns: (transfer full): @tmpl with each mention shown as `@Title`
 */
char *
ts_playground_to_display (TsPlayground *self,
                          const char   *tmpl)
{
  g_return_val_if_fail (TS_IS_PLAYGROUND (self), NULL);
  g_return_val_if_fail (tmpl != NULL, NULL);

  return ts_template_to_display (tmpl, lookup_title_cb, self);
}
