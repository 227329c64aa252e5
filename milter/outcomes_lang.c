/*
 * outcomes_lang.c - what the report's page says, in English, Dutch, German
 * and French (outcomes_html_int.h documents every member and its format
 * arguments), and which table a language gets. Data and two look-ups;
 * dates, months and weekdays come from the digest's tables
 * (digest_lang_<code>.c), so a page and a digest write a date alike.
 *
 * The words claim no more than the figures: an interval is where the true
 * rate "likely" lies, a percentile is named as such, every duration is on
 * the calendar clock the chart says. German durations are nominative
 * ("7 Tage", duration.h), so no sentence here puts one after "nach" or
 * "innerhalb von".
 */
#include <string.h>

#include "outcomes_html_int.h"

const struct dt_report_words dt_report_words_en = {
    .code = "en",
    .title = "Replies by euphoria level",
    .as_of = "As of %s",
    .only_rep = "Only the mail of %s",
    .window = "An outbound mail counts as answered when a reply comes in its thread within %s. "
              "Younger mail is pending and left out of every rate.",
    .thresholds = "Levels under the thresholds in force now: warm from %s, euphoric from %s.",
    .level = {"calm", "warm", "euphoric"},
    .pct = "%ld\xc2\xa0%%",
    .pct_range = "%ld–%ld\xc2\xa0%%",
    .judged = "%s judged",
    .nothing_judged = "nothing judged yet",
    .rates_title = "How often each level was answered",
    .rates_note =
        "Bar: the share answered. Whisker: its 95\xc2\xa0% interval, the range the true rate "
        "likely lies in.",
    .rates_caption = "Reply rate by euphoria level",
    .col_level = "Level",
    .col_mails = "Mails",
    .col_answered = "Answered",
    .col_pending = "Pending",
    .col_rate = "Reply rate (95\xc2\xa0% interval)",
    .lat_title = "How fast the answers came",
    .lat_note = "Each dot is one answered mail, on a log scale of calendar time. Solid line: the "
                "median; dashed line: the 75th percentile.",
    .lat_sampled = "Where a level has many answers, its %zu dots stand for equal shares of them.",
    .lat_caption = "Time to the reply by euphoria level (calendar time; working time below it)",
    .col_median = "Median",
    .col_p75 = "75th percentile",
    .median = "median",
    .p75 = "75th pct.",
    .answered_n = "%s answered",
    .no_replies = "no answers yet",
    .trend_title = "Euphoric share, month by month",
    .trend_note = "The share of each person's outbound mail that was euphoric, per month.",
    .trend_team = "Dashed line: the whole team.",
    .trend_caption = "Euphoric share of the mail by person and month",
    .col_month = "Month",
    .col_share = "Euphoric",
    .share_cell = "%s (%s of %s)",
    .nothing_yet = "No outbound mail yet.",
    .text_rate = "%s: %s answered (%s) of %s judged mails",
    .text_lat = "; the answer after %s (median), %s (75th percentile)",
    .text_none = "%s: nothing judged yet",
    .footer = "Made by dealtemp from the database's metadata: scores, times and the team's "
              "addresses; no subjects, no customer addresses.",
};

const struct dt_report_words dt_report_words_nl = {
    .code = "nl",
    .title = "Antwoorden per euforieniveau",
    .as_of = "Stand van %s",
    .only_rep = "Alleen de mail van %s",
    .window = "Een uitgaande mail telt als beantwoord als er binnen %s een antwoord in de draad "
              "komt. Jongere mail staat nog open en telt in geen enkel percentage mee.",
    .thresholds = "Niveaus volgens de drempels die nu gelden: warm vanaf %s, euforisch vanaf %s.",
    .level = {"rustig", "warm", "euforisch"},
    .pct = "%ld\xc2\xa0%%",
    .pct_range = "%ld–%ld\xc2\xa0%%",
    .judged = "%s beoordeeld",
    .nothing_judged = "nog niets beoordeeld",
    .rates_title = "Hoe vaak elk niveau antwoord kreeg",
    .rates_note = "Balk: het deel dat antwoord kreeg. Snor: het 95%-interval, waarin het echte "
                  "percentage waarschijnlijk ligt.",
    .rates_caption = "Antwoordpercentage per euforieniveau",
    .col_level = "Niveau",
    .col_mails = "Mails",
    .col_answered = "Beantwoord",
    .col_pending = "Open",
    .col_rate = "Antwoordpercentage (95%-interval)",
    .lat_title = "Hoe snel de antwoorden kwamen",
    .lat_note = "Elke stip is één beantwoorde mail, op een logaritmische schaal van kalendertijd. "
                "Doorgetrokken lijn: de mediaan; gestippeld: het 75e percentiel.",
    .lat_sampled = "Waar een niveau veel antwoorden heeft, staan de %zu stippen elk voor een even "
                   "groot deel ervan.",
    .lat_caption = "Tijd tot het antwoord per euforieniveau (kalendertijd; werktijd eronder)",
    .col_median = "Mediaan",
    .col_p75 = "75e percentiel",
    .median = "mediaan",
    .p75 = "75e pct.",
    .answered_n = "%s beantwoord",
    .no_replies = "nog geen antwoorden",
    .trend_title = "Euforisch deel, maand na maand",
    .trend_note = "Het deel van de uitgaande mail van elke persoon dat euforisch was, per maand.",
    .trend_team = "Gestippelde lijn: het hele team.",
    .trend_caption = "Euforisch deel van de mail per persoon en maand",
    .col_month = "Maand",
    .col_share = "Euforisch",
    .share_cell = "%s (%s van %s)",
    .nothing_yet = "Nog geen uitgaande mail.",
    .text_rate = "%s: %s beantwoord (%s) van %s beoordeelde mails",
    .text_lat = "; antwoord na %s (mediaan), %s (75e percentiel)",
    .text_none = "%s: nog niets beoordeeld",
    .footer = "Gemaakt door dealtemp uit de metadata in de database: scores, tijden en de adressen "
              "van het team; geen onderwerpen, geen adressen van klanten.",
};

const struct dt_report_words dt_report_words_de = {
    .code = "de",
    .title = "Antworten nach Euphoriestufe",
    .as_of = "Stand: %s",
    .only_rep = "Nur die Mails von %s",
    .window = "Eine ausgehende Mail gilt als beantwortet, wenn die Antwort im Verlauf höchstens "
              "%s später kommt. Jüngere Mails sind offen und zählen in keiner Quote mit.",
    .thresholds = "Stufen nach den jetzt geltenden Schwellen: warm ab %s, euphorisch ab %s.",
    .level = {"ruhig", "warm", "euphorisch"},
    .pct = "%ld\xc2\xa0%%",
    .pct_range = "%ld–%ld\xc2\xa0%%",
    .judged = "%s bewertet",
    .nothing_judged = "noch nichts bewertet",
    .rates_title = "Wie oft jede Stufe beantwortet wurde",
    .rates_note = "Balken: der beantwortete Anteil. Fehlerbalken: das 95-%-Intervall, in dem die "
                  "wahre Quote wahrscheinlich liegt.",
    .rates_caption = "Antwortquote nach Euphoriestufe",
    .col_level = "Stufe",
    .col_mails = "Mails",
    .col_answered = "Beantwortet",
    .col_pending = "Offen",
    .col_rate = "Antwortquote (95-%-Intervall)",
    .lat_title = "Wie schnell die Antworten kamen",
    .lat_note = "Jeder Punkt ist eine beantwortete Mail, auf einer logarithmischen Skala der "
                "Kalenderzeit. Durchgezogene Linie: der Median; gestrichelt: das 75. Perzentil.",
    .lat_sampled = "Wo eine Stufe viele Antworten hat, stehen ihre %zu Punkte für gleich große "
                   "Teile davon.",
    .lat_caption = "Antwortzeit nach Euphoriestufe (Kalenderzeit; Arbeitszeit darunter)",
    .col_median = "Median",
    .col_p75 = "75. Perzentil",
    .median = "Median",
    .p75 = "75. Perz.",
    .answered_n = "%s beantwortet",
    .no_replies = "noch keine Antworten",
    .trend_title = "Euphorischer Anteil, Monat für Monat",
    .trend_note = "Der Anteil der ausgehenden Mails jeder Person, der euphorisch war, je Monat.",
    .trend_team = "Gestrichelte Linie: das ganze Team.",
    .trend_caption = "Euphorischer Anteil der Mails nach Person und Monat",
    .col_month = "Monat",
    .col_share = "Euphorisch",
    .share_cell = "%s (%s von %s)",
    .nothing_yet = "Noch keine ausgehenden Mails.",
    .text_rate = "%s: %s beantwortet (%s) von %s bewerteten Mails",
    .text_lat = "; Antwortzeit: Median %s, 75. Perzentil %s",
    .text_none = "%s: noch nichts bewertet",
    .footer = "Erstellt von dealtemp aus den Metadaten der Datenbank: Bewertungen, Zeiten und die "
              "Adressen des Teams; keine Betreffzeilen, keine Adressen von Kunden.",
};

/* French: a no-break space before ":", ";" and "%" (U+00A0). */
const struct dt_report_words dt_report_words_fr = {
    .code = "fr",
    .title = "Réponses par niveau d'euphorie",
    .as_of = "Données au %s",
    .only_rep = "Uniquement les e-mails de %s",
    .window = "Un e-mail sortant compte comme répondu si une réponse arrive dans son fil au plus "
              "%s après. Les e-mails plus récents sont en attente et ne comptent dans aucun taux.",
    .thresholds = "Niveaux selon les seuils en vigueur\xc2\xa0: chaleureux à partir de %s, "
                  "euphorique à partir de %s.",
    .level = {"calme", "chaleureux", "euphorique"},
    .pct = "%ld\xc2\xa0%%",
    .pct_range = "%ld–%ld\xc2\xa0%%",
    .judged = "%s jugés",
    .nothing_judged = "rien de jugé pour l'instant",
    .rates_title = "À quelle fréquence chaque niveau a reçu une réponse",
    .rates_note = "Barre\xc2\xa0: la part répondue. Moustache\xc2\xa0: l'intervalle à "
                  "95\xc2\xa0%, où se situe probablement le vrai taux.",
    .rates_caption = "Taux de réponse par niveau d'euphorie",
    .col_level = "Niveau",
    .col_mails = "E-mails",
    .col_answered = "Répondus",
    .col_pending = "En attente",
    .col_rate = "Taux de réponse (intervalle à 95\xc2\xa0%)",
    .lat_title = "En combien de temps les réponses sont arrivées",
    .lat_note = "Chaque point est un e-mail répondu, sur une échelle logarithmique du temps "
                "calendaire. Trait plein\xc2\xa0: la médiane\xc2\xa0; pointillé\xc2\xa0: le 75e "
                "centile.",
    .lat_sampled = "Quand un niveau a beaucoup de réponses, ses %zu points en représentent des "
                   "parts égales.",
    .lat_caption = "Délai de réponse par niveau d'euphorie (temps calendaire\xc2\xa0; temps "
                   "ouvré en dessous)",
    .col_median = "Médiane",
    .col_p75 = "75e centile",
    .median = "médiane",
    .p75 = "75e cent.",
    .answered_n = "%s répondus",
    .no_replies = "pas encore de réponse",
    .trend_title = "Part euphorique, mois après mois",
    .trend_note = "La part des e-mails sortants de chaque personne qui était euphorique, par mois.",
    .trend_team = "Ligne pointillée\xc2\xa0: toute l'équipe.",
    .trend_caption = "Part euphorique des e-mails par personne et par mois",
    .col_month = "Mois",
    .col_share = "Euphoriques",
    .share_cell = "%s (%s sur %s)",
    .nothing_yet = "Pas encore d'e-mail sortant.",
    .text_rate = "%s\xc2\xa0: %s répondus (%s) sur %s e-mails jugés",
    .text_lat = "\xc2\xa0; réponse en %s (médiane), %s (75e centile)",
    .text_none = "%s\xc2\xa0: rien de jugé pour l'instant",
    .footer = "Produit par dealtemp à partir des métadonnées de la base\xc2\xa0: scores, heures "
              "et adresses de l'équipe\xc2\xa0; aucun objet, aucune adresse de client.",
};

static const struct dt_report_words *const tables[] = {&dt_report_words_en, &dt_report_words_nl,
                                                       &dt_report_words_de, &dt_report_words_fr};

const struct dt_report_words *dt_report_words_of(const char *lang)
{
    for (size_t i = 0; lang != NULL && i < sizeof(tables) / sizeof(*tables); i++)
        if (strcmp(tables[i]->code, lang) == 0)
            return tables[i];
    return tables[0];
}

const struct dt_digest_lang *dt_report_digest_lang(const struct dt_config *cfg, const char *lang)
{
    static const struct dt_digest_lang *const digest[] = {dt_digest_lang_en, dt_digest_lang_nl,
                                                          dt_digest_lang_de, dt_digest_lang_fr};
    unsigned p = cfg != NULL && (unsigned)cfg->profile < DT_PROFILE_COUNT ? cfg->profile : 0;
    for (size_t i = 0; lang != NULL && i < sizeof(digest) / sizeof(*digest); i++)
        if (strcmp(digest[i][p].code, lang) == 0)
            return &digest[i][p];
    return &digest[0][p];
}
