/*
 * quote.h - keep only the author's own words. Pure.
 *
 * Removes, from plain text (LF line ends):
 *  - quoted replies: lines starting with '>', and everything from a reply
 *    attribution on: "On ... wrote:", "Op ... schreef ...:", "Am ...
 *    schrieb ...:", "Le ... a écrit :" (also wrapped over two lines);
 *  - forwarded and Outlook blocks: "-----Original Message-----",
 *    "----- Oorspronkelijk bericht -----", "---------- Forwarded message
 *    ---------", "Begin forwarded message:", and a header block of
 *    From:/Sent:/To:/Subject: or Van:/Verzonden:/Aan:/Onderwerp: (also
 *    Von:/Gesendet:, De :/Envoyé :) — everything from there on;
 *  - signatures: from a "-- " line (also "--" alone) on; device trailers
 *    ("Sent from my iPhone", "Verzonden vanaf mijn iPhone", "Von meinem
 *    iPhone gesendet", "Envoyé de mon iPhone", "Get Outlook for ...") on.
 * Leading and trailing blank lines are trimmed.
 *
 * Details of the contract (as implemented in quote.c):
 *  - An attribution directly followed (after blank lines) by '>' lines
 *    drops only itself; the '>' lines go one by one, so a reply written
 *    below or between the quotes is kept. Not followed by '>' lines, it
 *    cuts everything from there on, but only if it carries a clock time
 *    ("10:00") or an '@', as client-made lines do. An attribution starts
 *    with On/Op/Am/Le, is under 250 characters (both lines if wrapped).
 *  - A header block needs a From-line (From:/Van:/Von:/De :) directly
 *    followed by another header line; a single "From:" line is prose.
 *  - The output is the kept lines joined by LF, with no final LF; one
 *    stray CR at the end of a line is dropped; nothing else changes.
 *  - *info is overwritten; lines after a cut are counted (blank ones too),
 *    a quote or forward below a signature as quoted / forward lines.
 */
#ifndef DEALTEMP_QUOTE_H
#define DEALTEMP_QUOTE_H

#include <stddef.h>

#include "dealtemp/buf.h"

/* What dt_quote_strip removed, for `dealtemp explain`. */
struct dt_quote_info {
    size_t quoted_lines;    /* '>' lines and lines after an attribution */
    size_t forward_lines;   /* lines of forwarded / Original Message blocks */
    size_t signature_lines; /* signature and device-trailer lines */
};

/*
 * Append the own words of text[0..len) to out (what out held before stays
 * as it is); info may be NULL. text may be NULL when len is 0. If out
 * cannot grow it is marked failed (dt_buf_failed); nothing else can fail.
 */
void dt_quote_strip(const char *text, size_t len, struct dt_buf *out, struct dt_quote_info *info);

#endif
