/*
 * check_mime.c - raw messages -> text and header facts (mime.c).
 *
 * The fixtures in tests/data/mime-*.eml are real-looking sales mails, one
 * per MIME situation (see tests/data/README); the hostile cases (every
 * truncation of a message, deep nesting, many parts) are built here at run
 * time. Header facts are checked in check_mime_header.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dealtemp/mime.h"
#include "testutil.h"
#include "dealtemp/utf8.h"

/* The shared parse helpers (slurp, parse_mem/str/file, ck_assert_contains/lacks). */
#define slurp dt_test_slurp
#define parse_mem dt_test_parse_mem
#define parse_str dt_test_parse_str
#define parse_file dt_test_parse_file

/* ---- plain text bodies in the common encodings -------------------------- */

START_TEST(en_plain_8bit_utf8)
{
    struct dt_message *m = parse_file("tests/data/mime-en-plain-8bit.eml");
    ck_assert_str_eq(
        m->text,
        "Hi Tom,\n\nThanks for the call this morning \xe2\x80\x93 it was great to hear how "
        "your team\nhandles the quarterly forecast. As promised, here\xe2\x80\x99s the "
        "pilot proposal:\n\n  * 6 weeks, 25 seats, \xe2\x82\xac"
        "4,900 all-in\n"
        "  * onboarding workshop in week 1\n  * a review call with Anna at the end\n\n"
        "I\xe2\x80\x99m really excited about this one. \xf0\x9f\x9a\x80 Let me know if "
        "Thursday works for\na short follow-up.\n\nBest,\nSarah\n");
    ck_assert(!m->text_from_html);
    ck_assert_str_eq(m->warning, "");
    ck_assert_uint_eq(m->n_invalid, 0);
    ck_assert_str_eq(m->message_id, "CAF7x1Y2-pilot-001@mail.brightpath.example");
    ck_assert_ptr_null(m->in_reply_to);
    ck_assert_uint_eq(m->n_references, 0);
    ck_assert_str_eq(m->from, "sarah.jones@brightpath.example");
    ck_assert_uint_eq(m->n_to, 2);
    ck_assert_str_eq(m->to[0], "tom.baker@northwind.example");
    ck_assert_str_eq(m->to[1], "anna.lee@northwind.example");
    ck_assert_uint_eq(m->n_cc, 1);
    ck_assert_str_eq(m->cc[0], "deals@brightpath.example");
    ck_assert_str_eq(m->subject, "Your pilot proposal");
    ck_assert_int_eq((long long)m->date, 1760426130LL);
    ck_assert_ptr_null(m->list_id);
    ck_assert_ptr_null(m->precedence);
    ck_assert_ptr_null(m->auto_submitted);
    ck_assert(!m->x_autoreply);
    ck_assert(!m->is_report);
    dt_message_free(m);
}
END_TEST

START_TEST(nl_quoted_printable_latin1_crlf)
{
    struct dt_message *m = parse_file("tests/data/mime-nl-qp-latin1.eml");
    ck_assert_str_eq(
        m->text, "Beste meneer De Vries,\n\nHartelijk dank voor het prettige gesprek van "
                 "vanochtend. Zoals besproken\nstuur ik u hierbij een overzicht van ons voorstel "
                 "voor de proefperiode van\ndrie maanden, inclusief \xc3\xa9\xc3\xa9n "
                 "trainingsdag op locatie en ondersteuning door\nons team in Utrecht. Wij zijn "
                 "erg ge\xc3\xafnteresseerd in een langdurige\nsamenwerking met uw organisatie "
                 "en kijken uit naar uw reactie.\n\nMet vriendelijke groet,\nEline Bakker\n"
                 "Accountmanager, Zonnewijzer B.V.\n");
    ck_assert_str_eq(m->warning, "");
    ck_assert_str_eq(m->to[0], "j.devries@houtbouw.example");
    ck_assert_str_eq(m->message_id, "20251015090217.6631@zonnewijzer.example");
    dt_message_free(m);
}
END_TEST

START_TEST(en_base64_utf8)
{
    struct dt_message *m = parse_file("tests/data/mime-en-base64-utf8.eml");
    ck_assert_str_eq(m->text,
                     "Hello Priya,\n\nFollowing up on yesterday's demo: I've attached nothing this "
                     "time, just a\nquick summary. Your team liked the reporting module and asked "
                     "about the\nAPI limits. The standard plan allows 10,000 calls per day; the "
                     "enterprise\nplan has no hard limit.\n\nCould we schedule a 30-minute call "
                     "next week to go through the numbers?\n\nKind regards,\nMark Ellis\n");
    ck_assert_str_eq(m->warning, "");
    ck_assert_int_eq((long long)m->date, 1760629500LL); /* 16:45 +0100 */
    dt_message_free(m);
}
END_TEST

START_TEST(nl_windows_1252_curly_quotes_and_euro)
{
    struct dt_message *m = parse_file("tests/data/mime-nl-cp1252-8bit.eml");
    ck_assert_str_eq(
        m->text, "Hoi Pieter,\n\nZoals beloofd: de prijs voor het \xe2\x80\x9cStarter\xe2\x80\x9d"
                 "-pakket is \xe2\x82\xac 1.250 per maand,\ninclusief installatie. Het "
                 "\xe2\x80\x98Groei\xe2\x80\x99-pakket kost \xe2\x82\xac 2.100 \xe2\x80\x93 daar "
                 "zit ook de\nkoppeling met jullie boekhouding in.\n\nLaat maar weten wat jullie "
                 "ervan vinden\xe2\x80\xa6\n\nGroet,\nSanne\n");
    ck_assert_str_eq(m->warning, "");
    ck_assert_uint_eq(m->n_invalid, 0);
    ck_assert_str_eq(m->message_id, "000801dc3f1a$5b1e2c40$115a84c0$@kantoorpro.example");
    dt_message_free(m);
}
END_TEST

/* ---- HTML-only mail ----------------------------------------------------- */

START_TEST(html_gmail_entities_and_quote)
{
    struct dt_message *m = parse_file("tests/data/mime-html-gmail.eml");
    ck_assert(m->text_from_html);
    ck_assert_str_eq(
        m->text, "Hi Daniel,\n\nGreat news \xe2\x80\x93 legal signed off on the contract & we're "
                 "ready to go! The first invoice will be \xe2\x82\xac"
                 "12,000 (net 30).\n\n"
                 "Caf\xc3\xa9 meeting on Friday? I\xe2\x80\x99ll bring the paperwork "
                 "\xf0\x9f\x8e\x89\n\nCheers,\nOlivia\n");
    ck_assert_lacks(m->text, "QUOTED-SENTINEL");
    ck_assert_lacks(m->text, "wrote:");
    ck_assert_str_eq(m->in_reply_to, "CAB3K2m8-contract-0042@acme.example");
    ck_assert_uint_eq(m->n_references, 1);
    ck_assert_str_eq(m->references[0], "CAB3K2m8-contract-0042@acme.example");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

START_TEST(html_outlook_reply_block_dropped)
{
    struct dt_message *m = parse_file("tests/data/mime-html-outlook.eml");
    ck_assert(m->text_from_html);
    ck_assert_str_eq(
        m->text, "Beste Kees,\n\nDank voor je snelle reactie! Wij zijn ontzettend blij met jullie "
                 "keuze voor het jaarcontract. Ik stuur vandaag nog de definitieve offerte "
                 "(\xe2\x82\xac 18.400) en de planning.\n\nMet vriendelijke groet,\nRuben\n");
    ck_assert_lacks(m->text, "QUOTED-SENTINEL");
    ck_assert_lacks(m->text, "STYLE-SENTINEL");
    ck_assert_lacks(m->text, "Verzonden");
    ck_assert_str_eq(m->subject, "RE: Jaarcontract");
    dt_message_free(m);
}
END_TEST

/* ---- multipart structures ----------------------------------------------- */

START_TEST(alternative_prefers_plain)
{
    struct dt_message *m = parse_file("tests/data/mime-alternative.eml");
    ck_assert(!m->text_from_html);
    ck_assert_str_eq(
        m->text, "Hi Marco,\n\nThanks for your time today. To recap: you'd like to start with the "
                 "two\nlocations in Milan and add Turin in spring. I'll send the updated quote "
                 "by\nFriday.\n\nBest regards,\nJonas\n");
    ck_assert_lacks(m->text, "HTML-ONLY-SENTINEL");
    ck_assert_str_eq(m->from, "jonas.weber@cloudline.example");
    ck_assert_str_eq(m->to[0], "m.rossi@ristorante-roma.example");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

START_TEST(mixed_attachments_skipped)
{
    struct dt_message *m = parse_file("tests/data/mime-mixed-attachment.eml");
    ck_assert_str_eq(m->text,
                     "Dear procurement team,\n\nPlease find attached our quote for the 40 vehicle "
                     "trackers and our current\nprice list. The quote is valid until the end of "
                     "November.\n\nRegards,\nLaura Martin\n");
    ck_assert_lacks(m->text, "ATTACHMENT-SENTINEL");
    ck_assert_lacks(m->text, "PDF");
    ck_assert_uint_eq(m->n_cc, 1);
    ck_assert_str_eq(m->cc[0], "ben.carter@fleetwise.example");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

START_TEST(mixed_text_attachment_loses_to_html_body)
{
    struct dt_message *m = parse_file("tests/data/mime-mixed-html-attachment.eml");
    ck_assert(m->text_from_html);
    ck_assert_str_eq(m->text, "Goedemiddag,\n\nIn de bijlage vindt u de offerte voor 5.000 "
                              "brochures.\n\nGroet,\nTim\n");
    ck_assert_lacks(m->text, "ATTACHMENT-SENTINEL");
    dt_message_free(m);
}
END_TEST

START_TEST(nested_mixed_related_alternative)
{
    struct dt_message *m = parse_file("tests/data/mime-nested.eml");
    ck_assert(!m->text_from_html);
    ck_assert_str_eq(m->text,
                     "Hi Emma,\n\nThe screenshots below show the patient dashboard we discussed. "
                     "Pricing for\nthe three clinics is in the attached PDF.\n\nKind regards,\n"
                     "Chris\n");
    ck_assert_lacks(m->text, "HTML-ONLY-SENTINEL");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

START_TEST(report_is_flagged_and_forward_skipped)
{
    struct dt_message *m = parse_file("tests/data/mime-report.eml");
    ck_assert(m->is_report);
    ck_assert_contains(m->text, "could not\nbe delivered");
    ck_assert_lacks(m->text, "FORWARDED-SENTINEL");
    ck_assert_lacks(m->text, "Reporting-MTA");
    ck_assert_str_eq(m->auto_submitted, "auto-replied");
    ck_assert_str_eq(m->from, "mailer-daemon@mx.corp.example");
    dt_message_free(m);
}
END_TEST

START_TEST(no_text_part)
{
    struct dt_message *m = parse_file("tests/data/mime-no-text.eml");
    ck_assert_str_eq(m->text, "");
    ck_assert_uint_eq(m->text_len, 0);
    ck_assert_str_eq(m->warning, "no text part found");
    dt_message_free(m);
}
END_TEST

/* ---- broken MIME -------------------------------------------------------- */

START_TEST(wrong_boundary_recovered)
{
    struct dt_message *m = parse_file("tests/data/mime-wrong-boundary.eml");
    ck_assert_str_eq(m->text, "Hello,\n\nYour licence renewal is due on 1 December. Renewing "
                              "before 15 November\nkeeps this year's price.\n\nRegards,\nNina\n");
    ck_assert_str_eq(m->warning,
                     "boundary \"declared-boundary-XYZ\" not found, used \"actual-boundary-123\"");
    dt_message_free(m);
}
END_TEST

START_TEST(multipart_without_parts_read_as_text)
{
    struct dt_message *m = parse_file("tests/data/mime-multipart-no-parts.eml");
    ck_assert_str_eq(m->text, "Bonjour,\n\nComme convenu, le devis pour les 48 panneaux suit "
                              "demain matin.\n\nCordialement,\nPaul\n");
    ck_assert_str_eq(m->warning, "boundary \"never-used\" not found");
    dt_message_free(m);
}
END_TEST

START_TEST(missing_closing_boundary)
{
    struct dt_message *m = parse_file("tests/data/mime-missing-close.eml");
    ck_assert_str_eq(m->text, "Hi team,\n\nHere is the onboarding plan: week one covers accounts "
                              "and data import,\nweek two the helpdesk workflows, week three "
                              "training for team leads.\n\nGrace\n");
    ck_assert_str_eq(m->warning, "missing closing boundary \"nb_0011\"");
    dt_message_free(m);
}
END_TEST

START_TEST(truncated_base64_keeps_text_so_far)
{
    struct dt_message *m = parse_file("tests/data/mime-truncated-base64.eml");
    const char *full = "Dear Mr Okafor,\n\nThank you for visiting our stand at the trade fair. As "
                       "discussed, our\nwarehouse robots can be delivered within eight weeks of "
                       "the order, and\ninstallation takes two days per site.\n";
    ck_assert_str_eq(m->warning, "truncated base64 in part 1");
    ck_assert_uint_gt(m->text_len, 100);
    ck_assert_uint_lt(m->text_len, strlen(full));
    /* a prefix of the original, plus the final line break */
    ck_assert_int_eq(strncmp(m->text, full, m->text_len - 1), 0);
    ck_assert_uint_eq(m->n_invalid, 0);
    dt_message_free(m);
}
END_TEST

START_TEST(unknown_charset_read_as_utf8)
{
    struct dt_message *m = parse_file("tests/data/mime-unknown-charset.eml");
    ck_assert_str_eq(m->text, "Hei Kari,\n\nTakk for m\xc3\xb8tet i g\xc3\xa5r. Tilbudet p\xc3\xa5 "
                              "18 lisenser gjelder til fredag.\n\nHilsen Sven\n");
    ck_assert_str_eq(m->warning, "unknown charset \"x-foo\" in part 1, read as UTF-8");
    ck_assert_str_eq(m->subject, "Oppf\xc3\xb8lging"); /* raw UTF-8 in a header */
    dt_message_free(m);
}
END_TEST

START_TEST(unknown_charset_latin1_bytes_read_as_cp1252)
{
    struct dt_message *m = parse_str("From: a@b.example\r\n"
                                     "Content-Type: text/plain; charset=x-mac-klingon\r\n\r\n"
                                     "Caf\xe9 \x80 5\r\n");
    ck_assert_str_eq(m->text, "Caf\xc3\xa9 \xe2\x82\xac 5\n");
    ck_assert_str_eq(m->warning,
                     "unknown charset \"x-mac-klingon\" in part 1, read as Windows-1252");
    dt_message_free(m);
}
END_TEST

START_TEST(invalid_utf8_replaced)
{
    struct dt_message *m = parse_file("tests/data/mime-invalid-utf8.eml");
    ck_assert_str_eq(m->text,
                     "Bonjour,\n\nVoici notre proposition pour la r\xef\xbf\xbdnovation de "
                     "l'accueil, d\xef\xbf\xbdlai trois semaines.\n\nMarie\n");
    ck_assert_uint_eq(m->n_invalid, 2);
    ck_assert_str_eq(m->warning, "invalid utf-8 in part 1 replaced by U+FFFD (2)");
    dt_message_free(m);
}
END_TEST

START_TEST(nul_bytes_dropped)
{
    struct dt_message *m = parse_file("tests/data/mime-nul-bytes.eml");
    ck_assert_str_eq(m->text, "Dear team,\n\nOur offer for the sensor kits is attached to this "
                              "mail.\n\nIvo\n");
    ck_assert_str_eq(m->warning, "NUL bytes dropped in part 1");
    dt_message_free(m);
}
END_TEST

START_TEST(empty_body)
{
    struct dt_message *m = parse_file("tests/data/mime-empty-body.eml");
    ck_assert_str_eq(m->text, "");
    ck_assert_uint_eq(m->text_len, 0);
    ck_assert_str_eq(m->warning, "");
    ck_assert_str_eq(m->subject, "(no text)");
    dt_message_free(m);
}
END_TEST

START_TEST(headers_only_no_blank_line)
{
    struct dt_message *m =
        parse_str("From: rep@corp.example\r\nSubject: cut in the header\r\nTo: b");
    ck_assert_str_eq(m->text, "");
    ck_assert_str_eq(m->subject, "cut in the header");
    ck_assert_uint_eq(m->n_to, 0); /* "b" is no address */
    dt_message_free(m);
}
END_TEST

/* ---- transfer encodings and charsets, built in memory --------------------- */

START_TEST(quoted_printable_edge_cases)
{
    struct dt_message *m =
        parse_str("Content-Type: text/plain; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: Quoted-Printable\r\n\r\n"
                  "soft=\r\nbreak, pad=  \r\nded, =3D equals, =c3=a9 lower, =ZZ bad, =\r\n"
                  "tail =");
    ck_assert_str_eq(m->text, "softbreak, padded, = equals, \xc3\xa9 lower, =ZZ bad, tail \n");
    dt_message_free(m);
}
END_TEST

START_TEST(base64_with_noise_and_padding)
{
    /* "Hello, " + "world!" encoded separately (padding in the middle), with junk between. */
    struct dt_message *m = parse_str("Content-Transfer-Encoding: base64\n\n"
                                     "SGVs bG8s\tIA==\n!!d29y*bGQh\n");
    ck_assert_str_eq(m->text, "Hello, world!\n");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

START_TEST(iconv_charsets)
{
    /* ISO-8859-2 (Czech) through iconv */
    struct dt_message *m = parse_str("Content-Type: text/plain; charset=ISO-8859-2\r\n\r\n"
                                     "Dobr\xfd den, d\xec kujeme\r\n");
    ck_assert_str_eq(m->text, "Dobr\xc3\xbd den, d\xc4\x9b kujeme\n");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);

    /* UTF-16LE, with an odd trailing byte: an incomplete character at the end */
    static const char utf16[] = "Content-Type: text/plain; charset=utf-16le\r\n\r\n"
                                "H\0i\0 \0\xac\x20!\0x";
    m = parse_mem(utf16, sizeof(utf16) - 1);
    ck_assert_str_eq(m->text, "Hi \xe2\x82\xac!\xef\xbf\xbd\n");
    ck_assert_uint_eq(m->n_invalid, 1);
    ck_assert_contains(m->warning, "replaced by U+FFFD (1)");
    dt_message_free(m);

    /* Shift_JIS with an invalid lead byte in the middle: replaced, conversion goes on */
    m = parse_str("Content-Type: text/plain; charset=Shift_JIS\r\n\r\nab\x81\x20"
                  "cd\r\n");
    ck_assert_contains(m->text, "ab\xef\xbf\xbd");
    ck_assert_contains(m->text, "cd\n");
    ck_assert_uint_ge(m->n_invalid, 1);
    dt_message_free(m);
}
END_TEST

START_TEST(us_ascii_with_8bit_bytes)
{
    struct dt_message *m = parse_str("Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                                     "\x93Quoted\x94 \x80 99\r\n");
    ck_assert_str_eq(m->text, "\xe2\x80\x9cQuoted\xe2\x80\x9d \xe2\x82\xac 99\n");
    ck_assert_str_eq(m->warning, "8-bit bytes in us-ascii part 1, read as Windows-1252");
    dt_message_free(m);

    /* Undeclared UTF-8 is common and not worth a warning. */
    m = parse_str("Subject: x\r\n\r\nna\xc3\xaf"
                  "ef\r\n");
    ck_assert_str_eq(m->text, "na\xc3\xaf"
                              "ef\n");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

START_TEST(html_meta_charset_sniffed)
{
    struct dt_message *m = parse_str("Content-Type: text/html\r\n\r\n"
                                     "<html><head><meta charset=\"windows-1252\"></head>"
                                     "<body>Only \x80 99 \x96 today</body></html>\r\n");
    ck_assert(m->text_from_html);
    ck_assert_str_eq(m->text, "Only \xe2\x82\xac 99 \xe2\x80\x93 today\n");
    dt_message_free(m);
}
END_TEST

START_TEST(lf_and_crlf_give_the_same_result)
{
    static const char *const files[] = {
        "tests/data/mime-alternative.eml", "tests/data/mime-nested.eml",
        "tests/data/mime-mixed-attachment.eml", "tests/data/mime-nl-qp-latin1.eml"};
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t n, k = 0;
        char *crlf = slurp(files[f], &n);
        char *lf = malloc(n + 1);
        for (size_t i = 0; i < n; i++)
            if (crlf[i] != '\r')
                lf[k++] = crlf[i];
        ck_assert_uint_lt(k, n); /* the fixture really has CRLF line ends */
        struct dt_message *a = parse_mem(crlf, n), *b = parse_mem(lf, k);
        ck_assert_str_eq(a->text, b->text);
        ck_assert_str_eq(a->warning, b->warning);
        ck_assert_str_eq(a->subject, b->subject);
        dt_message_free(a);
        dt_message_free(b);
        free(crlf);
        free(lf);
    }
}
END_TEST

START_TEST(nested_boundary_prefixes)
{
    /* The inner boundary starts with the outer one: "--b" must not split at "--b-inner". */
    struct dt_message *m =
        parse_str("Content-Type: multipart/mixed; boundary=b\n\n"
                  "--b\nContent-Type: multipart/alternative; boundary=b-inner\n\n"
                  "--b-inner\nContent-Type: text/html\n\n<p>html</p>\n"
                  "--b-inner\nContent-Type: text/plain\n\nplain text\n"
                  "--b-inner--\n--b\nContent-Type: text/plain\n"
                  "Content-Disposition: attachment\n\nATTACHMENT\n--b--\n");
    ck_assert_str_eq(m->text, "plain text\n");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

START_TEST(parts_without_headers_and_odd_types)
{
    /* A part with no header block is text/plain; a forwarded message is not the author's. */
    struct dt_message *m = parse_str("Content-Type: multipart/mixed; boundary=\"x\"\n\n"
                                     "--x\nContent-Type: message/rfc822\n\nFrom: c@d\n\nFORWARDED\n"
                                     "--x\n\nbare part\n--x--\n");
    ck_assert_str_eq(m->text, "bare part\n");
    dt_message_free(m);

    /* An unparsable Content-Type is text/plain; a named text part is an attachment. */
    m = parse_str("Content-Type: ;;;\n\nstill text\n");
    ck_assert_str_eq(m->text, "still text\n");
    dt_message_free(m);
    m = parse_str("Content-Type: text/plain; name=notes.txt\n\nnotes\n");
    ck_assert_str_eq(m->text, "");
    ck_assert_str_eq(m->warning, "no text part found");
    dt_message_free(m);
    m = parse_str(
        "Content-Type: text/plain; name=notes.txt\nContent-Disposition: inline\n\nnotes\n");
    ck_assert_str_eq(m->text, "notes\n");
    dt_message_free(m);
}
END_TEST

START_TEST(blank_plain_alternative_uses_html)
{
    struct dt_message *m = parse_str("Content-Type: multipart/alternative; boundary=a\r\n\r\n"
                                     "--a\r\nContent-Type: text/plain\r\n\r\n \r\n\r\n"
                                     "--a\r\nContent-Type: text/html\r\n\r\n<p>Real words</p>\r\n"
                                     "--a--\r\n");
    ck_assert(m->text_from_html);
    ck_assert_str_eq(m->text, "Real words\n");
    dt_message_free(m);

    /* An empty plain part with no HTML beside it stays empty. */
    m = parse_str("Content-Type: multipart/alternative; boundary=a\r\n\r\n"
                  "--a\r\nContent-Type: text/plain\r\n\r\n\r\n--a--\r\n");
    ck_assert(!m->text_from_html);
    ck_assert_str_eq(m->text, "");
    ck_assert_str_eq(m->warning, "");
    dt_message_free(m);
}
END_TEST

START_TEST(byte_order_mark_before_the_header)
{
    struct dt_message *m = parse_str("\xef\xbb\xbfSubject: saved by a tool\n\nhi\n");
    ck_assert_str_eq(m->subject, "saved by a tool");
    ck_assert_str_eq(m->text, "hi\n");
    dt_message_free(m);
}
END_TEST

START_TEST(deep_nesting_is_bounded)
{
    char *raw = malloc(64 * 1024);
    size_t n = (size_t)sprintf(raw, "From: a@b.example\n");
    for (int i = 0; i < 40; i++)
        n += (size_t)sprintf(raw + n, "Content-Type: multipart/mixed; boundary=\"l%d\"\n\n--l%d\n",
                             i, i);
    n += (size_t)sprintf(raw + n, "Content-Type: text/plain\n\ndeep text\n");
    struct dt_message *m = parse_mem(raw, n);
    ck_assert_contains(m->warning, "nesting deeper than");
    dt_message_free(m);
    free(raw);
}
END_TEST

START_TEST(many_parts_are_bounded)
{
    size_t cap = 2 * 1024 * 1024, n;
    char *raw = malloc(cap);
    n = (size_t)sprintf(raw, "Content-Type: multipart/mixed; boundary=p\n\n");
    for (int i = 0; i < 1500; i++)
        n += (size_t)sprintf(raw + n, "--p\nContent-Type: image/gif\n\nGIF89a\n");
    n += (size_t)sprintf(raw + n, "--p\nContent-Type: text/plain\n\nlate text\n--p--\n");
    struct dt_message *m = parse_mem(raw, n);
    ck_assert_str_eq(m->text, "");
    ck_assert_str_eq(m->warning, "more than 1000 MIME parts, the rest ignored");
    dt_message_free(m);
    free(raw);
}
END_TEST

START_TEST(mbox_from_line_and_header_nul)
{
    static const char raw[] = "From rep@corp.example Tue Oct 14 09:15:30 2025\n"
                              "Subject: mb\0ox\nFrom: rep@corp.example\n\nbody\n";
    struct dt_message *m = parse_mem(raw, sizeof(raw) - 1);
    ck_assert_str_eq(m->subject, "mbox");
    ck_assert_str_eq(m->from, "rep@corp.example");
    ck_assert_str_eq(m->warning, "NUL bytes dropped from the header");
    ck_assert_str_eq(m->text, "body\n");
    dt_message_free(m);
}
END_TEST

/* ---- failures ----------------------------------------------------------- */

START_TEST(not_a_message)
{
    static struct dt_message dummy;
    struct dt_message *m = &dummy; /* must be reset to NULL */
    struct dt_error err;
    size_t n;
    char *raw = slurp("tests/data/mime-garbage.bin", &n);

    ck_assert_int_eq(dt_mime_parse(raw, n, &m, &err), -1);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(err.msg, "not a message: no header field at the start");
    free(raw);

    ck_assert_int_eq(dt_mime_parse("", 0, &m, &err), -1);
    ck_assert_str_eq(err.msg, "empty message");
    ck_assert_int_eq(dt_mime_parse(NULL, 0, &m, NULL), -1);
    ck_assert_int_eq(dt_mime_parse("\r\nHello there\r\n", 15, &m, &err), -1);
    ck_assert_int_eq(dt_mime_parse("Hello there: how are you\n", 25, &m, &err), -1);
    ck_assert_int_eq(dt_mime_parse("  Indented: no\n\nx", 17, &m, &err), -1);
    ck_assert_int_eq(dt_mime_parse("From \n", 6, &m, &err), -1);
    ck_assert_ptr_null(m);
    dt_message_free(NULL);
}
END_TEST

START_TEST(every_truncation_of_a_message)
{
    static const char *const files[] = {"tests/data/mime-nested.eml",
                                        "tests/data/mime-html-gmail.eml",
                                        "tests/data/mime-nl-qp-latin1.eml"};
    size_t n;
    char *raw = slurp(files[_i], &n);
    for (size_t k = 1; k <= n; k++) {
        char *cut = malloc(k); /* exact size, so reading past the end is caught */
        memcpy(cut, raw, k);
        struct dt_message *m = NULL;
        struct dt_error err;
        int r = dt_mime_parse(cut, k, &m, &err);
        if (k >= 5) { /* "From:" */
            ck_assert_msg(r == 0, "%s cut at %zu: %s", files[_i], k, err.msg);
            ck_assert(dt_utf8_valid(m->text, m->text_len));
            ck_assert_uint_eq(strlen(m->text), m->text_len);
        } else {
            ck_assert_int_eq(r, -1);
        }
        dt_message_free(m);
        free(cut);
    }
    free(raw);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mime");
    TCase *tc = tcase_create("fixtures");
    tcase_add_test(tc, en_plain_8bit_utf8);
    tcase_add_test(tc, nl_quoted_printable_latin1_crlf);
    tcase_add_test(tc, en_base64_utf8);
    tcase_add_test(tc, nl_windows_1252_curly_quotes_and_euro);
    tcase_add_test(tc, html_gmail_entities_and_quote);
    tcase_add_test(tc, html_outlook_reply_block_dropped);
    tcase_add_test(tc, alternative_prefers_plain);
    tcase_add_test(tc, mixed_attachments_skipped);
    tcase_add_test(tc, mixed_text_attachment_loses_to_html_body);
    tcase_add_test(tc, nested_mixed_related_alternative);
    tcase_add_test(tc, report_is_flagged_and_forward_skipped);
    tcase_add_test(tc, no_text_part);
    tcase_add_test(tc, wrong_boundary_recovered);
    tcase_add_test(tc, multipart_without_parts_read_as_text);
    tcase_add_test(tc, missing_closing_boundary);
    tcase_add_test(tc, truncated_base64_keeps_text_so_far);
    tcase_add_test(tc, unknown_charset_read_as_utf8);
    tcase_add_test(tc, invalid_utf8_replaced);
    tcase_add_test(tc, nul_bytes_dropped);
    tcase_add_test(tc, empty_body);
    suite_add_tcase(s, tc);

    tc = tcase_create("built");
    tcase_add_test(tc, unknown_charset_latin1_bytes_read_as_cp1252);
    tcase_add_test(tc, headers_only_no_blank_line);
    tcase_add_test(tc, quoted_printable_edge_cases);
    tcase_add_test(tc, base64_with_noise_and_padding);
    tcase_add_test(tc, iconv_charsets);
    tcase_add_test(tc, us_ascii_with_8bit_bytes);
    tcase_add_test(tc, html_meta_charset_sniffed);
    tcase_add_test(tc, lf_and_crlf_give_the_same_result);
    tcase_add_test(tc, nested_boundary_prefixes);
    tcase_add_test(tc, parts_without_headers_and_odd_types);
    tcase_add_test(tc, blank_plain_alternative_uses_html);
    tcase_add_test(tc, byte_order_mark_before_the_header);
    tcase_add_test(tc, deep_nesting_is_bounded);
    tcase_add_test(tc, many_parts_are_bounded);
    tcase_add_test(tc, mbox_from_line_and_header_nul);
    tcase_add_test(tc, not_a_message);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, every_truncation_of_a_message, 0, 3);
    suite_add_tcase(s, tc);

    return dt_test_run(s);
}
