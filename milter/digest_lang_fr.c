/*
 * digest_lang_fr.c - what a digest says in French, for sales (clients,
 * affaires) and for recruiting (candidats, postes, offres). Data only; the
 * members and their format arguments are documented in
 * digest_render_int.h.
 *
 * "Vous", as in French business mail. A no-break space (NB) goes before
 * ':' and ';' and inside « », as French typography wants, so that the
 * text part never wraps a colon onto a line of its own. Dates as CLDR
 * writes them: "jeu. 13 nov. à 02:13".
 */
#include "digest_render_int.h"

#define NB "\xc2\xa0" /* U+00A0 NO-BREAK SPACE */

/* What both profiles say alike, one member a line. */
/* clang-format off */
#define FR_COMMON                                                                                  \
    .code = "fr",                                                                                  \
    .month = {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",           \
              "oct.", "nov.", "déc."},                                                             \
    .wday = {"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},                              \
    .date = "%s %d %s",                                                                            \
    .day_month = "%d %s",                                                                          \
    .date_time = "%s à %02d:%02d",                                                                 \
    .lquote = "«" NB,                                                                              \
    .rquote = NB "»",                                                                              \
    .colon = NB ":",                                                                               \
    .head_silent = "%s" NB ": %s de silence après votre e-mail enthousiaste",                      \
    .head_slowed = "%s" NB ": réponse au bout de %s, d'habitude %s",                               \
    .head_more = " (et %zu de plus)",                                                              \
    .head_hesitant = "%s" NB ": réponse hésitante à votre e-mail enthousiaste",                    \
    .head_carried = "%s" NB ": les deux côtés emportés par l'enthousiasme",                        \
    .rollup_prefix = "Synthèse d'équipe" NB ": ",                                                  \
    .section = {"Au point mort", "En refroidissement", "Réponse tardive"},                         \
    .is_new = "nouveau",                                                                           \
    .ongoing = "en cours",                                                                         \
    .no_subject = "(objet non conservé)",                                                          \
    .empty_subject = "(sans objet)",                                                               \
    .unknown = "(inconnu)",                                                                        \
    .trigger = "Votre e-mail enthousiaste" NB ": %s",                                              \
    .silent = "Silence depuis %s — répond d'habitude sous %s",                                     \
    .slowed = "Réponse au bout de %s — d'habitude %s",                                             \
    .usual_from = {"dans ce fil", "dans vos autres échanges avec eux",                             \
                   "pas encore d'historique" NB ": valeur supposée par dealtemp"},                 \
    .chart = "Délais de réponse, du plus ancien au plus récent",                                   \
    .chart_now = "maintenant",                                                                     \
    .chart_reply = "cette réponse",                                                                \
    .chart_usual = "habituel",                                                                     \
    .reply = "Répondre",                                                                           \
    .rollup_total = "Total",                                                                       \
    .carried_section = "Emballement",                                                              \
    .hesitant_section = "Hésitation",                                                              \
    .hesitant_note = "Leur dernière réponse après votre e-mail enthousiaste semble hésitante.",    \
    .person_at = "%s chez %s",                                                                     \
    .people_one = "Seulement %s jusqu'ici",                                                        \
    .people_since = " + %s depuis le %s",                                                          \
    .tone = {[DT_TONE_ENTHUSIASTIC] = "enthousiaste", [DT_TONE_ENGAGED] = "impliqué",              \
              [DT_TONE_NEUTRAL] = "neutre", [DT_TONE_HESITANT] = "hésitant"},                      \
    .trend = {[DT_TREND_WARMING] = "se réchauffe", [DT_TREND_STEADY] = "stable",                   \
               [DT_TREND_COOLING] = "se refroidit"}
/* clang-format on */

const struct dt_digest_lang dt_digest_lang_fr[DT_PROFILE_COUNT] = {
    [DT_PROFILE_SALES] =
        {
            FR_COMMON,
            .count_none = "Aucune affaire ne refroidit après l'enthousiasme",
            .count_one = "1 affaire refroidit après l'enthousiasme",
            .count_many = "%zu affaires refroidissent après l'enthousiasme",
            .heading = "Affaires qui refroidissent après l'enthousiasme",
            .intro = "Des clients sont devenus silencieux ou lents après un e-mail enthousiaste "
                     "de votre part" NB ": laissez-leur de l'espace, questionnez plutôt que "
                     "d'insister.",
            .empty = "Aucune affaire n'a refroidi après l'enthousiasme — tout est calme.",
            .section_note = {"Pas de réponse depuis longtemps après votre e-mail enthousiaste.",
                             "Plus silencieux que ce client ne l'est d'habitude.",
                             "La réponse est arrivée, mais bien plus tard que d'habitude."},
            .advice = {"Une question courte et posée sur où ils en sont vaut mieux qu'une "
                       "nouvelle relance.",
                       "Laissez-leur de l'espace" NB ": demandez ce qui les aiderait à décider, "
                       "plutôt que d'ajouter de l'enthousiasme.",
                       "Diagnostiquez avant de prescrire" NB ": demandez ce qui compte pour eux, "
                       "et laissez-les se convaincre eux-mêmes."},
            .footer = "Envoyé par dealtemp. Seuls vos propres fils figurent ici" NB "; les "
                      "expressions citées sont vos propres mots, jamais ceux du client.",
            .rollup_footer = "Envoyé par dealtemp. Chaque commercial reçoit le détail de ses "
                             "propres affaires" NB "; cette synthèse ne contient que les totaux.",
            .rollup_heading = "Synthèse d'équipe" NB ": affaires qui refroidissent après "
                              "l'enthousiasme",
            .rollup_intro = "Par commercial, les affaires devenues silencieuses ou lentes après "
                            "un e-mail enthousiaste. Totaux seulement" NB ": le détail reste chez "
                            "chacun.",
            .rollup_rep = "Commercial",
            .carried_note = "Le client et vous avez été tous deux euphoriques en peu de temps, et "
                            "une seule personne a écrit de leur côté.",
            .carried_advice = "Ralentissez" NB ": demandez qui d'autre chez %s doit donner son "
                              "accord, et laissez-les se convaincre eux-mêmes.",
            .hesitant_advice = "Diagnostiquez avant d'insister" NB ": demandez ce qui les freine "
                               "et qui d'autre doit donner son accord.",
            .org_unknown = "eux",
            .people_many = "%zu personnes chez %s jusqu'ici (%s)",
            .people_joined = "Nouveau de leur côté" NB ": %s a rejoint l'échange le %s — bon "
                             "signe",
        },
    [DT_PROFILE_RECRUITING] =
        {
            FR_COMMON,
            .count_none = "Aucun candidat ne refroidit après l'enthousiasme",
            .count_one = "1 candidat refroidit après l'enthousiasme",
            .count_many = "%zu candidats refroidissent après l'enthousiasme",
            .heading = "Candidats qui refroidissent après l'enthousiasme",
            .intro = "Des candidats sont devenus silencieux ou lents après un e-mail "
                     "enthousiaste de votre part" NB ": laissez-leur le temps de peser l'offre, "
                     "questionnez plutôt que d'insister.",
            .empty = "Aucun candidat n'a refroidi après l'enthousiasme — tout est calme.",
            .section_note = {"Pas de réponse depuis longtemps après votre e-mail enthousiaste.",
                             "Plus silencieux que ce candidat ne l'est d'habitude.",
                             "La réponse est arrivée, mais bien plus tard que d'habitude."},
            .advice = {"Une question courte et posée sur où en est leur décision vaut mieux "
                       "qu'un nouvel argumentaire.",
                       "Laissez-leur le temps de peser l'offre" NB ": demandez ce qui les "
                       "aiderait à décider.",
                       "Diagnostiquez avant de prescrire" NB ": demandez ce qui compte pour eux "
                       "dans le poste, et laissez-les se convaincre eux-mêmes."},
            .footer = "Envoyé par dealtemp. Seuls vos propres fils figurent ici" NB "; les "
                      "expressions citées sont vos propres mots, jamais ceux du candidat.",
            .rollup_footer = "Envoyé par dealtemp. Chaque recruteur reçoit le détail de ses "
                             "propres candidats" NB "; cette synthèse ne contient que les "
                             "totaux.",
            .rollup_heading = "Synthèse d'équipe" NB ": candidats qui refroidissent après "
                              "l'enthousiasme",
            .rollup_intro = "Par recruteur, les candidats devenus silencieux ou lents après un "
                            "e-mail enthousiaste. Totaux seulement" NB ": le détail reste chez "
                            "chacun.",
            .rollup_rep = "Recruteur",
            .carried_note = "Le candidat et vous avez été tous deux euphoriques en peu de "
                            "temps" NB ": l'enthousiasme n'est pas encore une décision.",
            .carried_advice = "Ralentissez" NB ": demandez ce qu'ils pèsent encore (préavis, "
                              "famille, autres offres), et laissez-leur le temps de décider.",
            .hesitant_advice = "N'insistez pas davantage" NB ": demandez ce qui les fait hésiter "
                               "(le poste, l'offre, le calendrier), et écoutez.",
            .org_unknown = "candidat",
            .people_many = "%zu personnes côté %s jusqu'ici (%s)",
            .people_joined = "Nouveau côté candidat" NB ": %s a rejoint l'échange le %s",
        },
};
