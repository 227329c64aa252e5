/*
 * check_digest_side.c - the customer's side in a digest: the hesitant and
 * carried-away sections (order, headline, colour, advice naming the
 * organisation), and the line saying who on the customer's side has
 * written - one person, several, one who joined later (a good sign),
 * more than a card lists, free-mail addresses without an organisation,
 * hostile names - in English, Dutch, German and French.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "dealtemp/digest.h"
#include "digest_fixture.h"
#include "../../milter/digest_render_int.h"
#include "testutil.h"

static struct dt_digest_item items[4];

static void person(struct dt_digest_item *it, const char *addr, const char *name, time_t first,
                   bool later)
{
    it->people[it->n_people++] = (struct dt_digest_person){(char *)addr, (char *)name, first, later};
    it->n_people_total = it->n_people;
}

/* Four deals: hesitant, carried away, cooling with a second person, slowed at a free-mail. */
static struct dt_digest side_digest(void)
{
    items[0] = item(DT_STATE_HESITANT, true, "m.rossi@alpina-foods.it", "Route planning",
                    "thrilled, let's sign");
    items[0].counterpart_name = "Marco Rossi";
    items[0].reply_s = DAY + 2 * 3600;
    items[0].usual_s = 6 * 3600;
    person(&items[0], "m.rossi@alpina-foods.it", "Marco Rossi", TRIGGER - 8 * DAY, false);

    items[1] = item(DT_STATE_CARRIED, true, "emma@harbourview-hotels.com", "Front desks",
                    "game-changer");
    items[1].counterpart_name = "Emma Clarke";
    items[1].answered = true;
    items[1].reply_s = 5 * 3600;
    items[1].usual_s = 2 * DAY;
    person(&items[1], "emma@harbourview-hotels.com", "Emma Clarke", TRIGGER, false);

    items[2] = item(DT_STATE_COOLING, false, "l.brandt@rheinwerk-maschinen.de", "Presses",
                    "amazing");
    items[2].counterpart_name = "Lisa Brandt";
    items[2].silent_s = 4 * DAY;
    person(&items[2], "l.brandt@rheinwerk-maschinen.de", "Lisa Brandt", TRIGGER - 14 * DAY, false);
    person(&items[2], "j.weber@rheinwerk-maschinen.de", "Jonas Weber", TRIGGER - 3 * DAY, true);

    items[3] = item(DT_STATE_SLOWED, true, "piet@gmail.com", "Offerte", "super");
    items[3].reply_s = 5 * DAY;
    person(&items[3], "piet@gmail.com", NULL, TRIGGER - DAY, false);

    /* collect's order: stalled, cooling, hesitant, slowed, carried away */
    struct dt_digest_item sorted[4] = {items[2], items[0], items[3], items[1]};
    memcpy(items, sorted, sizeof sorted);
    return (struct dt_digest){.rep = "ann@corp.example", .as_of = AS_OF, .items = items,
                              .n_items = 4};
}

START_TEST(sections_and_cards_en)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = side_digest();
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *t = p.part[0], *h = p.part[1];

    size_t co = pos(t, "== Cooling (1) =="), he = pos(t, "== Hesitant (1) =="),
           sl = pos(t, "== Slowed (1) =="), ca = pos(t, "== Carried away (1) ==");
    ck_assert(co < he && he < sl && sl < ca);
    ck_assert_contains(t, "Their latest reply after your enthusiastic mail sounds hesitant.");
    ck_assert_contains(t, "You and the customer were both euphoric within a short time, and only\n"
                          "one person on their side has written.");
    /* the reply, not a silence, for an answered deal */
    ck_assert_contains(t, "Replied after 1 day " EM " usually 6 hours (in this thread)");
    ck_assert_contains(t, "Replied after 5 hours " EM " usually 2 days (in this thread)");
    ck_assert_contains(t, "Only Marco Rossi at Alpina Foods so far");
    ck_assert_contains(t, "Diagnose before you push: ask what stands in the way and who else\n"
                          "    must agree.");
    ck_assert_contains(t, "Slow down: ask who else at Harbourview Hotels must agree, and let\n"
                          "    them convince themselves.");
    /* two people, the later one marked, and the good sign said */
    ck_assert_contains(t, "2 people at Rheinwerk Maschinen so far (Lisa Brandt, + Jonas Weber\n"
                          "  since Mon 10 Nov)");
    ck_assert_contains(t, "+ New on their side: Jonas Weber joined on Mon 10 Nov " EM
                          " a good sign");
    ck_assert_uint_eq(count(t, "New on their side"), 1);
    /* a free-mail address: no organisation, the address stands for the person */
    ck_assert_contains(t, "Only piet@gmail.com so far");
    /* the headline is the most urgent deal */
    ck_assert_str_eq(p.subject, "Rheinwerk Maschinen: silent 4 days after your enthusiastic mail "
                                "(+3 more)");
    /* HTML: each state in its colour, the people line and the sign in the card */
    ck_assert_contains(h, "class=\"dt-s2\" style=\"margin:0;font-size:16px;line-height:22px;"
                          "color:#6a3d9a;\">Hesitant");
    ck_assert_contains(h, "color:#a0306e;\">Carried away");
    ck_assert_contains(h, "border-left:4px solid #a0306e;");
    ck_assert_contains(h, "2 people at Rheinwerk Maschinen so far (Lisa Brandt, + Jonas Weber "
                          "since Mon 10 Nov)");
    ck_assert_contains(h, ">+ New on their side: Jonas Weber joined on Mon 10 Nov");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(headlines_of_the_new_states)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = side_digest();
    d.items = &items[1]; /* hesitant first */
    d.n_items = 1;
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "Alpina Foods: a hesitant reply to your enthusiastic mail");
    parsed_free(&p);
    dt_buf_free(&b);
    d.items = &items[3]; /* carried away */
    b = render(&d, &cfg);
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "Harbourview Hotels: both sides carried away");
    /* not answered yet (the rep wrote last): the silence is shown */
    parsed_free(&p);
    dt_buf_free(&b);
    items[3].answered = false;
    items[3].silent_s = 3 * 3600;
    b = render(&d, &cfg);
    parse(b.data, b.len, &p);
    ck_assert_contains(p.part[0], "Silent 3 hours " EM " usually replies within 2 days");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(people_beyond_the_card_and_hostile_names)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = side_digest();
    struct dt_digest_item *it = &items[0]; /* Rheinwerk */
    person(it, "a@rheinwerk-maschinen.de", "Anna \xe2\x80\xae<b>Evil</b>", TRIGGER - 2 * DAY,
           false);
    person(it, "b@rheinwerk-maschinen.de", NULL, TRIGGER - DAY, false);
    it->n_people_total = 6;
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    const char *t = p.part[0], *h = p.part[1];
    ck_assert_contains(t, "6 people at Rheinwerk Maschinen so far (Lisa Brandt, + Jonas Weber\n"
                          "  since Mon 10 Nov, Anna <b>Evil</b>, b@rheinwerk-maschinen.de,");
    ck_assert_contains(t, "b@rheinwerk-maschinen.de, \xe2\x80\xa6)");
    ck_assert_lacks(t, "\xe2\x80\xae"); /* the direction override is gone */
    ck_assert_lacks(h, "<b>Evil");
    ck_assert_contains(h, "Anna &lt;b&gt;Evil&lt;/b&gt;");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(other_languages)
{
    struct {
        const char *lang;
        const char *want[4];
    } rows[] = {
        {"nl",
         {"== Aarzelend (1) ==", "== Meegesleept (1) ==", "Tot nu toe alleen Marco Rossi van",
          "Tot nu toe 2 mensen bij Rheinwerk Maschinen (Lisa Brandt, + Jonas Weber"}},
        {"de",
         {"Bisher nur Marco Rossi von Alpina Foods", "Bisher 2 Personen von Rheinwerk",
          "+ Jonas Weber seit", "ein gutes Zeichen"}},
        {"fr",
         {"Seulement Marco Rossi chez Alpina Foods jusqu'ici",
          "2 personnes chez Rheinwerk Maschinen", "+ Jonas Weber depuis le", "Harbourview Hotels"}},
    };
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct dt_config cfg = config(rows[r].lang, NULL);
        struct dt_digest d = side_digest();
        struct dt_buf b = render(&d, &cfg);
        struct parsed p;
        parse(b.data, b.len, &p);
        /* compare with the text part unwrapped: lines joined by single spaces */
        char *flat = strdup(p.part[0]);
        ck_assert_ptr_nonnull(flat);
        size_t k = 0;
        for (size_t i = 0; flat[i]; i++) {
            if (flat[i] == '\n') {
                while (flat[i + 1] == ' ')
                    i++;
                flat[k++] = ' ';
            } else {
                flat[k++] = flat[i];
            }
        }
        flat[k] = '\0';
        for (size_t w = 0; w < 4; w++)
            ck_assert_msg(strstr(flat, rows[r].want[w]) != NULL, "%s: %s not in %s", rows[r].lang,
                          rows[r].want[w], flat);
        free(flat);
        parsed_free(&p);
        dt_buf_free(&b);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("digest_side");
    TCase *tc = tcase_create("side");
    tcase_add_test(tc, sections_and_cards_en);
    tcase_add_test(tc, headlines_of_the_new_states);
    tcase_add_test(tc, people_beyond_the_card_and_hostile_names);
    tcase_add_test(tc, other_languages);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
