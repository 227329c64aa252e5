/*
 * digest_lang_en.c - what a digest says in English, for sales (customers,
 * deals) and for recruiting (candidates, roles, offers). Data only; the
 * members and their format arguments are documented in digest_render_int.h.
 *
 * The advice follows the product's idea of selling: diagnose before you
 * prescribe, ask rather than push, let the other side convince themselves.
 */
#include "digest_render_int.h"

/* What both profiles say alike, one member a line. */
/* clang-format off */
#define EN_COMMON                                                                                  \
    .code = "en",                                                                                  \
    .month = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",         \
              "Dec"},                                                                              \
    .wday = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},                                     \
    .date = "%s %d %s",                                                                            \
    .day_month = "%d %s",                                                                          \
    .date_time = "%s %02d:%02d",                                                                   \
    .lquote = "“",                                                                                 \
    .rquote = "”",                                                                                 \
    .colon = ":",                                                                                  \
    .head_silent = "%s: silent %s after your enthusiastic mail",                                   \
    .head_slowed = "%s: replied after %s, usually %s",                                             \
    .head_more = " (+%zu more)",                                                                   \
    .head_hesitant = "%s: a hesitant reply to your enthusiastic mail",                             \
    .head_carried = "%s: both sides carried away",                                                 \
    .rollup_prefix = "Team roll-up: ",                                                             \
    .section = {"Stalled", "Cooling", "Slowed"},                                                   \
    .is_new = "new",                                                                               \
    .ongoing = "ongoing",                                                                          \
    .no_subject = "(no subject stored)",                                                           \
    .empty_subject = "(no subject)",                                                               \
    .unknown = "(unknown)",                                                                        \
    .trigger = "Your enthusiastic mail: %s",                                                       \
    .silent = "Silent %s — usually replies within %s",                                             \
    .slowed = "Replied after %s — usually %s",                                                     \
    .usual_from = {"in this thread", "in your other threads with them",                            \
                   "no history yet: dealtemp assumes this"},                                       \
    .chart = "Reply times, oldest first",                                                          \
    .chart_now = "now",                                                                            \
    .chart_reply = "this reply",                                                                   \
    .chart_usual = "usual",                                                                        \
    .reply = "Reply",                                                                              \
    .rollup_total = "Total",                                                                       \
    .carried_section = "Carried away",                                                             \
    .hesitant_section = "Hesitant",                                                                \
    .hesitant_note = "Their latest reply after your enthusiastic mail sounds hesitant.",           \
    .person_at = "%s at %s",                                                                       \
    .people_one = "Only %s so far",                                                                \
    .people_since = " + %s since %s",                                                              \
    .tone = {[DT_TONE_ENTHUSIASTIC] = "enthusiastic", [DT_TONE_ENGAGED] = "engaged",               \
              [DT_TONE_NEUTRAL] = "neutral", [DT_TONE_HESITANT] = "hesitant"},                     \
    .trend = {[DT_TREND_WARMING] = "warming", [DT_TREND_STEADY] = "steady",                        \
               [DT_TREND_COOLING] = "cooling"}
/* clang-format on */

const struct dt_digest_lang dt_digest_lang_en[DT_PROFILE_COUNT] = {
    [DT_PROFILE_SALES] =
        {
            EN_COMMON,
            .count_none = "No deals cooling after enthusiasm",
            .count_one = "1 deal cooling after enthusiasm",
            .count_many = "%zu deals cooling after enthusiasm",
            .heading = "Deals cooling after enthusiasm",
            .intro = "Customers who went quiet or slow after an enthusiastic mail of yours: give "
                     "them room, ask rather than push.",
            .empty = "No deals cooled after enthusiasm — nice and calm.",
            .section_note = {"No reply for a long while after your enthusiastic mail.",
                             "Quieter than this customer usually is.",
                             "The reply came, but much later than usual."},
            .advice = {"A calm, short question about where they stand beats another push.",
                       "Give them room: ask what would help them decide, instead of adding more "
                       "enthusiasm.",
                       "Diagnose before you prescribe: ask what moves them, and let them convince "
                       "themselves."},
            .footer = "Sent by dealtemp. Only your own threads are listed; the phrases are from "
                      "your own words, never the customer's.",
            .rollup_footer = "Sent by dealtemp. Each rep gets the details of their own deals; "
                             "this roll-up holds only the counts.",
            .rollup_heading = "Team roll-up: deals cooling after enthusiasm",
            .rollup_intro = "Per rep, the deals that went quiet or slow after an enthusiastic "
                            "mail. Counts only: the details stay with each rep.",
            .rollup_rep = "Rep",
            .carried_note = "You and the customer were both euphoric within a short time, and "
                            "only one person on their side has written.",
            .carried_advice = "Slow down: ask who else at %s must agree, and let them convince "
                              "themselves.",
            .hesitant_advice = "Diagnose before you push: ask what stands in the way and who "
                               "else must agree.",
            .org_unknown = "their company",
            .people_many = "%zu people at %s so far (%s)",
            .people_joined = "New on their side: %s joined on %s — a good sign",
        },
    [DT_PROFILE_RECRUITING] =
        {
            EN_COMMON,
            .count_none = "No candidates cooling after enthusiasm",
            .count_one = "1 candidate cooling after enthusiasm",
            .count_many = "%zu candidates cooling after enthusiasm",
            .heading = "Candidates cooling after enthusiasm",
            .intro = "Candidates who went quiet or slow after an enthusiastic mail of yours: "
                     "give them room to weigh the offer, ask rather than push.",
            .empty = "No candidates cooled after enthusiasm — nice and calm.",
            .section_note = {"No reply for a long while after your enthusiastic mail.",
                             "Quieter than this candidate usually is.",
                             "The reply came, but much later than usual."},
            .advice = {"A calm, short question about where they stand in their decision beats "
                       "another pitch.",
                       "Give them room to weigh the offer: ask what would help them decide.",
                       "Diagnose before you prescribe: ask what matters to them in the role, and "
                       "let them convince themselves."},
            .footer = "Sent by dealtemp. Only your own threads are listed; the phrases are from "
                      "your own words, never the candidate's.",
            .rollup_footer = "Sent by dealtemp. Each recruiter gets the details of their own "
                             "candidates; this roll-up holds only the counts.",
            .rollup_heading = "Team roll-up: candidates cooling after enthusiasm",
            .rollup_intro = "Per recruiter, the candidates who went quiet or slow after an "
                            "enthusiastic mail. Counts only: the details stay with each "
                            "recruiter.",
            .rollup_rep = "Recruiter",
            .carried_note = "You and the candidate were both euphoric within a short time: "
                            "excitement is not a decision yet.",
            .carried_advice = "Slow down: ask what else they are weighing (notice period, "
                              "family, other offers), and give them time to decide.",
            .hesitant_advice = "Don't sell harder: ask what gives them pause (the role, the "
                               "offer, the timing), and listen.",
            .org_unknown = "the candidate's side",
            .people_many = "%zu people from %s so far (%s)",
            .people_joined = "New on the candidate's side: %s joined on %s",
        },
};
