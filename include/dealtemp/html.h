/*
 * html.h - HTML (already UTF-8) -> plain text, for HTML-only mail. Pure.
 *
 * Tags are dropped; <script>, <style>, <head> and comments dropped with
 * their content; character entities (named common ones, &#NNN; and &#xHH;)
 * decoded; block elements (p, div, br, li, tr, h1-h6, table, blockquote)
 * become line breaks; runs of white space collapse. Quoted replies are
 * dropped with their content: <blockquote>, Gmail's class="gmail_quote"
 * containers, Outlook's id="divRplyFwdMsg" / id="appendonsend" (everything
 * after them), Apple's type="cite", Thunderbird's class="moz-cite-prefix".
 * Malformed HTML (unclosed tags, stray '<') never fails.
 *
 * The input comes from whoever sent the mail, inbound mail included, and
 * is bounded only by the caller (the milter's scan_limit, 256 KB by
 * default): the time is linear in len for any input, and the text takes
 * at most 3 len + 1 bytes (U+FFFD for a bad byte, a final line break).
 *
 * DIAGNOSTICS: none; nothing fails. If out cannot grow it is marked failed
 * (dt_buf_failed) and the text is incomplete.
 *
 * BUGS: a scan, not a browser's tree builder. An unclosed <head> ends at
 * "</head" or "<body", whichever comes first; with neither, its text is
 * read. Once a tag has run into the end of the document inside a quote,
 * quotes in later tags are plain characters (a browser would drop the rest
 * of the document). Quote containers are matched by name and nesting
 * depth, so a "<div" inside a comment within a Gmail quote counts too.
 */
#ifndef DEALTEMP_HTML_H
#define DEALTEMP_HTML_H

#include "dealtemp/buf.h"

/* Append the text of html[0..len) to out (what out held before stays as it is). */
void dt_html_to_text(const char *html, size_t len, struct dt_buf *out);

#endif
