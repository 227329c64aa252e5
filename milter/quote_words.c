/*
 * quote_words.c - the words by which quote.c knows what the author did not
 * write, in EN/NL/DE/FR/ES/IT/PT/SV/PL/RU, and the checks that match a
 * line against them (see quote_int.h): device trailers, forward
 * separators, Outlook header names, reply attributions, and the table of
 * the first bytes all of these (and quote.c's own '-', '_' and '*' lines)
 * can start with. Every word of a kind is in one table here.
 *
 * Header names, forward phrases and trailers match in any case, also
 * beyond ASCII (dt_utf8_prefix_ci: "ПЕРЕСЫЛАЕМОЕ", "ÄMNE"); attribution
 * words only as clients write them, so "el director escribió:" in the
 * middle of a paragraph is prose. A check reads the line (an attribution
 * also the next one) at most a bounded number of times and never a long
 * line twice: lines longer than an attribution or a trailer can be are
 * turned down on their length.
 *
 * Failure behaviour: none; any byte sequence is accepted (invalid UTF-8
 * matches nothing). BUGS: marker words in a decomposed Unicode form
 * ("escribio" + U+0301) do not match.
 */
#include "quote_int.h"

#include "dealtemp/utf8.h"

/*
 * An attribution is under this many characters, both lines together;
 * longer lines are prose. The byte bound keeps every look-ahead short even
 * for 4-byte characters.
 */
#define ATTR_MAX_CHARS 250
#define ATTR_MAX_BYTES (4 * ATTR_MAX_CHARS)
/* Device trailers are one short line; anything longer is a sentence. */
#define TRAILER_MAX_BYTES 100
/*
 * A header name with its blanks and bold markers ("*Отправитель :*") fits
 * in this many bytes: a line with no ':' that early is no header line.
 */
#define HDR_NAME_MAX_BYTES 32
/* The longest weekday date_start() knows, "воскресенье", in bytes. */
#define WEEKDAY_MAX_BYTES 22

/* A marker word with its length, so tables cost no strlen per line. */
struct word {
    const char *s;
    size_t n;
};
#define W(lit) lit, sizeof(lit) - 1

/*
 * Does s[0..n) start with w in any case, also beyond ASCII ("ПЕРЕСЫЛАЕМОЕ",
 * "ÄMNE")? Returns the bytes of s matched, or 0.
 */
static inline size_t prefix_ci(const char *s, size_t n, const struct word *w)
{
    if (n == 0 || !dt_utf8_may_fold_equal((unsigned char)s[0], (unsigned char)w->s[0]))
        return 0; /* most table words are ruled out here, without a call */
    return dt_utf8_prefix_ci(s, n, w->s, w->n);
}

static inline bool has_prefix(const char *s, size_t n, const struct word *w)
{
    return w->n <= n && s[0] == w->s[0] && memcmp(s, w->s, w->n) == 0;
}

static bool has_suffix(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    return k <= n && memcmp(s + n - k, word, k) == 0;
}

/* A byte that may be part of a word: ASCII letters and digits, and any non-ASCII byte. */
static bool is_word_byte(unsigned char c)
{
    unsigned char l = dt_ascii_lower(c);
    return c >= 0x80 || (c >= '0' && c <= '9') || (l >= 'a' && l <= 'z');
}

/* Does s[0..n) end with the word w (nothing word-like right before it)? Exact case. */
static bool ends_with_word(const char *s, size_t n, const struct word *w)
{
    return w->n <= n && memcmp(s + n - w->n, w->s, w->n) == 0 &&
           (w->n == n || !is_word_byte((unsigned char)s[n - w->n - 1]));
}

/* Does w occur in s[0..n) as a word of its own ("skrev", not "beskrev")? Exact case. */
static bool contains_word(const char *s, size_t n, const struct word *w)
{
    const char *e = s + n, *p = s;
    while ((p = memmem(p, (size_t)(e - p), w->s, w->n)) != NULL) {
        const char *after = p + w->n;
        if ((p == s || !is_word_byte((unsigned char)p[-1])) &&
            (after == e || !is_word_byte((unsigned char)*after)))
            return true;
        p++;
    }
    return false;
}

/* Phone and app trailers that mark the end of the own text. */
bool dt_quote_is_trailer(const struct line *l)
{
    static const struct word prefixes[] = {
        {W("Sent from my ")},         {W("Sent from Mail for Windows")},
        {W("Sent from Outlook")},     {W("Get Outlook for ")},
        {W("Verzonden vanaf mijn ")}, {W("Verstuurd vanaf mijn ")},
        {W("Verzonden met ")},        {W("Envoyé de mon ")},
        {W("Envoyé depuis mon ")},    {W("Gesendet von meinem ")},
        {W("Enviado desde mi ")},     {W("Inviato da iPhone")},
        {W("Inviato da iPad")},       {W("Inviato dal mio ")},
        {W("Enviado do meu ")},       {W("Skickat från min ")},
        {W("Wysłane z iPhone")},      {W("Wysłane z mojego ")},
        {W("Отправлено с iPhone")},   {W("Отправлено с iPad")},
        {W("Отправлено с моего ")},
    };
    static const struct word von = {W("Von meinem ")};
    size_t i = skip_space(l->s, l->len, 0);
    const char *s = l->s + i;
    size_t n = trim_end(s, l->len - i);

    if (n > TRAILER_MAX_BYTES)
        return false;
    for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++)
        if (prefix_ci(s, n, &prefixes[k]) > 0)
            return true;
    /* "Von meinem ..." is also how a German sentence starts: want the verb too. */
    return prefix_ci(s, n, &von) > 0 && has_suffix(s, n, "gesendet");
}

/*
 * Separator lines of forwarded mail and of Outlook's "Original Message":
 * dashes, a phrase, dashes ("-----Original Message-----", "----------
 * Forwarded message ---------", "-------- Пересылаемое сообщение
 * --------"), or Apple Mail's "Begin forwarded message:". Phrases match in
 * any case (Thunderbird writes "Messaggio Inoltrato").
 */
bool dt_quote_is_forward_separator(const struct line *l)
{
    static const struct word dashed[] = {
        /* en, nl, fr, de: Outlook's original, Gmail's and Thunderbird's forward */
        {W("Original Message")},
        {W("Oorspronkelijk bericht")},
        {W("Message d'origine")},
        {W("Message d’origine")},
        {W("Ursprüngliche Nachricht")},
        {W("Forwarded message")},
        {W("Doorgestuurd bericht")},
        {W("Weitergeleitete Nachricht")},
        {W("Message transféré")},
        /* es, it, pt, sv, pl, ru: the same, and Yahoo's and Thunderbird's wordings */
        {W("Mensaje original")},
        {W("Mensaje reenviado")},
        {W("Messaggio originale")},
        {W("Messaggio inoltrato")},
        {W("Mensagem original")},
        {W("Mensagem encaminhada")},
        {W("Mensagem reencaminhada")},
        {W("Ursprungligt meddelande")},
        {W("Vidarebefordrat meddelande")},
        {W("Oryginalna wiadomość")},
        {W("Wiadomość oryginalna")},
        {W("Wiadomość przekazana dalej")},
        {W("Przekazana wiadomość")},
        {W("Treść przekazanej wiadomości")},
        {W("Исходное сообщение")},
        {W("Пересылаемое сообщение")},
        {W("Перенаправленное сообщение")},
    };
    static const struct word apple[] = {
        {W("Begin forwarded message")},
        {W("Begin doorgestuurd bericht")},
        {W("Anfang der weitergeleiteten Nachricht")},
        {W("Début du message réexpédié")},
        {W("Inicio del mensaje reenviado")},
        {W("Inizio messaggio inoltrato")},
        {W("Início da mensagem encaminhada")},
        {W("Início da mensagem reencaminhada")},
        {W("Vidarebefordrat mejl")},
        {W("Początek przekazywanej wiadomości")},
        {W("Начало переадресованного сообщения")},
    };
    size_t i = skip_space(l->s, l->len, 0);
    const char *s = l->s + i;
    size_t n = trim_end(s, l->len - i);

    if (n >= 2 && s[0] == '-' && s[1] == '-') {
        size_t j = 0;
        while (j < n && s[j] == '-')
            j++;
        j = skip_space(s, n, j);
        for (size_t k = 0; k < sizeof(dashed) / sizeof(dashed[0]); k++) {
            size_t m = prefix_ci(s + j, n - j, &dashed[k]);
            if (m == 0)
                continue;
            for (size_t r = j + m; r < n; r++)
                if (s[r] != '-' && !is_space((unsigned char)s[r]))
                    return false;
            return true;
        }
        return false;
    }
    if (n == 0 || s[n - 1] != ':')
        return false; /* Apple's line is the phrase and a colon, nothing more */
    for (size_t k = 0; k < sizeof(apple) / sizeof(apple[0]); k++) {
        size_t m = prefix_ci(s, n, &apple[k]);
        if (m == 0)
            continue;
        size_t j = skip_space(s, n, m);
        return j + 1 == n && s[j] == ':';
    }
    return false;
}

/*
 * Which header of an Outlook-style block the line starts with, in any
 * case: "From:", "Van:", "Von:", "De :", "Da:", "Från:", "Od:", "От:"
 * open a block; the others may follow. Bold markers ("*From:*") from HTML
 * conversions are tolerated.
 */
enum hdr dt_quote_header_kind(const struct line *l)
{
    static const struct {
        struct word name;
        enum hdr kind;
    } names[] = {
        /* en, nl, de, fr */
        {{W("From")}, HDR_FROM},
        {{W("Van")}, HDR_FROM},
        {{W("Von")}, HDR_FROM},
        {{W("De")}, HDR_FROM}, /* also es, pt */
        {{W("Sent")}, HDR_OTHER},
        {{W("To")}, HDR_OTHER},
        {{W("Cc")}, HDR_OTHER},
        {{W("Bcc")}, HDR_OTHER},
        {{W("Subject")}, HDR_OTHER},
        {{W("Date")}, HDR_OTHER},
        {{W("Reply-To")}, HDR_OTHER},
        {{W("Verzonden")}, HDR_OTHER},
        {{W("Aan")}, HDR_OTHER},
        {{W("Onderwerp")}, HDR_OTHER},
        {{W("Datum")}, HDR_OTHER}, /* also sv */
        {{W("Gesendet")}, HDR_OTHER},
        {{W("An")}, HDR_OTHER},
        {{W("Betreff")}, HDR_OTHER},
        {{W("Envoyé")}, HDR_OTHER},
        {{W("À")}, HDR_OTHER},
        {{W("Objet")}, HDR_OTHER},
        /* es, pt */
        {{W("Enviado")}, HDR_OTHER},
        {{W("Enviado el")}, HDR_OTHER},
        {{W("Enviada")}, HDR_OTHER},
        {{W("Para")}, HDR_OTHER},
        {{W("Asunto")}, HDR_OTHER},
        {{W("Assunto")}, HDR_OTHER},
        {{W("Fecha")}, HDR_OTHER},
        /* it */
        {{W("Da")}, HDR_FROM},
        {{W("Inviato")}, HDR_OTHER},
        {{W("A")}, HDR_OTHER},
        {{W("Oggetto")}, HDR_OTHER},
        {{W("Data")}, HDR_OTHER}, /* also pt, pl */
        /* sv */
        {{W("Från")}, HDR_FROM},
        {{W("Skickat")}, HDR_OTHER},
        {{W("Till")}, HDR_OTHER},
        {{W("Ämne")}, HDR_OTHER},
        {{W("Kopia")}, HDR_OTHER}, /* also pl */
        /* pl */
        {{W("Od")}, HDR_FROM},
        {{W("Wysłane")}, HDR_OTHER},
        {{W("Wysłano")}, HDR_OTHER},
        {{W("Do")}, HDR_OTHER},
        {{W("Temat")}, HDR_OTHER},
        {{W("DW")}, HDR_OTHER},
        /* ru (Outlook; Apple Mail names the sender "Отправитель") */
        {{W("От")}, HDR_FROM},
        {{W("Отправитель")}, HDR_FROM},
        {{W("Отправлено")}, HDR_OTHER},
        {{W("Кому")}, HDR_OTHER},
        {{W("Тема")}, HDR_OTHER},
        {{W("Копия")}, HDR_OTHER},
        {{W("Дата")}, HDR_OTHER},
    };
    const char *s = l->s;
    size_t n = l->len, i = 0;

    while (i < n && (s[i] == '*' || s[i] == ' ' || s[i] == '\t'))
        i++;
    if (memchr(s + i, ':', n - i < HDR_NAME_MAX_BYTES ? n - i : HDR_NAME_MAX_BYTES) == NULL)
        return HDR_NONE;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        size_t m = prefix_ci(s + i, n - i, &names[k].name);
        if (m == 0)
            continue;
        size_t j = skip_space(s, n, i + m);
        if (j < n && s[j] == '*')
            j++;
        if (j < n && s[j] == ':')
            return names[k].kind;
    }
    return HDR_NONE;
}

/*
 * Reply attributions, one row per language (or client family). The first
 * line starts with one of starts, in the exact case clients write, or,
 * with date_first, with a date (date_start). The last line ends in ':',
 * blanks before it allowed, and right before that comes:
 *  - one of ends, as a word of its own ("... <ann@x.com> wrote:"); else
 *  - with address_end, an address in angle brackets: these clients write
 *    no verb at all, so a year and a clock time must appear too (Gmail in
 *    Russian: "пн, 3 июн. 2024 г. в 10:14, Иван <ivan@x.ru>:"), which
 *    "10:30 call with Ann <ann@x.com>:" in meeting notes lacks; else
 *  - anything, if one of verbs is a word on either line (the verb before
 *    the name: "schreef Jan <jan@x.nl>:"), or if there are no verbs because
 *    the start says it ("Wiadomość napisana przez ...:").
 * ends and verbs match in exact case: clients write them in lower case.
 */
struct attr_lang {
    struct word starts[2];
    bool date_first;
    bool address_end;
    struct word ends[4];
    struct word verbs[2];
};

static const struct attr_lang attr_langs[] = {
    /* en: "On Mon, Jun 3, 2024 at 10:00 AM Ann <ann@x.com> wrote:" */
    {{{W("On ")}}, false, false, {{W("wrote")}}, {{NULL, 0}}},
    /* nl: "Op ma 3 jun 2024 om 10:00 schreef Jan <jan@x.nl>:", Apple "... geschreven:" */
    {{{W("Op ")}}, false, false, {{NULL, 0}}, {{W("schreef")}, {W("geschreven")}}},
    /* de: "Am Mo., 3. Juni 2024 um 10:00 Uhr schrieb Hans <hans@x.de>:" */
    {{{W("Am ")}}, false, false, {{NULL, 0}}, {{W("schrieb")}}},
    /* fr: "Le lun. 3 juin 2024 à 10:00, Marie <marie@x.fr> a écrit :" */
    {{{W("Le ")}}, false, false, {{W("a écrit")}}, {{NULL, 0}}},
    /* es: "El lun, 3 jun 2024 a las 10:00, Juan (<juan@x.es>) escribió:" */
    {{{W("El ")}}, false, false, {{W("escribió")}}, {{NULL, 0}}},
    /* it: "Il giorno lun 3 giu 2024 alle ore 10:00 Mario <mario@x.it> ha scritto:" */
    {{{W("Il ")}}, false, false, {{W("ha scritto")}}, {{NULL, 0}}},
    /* pt: "Em seg., 3 de jun. de 2024 às 10:00, João <joao@x.br> escreveu:" */
    {{{W("Em ")}}, false, false, {{W("escreveu")}}, {{NULL, 0}}},
    /* sv: Gmail "Den mån 3 juni 2024 kl 10:00 skrev Anna <anna@x.se>:",
       Apple "3 juni 2024 kl. 10:00 skrev Anna <anna@x.se>:" */
    {{{W("Den ")}}, true, false, {{NULL, 0}}, {{W("skrev")}}},
    /* pl: Gmail "pon., 3 cze 2024 o 10:00 Jan <jan@x.pl> napisał(a):",
       Thunderbird "W dniu ... pisze:", Outlook "Dnia ... napisał:" */
    {{{W("W dniu ")}, {W("Dnia ")}},
     true,
     false,
     {{W("napisał")}, {W("napisała")}, {W("napisał(a)")}, {W("pisze")}},
     {{NULL, 0}}},
    /* pl, Apple: "Wiadomość napisana przez Jan <jan@x.pl> w dniu 03.06.2024, o godz. 10:00:" */
    {{{W("Wiadomość napisana przez ")}}, false, false, {{NULL, 0}}, {{NULL, 0}}},
    /* ru: Apple "3 июня 2024 г., в 10:00, Иван <ivan@x.ru> написал(а):", Android and Outlook
       "3 июня 2024 г. 10:00 пользователь Иван <ivan@x.ru> написал:", Thunderbird "... пишет:" */
    {{{NULL, 0}},
     true,
     false,
     {{W("написал")}, {W("написала")}, {W("написал(а)")}, {W("пишет")}},
     {{NULL, 0}}},
    /* ru, no verb: Gmail "пн, 3 июн. 2024 г. в 10:00, Иван <ivan@x.ru>:", Yandex, Mail.ru */
    {{{NULL, 0}}, true, true, {{NULL, 0}}, {{NULL, 0}}},
};

/*
 * Does the line start with a date, as attributions without an opening
 * word do ("3 июня 2024 г.", "03.06.2024", "pon., 3 cze 2024", "пн, 3
 * июн.")? A digit, or a weekday (short or long, any case) directly
 * followed by '.' or ','.
 */
static bool date_start(const char *s, size_t n)
{
    static const struct word weekdays[] = {
        /* ru, short and long (Mail.ru) */
        {W("пн")},
        {W("вт")},
        {W("ср")},
        {W("чт")},
        {W("пт")},
        {W("сб")},
        {W("вс")},
        {W("понедельник")},
        {W("вторник")},
        {W("среда")},
        {W("четверг")},
        {W("пятница")},
        {W("суббота")},
        {W("воскресенье")},
        /* pl, as Gmail shortens them */
        {W("pon")},
        {W("wt")},
        {W("śr")},
        {W("czw")},
        {W("pt")},
        {W("sob")},
        {W("niedz")},
    };
    if (n > 0 && s[0] >= '0' && s[0] <= '9')
        return true;
    /* No weekday is longer than WEEKDAY_MAX_BYTES: most lines have no '.' or ',' that early. */
    size_t look = n < WEEKDAY_MAX_BYTES + 1 ? n : WEEKDAY_MAX_BYTES + 1;
    if (memchr(s, '.', look) == NULL && memchr(s, ',', look) == NULL)
        return false;
    for (size_t k = 0; k < sizeof(weekdays) / sizeof(weekdays[0]); k++) {
        size_t m = prefix_ci(s, n, &weekdays[k]);
        if (m > 0 && m < n && (s[m] == '.' || s[m] == ','))
            return true;
    }
    return false;
}

/* *date caches date_start() for the line: -1 until asked. */
static bool attribution_starts(const struct attr_lang *g, const struct line *l, int *date)
{
    for (size_t k = 0; k < sizeof(g->starts) / sizeof(g->starts[0]) && g->starts[k].n > 0; k++)
        if (has_prefix(l->s, l->len, &g->starts[k]))
            return true;
    if (!g->date_first)
        return false;
    if (*date < 0)
        *date = date_start(l->s, l->len);
    return *date;
}

/* Does s[0..n) end with an address in angle brackets ("Иван <ivan@x.ru>")? */
static bool ends_with_address(const char *s, size_t n)
{
    if (n == 0 || s[n - 1] != '>')
        return false;
    for (size_t i = n - 1; i-- > 0;) {
        if (s[i] == '<')
            return memchr(s + i, '@', n - i) != NULL;
        if (s[i] == '>' || is_space((unsigned char)s[i]))
            return false;
    }
    return false;
}

/* A clock time ("10:00", "9:05"): a digit, ':', two digits. */
static bool has_clock(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 < n; i++)
        if (s[i] >= '0' && s[i] <= '9' && s[i + 1] == ':' && s[i + 2] >= '0' && s[i + 2] <= '9' &&
            s[i + 3] >= '0' && s[i + 3] <= '9')
            return true;
    return false;
}

/* A year: a run of exactly four digits ("2024", not "10:30" or "+31201234567"). */
static bool has_year(const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] >= '0' && s[i] <= '9') {
            run++;
            continue;
        }
        if (run == 4)
            return true;
        run = 0;
    }
    return false;
}

/*
 * Evidence that a line is written by a mail client, not a person: a clock
 * time or an address. Needed before cutting everything after an
 * attribution that is not followed by '>' lines.
 */
static bool client_evidence(const char *s, size_t n)
{
    return memchr(s, '@', n) != NULL || has_clock(s, n);
}

/*
 * Does an attribution that starts on first end on last (the same line, or
 * the next one when wrapped) the way g ends one?
 */
static bool attribution_ends(const struct attr_lang *g, const struct line *first,
                             const struct line *last)
{
    const char *s = last->s;
    size_t n = trim_end(s, last->len);
    bool wrapped = last != first;

    if (n == 0 || s[n - 1] != ':')
        return false;
    n = trim_end(s, n - 1);
    if (g->ends[0].n > 0) {
        for (size_t k = 0; k < sizeof(g->ends) / sizeof(g->ends[0]) && g->ends[k].n > 0; k++)
            if (ends_with_word(s, n, &g->ends[k]))
                return true;
        return false;
    }
    if (g->address_end)
        return ends_with_address(s, n) &&
               (has_clock(first->s, first->len) || (wrapped && has_clock(last->s, last->len))) &&
               (has_year(first->s, first->len) || (wrapped && has_year(last->s, last->len)));
    if (g->verbs[0].n == 0)
        return true;
    for (size_t k = 0; k < sizeof(g->verbs) / sizeof(g->verbs[0]) && g->verbs[k].n > 0; k++)
        if (contains_word(first->s, first->len, &g->verbs[k]) ||
            (wrapped && contains_word(last->s, last->len, &g->verbs[k])))
            return true;
    return false;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/*
 * Recognise an attribution starting at l, on one line or wrapped over two
 * (Gmail wraps long names: "On ... John Doe <\njohn@example.com> wrote:").
 * The next line is read at most once, and only up to ATTR_MAX_BYTES.
 */
bool dt_quote_attribution_at(const struct line *l, const char *end, struct attribution *a)
{
    if (l->len > ATTR_MAX_BYTES)
        return false;
    int date = -1; /* date_start(), once needed */
    size_t c1 = 0; /* characters of l, once a start matched (a start is never empty) */
    int wrap = -1; /* whether m holds a candidate second line; -1: not read yet */
    struct line m;

    for (size_t k = 0; k < sizeof(attr_langs) / sizeof(attr_langs[0]); k++) {
        const struct attr_lang *g = &attr_langs[k];
        if (!attribution_starts(g, l, &date))
            continue;
        if (c1 == 0) {
            c1 = count_chars(l->s, l->len);
            if (c1 >= ATTR_MAX_CHARS)
                return false;
        }
        if (attribution_ends(g, l, l)) {
            a->next = l->next;
            a->lines = 1;
            a->evidence = client_evidence(l->s, l->len);
            return true;
        }
        if (wrap < 0)
            wrap = l->next < end && short_line_at(l->next, end, ATTR_MAX_BYTES, &m) &&
                   !is_blank(m.s, m.len) && c1 + 1 + count_chars(m.s, m.len) < ATTR_MAX_CHARS;
        if (wrap && attribution_ends(g, l, &m)) {
            a->next = m.next;
            a->lines = 2;
            a->evidence = client_evidence(l->s, l->len) || client_evidence(m.s, m.len);
            return true;
        }
    }
    return false;
}

/*
 * Header names, forward phrases and trailers match in any case, so both
 * cases of their first letter are listed; attribution starts only as
 * written, dates also as a digit; 0xD0 and 0xD1 lead every Cyrillic
 * letter, 0xC5 'ś', 0xC3 'À' and 'Ä'.
 */
const unsigned char dt_quote_first_byte[256] = {
    [' '] = M_ALL,
    ['\t'] = M_ALL,
    [0xC2] = M_ALL,
    [0xE2] = M_ALL,
    ['-'] = M_SIG | M_FWD,
    ['_'] = M_RULE,
    ['*'] = M_HDR,
    ['0'] = M_ATTR,
    ['1'] = M_ATTR,
    ['2'] = M_ATTR,
    ['3'] = M_ATTR,
    ['4'] = M_ATTR,
    ['5'] = M_ATTR,
    ['6'] = M_ATTR,
    ['7'] = M_ATTR,
    ['8'] = M_ATTR,
    ['9'] = M_ATTR,
    ['A'] = M_HDR | M_FWD | M_ATTR,
    ['a'] = M_HDR | M_FWD,
    ['B'] = M_HDR | M_FWD,
    ['b'] = M_HDR | M_FWD,
    ['C'] = M_HDR | M_ATTR,
    ['c'] = M_HDR | M_ATTR,
    ['D'] = M_HDR | M_FWD | M_ATTR,
    ['d'] = M_HDR | M_FWD,
    ['E'] = M_HDR | M_TRAIL | M_ATTR,
    ['e'] = M_HDR | M_TRAIL,
    ['F'] = M_HDR,
    ['f'] = M_HDR,
    ['G'] = M_HDR | M_TRAIL,
    ['g'] = M_HDR | M_TRAIL,
    ['I'] = M_HDR | M_FWD | M_TRAIL | M_ATTR,
    ['i'] = M_HDR | M_FWD | M_TRAIL,
    ['K'] = M_HDR,
    ['k'] = M_HDR,
    ['L'] = M_ATTR,
    ['N'] = M_ATTR,
    ['n'] = M_ATTR,
    ['O'] = M_HDR | M_ATTR,
    ['o'] = M_HDR,
    ['P'] = M_HDR | M_FWD | M_ATTR,
    ['p'] = M_HDR | M_FWD | M_ATTR,
    ['R'] = M_HDR,
    ['r'] = M_HDR,
    ['S'] = M_HDR | M_TRAIL | M_ATTR,
    ['s'] = M_HDR | M_TRAIL | M_ATTR,
    ['T'] = M_HDR,
    ['t'] = M_HDR,
    ['V'] = M_HDR | M_FWD | M_TRAIL,
    ['v'] = M_HDR | M_FWD | M_TRAIL,
    ['W'] = M_HDR | M_TRAIL | M_ATTR,
    ['w'] = M_HDR | M_TRAIL | M_ATTR,
    [0xC3] = M_HDR,
    [0xC5] = M_ATTR,
    [0xD0] = M_HDR | M_FWD | M_TRAIL | M_ATTR,
    [0xD1] = M_HDR | M_FWD | M_TRAIL | M_ATTR,
};
