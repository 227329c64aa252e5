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
 */
#ifndef DEALTEMP_HTML_H
#define DEALTEMP_HTML_H

#include "dealtemp/buf.h"

/* Append the text of html[0..len) to out. */
void dt_html_to_text(const char *html, size_t len, struct dt_buf *out);

#endif
