/*
 * digest_lang_de.c - what a digest says in German, for sales (Kunden,
 * Deals) and for recruiting (Kandidat:innen, Stellen, Angebote). Data
 * only; the members and their format arguments are documented in
 * digest_render_int.h.
 *
 * Formal "Sie", as in German business mail. dt_duration_words() gives
 * nominative words ("9 Tage"), so no sentence here puts a duration after
 * a preposition that wants the dative ("seit", "nach", "innerhalb"):
 * "9 Tage ohne Antwort", "Antwortzeit: 5 Tage". Dates follow the Duden and
 * CLDR: "Do., 13. Nov., 02:13 Uhr".
 */
#include "digest_render_int.h"

/* What both profiles say alike, one member a line. */
/* clang-format off */
#define DE_COMMON                                                                                  \
    .code = "de",                                                                                  \
    .month = {"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.",      \
              "Nov.", "Dez."},                                                                     \
    .wday = {"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."},                                     \
    .date = "%s, %d. %s",                                                                          \
    .day_month = "%d. %s",                                                                         \
    .date_time = "%s, %02d:%02d Uhr",                                                              \
    .lquote = "„",                                                                                 \
    .rquote = "“",                                                                                 \
    .colon = ":",                                                                                  \
    .head_silent = "%s: %s ohne Antwort nach Ihrer begeisterten Mail",                             \
    .head_slowed = "%s: Antwortzeit %s, sonst %s",                                                 \
    .head_more = " (+%zu weitere)",                                                                \
    .head_hesitant = "%s: zögerliche Antwort auf Ihre begeisterte Mail",                           \
    .head_carried = "%s: beide Seiten mitgerissen",                                                \
    .rollup_prefix = "Teamübersicht: ",                                                            \
    .section = {"Festgefahren", "Kühlt ab", "Verzögert"},                                          \
    .is_new = "neu",                                                                               \
    .ongoing = "laufend",                                                                          \
    .no_subject = "(Betreff nicht gespeichert)",                                                   \
    .empty_subject = "(kein Betreff)",                                                             \
    .unknown = "(unbekannt)",                                                                      \
    .trigger = "Ihre begeisterte Mail: %s",                                                        \
    .silent = "%s ohne Antwort — übliche Antwortzeit: %s",                                         \
    .slowed = "Antwortzeit: %s — üblich: %s",                                                      \
    .usual_from = {"in diesem Verlauf", "in Ihren anderen Verläufen mit diesem Kontakt",           \
                   "noch keine Historie: dealtemp nimmt diesen Wert an"},                          \
    .chart = "Antwortzeiten, älteste zuerst",                                                      \
    .chart_now = "jetzt",                                                                          \
    .chart_reply = "diese Antwort",                                                                \
    .chart_usual = "üblich",                                                                       \
    .reply = "Antworten",                                                                          \
    .rollup_total = "Gesamt",                                                                      \
    .carried_section = "Mitgerissen",                                                              \
    .hesitant_section = "Zögerlich",                                                               \
    .hesitant_note = "Die letzte Antwort nach Ihrer begeisterten Mail klingt zögerlich.",          \
    .person_at = "%s von %s",                                                                      \
    .people_one = "Bisher nur %s",                                                                 \
    .people_since = " + %s seit %s",                                                               \
    .tone = {[DT_TONE_ENTHUSIASTIC] = "begeistert", [DT_TONE_ENGAGED] = "engagiert",               \
              [DT_TONE_NEUTRAL] = "neutral", [DT_TONE_HESITANT] = "zögerlich"},                    \
    .trend = {[DT_TREND_WARMING] = "wird wärmer", [DT_TREND_STEADY] = "stabil",                    \
               [DT_TREND_COOLING] = "kühlt ab"}
/* clang-format on */

const struct dt_digest_lang dt_digest_lang_de[DT_PROFILE_COUNT] = {
    [DT_PROFILE_SALES] =
        {
            DE_COMMON,
            .count_none = "Kein Deal kühlt nach begeisterter Mail ab",
            .count_one = "1 Deal kühlt nach begeisterter Mail ab",
            .count_many = "%zu Deals kühlen nach begeisterten Mails ab",
            .heading = "Deals, die nach Ihrer Begeisterung abkühlen",
            .intro = "Kunden, die nach einer begeisterten Mail von Ihnen still oder langsam "
                     "geworden sind: Geben Sie ihnen Raum, fragen Sie, statt zu drängen.",
            .empty = "Kein Deal ist nach Begeisterung abgekühlt — alles ruhig.",
            .section_note = {"Seit Langem keine Antwort auf Ihre begeisterte Mail.",
                             "Stiller, als dieser Kunde sonst ist.",
                             "Die Antwort kam, aber viel später als sonst."},
            .advice = {"Eine ruhige, kurze Frage, wo der Kunde gerade steht, bringt mehr als ein "
                       "weiterer Vorstoß.",
                       "Lassen Sie Raum: Fragen Sie, was bei der Entscheidung helfen würde, statt "
                       "noch mehr Begeisterung nachzulegen.",
                       "Erst Diagnose, dann Empfehlung: Fragen Sie, worauf es dem Kunden ankommt, "
                       "und lassen Sie ihn sich selbst überzeugen."},
            .footer = "Gesendet von dealtemp. Aufgeführt sind nur Ihre eigenen Verläufe; die "
                      "Formulierungen stammen aus Ihren eigenen Worten, nie aus denen des "
                      "Kunden.",
            .rollup_footer = "Gesendet von dealtemp. Alle im Vertrieb erhalten die Details ihrer "
                             "eigenen Deals; diese Übersicht enthält nur die Anzahlen.",
            .rollup_heading = "Teamübersicht: Deals, die nach Begeisterung abkühlen",
            .rollup_intro = "Pro Person die Deals, die nach einer begeisterten Mail still oder "
                            "langsam wurden. Nur Anzahlen: Die Details bleiben bei den "
                            "Einzelnen.",
            .rollup_rep = "Vertrieb",
            .carried_note = "Sie und der Kunde waren innerhalb kurzer Zeit beide euphorisch, und "
                            "auf Kundenseite hat bisher nur eine Person geschrieben.",
            .carried_advice = "Nehmen Sie Tempo heraus: Fragen Sie, wer von %s noch zustimmen "
                              "muss, und lassen Sie den Kunden sich selbst überzeugen.",
            .hesitant_advice = "Erst verstehen, dann handeln: Fragen Sie, was im Weg steht und "
                               "wer noch zustimmen muss.",
            .org_unknown = "Kundenseite",
            .people_many = "Bisher %zu Personen von %s (%s)",
            .people_joined = "Neu auf Kundenseite: %s ist seit %s dabei — ein gutes Zeichen",
        },
    [DT_PROFILE_RECRUITING] =
        {
            DE_COMMON,
            .count_none = "Keine Kandidat:innen kühlen nach begeisterter Mail ab",
            .count_one = "1 Kandidat:in kühlt nach begeisterter Mail ab",
            .count_many = "%zu Kandidat:innen kühlen nach begeisterten Mails ab",
            .heading = "Kandidat:innen, die nach Ihrer Begeisterung abkühlen",
            .intro = "Kandidat:innen, die nach einer begeisterten Mail von Ihnen still oder "
                     "langsam geworden sind: Lassen Sie ihnen Raum, das Angebot abzuwägen; "
                     "fragen Sie, statt zu drängen.",
            .empty = "Niemand ist nach Begeisterung abgekühlt — alles ruhig.",
            .section_note = {"Seit Langem keine Antwort auf Ihre begeisterte Mail.",
                             "Stiller als sonst bei dieser Person.",
                             "Die Antwort kam, aber viel später als sonst."},
            .advice = {"Eine ruhige, kurze Frage, wo die Entscheidung gerade steht, bringt mehr "
                       "als noch mehr Werbung für die Stelle.",
                       "Lassen Sie Raum, das Angebot abzuwägen: Fragen Sie, was bei der "
                       "Entscheidung helfen würde.",
                       "Erst Diagnose, dann Empfehlung: Fragen Sie, worauf es bei der Stelle "
                       "wirklich ankommt, und lassen Sie die Person sich selbst überzeugen."},
            .footer = "Gesendet von dealtemp. Aufgeführt sind nur Ihre eigenen Verläufe; die "
                      "Formulierungen stammen aus Ihren eigenen Worten, nie aus denen der "
                      "Kandidat:innen.",
            .rollup_footer = "Gesendet von dealtemp. Alle im Recruiting erhalten die Details "
                             "ihrer eigenen Kandidat:innen; diese Übersicht enthält nur die "
                             "Anzahlen.",
            .rollup_heading = "Teamübersicht: Kandidat:innen, die nach Begeisterung abkühlen",
            .rollup_intro = "Pro Person die Kandidat:innen, die nach einer begeisterten Mail "
                            "still oder langsam wurden. Nur Anzahlen: Die Details bleiben bei den "
                            "Einzelnen.",
            .rollup_rep = "Recruiting",
            .carried_note = "Sie beide waren innerhalb kurzer Zeit euphorisch: Begeisterung ist "
                            "noch keine Entscheidung.",
            .carried_advice = "Nehmen Sie Tempo heraus: Fragen Sie, was noch abgewogen wird "
                              "(Kündigungsfrist, Familie, andere Angebote), und lassen Sie Zeit "
                              "für die Entscheidung.",
            .hesitant_advice = "Nicht stärker werben: Fragen Sie, was noch zögern lässt (die "
                               "Stelle, das Angebot, der Zeitpunkt), und hören Sie zu.",
            .org_unknown = "Kandidatenseite",
            .people_many = "Bisher %zu Personen von %s (%s)",
            .people_joined = "Neu im Verlauf: %s ist seit %s dabei",
        },
};
