/* ts-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ts-document.h"

#include <glib/gi18n.h>
#include <gmodule.h>
#include <string.h>

#include "ts-block.h"
#include "ts-document-pdf.h"

/* Text for a document widget: plain text, Markdown, CSV and JSON as they are (UTF-8),
 * HTML without its markup, and PDF through poppler in the tessera-pdf module. The
 * widget keeps only the text and the file's name, never its path. */

G_DEFINE_QUARK (ts-document-error-quark, ts_document_error)

static gboolean
has_suffix (const char *name,
            const char *suffix)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, suffix);
}

static char *
extract_text (const char  *name,
              const char  *data,
              gsize        length,
              GError     **error)
{
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    data += 3, length -= 3;

  if (memchr (data, '\0', length) != NULL || !g_utf8_validate_len (data, length, NULL))
    {
      g_set_error (error, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_INVALID,
                   _("“%s” is not UTF-8 text"), name);
      return NULL;
    }

  return g_strndup (data, length);
}

static const char * const block_elements[] = {
  "p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
  "blockquote", "pre", "table", "ul", "ol", "hr", "title", NULL,
};

/* Appends the character an entity such as "&amp;" or "&#233;" stands for, and returns
 * how many bytes it took, or 0 if @p starts no entity it knows. */
static gsize
append_entity (GString    *out,
               const char *p)
{
  static const struct { const char *name; const char *text; } named[] = {
    { "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" }, { "quot;", "\"" }, { "apos;", "'" },
    { "nbsp;", " " }, { "mdash;", "—" }, { "ndash;", "–" }, { "hellip;", "…" },
    { "rsquo;", "’" }, { "lsquo;", "‘" }, { "rdquo;", "”" }, { "ldquo;", "“" },
  };
  const char *semi;
  gunichar c;
  char *end;

  g_assert (*p == '&');

  for (guint i = 0; i < G_N_ELEMENTS (named); i++)
    {
      if (strncmp (p + 1, named[i].name, strlen (named[i].name)) == 0)
        {
          g_string_append (out, named[i].text);
          return 1 + strlen (named[i].name);
        }
    }

  if (p[1] != '#' || (semi = strchr (p, ';')) == NULL || semi - p > 10)
    return 0;

  if (p[2] == 'x' || p[2] == 'X')
    c = g_ascii_strtoull (p + 3, &end, 16);
  else
    c = g_ascii_strtoull (p + 2, &end, 10);

  if (end != semi || !g_unichar_validate (c) || c == 0)
    return 0;

  g_string_append_unichar (out, c);
  return semi - p + 1;
}

static char *
extract_html (const char  *name,
              const char  *data,
              gsize        length,
              GError     **error)
{
  g_autofree char *text = extract_text (name, data, length, error);
  GString *out;
  gboolean space = FALSE;

  if (text == NULL)
    return NULL;

  out = g_string_sized_new (strlen (text) / 2);

  for (const char *p = text; *p != '\0'; )
    {
      if (*p == '<')
        {
          const char *close = strchr (p, '>');
          g_autofree char *tag = NULL;
          const char *t;
          gsize n = 0;

          if (close == NULL)
            break;

          t = p + 1 + (p[1] == '/');
          while (g_ascii_isalnum (t[n]))
            n++;
          tag = g_ascii_strdown (t, n);

          /* Skip what scripts and styles hold. */
          if (p[1] != '/' && (g_str_equal (tag, "script") || g_str_equal (tag, "style")))
            {
              g_autofree char *end_tag = g_strconcat ("</", tag, NULL);
              const char *q = close;

              while (*q != '\0' && g_ascii_strncasecmp (q, end_tag, strlen (end_tag)) != 0)
                q++;
              close = strchr (q, '>');
              if (close == NULL)
                break;
            }
          else if (g_strv_contains (block_elements, tag))
            {
              while (out->len > 0 && out->str[out->len - 1] == ' ')
                g_string_truncate (out, out->len - 1);
              if (out->len > 0 && !g_str_has_suffix (out->str, "\n\n"))
                g_string_append_c (out, '\n');
              space = FALSE;
            }

          p = close + 1;
          continue;
        }

      if (g_ascii_isspace (*p))
        {
          space = TRUE;
          p++;
          continue;
        }

      if (space && out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c (out, ' ');
      space = FALSE;

      if (*p == '&')
        {
          gsize taken = append_entity (out, p);

          if (taken > 0)
            {
              p += taken;
              continue;
            }
        }

      g_string_append_c (out, *p);
      p++;
    }

  return g_strstrip (g_string_free (out, FALSE));
}

/* Opens the tessera-pdf module once, keeping it for the life of the process. */
static TsDocumentPdfExtractFunc
load_pdf_module (GError **error)
{
  static GMutex lock;
  static TsDocumentPdfExtractFunc extract;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&lock);
  g_autofree char *path = NULL;
  const char *dir;
  GModule *module;
  gpointer symbol = NULL;

  if (extract != NULL)
    return extract;

  dir = g_getenv (TS_DOCUMENT_PDF_MODULE_DIR_ENV);
  if (dir == NULL || dir[0] == '\0')
    dir = TESSERA_MODULEDIR;
  path = g_module_build_path (dir, TS_DOCUMENT_PDF_MODULE_NAME);

  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);

  /* A program run from the build tree, where the module is not installed yet, finds it
   * there: the build tree's programs are in ui/, tests/ and app/cli/, the module in app/. */
  if (module == NULL && g_strcmp0 (dir, TESSERA_MODULEDIR) == 0)
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *exe_dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
      const char *below[] = { "app", "." };

      for (guint i = 0; exe_dir != NULL && module == NULL && i < G_N_ELEMENTS (below); i++)
        {
          g_autofree char *build_dir = g_build_filename (exe_dir, "..", below[i], NULL);
          g_autofree char *build_path = g_module_build_path (build_dir, TS_DOCUMENT_PDF_MODULE_NAME);

          if (g_file_test (build_path, G_FILE_TEST_IS_REGULAR))
            module = g_module_open (build_path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
        }
    }

  if (module == NULL)
    {
      g_set_error (error, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_NO_MODULE,
                   _("PDF files cannot be read: the module “%s” could not be loaded (%s)"),
                   path, g_module_error ());
      return NULL;
    }

  if (!g_module_symbol (module, TS_DOCUMENT_PDF_SYMBOL, &symbol) || symbol == NULL)
    {
      g_set_error (error, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_NO_MODULE,
                   _("PDF files cannot be read: the module “%s” has no %s"),
                   path, TS_DOCUMENT_PDF_SYMBOL);
      g_module_close (module);
      return NULL;
    }

  g_module_make_resident (module);
  extract = (TsDocumentPdfExtractFunc) symbol;

  return extract;
}

static char *
extract_pdf (const char  *name,
             GBytes      *bytes,
             GError     **error)
{
  g_autoptr(GError) pdf_error = NULL;
  TsDocumentPdfExtractFunc extract;
  char *text;

  extract = load_pdf_module (error);
  if (extract == NULL)
    return NULL;

  text = extract (bytes, &pdf_error);
  if (text == NULL)
    g_set_error (error, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_INVALID,
                 _("“%s” is not a PDF file that can be read: %s"), name,
                 pdf_error != NULL ? pdf_error->message : _("no reason given"));

  return text;
}

/**
 * ts_document_extract:
 * @name: the file's name; its extension says how to read it
 * @bytes: the file's contents
 * @error: return location for a %TS_DOCUMENT_ERROR
 *
 * Returns: (transfer full) (nullable): the text of the document
 */
char *
ts_document_extract (const char  *name,
                     GBytes      *bytes,
                     GError     **error)
{
  const TsFieldInfo *info = ts_field_get_info (TS_FIELD_CONTENT);
  g_autofree char *text = NULL;
  const char *data;
  gsize length;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);

  if (has_suffix (name, ".pdf") || (length >= 5 && memcmp (data, "%PDF-", 5) == 0))
    text = extract_pdf (name, bytes, error);
  else if (has_suffix (name, ".html") || has_suffix (name, ".htm"))
    text = extract_html (name, data, length, error);
  else if (has_suffix (name, ".txt") || has_suffix (name, ".md") ||
           has_suffix (name, ".markdown") || has_suffix (name, ".csv") ||
           has_suffix (name, ".json") || strchr (name, '.') == NULL)
    text = extract_text (name, data, length, error);
  else
    {
      g_set_error (error, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_UNSUPPORTED,
                   _("“%s” is not a text, Markdown, CSV, JSON, HTML or PDF file"), name);
      return NULL;
    }

  if (text != NULL && g_utf8_strlen (text, -1) > info->max)
    {
      g_set_error (error, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_TOO_LARGE,
                   _("“%s” holds more than %.0f characters of text"), name, info->max);
      return NULL;
    }

  return g_steal_pointer (&text);
}

/* What a load gives back: the text and the size of the file it came from. */
typedef struct
{
  char  *text;
  gsize  size;
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  g_free (loaded->text);
  g_free (loaded);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;
  Loaded *loaded;
  char *text;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                            G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  name = g_strdup (g_file_info_get_display_name (info));
  if (g_file_info_get_size (info) > TS_DOCUMENT_MAX_FILE_SIZE)
    {
      g_task_return_new_error (task, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_TOO_LARGE,
                               _("“%s” is larger than %d MiB"), name,
                               TS_DOCUMENT_MAX_FILE_SIZE / (1024 * 1024));
      return;
    }

  bytes = g_file_load_bytes (file, cancellable, NULL, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  text = ts_document_extract (name, bytes, &error);
  if (text == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  loaded = g_new0 (Loaded, 1);
  loaded->text = text;
  loaded->size = g_bytes_get_size (bytes);
  g_task_return_pointer (task, loaded, loaded_free);
}

/**
 * ts_document_load_async:
 * @file: a document
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the text
 * @user_data: data for @callback
 *
 * Reads @file and extracts its text on a worker thread.
 */
void
ts_document_load_async (GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ts_document_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

/**
 * ts_document_load_finish:
 * @result: the result given to the callback
 * @file_size: (out) (optional): the size of the file read, in bytes
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the text
 */
char *
ts_document_load_finish (GAsyncResult  *result,
                         gsize         *file_size,
                         GError       **error)
{
  Loaded *loaded;
  char *text;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (file_size != NULL)
    *file_size = loaded != NULL ? loaded->size : 0;
  if (loaded == NULL)
    return NULL;

  text = g_steal_pointer (&loaded->text);
  loaded_free (loaded);

  return text;
}
