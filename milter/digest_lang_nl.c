/*
 * digest_lang_nl.c - what a digest says in Dutch, for sales (klanten,
 * deals) and for recruiting (kandidaten, functies, aanbiedingen). Data
 * only; the members and their format arguments are documented in
 * digest_render_int.h. Informal "je", as Dutch colleagues write to each
 * other.
 */
#include "digest_render_int.h"

/* What both profiles say alike, one member a line. */
/* clang-format off */
#define NL_COMMON                                                                                  \
    .code = "nl",                                                                                  \
    .month = {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",         \
              "dec"},                                                                              \
    .wday = {"zo", "ma", "di", "wo", "do", "vr", "za"},                                            \
    .date = "%s %d %s",                                                                            \
    .day_month = "%d %s",                                                                          \
    .date_time = "%s %02d:%02d",                                                                   \
    .lquote = "“",                                                                                 \
    .rquote = "”",                                                                                 \
    .colon = ":",                                                                                  \
    .head_silent = "%s: %s stil na je enthousiaste mail",                                          \
    .head_slowed = "%s: antwoordde na %s, meestal %s",                                             \
    .head_more = " (+%zu andere)",                                                                 \
    .head_hesitant = "%s: aarzelend antwoord op je enthousiaste mail",                             \
    .head_carried = "%s: beide kanten meegesleept",                                                \
    .rollup_prefix = "Teamoverzicht: ",                                                            \
    .section = {"Vastgelopen", "Koelt af", "Trager"},                                              \
    .is_new = "nieuw",                                                                             \
    .ongoing = "loopt al",                                                                         \
    .no_subject = "(onderwerp niet bewaard)",                                                      \
    .empty_subject = "(geen onderwerp)",                                                           \
    .unknown = "(onbekend)",                                                                       \
    .trigger = "Je enthousiaste mail: %s",                                                         \
    .silent = "%s stil — antwoordt meestal binnen %s",                                             \
    .slowed = "Antwoordde na %s — meestal %s",                                                     \
    .usual_from = {"in deze thread", "in je andere threads met hen",                               \
                   "nog geen geschiedenis: dealtemp neemt dit aan"},                               \
    .chart = "Antwoordtijden, oudste eerst",                                                       \
    .chart_now = "nu",                                                                             \
    .chart_reply = "dit antwoord",                                                                 \
    .chart_usual = "gewoonlijk",                                                                   \
    .reply = "Beantwoorden",                                                                       \
    .rollup_total = "Totaal",                                                                      \
    .carried_section = "Meegesleept",                                                              \
    .hesitant_section = "Aarzelend",                                                               \
    .hesitant_note = "Hun laatste antwoord na je enthousiaste mail klinkt aarzelend.",             \
    .person_at = "%s van %s",                                                                      \
    .people_one = "Tot nu toe alleen %s",                                                          \
    .people_since = " + %s sinds %s",                                                              \
    .tone = {[DT_TONE_ENTHUSIASTIC] = "enthousiast", [DT_TONE_ENGAGED] = "betrokken",              \
              [DT_TONE_NEUTRAL] = "neutraal", [DT_TONE_HESITANT] = "aarzelend"},                   \
    .trend = {[DT_TREND_WARMING] = "wordt warmer", [DT_TREND_STEADY] = "stabiel",                  \
               [DT_TREND_COOLING] = "koelt af"}
/* clang-format on */

const struct dt_digest_lang dt_digest_lang_nl[DT_PROFILE_COUNT] = {
    [DT_PROFILE_SALES] =
        {
            NL_COMMON,
            .count_none = "Geen deals die afkoelen na enthousiasme",
            .count_one = "1 deal koelt af na enthousiasme",
            .count_many = "%zu deals koelen af na enthousiasme",
            .heading = "Deals die afkoelen na enthousiasme",
            .intro = "Klanten die stil of traag werden na een enthousiaste mail van je: geef ze "
                     "ruimte, vraag in plaats van aan te dringen.",
            .empty = "Geen deals afgekoeld na enthousiasme — lekker rustig.",
            .section_note = {"Al lang geen antwoord na je enthousiaste mail.",
                             "Stiller dan deze klant gewoonlijk is.",
                             "Het antwoord kwam, maar veel later dan gewoonlijk."},
            .advice = {"Een rustige, korte vraag naar waar ze staan werkt beter dan nog eens "
                       "aandringen.",
                       "Geef ze ruimte: vraag wat hen helpt beslissen, in plaats van meer "
                       "enthousiasme.",
                       "Eerst diagnose, dan advies: vraag wat hen beweegt en laat ze zichzelf "
                       "overtuigen."},
            .footer = "Verstuurd door dealtemp. Alleen je eigen threads staan erin; de zinnen "
                      "komen uit je eigen woorden, nooit uit die van de klant.",
            .rollup_footer = "Verstuurd door dealtemp. Elke verkoper krijgt de details van de "
                             "eigen deals; dit overzicht bevat alleen de aantallen.",
            .rollup_heading = "Teamoverzicht: deals die afkoelen na enthousiasme",
            .rollup_intro = "Per verkoper de deals die stil of traag werden na een enthousiaste "
                            "mail. Alleen aantallen: de details blijven bij elke verkoper.",
            .rollup_rep = "Verkoper",
            .carried_note = "Jij en de klant waren binnen korte tijd allebei euforisch, en aan "
                            "hun kant heeft pas één persoon geschreven.",
            .carried_advice = "Rem af: vraag wie er bij %s nog moet instemmen, en laat ze "
                              "zichzelf overtuigen.",
            .hesitant_advice = "Stel eerst een diagnose voor je aandringt: vraag wat in de weg "
                               "staat en wie er nog moet instemmen.",
            .org_unknown = "hen",
            .people_many = "Tot nu toe %zu mensen bij %s (%s)",
            .people_joined = "Nieuw aan hun kant: %s doet mee sinds %s — een goed teken",
        },
    [DT_PROFILE_RECRUITING] =
        {
            NL_COMMON,
            .count_none = "Geen kandidaten die afkoelen na enthousiasme",
            .count_one = "1 kandidaat koelt af na enthousiasme",
            .count_many = "%zu kandidaten koelen af na enthousiasme",
            .heading = "Kandidaten die afkoelen na enthousiasme",
            .intro = "Kandidaten die stil of traag werden na een enthousiaste mail van je: geef "
                     "ze ruimte om het aanbod te wegen, vraag in plaats van aan te dringen.",
            .empty = "Geen kandidaten afgekoeld na enthousiasme — lekker rustig.",
            .section_note = {"Al lang geen antwoord na je enthousiaste mail.",
                             "Stiller dan deze kandidaat gewoonlijk is.",
                             "Het antwoord kwam, maar veel later dan gewoonlijk."},
            .advice = {"Een rustige, korte vraag naar waar ze staan in hun beslissing werkt beter "
                       "dan nog een pitch.",
                       "Geef ze ruimte om het aanbod te wegen: vraag wat hen helpt beslissen.",
                       "Eerst diagnose, dan advies: vraag wat voor hen telt in de functie en laat "
                       "ze zichzelf overtuigen."},
            .footer = "Verstuurd door dealtemp. Alleen je eigen threads staan erin; de zinnen "
                      "komen uit je eigen woorden, nooit uit die van de kandidaat.",
            .rollup_footer = "Verstuurd door dealtemp. Elke recruiter krijgt de details van de "
                             "eigen kandidaten; dit overzicht bevat alleen de aantallen.",
            .rollup_heading = "Teamoverzicht: kandidaten die afkoelen na enthousiasme",
            .rollup_intro = "Per recruiter de kandidaten die stil of traag werden na een "
                            "enthousiaste mail. Alleen aantallen: de details blijven bij elke "
                            "recruiter.",
            .rollup_rep = "Recruiter",
            .carried_note = "Jij en de kandidaat waren binnen korte tijd allebei euforisch: "
                            "enthousiasme is nog geen beslissing.",
            .carried_advice = "Rem af: vraag wat ze nog afwegen (opzegtermijn, thuisfront, andere "
                              "aanbiedingen) en geef ze tijd om zelf te beslissen.",
            .hesitant_advice = "Niet harder verkopen: vraag wat hen nog doet twijfelen (de "
                               "functie, het aanbod, het moment) en luister.",
            .org_unknown = "de kandidaat",
            .people_many = "Tot nu toe %zu mensen namens %s (%s)",
            .people_joined = "Nieuw aan de kant van de kandidaat: %s doet mee sinds %s",
        },
};
