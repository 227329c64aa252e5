/*
 * digest_people.c - who on the customer's side a digest card names
 * (tone.h: the people a deal's messages named): "Only Sarah Mitchell at
 * Northwind Retail so far", "2 people at Rheinwerk Maschinen so far (Lisa
 * Brandt, + Jonas Weber since Tue 10 Nov)", and one who joined later as the
 * good sign it is. Pure; the words come from the language tables. Names
 * and addresses are store strings, cleaned like every other (dt_utf8_clean_line).
 * Private API in digest_render_int.h.
 */
#include <stdio.h>
#include <string.h>

#include "dealtemp/utf8.h"
#include "digest_render_int.h"

/* The organisation of the deal for the advice and the people line, or org_unknown. */
void dt_dg_org_of(const struct dt_digest_item *it, const struct dt_digest_lang *L, char *buf,
                   size_t size)
{
    dt_dg_org(it->counterpart ? it->counterpart : "", buf, size);
    if (buf[0] == '\0')
        snprintf(buf, size, "%s", L->org_unknown);
}

/* A person as a card names them: the display name, else the address; cleaned. */
static void person_name(const struct dt_digest_person *p, struct dt_buf *b, bool html)
{
    if (!(p->name && dt_utf8_clean_line(b, p->name, 60, html)) &&
        !(p->address && dt_utf8_clean_line(b, p->address, 80, html)))
        dt_buf_puts(b, "?");
}

/*
 * Who on the customer's side has written so far: "Only Sarah Mitchell at
 * Northwind Retail so far", "2 people at Rheinwerk Maschinen so far (Lisa
 * Brandt, + Jonas Weber since Tue 10 Nov)"; HTML-escaped when html.
 */
void dt_dg_people_line(const struct dt_digest_item *it, const struct dt_digest *d,
                        const struct dt_digest_lang *L, struct dt_buf *b, bool html)
{
    char org[160];
    dt_dg_org_of(it, L, org, sizeof org);
    struct dt_buf o = DT_BUF_INIT, names = DT_BUF_INIT, one = DT_BUF_INIT;
    dt_utf8_clean_line(&o, org, 80, html);
    const char *os = o.data ? o.data : "";
    if (it->n_people <= 1) {
        if (it->n_people == 1)
            person_name(&it->people[0], &one, html);
        if (one.data && org[0] && strcmp(org, L->org_unknown) != 0) {
            struct dt_buf at = DT_BUF_INIT;
            dt_buf_printf(&at, L->person_at, one.data, os);
            dt_buf_printf(b, L->people_one, at.data ? at.data : "");
            dt_buf_free(&at);
        } else {
            dt_buf_printf(b, L->people_one, one.data ? one.data : os);
        }
    } else {
        for (size_t i = 0; i < it->n_people; i++) {
            struct dt_buf nm = DT_BUF_INIT;
            person_name(&it->people[i], &nm, html);
            if (it->people[i].joined_later) {
                char day[48];
                dt_dg_date(L, it->people[i].first_at, d->as_of, day, sizeof day);
                if (i > 0)
                    dt_buf_putc(&names, ',');
                dt_buf_printf(&names, L->people_since, nm.data ? nm.data : "", day);
            } else {
                dt_buf_printf(&names, "%s%s", i > 0 ? ", " : "", nm.data ? nm.data : "");
            }
            dt_buf_free(&nm);
        }
        if (it->n_people_total > it->n_people)
            dt_buf_printf(&names, ", \xe2\x80\xa6");
        dt_buf_printf(b, L->people_many, it->n_people_total, os, names.data ? names.data : "");
    }
    if (dt_buf_failed(&o) || dt_buf_failed(&names) || dt_buf_failed(&one))
        b->failed = true;
    dt_buf_free(&o);
    dt_buf_free(&names);
    dt_buf_free(&one);
}

/* The latest person who joined later, as the good sign it is; false when nobody did. */
bool dt_dg_joined_line(const struct dt_digest_item *it, const struct dt_digest *d,
                        const struct dt_digest_lang *L, struct dt_buf *b, bool html)
{
    const struct dt_digest_person *p = NULL;
    for (size_t i = 0; i < it->n_people; i++)
        if (it->people[i].joined_later && (p == NULL || it->people[i].first_at >= p->first_at))
            p = &it->people[i];
    if (p == NULL)
        return false;
    struct dt_buf nm = DT_BUF_INIT;
    person_name(p, &nm, html);
    char day[48];
    dt_dg_date(L, p->first_at, d->as_of, day, sizeof day);
    dt_buf_printf(b, L->people_joined, nm.data ? nm.data : "", day);
    if (dt_buf_failed(&nm))
        b->failed = true;
    dt_buf_free(&nm);
    return true;
}
