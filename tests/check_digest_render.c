/*
 * check_digest_render.c - digests and roll-ups built by hand, rendered with
 * dt_digest_render / dt_digest_render_rollup, then parsed back with libetpan
 * (and once with Python's email module) to check headers, MIME structure,
 * determinism, privacy and the refusal of bad addresses. The content of
 * the parts (EN and NL, escaping, charts) is checked in check_digest_body.c,
 * German, French and the recruiting wording in check_digest_lang.c.
 */
#include <check.h>
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dealtemp/digest.h"
#include "digest_fixture.h"
#include "testutil.h"

/* ---- headers and structure --------------------------------------------- */

START_TEST(headers_parse_back)
{
    struct dt_config cfg = config(NULL, NULL); /* the defaults while config loading catches up */
    struct dt_digest d = ann_digest();
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);

    ck_assert_str_eq(p.subject, "Acme: silent 9 days after your enthusiastic mail (+3 more)");
    ck_assert_str_eq(mailbox_of(p.f.fld_from->frm_mb_list), "dealtemp@corp.example");
    ck_assert_str_eq(to_of(&p), "ann@corp.example");
    struct mailimf_date_time *dt = p.f.fld_orig_date->dt_date_time;
    ck_assert_int_eq(dt->dt_day, 20);
    ck_assert_int_eq(dt->dt_month, 11);
    ck_assert_int_eq(dt->dt_year, 2025);
    ck_assert_int_eq(dt->dt_hour, 7);
    ck_assert_int_eq(dt->dt_min, 0);
    ck_assert_int_eq(dt->dt_zone, 0);
    ck_assert_contains(b.data, "\r\nDate: Thu, 20 Nov 2025 07:00:00 +0000\r\n");
    const char *mid = p.f.fld_message_id->mid_value;
    ck_assert_msg(strncmp(mid, "digest.", 7) == 0, "%s", mid);
    ck_assert_msg(strlen(mid) == strlen("digest.0123456789abcdef.20251120@corp.example"), "%s",
                  mid);
    ck_assert_contains(mid, ".20251120@corp.example");
    ck_assert_ptr_nonnull(p.custom[0]);
    ck_assert_str_eq(p.custom[0], "auto-generated");
    ck_assert_ptr_nonnull(p.custom[1]);
    ck_assert_str_eq(p.custom[1], "All");
    ck_assert_uint_eq(p.version, 1u << 16);
    ck_assert_contains(b.data, "\r\nMIME-Version: 1.0\r\n");
    /* The raw subject is plain ASCII here, folded by libetpan where it is long. */
    ck_assert_contains(b.data, "\r\nSubject: Acme: silent 9 days after your enthusiastic mail");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

START_TEST(configured_sender_and_singular_subject)
{
    struct dt_config cfg = config("en", "digests@sales.corp.example");
    struct dt_digest_item one = item(DT_STATE_COOLING, true, "a@b.example", "Hi", NULL);
    one.silent_s = 4 * DAY;
    struct dt_digest d = {.rep = "bob@corp.example", .as_of = AS_OF, .items = &one, .n_items = 1};
    struct dt_buf b = render(&d, &cfg);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "a@b.example: silent 4 days after your enthusiastic mail");
    ck_assert_str_eq(mailbox_of(p.f.fld_from->frm_mb_list), "digests@sales.corp.example");
    ck_assert_str_eq(to_of(&p), "bob@corp.example");
    /* The Message-ID stays in the first internal domain. */
    ck_assert_contains(p.f.fld_message_id->mid_value, "@corp.example");
    /* Only non-empty sections. */
    ck_assert_contains(p.part[0], "== Cooling (1) ==");
    ck_assert_lacks(p.part[0], "Stalled");
    ck_assert_lacks(p.part[0], "Slowed");
    ck_assert_lacks(p.part[1], "Stalled");
    ck_assert_lacks(p.part[1], "Slowed");
    parsed_free(&p);
    dt_buf_free(&b);
}
END_TEST

/* ---- determinism, privacy, refusal -------------------------------------- */

START_TEST(deterministic)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = ann_digest();
    struct dt_buf a = render(&d, &cfg), b = render(&d, &cfg);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert(memcmp(a.data, b.data, a.len) == 0);

    /* another rep or another day: another Message-ID and boundary */
    struct parsed pa, pb, pc;
    parse(a.data, a.len, &pa);
    d.rep = "bob@corp.example";
    struct dt_buf c = render(&d, &cfg);
    parse(c.data, c.len, &pb);
    d.as_of += DAY;
    struct dt_buf e = render(&d, &cfg);
    parse(e.data, e.len, &pc);
    ck_assert_str_ne(pa.f.fld_message_id->mid_value, pb.f.fld_message_id->mid_value);
    ck_assert_str_ne(pb.f.fld_message_id->mid_value, pc.f.fld_message_id->mid_value);
    ck_assert_contains(pc.f.fld_message_id->mid_value, ".20251121@corp.example");
    const char *ba =
        mailmime_extract_boundary(pa.mime->mm_data.mm_message.mm_msg_mime->mm_content_type);
    const char *bb =
        mailmime_extract_boundary(pb.mime->mm_data.mm_message.mm_msg_mime->mm_content_type);
    ck_assert_str_ne(ba, bb);
    free((char *)ba);
    free((char *)bb);
    parsed_free(&pa);
    parsed_free(&pb);
    parsed_free(&pc);
    dt_buf_free(&a);
    dt_buf_free(&b);
    dt_buf_free(&c);
    dt_buf_free(&e);
}
END_TEST

START_TEST(privacy_only_own_deals)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest ann = ann_digest();
    struct dt_digest_item bobs = item(DT_STATE_STALLED, true, "secret@bobcustomer.example",
                                      "Bob's secret merger", "bobphrase");
    bobs.silent_s = 10 * DAY;
    struct dt_digest bob = {
        .rep = "bob@corp.example", .as_of = AS_OF, .items = &bobs, .n_items = 1};
    struct dt_buf ba = render(&ann, &cfg), bb = render(&bob, &cfg);
    struct parsed pa, pb;
    parse(ba.data, ba.len, &pa);
    parse(bb.data, bb.len, &pb);
    static const char *bob_only[] = {"bob@corp.example", "bobcustomer", "merger", "bobphrase"};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_lacks(ba.data, bob_only[i]);
        ck_assert_lacks(pa.part[0], bob_only[i]);
        ck_assert_lacks(pa.part[1], bob_only[i]);
    }
    for (size_t i = 0; i < 4; i++) {
        ck_assert_lacks(bb.data, ann.items[i].counterpart);
        ck_assert_lacks(pb.part[0], ann.items[i].counterpart);
        ck_assert_lacks(pb.part[1], ann.items[i].counterpart);
    }
    ck_assert_lacks(pb.part[0], "ann@corp.example");
    ck_assert_str_eq(to_of(&pb), "bob@corp.example");
    parsed_free(&pa);
    parsed_free(&pb);
    dt_buf_free(&ba);
    dt_buf_free(&bb);
}
END_TEST

START_TEST(refuses_bad_addresses)
{
    static const char *bad_reps[] = {
        "ann@corp.example\r\nBcc: evil@attacker.example",
        "ann@corp.example, evil@x.example",
        "Ann <ann@corp.example>",
        "ann",
        "@corp.example",
        "ann@",
        "ann@corp..example",
        "",
        NULL,
    };
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = ann_digest();
    for (size_t i = 0; i < sizeof bad_reps / sizeof bad_reps[0]; i++) {
        d.rep = (char *)bad_reps[i];
        struct dt_buf b = DT_BUF_INIT;
        dt_buf_puts(&b, "kept");
        struct dt_error err = {{0}};
        ck_assert_int_eq(dt_digest_render(&d, &cfg, &b, &err), -1);
        ck_assert_str_eq(b.data, "kept"); /* out untouched */
        ck_assert_contains(err.msg, "is not a plain address");
        ck_assert_lacks(err.msg, "\n");
        dt_buf_free(&b);
    }

    d.rep = "ann@corp.example";
    struct dt_config bad_from = config("en", "dealtemp@corp.example\nX-Evil: 1");
    struct dt_buf b = DT_BUF_INIT;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_digest_render(&d, &bad_from, &b, &err), -1);
    ck_assert_contains(err.msg, "digest.from");
    ck_assert_ptr_null(b.data);

    /* neither digest.from nor an internal domain: nothing to send from */
    struct dt_config none = config("en", NULL);
    none.internal_domains = NULL;
    none.n_internal_domains = 0;
    ck_assert_int_eq(dt_digest_render(&d, &none, &b, &err), -1);
    ck_assert_contains(err.msg, "no digest.from");
    ck_assert_int_eq(dt_digest_render(NULL, &cfg, &b, &err), -1);
    ck_assert_int_eq(dt_digest_render(&d, NULL, &b, &err), -1);
    ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(appends_to_out)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_digest d = ann_digest();
    struct dt_buf one = render(&d, &cfg);
    struct dt_buf b = DT_BUF_INIT;
    dt_buf_puts(&b, "From dealtemp Thu Nov 20 07:00:00 2025\r\n");
    size_t before = b.len;
    struct dt_error err = {{0}};
    ck_assert_int_eq(dt_digest_render(&d, &cfg, &b, &err), 0);
    ck_assert_uint_eq(b.len, before + one.len);
    ck_assert(memcmp(b.data + before, one.data, one.len) == 0);
    dt_buf_free(&one);
    dt_buf_free(&b);
}
END_TEST

/* ---- roll-up ------------------------------------------------------------ */

static const struct dt_rollup_line team[] = {
    {"ann@corp.example", {2, 1, 1, 1, 2}},
    {"bob@corp.example", {0, 0, 0, 0, 0}},
    {"<carol>&co@corp.example", {1, 0, 0, 0, 0}},
};

START_TEST(rollup)
{
    struct dt_config cfg = config("en", NULL);
    struct dt_buf b = DT_BUF_INIT;
    struct dt_error err = {{0}};
    ck_assert_msg(dt_digest_render_rollup("boss@corp.example", team, 3, AS_OF, &cfg, &b, &err) == 0,
                  "%s", err.msg);
    assert_wire_clean(b.data, b.len);
    struct parsed p;
    parse(b.data, b.len, &p);
    ck_assert_str_eq(p.subject, "Team roll-up: 8 deals cooling after enthusiasm " EM " 20 Nov");
    ck_assert_str_eq(to_of(&p), "boss@corp.example");
    ck_assert_str_eq(mailbox_of(p.f.fld_from->frm_mb_list), "dealtemp@corp.example");
    ck_assert_contains(p.f.fld_message_id->mid_value, "rollup.");
    ck_assert_str_eq(p.custom[0], "auto-generated");
    const char *t = p.part[0], *h = p.part[1];
    ck_assert_contains(t, "* ann@corp.example: Stalled 2, Cooling 1, Hesitant 1, Slowed 1, Carried\n"
                          "  away 2\n");
    ck_assert_contains(t, "* bob@corp.example: Stalled 0, Cooling 0, Hesitant 0, Slowed 0, Carried\n"
                          "  away 0\n");
    ck_assert_contains(t, "Total: Stalled 3, Cooling 1, Hesitant 1, Slowed 1, Carried away 2\n");
    ck_assert(pos(t, "ann@") < pos(t, "bob@"));
    ck_assert_contains(t, "this\nroll-up holds only the counts");
    ck_assert_lacks(t, "Only your own threads");
    ck_assert_contains(h, "&lt;carol&gt;&amp;co@corp.example");
    ck_assert_lacks(h, "<carol>");
    ck_assert_uint_eq(count(h, "<tr><td class=\"dt-ink\" style=\"padding:6px 0;border-bottom"), 3);
    parsed_free(&p);

    /* deterministic, NL, and a bad manager address refused */
    struct dt_buf again = DT_BUF_INIT;
    ck_assert_int_eq(
        dt_digest_render_rollup("boss@corp.example", team, 3, AS_OF, &cfg, &again, &err), 0);
    ck_assert_uint_eq(again.len, b.len);
    ck_assert(memcmp(again.data, b.data, b.len) == 0);
    dt_buf_free(&again);

    struct dt_config nl = config("nl", NULL);
    struct dt_buf bn = DT_BUF_INIT;
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example", team, 1, AS_OF, &nl, &bn, &err),
                     0);
    parse(bn.data, bn.len, &p);
    ck_assert_str_eq(p.subject, "Teamoverzicht: 7 deals koelen af na enthousiasme " EM " 20 nov");
    ck_assert_contains(p.part[0], "* ann@corp.example: Vastgelopen 2, Koelt af 1, Aarzelend 1, "
                                  "Trager 1,\n  Meegesleept 2\n");
    parsed_free(&p);
    dt_buf_free(&bn);

    struct dt_buf bad = DT_BUF_INIT;
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example\r\nBcc: x@y.example", team, 3,
                                             AS_OF, &cfg, &bad, &err),
                     -1);
    ck_assert_contains(err.msg, "manager");
    ck_assert_ptr_null(bad.data);
    ck_assert_int_eq(dt_digest_render_rollup(NULL, team, 3, AS_OF, &cfg, &bad, &err), -1);
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example", NULL, 3, AS_OF, &cfg, &bad, &err),
                     -1);
    dt_buf_free(&b);
}
END_TEST

/* ---- a second opinion: Python's email module ---------------------------- */

static const char python_check[] =
    "import sys, email, email.policy\n"
    "raw = open(sys.argv[1], \"rb\").read()\n"
    "m = email.message_from_bytes(raw, policy=email.policy.default)\n"
    "want = bytes.fromhex(sys.argv[2]).decode(\"utf-8\")\n"
    "errs = []\n"
    "if m.defects: errs.append(\"message defects %r\" % m.defects)\n"
    "for k, v in m.items():\n"
    "    if getattr(v, \"defects\", None): errs.append(\"%s: %r\" % (k, v.defects))\n"
    "if m.get_content_type() != \"multipart/alternative\": errs.append(m.get_content_type())\n"
    "parts = list(m.iter_parts())\n"
    "types = [p.get_content_type() for p in parts]\n"
    "if types != [\"text/plain\", \"text/html\"]: errs.append(\"parts %r\" % types)\n"
    "for p in parts:\n"
    "    if p.defects: errs.append(\"part defects %r\" % p.defects)\n"
    "    if p.get_content_charset() != \"utf-8\": errs.append(\"charset %r\" % "
    "p.get_content_charset())\n"
    "    if p[\"Content-Transfer-Encoding\"] != \"quoted-printable\": errs.append(\"cte\")\n"
    "    body = p.get_content()\n"
    "    if not isinstance(body, str) or len(body.strip()) < 40: errs.append(\"empty part\")\n"
    "if str(m[\"Subject\"]) != want: errs.append(\"subject %r\" % str(m[\"Subject\"]))\n"
    "if str(m[\"Auto-Submitted\"]) != \"auto-generated\": errs.append(\"auto-submitted\")\n"
    "if m[\"Date\"].datetime is None or m[\"Date\"].datetime.utcoffset().total_seconds() != 0: "
    "errs.append(\"date\")\n"
    "if len(m[\"To\"].addresses) != 1 or len(m[\"From\"].addresses) != 1: "
    "errs.append(\"addresses\")\n"
    "if not str(m[\"Message-ID\"]).startswith(\"<\"): errs.append(\"message-id\")\n"
    "print(\"\\n\".join(errs) if errs else \"ok\")\n"
    "sys.exit(1 if errs else 0)\n";

static void python_agrees(const char *raw, size_t len, const char *subject)
{
    ck_assert_msg(system("command -v python3 >/dev/null 2>&1") == 0,
                  "python3 not found: run make deps");
    char path[] = "/tmp/dt-digest-render-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, raw, len), (ssize_t)len);
    close(fd);

    struct dt_buf cmd = DT_BUF_INIT;
    dt_buf_puts(&cmd, "python3 -c '");
    dt_buf_puts(&cmd, python_check); /* holds no single quote */
    dt_buf_printf(&cmd, "' %s ", path);
    for (const unsigned char *s = (const unsigned char *)subject; *s; s++)
        dt_buf_printf(&cmd, "%02x", *s);
    dt_buf_puts(&cmd, " 2>&1");
    FILE *f = popen(cmd.data, "r");
    ck_assert_ptr_nonnull(f);
    char out[4096];
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    int st = pclose(f);
    unlink(path);
    dt_buf_free(&cmd);
    ck_assert_msg(st == 0, "python email module: %s", out);
    ck_assert_str_eq(out, "ok\n");
}

START_TEST(python_email_module)
{
    ck_assert(strchr(python_check, '\'') == NULL);
    struct dt_config en = config("en", NULL), nl = config("nl", NULL);
    struct dt_digest d = ann_digest();
    struct dt_error err = {{0}};
    struct dt_buf b = render(&d, &en);
    python_agrees(b.data, b.len, "Acme: silent 9 days after your enthusiastic mail (+3 more)");
    dt_buf_free(&b);
    b = render(&d, &nl);
    python_agrees(b.data, b.len, "Acme: 9 dagen stil na je enthousiaste mail (+3 andere)");
    dt_buf_free(&b);
    /* umlauts, accents and French no-break spaces in encoded-words */
    struct dt_config de = config("de", NULL), fr = config("fr", NULL);
    b = render(&d, &de);
    python_agrees(b.data, b.len,
                  "Acme: 9 Tage ohne Antwort nach Ihrer begeisterten Mail (+3 weitere)");
    dt_buf_free(&b);
    b = render(&d, &fr);
    python_agrees(b.data, b.len,
                  "Acme" NB ": 9 jours de silence après votre e-mail enthousiaste (et 3 "
                  "de plus)");
    dt_buf_free(&b);
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example", team, 3, AS_OF, &de, &b, &err),
                     0);
    python_agrees(b.data, b.len,
                  "Teamübersicht: 8 Deals kühlen nach begeisterten Mails ab " EM
                  " 20. Nov.");
    dt_buf_free(&b);
    ck_assert_int_eq(dt_digest_render_rollup("boss@corp.example", team, 3, AS_OF, &en, &b, &err),
                     0);
    python_agrees(b.data, b.len, "Team roll-up: 8 deals cooling after enthusiasm " EM " 20 Nov");
    dt_buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("digest_render");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, headers_parse_back);
    tcase_add_test(tc, configured_sender_and_singular_subject);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, privacy_only_own_deals);
    tcase_add_test(tc, refuses_bad_addresses);
    tcase_add_test(tc, appends_to_out);
    tcase_add_test(tc, rollup);
    tcase_add_test(tc, python_email_module);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dt_test_run(suite());
}
