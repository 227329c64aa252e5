/*
 * quote.h - keep only the author's own words. Pure.
 *
 * Removes, from plain text (LF line ends):
 *  - quoted replies: lines starting with '>', and everything from a reply
 *    attribution on (also wrapped over two lines):
 *      en "On ... wrote:"            nl "Op ... schreef ...:"
 *      de "Am ... schrieb ...:"      fr "Le ... a écrit :"
 *      es "El ... escribió:"         it "Il (giorno) ... ha scritto:"
 *      pt "Em ... escreveu:"         sv "Den ... skrev ...:", "<date> skrev ...:"
 *      pl "<date> ... napisał(a):", "W dniu ... pisze:", "Dnia ... napisał:",
 *         "Wiadomość napisana przez ... w dniu ...:"
 *      ru "<date> ... написал(а):", "<date> пользователь ... написал:",
 *         "<date>, ... пишет:", and Gmail's verbless "<date> в 10:00, Иван <ivan@x>:"
 *    where <date> starts with a digit or a weekday ("pon.,", "пн,");
 *  - forwarded and Outlook blocks: "-----Original Message-----",
 *    "---------- Forwarded message ---------" and their translations
 *    ("Oorspronkelijk bericht", "Mensaje reenviado", "Messaggio inoltrato",
 *    "Mensagem encaminhada", "Vidarebefordrat meddelande", "Wiadomość
 *    przekazana dalej", "Пересылаемое сообщение", "Исходное сообщение", ...),
 *    Apple Mail's "Begin forwarded message:" and its translations, and a
 *    header block of From:/Sent:/To:/Subject: or Van:/Verzonden:/Aan:,
 *    Von:/Gesendet:/An:, De :/Envoyé :/À :, De:/Enviado:/Para:/Asunto:,
 *    Da:/Inviato:/A:/Oggetto:, Från:/Skickat:/Till:/Ämne:,
 *    Od:/Wysłane:/Do:/Temat:, От:/Отправлено:/Кому:/Тема: — everything from
 *    there on;
 *  - signatures: from a "-- " line (also "--" alone) on; device trailers
 *    ("Sent from my iPhone", "Verzonden vanaf mijn iPhone", "Von meinem
 *    iPhone gesendet", "Envoyé de mon iPhone", "Enviado desde mi iPhone",
 *    "Inviato da iPhone", "Enviado do meu iPhone", "Skickat från min
 *    iPhone", "Wysłane z iPhone'a", "Отправлено с iPhone", "Get Outlook
 *    for ...") on.
 * Leading and trailing blank lines are trimmed.
 *
 * Details of the contract (as implemented in quote.c and quote_words.c):
 *  - An attribution directly followed (after blank lines) by '>' lines
 *    drops only itself; the '>' lines go one by one, so a reply written
 *    below or between the quotes is kept. Not followed by '>' lines, it
 *    cuts everything from there on, but only if it carries a clock time
 *    ("10:00") or an '@', as client-made lines do. An attribution is under
 *    250 characters (both lines if wrapped), starts with its opening word
 *    as clients write it (or a date) and ends in ':' right after its verb
 *    ("escribió", "написал"), or, where the verb comes before the name
 *    (NL, DE, SV), contains it as a word of its own ("skrev", not
 *    "beskrev"); the verbless Russian Gmail form must end in "<address>:"
 *    and carry a year and a clock time.
 *  - Separator phrases, header names and trailers match in any case, also
 *    outside ASCII ("ПЕРЕСЫЛАЕМОЕ СООБЩЕНИЕ", "ÄMNE:").
 *  - A header block needs a From-line (From:/Van:/Von:/De :/Da:/Från:/Od:/
 *    От:) directly followed by another header line; a single "From:" line
 *    is prose.
 *  - The output is the kept lines joined by LF, with no final LF; one
 *    stray CR at the end of a line is dropped; nothing else changes.
 *  - *info is overwritten; lines after a cut are counted (blank ones too),
 *    a quote or forward below a signature as quoted / forward lines.
 * Not handled: decomposed Unicode ("o" + combining accent) in the marker
 * words; a closing without "-- " ("Cordialement,", "Mit freundlichen
 * Grüßen") and what follows it are the author's words.
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
