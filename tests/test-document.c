/* test-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ts-document.h"

static char *
extract (const char  *name,
         const char  *data,
         GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, strlen (data));

  return ts_document_extract (name, bytes, error);
}

static GBytes *
load_data (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "documents", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static void
test_document_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *bom = NULL;
  g_autofree char *bare = NULL;

  text = extract ("notes.md", "# Notes\nSome *text*.", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "# Notes\nSome *text*.");

  bom = extract ("table.CSV", "\xEF\xBB\xBF" "a,b\n1,2\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bom, ==, "a,b\n1,2\n");

  bare = extract ("README", "plain", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bare, ==, "plain");
}

static void
test_document_html (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = extract ("page.html",
                  "<html><head><style>p { color: red }</style><title>T</title></head>"
                  "<body><p>Fish &amp; chips</p><script>alert(1)</script>"
                  "<p>Caf&#233;   au\n lait</p></body></html>", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "T\n\nFish & chips\n\nCafé au lait");
}

static void
test_document_refused (void)
{
  g_autoptr(GError) unsupported = NULL;
  g_autoptr(GError) binary = NULL;
  g_autoptr(GBytes) nul = g_bytes_new ("a\0b", 3);
  char *text;

  text = extract ("picture.jpeg", "whatever", &unsupported);
  g_assert_null (text);
  g_assert_error (unsupported, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (unsupported->message, "picture.jpeg"));

  text = ts_document_extract ("data.txt", nul, &binary);
  g_assert_null (text);
  g_assert_error (binary, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (binary->message, "data.txt"));
}

/* The PDF reader is the tessera-pdf module, which the test environment points at the
 * build tree: if it did not load, this fails with the loader's error. */
static void
test_document_pdf (void)
{
  g_autoptr(GBytes) bytes = load_data ("two-pages.pdf");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sniffed = NULL;

  text = ts_document_extract ("two-pages.pdf", bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_strstrip (text), ==,
                   "Hello from the first page\n\nThe second page says goodbye");

  /* A PDF is known by its contents too, whatever its name. */
  sniffed = ts_document_extract ("scan", bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (sniffed, "second page"));
}

static void
test_document_pdf_invalid (void)
{
  g_autoptr(GError) error = NULL;
  char *text;

  text = extract ("broken.pdf", "%PDF-1.4\nnot really a PDF\n", &error);
  g_assert_null (text);
  g_assert_error (error, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "broken.pdf"));
}

/* Without its module, reading a PDF is an error naming the module's file. */
static void
test_document_pdf_no_module (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GBytes) bytes = load_data ("two-pages.pdf");
      g_autoptr(GError) error = NULL;
      char *text;

      g_setenv ("TESSERA_MODULE_DIR", "/nonexistent/tessera-modules", TRUE);
      text = ts_document_extract ("two-pages.pdf", bytes, &error);
      g_assert_null (text);
      g_assert_error (error, TS_DOCUMENT_ERROR, TS_DOCUMENT_ERROR_NO_MODULE);
      g_print ("%s\n", error->message);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*/nonexistent/tessera-modules/libtessera-pdf.so*");
}

/* A program run from the build tree without TESSERA_MODULE_DIR, as a developer runs
 * build/ui/tessera, finds the module in the build tree (unless it is installed). */
static void
test_document_pdf_build_tree (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GBytes) bytes = load_data ("two-pages.pdf");
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_unsetenv ("TESSERA_MODULE_DIR");
      text = ts_document_extract ("two-pages.pdf", bytes, &error);
      g_assert_no_error (error);
      g_assert_nonnull (strstr (text, "first page"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/document/text", test_document_text);
  g_test_add_func ("/core/document/html", test_document_html);
  g_test_add_func ("/core/document/refused", test_document_refused);
  g_test_add_func ("/core/document/pdf", test_document_pdf);
  g_test_add_func ("/core/document/pdf-invalid", test_document_pdf_invalid);
  g_test_add_func ("/core/document/pdf-no-module", test_document_pdf_no_module);
  g_test_add_func ("/core/document/pdf-build-tree", test_document_pdf_build_tree);

  return g_test_run ();
}
