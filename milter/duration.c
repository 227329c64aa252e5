/*
 * duration.c - durations in words (duration.h).
 *
 * Public: dt_duration_words(). The rounding is integer arithmetic on
 * seconds (half up), so the same seconds always read the same, and the
 * headline and the bar of a digest card, which both call here, agree.
 * The words are UTF-8 (French "ouvrées").
 */
#include "dealtemp/duration.h"

#include <stdio.h>
#include <string.h>

#define MINUTE 60L
#define HOUR 3600L

/* One language's units: singular and plural, calendar and business. */
struct units {
    const char *code;
    const char *under[2];     /* [business] */
    const char *minute[2][2]; /* [business][plural] */
    const char *hour[2][2];
    const char *day[2][2];
};

static const struct units langs[] = {
    {"en",
     {"less than a minute", "less than a working minute"},
     {{"1 minute", "%ld minutes"}, {"1 working minute", "%ld working minutes"}},
     {{"1 hour", "%ld hours"}, {"1 working hour", "%ld working hours"}},
     {{"1 day", "%ld days"}, {"1 working day", "%ld working days"}}},
    {"nl",
     {"minder dan een minuut", "minder dan een werkminuut"},
     {{"1 minuut", "%ld minuten"}, {"1 werkminuut", "%ld werkminuten"}},
     {{"1 uur", "%ld uur"}, {"1 werkuur", "%ld werkuren"}},
     {{"1 dag", "%ld dagen"}, {"1 werkdag", "%ld werkdagen"}}},
    /* Nominative (accusative) forms: the digest's German sentences are built so that they
     * need no dative ("9 Tage ohne Antwort", "Antwortzeit: 2 Tage"). */
    {"de",
     {"weniger als eine Minute", "weniger als eine Arbeitsminute"},
     {{"1 Minute", "%ld Minuten"}, {"1 Arbeitsminute", "%ld Arbeitsminuten"}},
     {{"1 Stunde", "%ld Stunden"}, {"1 Arbeitsstunde", "%ld Arbeitsstunden"}},
     {{"1 Tag", "%ld Tage"}, {"1 Arbeitstag", "%ld Arbeitstage"}}},
    /* French plural from 2 on; the rounded value is never 0 here ("moins d'une minute"). */
    {"fr",
     {"moins d'une minute", "moins d'une minute ouvrée"},
     {{"1 minute", "%ld minutes"}, {"1 minute ouvrée", "%ld minutes ouvrées"}},
     {{"1 heure", "%ld heures"}, {"1 heure ouvrée", "%ld heures ouvrées"}},
     {{"1 jour", "%ld jours"}, {"1 jour ouvré", "%ld jours ouvrés"}}},
};

static long round_div(long s, long unit)
{
    return (s + unit / 2) / unit;
}

void dt_duration_words(long s, const struct dt_clock *c, const char *lang, char *buf, size_t size)
{
    const struct units *u = &langs[0];
    for (size_t i = 0; lang != NULL && i < sizeof(langs) / sizeof(*langs); i++)
        if (strcmp(lang, langs[i].code) == 0)
            u = &langs[i];
    int b = c != NULL && c->business;
    long day = c != NULL && c->day_s > 0 ? c->day_s : 86400;
    if (s < 0)
        s = 0;
    const char *const(*unit)[2];
    long v;
    if (s < MINUTE / 2) {
        snprintf(buf, size, "%s", u->under[b]);
        return;
    }
    if ((v = round_div(s, MINUTE)) < 60) {
        unit = u->minute;
    } else if ((v = round_div(s, HOUR)) * HOUR < day) {
        unit = u->hour;
    } else {
        v = round_div(s, day);
        unit = u->day;
    }
    snprintf(buf, size, unit[b][v != 1], v);
}
