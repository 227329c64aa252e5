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

/* Append the own words of text[0..len) to out; info may be NULL. */
void dt_quote_strip(const char *text, size_t len, struct dt_buf *out,
                    struct dt_quote_info *info);

#endif
