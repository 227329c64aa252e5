#!/usr/bin/env python3
"""Write tests/data/timeline/team-3weeks.mbox: three weeks (Mon 2026-11-02 to
Fri 2026-11-20) of a sales team at corp.example, as the mail server saw it.

Deterministic: the same script always writes the same bytes. Run it from
anywhere; it writes next to itself. expected.txt lists the states each story
is built to reach (as of 2026-11-20T17:00:00Z and 2026-11-12T12:00:00Z).

Reps: ann, bram, chloe, dirk @corp.example. Stories (times UTC):
  A ann   <-> pieter.jansen@vandijk-logistiek.nl  (nl) calm history (replies ~1 day),
          euphoric mail Thu 11-12 14:20, only an out-of-office since -> stalled
  B bram  <-> sarah.mitchell@northwind-retail.co.uk (en) replies ~23 h (one by
          subject only, "RE:"), euphoric Mon 11-16 10:00, out-of-office -> cooling
  C chloe <-> tom.becker@helix-biotech.com (en) replies in 4 h and 6 h; euphoric
          Tue 11-10 16:00 answered after 66 h -> slowed (waiting on 11-12)
  E ann   <-> lotte.devries@groenhuis-bouw.nl (nl) euphoric answered in 6 h by an
          "Antw:" without references -> warm
  F chloe <-  j.kowalski@baltic-freight.pl (en) asks for a quote Thu 11-19 -> open
  G bram  <-> h.schouten@zeeland-zuivel.nl (nl) two threads: "Koelcellen" (replies
          3 h and 5 h, the first stored out of order) -> warm; "Goes": euphoric
          Fri 11-13 answered after 71 h -> slowed, the usual (4 h) from the other thread
  H ann -> dirk <-> k.peeters@brightwave-media.be (en) handed over; dirk's euphoric
          mail answered in normal time -> warm, owned by dirk (waiting on 11-12)
  J dirk  <-> a.novak@kestrel-aero.cz (en) replies take 60 h; euphoric Mon 11-16
          08:00, silent 105 h < 2 x 60 h -> waiting, not cooling
  K ann   <-> j.okafor@meridian-health.com (en) euphoric, answered, then a calm
          follow-up that quotes the euphoric text; silent 7 days -> waiting
  L chloe <-> r.vermeulen@polderkaas.nl (nl) euphoric Fri 11-06, no history, never
          answered -> cooling on 11-12, stalled on 11-20
  M chloe <-> emma.clarke@harbourview-hotels.com (en) chloe euphoric Wed 11-18 09:30,
          Emma just as euphoric 4 h 40 m later, nobody else at Harbourview has
          written -> carried-away
  N ann   <-> m.rossi@alpina-foods.it (en) a calm start; ann euphoric Tue 11-17, Marco
          answers the next day that they must discuss it internally, it is no
          priority, after the budget round -> hesitant
  O bram  <-> l.brandt@rheinwerk-maschinen.de (en) calm replies in about a day; on
          Tue 11-10 (8 days in) Lisa copies Jonas Weber of their IT: a second person
          joins, a good sign; bram's euphoric mail Mon 11-16 to both, silent since ->
          cooling, 2 people, Jonas joined later
Ignored: two out-of-office replies (A, B), a newsletter with List-Id, two
internal-only mails.
"""
import datetime as dt
import os

UTC = dt.timezone.utc
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

REPS = {
    "ann": "Ann Smit <ann@corp.example>",
    "bram": "Bram de Wit <bram@corp.example>",
    "chloe": "Chloe Martin <chloe@corp.example>",
    "dirk": "Dirk Bakker <dirk@corp.example>",
}
PIETER = "Pieter Jansen <pieter.jansen@vandijk-logistiek.nl>"
SARAH = "Sarah Mitchell <sarah.mitchell@northwind-retail.co.uk>"
TOM = "Tom Becker <tom.becker@helix-biotech.com>"
EMMA = "Emma Clarke <emma.clarke@harbourview-hotels.com>"
ROSSI = "Marco Rossi <m.rossi@alpina-foods.it>"
BRANDT = "Lisa Brandt <l.brandt@rheinwerk-maschinen.de>"
WEBER = "Jonas Weber <j.weber@rheinwerk-maschinen.de>"
LOTTE = "Lotte de Vries <lotte.devries@groenhuis-bouw.nl>"
KOWALSKI = "Jan Kowalski <j.kowalski@baltic-freight.pl>"
SCHOUTEN = "Henk Schouten <h.schouten@zeeland-zuivel.nl>"
PEETERS = "Koen Peeters <k.peeters@brightwave-media.be>"
NOVAK = "Alena Novak <a.novak@kestrel-aero.cz>"
OKAFOR = "Joy Okafor <j.okafor@meridian-health.com>"
VERMEULEN = "Rik Vermeulen <r.vermeulen@polderkaas.nl>"

SIG = {
    "ann": "-- \nAnn Smit | Account manager | Corp\n+31 20 555 0101 | corp.example",
    "bram": "-- \nBram de Wit | Senior account manager | Corp\n+31 20 555 0102",
    "chloe": "-- \nChloe Martin | Account executive | Corp\n+31 20 555 0103",
    "dirk": "-- \nDirk Bakker | Key account manager | Corp\n+31 20 555 0104",
}


def when(day, hh, mm, tz_hours):
    """A moment given in UTC (November 2026) and the sender's zone offset."""
    t = dt.datetime(2026, 11, day, hh, mm, 0, tzinfo=UTC)
    return t, dt.timezone(dt.timedelta(hours=tz_hours))


def rfc5322(t, tz):
    lt = t.astimezone(tz)
    off = int(tz.utcoffset(None).total_seconds() // 60)
    sign = "+" if off >= 0 else "-"
    off = abs(off)
    return "%s, %02d %s %d %02d:%02d:%02d %s%02d%02d" % (
        DAYS[lt.weekday()], lt.day, MONTHS[lt.month - 1], lt.year,
        lt.hour, lt.minute, lt.second, sign, off // 60, off % 60)


def asctime(t):
    return "%s %s %2d %02d:%02d:%02d %d" % (
        DAYS[t.weekday()], MONTHS[t.month - 1], t.day, t.hour, t.minute, t.second, t.year)


def addr(a):
    return a[a.index("<") + 1:-1] if "<" in a else a


def quote(text):
    return "\n".join(("> " + l) if l else ">" for l in text.strip("\n").split("\n"))


class Msg:
    def __init__(self, mid, frm, to, at, subject, body, cc=None, reply_to=None,
                 refs=True, extra=(), content=None):
        self.mid, self.frm, self.to, self.cc = mid, frm, to, cc
        self.t, self.tz = at
        self.subject, self.body = subject, body
        self.parent = reply_to
        self.keep_refs = refs
        self.extra = list(extra)
        self.content = content  # None: text/plain 8bit; else (headers, body) as is

    def references(self):
        chain, p = [], self.parent
        while p is not None:
            chain.append(p.mid)
            p = p.parent
        return list(reversed(chain))

    def render(self):
        h = ["From %s %s" % (addr(self.frm), asctime(self.t))]
        h.append("Return-Path: <%s>" % addr(self.frm))
        h.append("Received: from mail.example (mail.example [192.0.2.25])\n"
                 "\tby mx.corp.example (Postfix) with ESMTPS id %s;\n\t%s"
                 % (self.mid.split("@")[0][-10:].upper().replace(".", "X"),
                    rfc5322(self.t, UTC)))
        h.append("From: " + self.frm)
        h.append("To: " + self.to)
        if self.cc:
            h.append("Cc: " + self.cc)
        h.append("Subject: " + self.subject)
        h.append("Date: " + rfc5322(self.t, self.tz))
        h.append("Message-ID: <%s>" % self.mid)
        if self.parent is not None and self.keep_refs:
            refs = self.references()
            h.append("In-Reply-To: <%s>" % refs[-1])
            h.append("References: " + "\n ".join("<%s>" % r for r in refs))
        h.extend(self.extra)
        h.append("MIME-Version: 1.0")
        if self.content is None:
            h.append("Content-Type: text/plain; charset=utf-8; format=flowed")
            h.append("Content-Transfer-Encoding: 8bit")
            body = self.body.strip("\n") + "\n"
        else:
            h.extend(self.content[0])
            body = self.content[1]
        lines = body.split("\n")
        # mboxrd: a body line that looks like a From_ line gets a '>'
        lines = [(">" + l) if l.lstrip(">").startswith("From ") else l for l in lines]
        return "\n".join(h) + "\n\n" + "\n".join(lines) + "\n"


msgs = []


def add(*a, **k):
    m = Msg(*a, **k)
    msgs.append(m)
    return m


def reply_text(own, parent, lang="en", style="gmail"):
    """own words, then the parent quoted the way a mail client would."""
    lt = parent.t.astimezone(parent.tz)
    if style == "outlook-nl":
        head = ("Van: %s\nVerzonden: %s %d november %d %02d:%02d\nAan: %s\nOnderwerp: %s"
                % (parent.frm, ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag",
                                "zaterdag", "zondag"][lt.weekday()], lt.day, lt.year,
                   lt.hour, lt.minute, parent.to, parent.subject))
        return own.strip("\n") + "\n\n" + head + "\n\n" + parent.body.strip("\n") + "\n"
    if style == "outlook":
        head = ("-----Original Message-----\nFrom: %s\nSent: %s, %d November %d %02d:%02d\n"
                "To: %s\nSubject: %s" % (parent.frm, ["Monday", "Tuesday", "Wednesday",
                                                      "Thursday", "Friday", "Saturday",
                                                      "Sunday"][lt.weekday()],
                                          lt.day, lt.year, lt.hour, lt.minute, parent.to,
                                          parent.subject))
        return own.strip("\n") + "\n\n" + head + "\n\n" + parent.body.strip("\n") + "\n"
    if lang == "nl":
        head = "Op %s %d nov %d om %02d:%02d schreef %s:" % (
            ["ma", "di", "wo", "do", "vr", "za", "zo"][lt.weekday()], lt.day, lt.year,
            lt.hour, lt.minute, parent.frm)
    else:
        head = "On %s, %d Nov %d at %02d:%02d, %s wrote:" % (
            DAYS[lt.weekday()], lt.day, lt.year, lt.hour, lt.minute, parent.frm)
    return own.strip("\n") + "\n\n" + head + "\n" + quote(parent.body) + "\n"


def re_subject(s, prefix="Re: "):
    return prefix + s


# ---------------------------------------------------------------- story A
SA = "Offerte WMS-koppeling Van Dijk Logistiek"
a1 = add("20261102091200.4f1a@corp.example", REPS["ann"], PIETER, when(2, 8, 12, 1), SA, """\
Beste Pieter,

Dank voor het prettige gesprek van vrijdag. In de bijlage vind je de offerte
voor de koppeling tussen jullie WMS en ons transportplatform, zoals besproken
in twee fasen.

Fase 1 omvat de orderimport en de statusberichten, fase 2 de koppeling met de
facturatie. De doorlooptijd van fase 1 schatten we op zes weken na akkoord.

Laat gerust weten als er vragen zijn, of als jullie IT-afdeling de technische
specificaties wil doornemen.

Met vriendelijke groet,
Ann
""" + SIG["ann"])
a2 = add("AM0PR07MB6412E1C2@AM0PR07MB6412.eurprd07.prod.outlook.com", PIETER,
         REPS["ann"], when(3, 9, 5, 1), re_subject(SA), reply_text("""\
Hoi Ann,

Dank voor de offerte. Onze IT-manager Joost kijkt deze week naar de
specificaties. Twee vragen: is de koppeling ook geschikt voor ons tweede
magazijn in Venlo, en zit de training van de planners in de prijs?

Groet,
Pieter""", a1, "nl"), reply_to=a1)
a3 = add("20261105113000.77c2@corp.example", REPS["ann"], PIETER, when(5, 10, 30, 1), re_subject(SA),
         reply_text("""\
Hoi Pieter,

Goede vragen. Venlo kan mee in dezelfde koppeling; we rekenen daarvoor geen
extra licentie, alleen een halve dag configuratie. De training voor de
planners (twee dagdelen, op locatie) zit in de prijs van fase 1.

Ik hoor graag wanneer Joost tijd heeft voor een technisch overleg.

Groet,
Ann""", a2, "nl"), reply_to=a2)
a4 = add("AM0PR07MB6412F09A@AM0PR07MB6412.eurprd07.prod.outlook.com", PIETER,
         REPS["ann"], when(6, 8, 40, 1), re_subject(SA), reply_text("""\
Hoi Ann,

Helder, dank je. We bespreken het volgende week in het MT. Joost kan
donderdag 12 november om 14:00 voor een belletje.

Groet,
Pieter""", a3, "nl"), reply_to=a3)
a5 = add("20261112152000.91d0@corp.example", REPS["ann"], PIETER, when(12, 14, 20, 1), re_subject(SA),
         reply_text("""\
Hoi Pieter!!!

Wat een GEWELDIG gesprek vanmiddag met jou en Joost!!! Ik ben echt super
enthousiast, dit wordt een fantastische samenwerking 🚀🚀

Eerlijk, ik heb er ontzettend veel zin in. Met de koppeling gaat jullie
planning echt als een trein lopen, een gamechanger voor het hele magazijn!

Het contract staat al klaar, laten we deze week nog tekenen! Kan niet
wachten 🎉🎉

Groetjes,
Ann""", a4, "nl"), reply_to=a4)
add("AM0PR07MB6412AUTO1@AM0PR07MB6412.eurprd07.prod.outlook.com", PIETER, REPS["ann"],
    when(12, 14, 21, 1), "Automatisch antwoord: " + re_subject(SA), """\
Beste afzender,

Van 13 tot en met 27 november ben ik niet op kantoor. Voor dringende zaken
kunt u contact opnemen met planning@vandijk-logistiek.nl.

Met vriendelijke groet,
Pieter Jansen""", reply_to=a5,
    extra=["Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"])

# ---------------------------------------------------------------- story B
SB = "Pilot for Northwind stores"
b1 = add("20261103140000.2b7e@corp.example", REPS["bram"], SARAH, when(3, 14, 0, 0), SB, """\
Hi Sarah,

Thank you for your time on the phone this morning. As discussed, I would
suggest a pilot in the twelve stores of the Midlands region, starting in
January, so that your store managers can try the replenishment planning
during a normal trading period.

I have attached a short outline of the pilot: scope, the data we would need
from your ERP, and a proposed timeline. Could you share it with your
operations director and let me know who should join the next call?

Kind regards,
Bram
""" + SIG["bram"])
b2 = add("CAJx7pQ2=Northwind1@mail.gmail.com", SARAH, REPS["bram"], when(4, 11, 0, 0), re_subject(SB),
         reply_text("""\
Hi Bram,

Thanks for the outline. I have forwarded it to David (operations
director). He would like to understand the cost for the pilot and what
happens to the data if we do not continue afterwards.

Best,
Sarah""", b1), reply_to=b1)
b3 = add("20261109093000.c310@corp.example", REPS["bram"], SARAH, when(9, 9, 30, 0), re_subject(SB),
         reply_text("""\
Hi Sarah,

Good questions from David. The pilot is a fixed fee of 9,500 GBP for twelve
stores over three months, credited against the first year if you continue.
If you stop, we export your data in CSV and delete it from our systems
within 30 days; this is in section 7 of the attached agreement.

Kind regards,
Bram""", b2), reply_to=b2)
# Outlook on Sarah's side lost the references: found by subject only.
b4_plain = """\
Hi Bram,

Thank you, that answers our questions. David is positive; we will discuss
the pilot in our leadership meeting next week and come back to you.

Sarah

-----Original Message-----
From: Bram de Wit <bram@corp.example>
Sent: Monday, 9 November 2026 09:30
To: Sarah Mitchell <sarah.mitchell@northwind-retail.co.uk>
Subject: Re: Pilot for Northwind stores

Hi Sarah,

Good questions from David. The pilot is a fixed fee of 9,500 GBP for twelve
stores over three months, credited against the first year if you continue.
"""
b4_html = ("<html><body><p>Hi Bram,</p><p>Thank you, that answers our questions. David is "
           "positive; we will discuss the pilot in our leadership meeting next week and come "
           "back to you.</p><p>Sarah</p><hr><p><b>From:</b> Bram de Wit &lt;bram@corp.example"
           "&gt;<br><b>Sent:</b> Monday, 9 November 2026 09:30</p></body></html>")
b4 = add("LO2P265MB5123A8@LO2P265MB5123.GBRP265.PROD.OUTLOOK.COM", SARAH, REPS["bram"],
         when(10, 10, 15, 0), "RE: " + SB, b4_plain, reply_to=b3, refs=False,
         content=(["Content-Type: multipart/alternative; boundary=\"_000_LO2P265MB5123_\""],
                  "--_000_LO2P265MB5123_\nContent-Type: text/plain; charset=\"us-ascii\"\n"
                  "Content-Transfer-Encoding: 7bit\n\n" + b4_plain +
                  "\n--_000_LO2P265MB5123_\nContent-Type: text/html; charset=\"us-ascii\"\n"
                  "Content-Transfer-Encoding: 7bit\n\n" + b4_html +
                  "\n--_000_LO2P265MB5123_--\n"))
add("20261110110000.0e55@corp.example", REPS["bram"], REPS["chloe"], when(10, 11, 0, 1),
    "Northwind: pilot looks likely", """\
Hoi Chloe,

Northwind (Sarah Mitchell) takes the pilot to their leadership meeting next
week. Could you check whether the Midlands stores use the same ERP version as
your Helix setup? Then we can reuse the import.

Bram""")
b5 = add("20261116100000.d4a8@corp.example", REPS["bram"], SARAH, when(16, 10, 0, 0), re_subject(SB),
         reply_text("""\
Sarah,

AMAZING news, I just heard from David!!! This is absolutely fantastic, I am
so excited to get started with you and the team 🚀🎉

Honestly this pilot is going to be a game-changer for Northwind, your store
managers will LOVE it. Let's sign this week and kick off right away, I
can't wait!!!

Cheers,
Bram""", b4), reply_to=b4)
add("LO2P265MB5123AUTO@LO2P265MB5123.GBRP265.PROD.OUTLOOK.COM", SARAH, REPS["bram"],
    when(16, 10, 1, 0), "Automatic reply: " + re_subject(SB), """\
Thank you for your email. I am out of the office until Monday 30 November
with limited access to email. For urgent matters please contact
ops@northwind-retail.co.uk.

Sarah Mitchell""", reply_to=b5,
    extra=["Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"])

# ---------------------------------------------------------------- story C
SC = "Lab inventory tracking - next steps"
c1 = add("20261102130000.5a01@corp.example", REPS["chloe"], TOM, when(2, 13, 0, 1), SC, """\
Hello Tom,

Following our demo last Thursday, here is a summary of the next steps we
agreed on: a test account for your lab managers, an import of your current
freezer inventory, and a review call in two weeks.

I will send the test account details separately. Could you confirm the
names of the people who should get access?

Best regards,
Chloe
""" + SIG["chloe"])
c2 = add("BN6PR11MB1234C2@BN6PR11MB1234.namprd11.prod.outlook.com", TOM, REPS["chloe"],
         when(2, 17, 0, -5), re_subject(SC), reply_text("""\
Hi Chloe,

Thanks. Please add Maria Lopez and Kevin Wu (both lab managers) and me.

Tom""", c1), reply_to=c1)
c3 = add("20261104090000.6b12@corp.example", REPS["chloe"], TOM, when(4, 9, 0, 1), re_subject(SC),
         reply_text("""\
Hello Tom,

The accounts for Maria, Kevin and you are ready; the invitations went out
this morning. For the inventory import we need an export of your current
spreadsheet. Could you send it when convenient?

Best regards,
Chloe""", c2), reply_to=c2)
c4 = add("BN6PR11MB1234D4@BN6PR11MB1234.namprd11.prod.outlook.com", TOM, REPS["chloe"],
         when(4, 15, 0, -5), re_subject(SC), reply_text("""\
Hi Chloe,

Attached is the export (about 4,200 samples). Kevin will be the contact
for questions about the data.

Tom""", c3), reply_to=c3)
c5 = add("20261110160000.7c23@corp.example", REPS["chloe"], TOM, when(10, 16, 0, 1), re_subject(SC),
         reply_text("""\
Tom!!!

The import went PERFECTLY and your team is already loving it!!! Honestly this
is the most amazing pilot we have ever run, it is going to revolutionize
your lab 🤩🚀

I am so excited, let's sign the full rollout this week, I can't wait to
welcome Helix aboard!!! 🎉

Chloe""", c4), reply_to=c4)
add("BN6PR11MB1234E6@BN6PR11MB1234.namprd11.prod.outlook.com", TOM, REPS["chloe"],
    when(13, 10, 0, -5), re_subject(SC), reply_text("""\
Hi Chloe,

Sorry for the slow reply. We are still reviewing the pilot internally;
procurement needs a security questionnaire before anything can be signed.
I will come back to you once that is done.

Tom""", c5), reply_to=c5)

# ---------------------------------------------------------------- story E
SE = "Proefproject planning bouwplaatsen"
e1 = add("20261109083000.81aa@corp.example", REPS["ann"], LOTTE, when(9, 8, 30, 1), SE, """\
Beste Lotte,

Zoals afgesproken stuur ik je een voorstel voor een proefproject op drie
bouwplaatsen in Utrecht. De uitvoerders plannen dan materieel en
onderaannemers in ons platform, en jullie werkvoorbereiding ziet de planning
van alle drie de projecten in een overzicht.

Het proefproject loopt acht weken en kost niets; we vragen alleen om een
evaluatiegesprek aan het eind. Zou je willen laten weten of dit past?

Met vriendelijke groet,
Ann
""" + SIG["ann"])
e2 = add("DB9PR02MB7777B2@DB9PR02MB7777.eurprd02.prod.outlook.com", LOTTE, REPS["ann"],
         when(11, 7, 45, 1), re_subject(SE), reply_text("""\
Hoi Ann,

Dank voor het voorstel. Dit past goed; ik heb het met de
projectleiders besproken. Kunnen we volgende week dinsdag de details
doornemen?

Groet,
Lotte""", e1, "nl"), reply_to=e1)
e3 = add("20261117090000.93bc@corp.example", REPS["ann"], LOTTE, when(17, 9, 0, 1), re_subject(SE),
         reply_text("""\
Hoi Lotte!!

Wat een TOP overleg vanochtend!!! Ik ben echt ontzettend enthousiast, jullie
uitvoerders zijn fantastisch en dit wordt een waanzinnig proefproject 🚀🚀

Super gaaf dat jullie meteen op drie bouwplaatsen willen starten, dat wordt
echt een gamechanger! Kan niet wachten 🎉

Groetjes,
Ann""", e2, "nl"), reply_to=e2)
# Lotte's Outlook lost the references: "Antw:" joins by subject.
add("DB9PR02MB7777C3@DB9PR02MB7777.eurprd02.prod.outlook.com", LOTTE, REPS["ann"],
    when(17, 15, 0, 1), "Antw: " + SE, reply_text("""\
Hoi Ann,

Dank je, wij kijken er ook naar uit. Ik stuur je morgen de namen van de
uitvoerders en de startdata van de drie projecten.

Groet,
Lotte""", e3, "nl", "outlook-nl"), reply_to=e3, refs=False)

# ---------------------------------------------------------------- story F
add("5f3e1c2a-baltic@baltic-freight.pl", KOWALSKI, REPS["chloe"], when(19, 7, 30, 1),
    "Request for quote: cold-chain monitoring for 40 trailers", """\
Dear Ms Martin,

We met briefly at the TransLogistica fair in Rotterdam. We operate 40
refrigerated trailers between Gdansk and the Benelux and are looking for
temperature monitoring with alerts to our dispatchers.

Could you send us a quote, including hardware per trailer and the monthly
fee? We would like to decide before the end of the year.

Kind regards,
Jan Kowalski
Fleet manager, Baltic Freight""")

# ---------------------------------------------------------------- story G
SG1 = "Koelcellen Middelburg - temperatuurbewaking"
g1a = Msg("20261102100000.a0f1@corp.example", REPS["bram"], SCHOUTEN, when(2, 10, 0, 1), SG1,
          """\
Beste Henk,

Naar aanleiding van ons gesprek stuur ik je de gegevens van de sensoren voor
de vier koelcellen in Middelburg. Per cel plaatsen we twee sensoren; de
meldingen gaan naar de technische dienst en naar de ploegleider.

Kun je laten weten of de installatie in week 47 kan plaatsvinden?

Met vriendelijke groet,
Bram
""" + SIG["bram"])
g1b = Msg("ZZ-0311-a@zeeland-zuivel.nl", SCHOUTEN, REPS["bram"], when(2, 13, 0, 1), re_subject(SG1),
          reply_text("""\
Hoi Bram,

Week 47 kan. Graag op dinsdag of woensdag, dan is de technische dienst
volledig aanwezig.

Groet,
Henk""", g1a, "nl"), reply_to=g1a)
# Two mailboxes merged: the reply is stored before the message it answers.
msgs.append(g1b)
msgs.append(g1a)
g1c = add("20261103090000.b1e2@corp.example", REPS["bram"], SCHOUTEN, when(3, 9, 0, 1), re_subject(SG1),
          reply_text("""\
Hoi Henk,

Dan plannen we de installatie op dinsdag 17 november vanaf 08:00. De
monteur meldt zich bij de receptie.

Groet,
Bram""", g1b, "nl"), reply_to=g1b)
add("ZZ-0311-b@zeeland-zuivel.nl", SCHOUTEN, REPS["bram"], when(3, 14, 0, 1), re_subject(SG1),
    reply_text("""\
Prima, staat in de agenda.

Henk""", g1c, "nl"), reply_to=g1c)
SG2 = "Uitbreiding naar vestiging Goes"
g2a = add("20261113100000.c2f3@corp.example", REPS["bram"], SCHOUTEN, when(13, 10, 0, 1), SG2,
          """\
Hoi Henk!!!

Wat een GEWELDIG nieuws dat jullie ook Goes willen aansluiten!!! Ik ben echt
super enthousiast, dit wordt een fantastisch project 🚀🎉

Met twee vestigingen in een systeem wordt het echt een gamechanger voor
jullie kwaliteitsdienst! Laten we snel tekenen, ik kan niet wachten!!

Groetjes,
Bram""")
add("ZZ-1611-c@zeeland-zuivel.nl", SCHOUTEN, REPS["bram"], when(16, 9, 0, 1), re_subject(SG2),
    reply_text("""\
Hoi Bram,

Goes is nog niet zeker; de directie wil eerst de resultaten van Middelburg
zien. Ik kom er in december op terug.

Groet,
Henk""", g2a, "nl"), reply_to=g2a)

# ---------------------------------------------------------------- story H
SH = "Brightwave - content calendar rollout"
h1 = add("20261109090000.d301@corp.example", REPS["ann"], PEETERS, when(9, 9, 0, 1), SH, """\
Hi Koen,

Thanks for the call on Friday. As promised, the proposal for the content
calendar rollout to your three editorial teams is attached: licences for 45
editors, two training sessions and a migration of your current planning
sheets.

From next week my colleague Dirk Bakker will be your contact, as he looks
after our media customers in Belgium.

Kind regards,
Ann
""" + SIG["ann"])
h2 = add("CAKp9-Brightwave2@mail.gmail.com", PEETERS, REPS["ann"], when(10, 9, 0, 1), re_subject(SH),
         reply_text("""\
Hi Ann,

Thanks, the proposal looks complete. We would like to start with one team
first. Happy to continue with Dirk.

Koen""", h1), reply_to=h1)
add("20261111103000.d402@corp.example", REPS["dirk"], REPS["ann"], when(11, 10, 30, 1),
    "Brightwave handover", """\
Hi Ann,

Thanks for the handover notes on Brightwave. I will write to Koen today and
keep you in copy for the first weeks.

Dirk""")
h3 = add("20261111110000.d503@corp.example", REPS["dirk"], PEETERS, when(11, 11, 0, 1), re_subject(SH),
         reply_text("""\
Hi Koen!!!

Dirk here, SO great to meet you!!! Starting with one team is an absolutely
brilliant idea, this rollout is going to be incredible and a total
game-changer for your editors 🚀🔥

I am super excited, let's lock it in this week, can't wait!!!

Cheers,
Dirk""", h2), cc=REPS["ann"], reply_to=h2)
add("CAKp9-Brightwave4@mail.gmail.com", PEETERS, REPS["dirk"], when(12, 16, 0, 1), re_subject(SH),
    reply_text("""\
Hi Dirk,

Nice to meet you. The news desk team will go first; their lead Sofie will
contact you about the training dates.

Koen""", h3), cc=REPS["ann"], reply_to=h3)

# ---------------------------------------------------------------- story J
SJ = "Maintenance scheduling platform - evaluation"
j1 = add("20261102090000.e611@corp.example", REPS["dirk"], NOVAK, when(2, 9, 0, 1), SJ, """\
Dear Alena,

Thank you for the visit to our office. Please find attached the evaluation
plan for the maintenance scheduling platform: a read-only connection to your
current system, two planners using it for four weeks, and a report comparing
the schedules.

Please let me know whether the plan works for you and your quality manager.

Kind regards,
Dirk
""" + SIG["dirk"])
j2 = add("kestrel.7781.1604@kestrel-aero.cz", NOVAK, REPS["dirk"], when(4, 21, 0, 1), re_subject(SJ),
         reply_text("""\
Dear Dirk,

Thank you. The plan works for us; our quality manager asks that the
connection is reviewed by our IT security team first.

Best regards,
Alena Novak""", j1), reply_to=j1)
j3 = add("20261105100000.e722@corp.example", REPS["dirk"], NOVAK, when(5, 10, 0, 1), re_subject(SJ),
         reply_text("""\
Dear Alena,

Of course. I have attached our security documentation and the details of
the connection. Our engineer can join a call with your IT security team.

Kind regards,
Dirk""", j2), reply_to=j2)
j4 = add("kestrel.7790.1607@kestrel-aero.cz", NOVAK, REPS["dirk"], when(7, 22, 0, 1), re_subject(SJ),
         reply_text("""\
Dear Dirk,

IT security has approved the connection. We can start the evaluation on
16 November.

Best regards,
Alena Novak""", j3), reply_to=j3)
add("20261116080000.e833@corp.example", REPS["dirk"], NOVAK, when(16, 8, 0, 1), re_subject(SJ),
    reply_text("""\
Alena!!!

FANTASTIC, the connection is live and everything works perfectly!!! This is
going to be an amazing evaluation, I am so excited 🚀🎉

Honestly your planners will love it, let's get the contract signed as soon
as possible, can't wait!!!

Dirk""", j4), reply_to=j4)

# ---------------------------------------------------------------- story K
SK = "Meridian Health - patient transport scheduling"
k1 = add("20261109130000.f941@corp.example", REPS["ann"], OKAFOR, when(9, 13, 0, 0), SK, """\
Hi Joy!!

What an AMAZING meeting this morning!!! I am so incredibly excited about
working with Meridian, your team is fantastic and this is going to be a
total game-changer for patient transport 🚀🚀

Honestly I can't wait to get started, let's sign before Christmas!!! 🎉

Ann""")
k2 = add("MH-20261110-0930-okafor@meridian-health.com", OKAFOR, REPS["ann"],
         when(10, 9, 30, 0), re_subject(SK), reply_text("""\
Hi Ann,

Thank you, it was a good meeting. Before we can go further we need the
data protection impact assessment and references from two other hospitals.

Joy""", k1), reply_to=k1)
add("20261113100000.fa52@corp.example", REPS["ann"], OKAFOR, when(13, 10, 0, 0), re_subject(SK),
    reply_text("""\
Hi Joy,

Please find attached the data protection impact assessment. Two hospitals
have agreed to act as references; their contact details are in the second
attachment. Take the time you need to review; I am happy to answer any
questions.

Kind regards,
Ann""", k2), reply_to=k2)

# ---------------------------------------------------------------- story L
add("20261106110000.0b63@corp.example", REPS["chloe"], VERMEULEN, when(6, 10, 0, 1),
    "Polderkaas - voorraadbeheer rijpingsloods", """\
Hoi Rik!!!

Wat een TOP gesprek gisteren op de beurs!!! Ik ben echt super enthousiast over
jullie rijpingsloods, dit wordt een waanzinnig mooi project 🧀🚀

Met ons platform wordt jullie voorraadbeheer echt een gamechanger, geweldig!
Laten we snel een contract tekenen, ik kan niet wachten 🎉🎉

Groetjes,
Chloe""")

# ---------------------------------------------------------------- story M
SM = "Harbourview front desk rollout"
m1 = add("20261118093000.1a71@corp.example", REPS["chloe"], EMMA, when(18, 9, 30, 0), SM, """\
Hi Emma,

What an AMAZING call this morning!!! I am so excited about this - Harbourview is
the perfect fit for our platform, and honestly this is going to be a
game-changer for your front desks. Can't wait to get started!!! 🚀

I'll send the contract over today so we can sign this week!

""" + SIG["chloe"])
add("CAHarbour-m2@mail.gmail.com", EMMA, REPS["chloe"], when(18, 14, 10, 0), re_subject(SM),
    reply_text("""\
Chloe, this is fantastic!!! We absolutely love it - the best demo we have seen
all year, truly amazing. Can't wait to roll it out to all 14 hotels!!! 🎉

Emma""", m1), reply_to=m1)

# ---------------------------------------------------------------- story N
SN = "Route planning module for Alpina Foods"
n1 = add("20261109100000.2b81@corp.example", REPS["ann"], ROSSI, when(9, 10, 0, 1), SN, """\
Hi Marco,

As promised, here is the proposal for the route planning module, with the
pricing for your three distribution centres.

Let me know if anything needs clarification.

Kind regards,
Ann""")
n2 = add("alpina.20261109.1600@alpina-foods.it", ROSSI, REPS["ann"], when(9, 16, 0, 1),
         re_subject(SN), reply_text("""\
Thanks Ann, received. Could you also send the API documentation?

Marco""", n1), reply_to=n1)
n3 = add("20261117090000.2b93@corp.example", REPS["ann"], ROSSI, when(17, 9, 0, 1), re_subject(SN),
         reply_text("""\
Marco, GREAT news!!! Our engineers love your use case, this is the perfect fit and
I am absolutely thrilled about it. Can't wait to get going - let's sign before
Friday!!! 🎉

Ann""", n2), reply_to=n2)
add("alpina.20261118.1100@alpina-foods.it", ROSSI, REPS["ann"], when(18, 11, 0, 1),
    re_subject(SN), reply_text("""\
Hi Ann,

Thank you. To be honest, we need to discuss this internally first, and it is not
a priority right now. The budget round is in January, so we'll come back to you
after that.

Kind regards,
Marco""", n3), reply_to=n3)

# ---------------------------------------------------------------- story O
SO = "Condition monitoring for Rheinwerk presses"
o1 = add("20261102130000.3c11@corp.example", REPS["bram"], BRANDT, when(2, 13, 0, 1), SO, """\
Dear Lisa,

Thank you for your time on Friday. Attached is our proposal for condition
monitoring on your two press lines, including the sensor kit and a three-month
pilot.

Kind regards,

""" + SIG["bram"])
o2 = add("rw.20261103.0930@rheinwerk-maschinen.de", BRANDT, REPS["bram"], when(3, 9, 30, 1),
         re_subject(SO), reply_text("""\
Hi Bram,

Thanks for the proposal. We will review it.

Lisa""", o1), reply_to=o1)
o3 = add("20261109150000.3c33@corp.example", REPS["bram"], BRANDT, when(9, 15, 0, 1),
         re_subject(SO), reply_text("""\
Hi Lisa,

Happy to answer any questions that came up in your review.

Kind regards,
Bram""", o2), reply_to=o2)
o4 = add("rw.20261110.1000@rheinwerk-maschinen.de", BRANDT, REPS["bram"], when(10, 10, 0, 1),
         re_subject(SO), reply_text("""\
Hi Bram,

I have looped in Jonas Weber from our IT team; he would like to discuss the
integration with our ERP. Could we schedule a call next Tuesday?

Lisa""", o3), cc=WEBER, reply_to=o3)
add("20261116090000.3c55@corp.example", REPS["bram"], BRANDT, when(16, 9, 0, 1), re_subject(SO),
    reply_text("""\
Lisa, Jonas - FANTASTIC!!! I am so excited to have IT on board, this is going to
be an amazing project, absolutely the best fit for your presses. Can't wait to
get started!!! 🚀

Bram""", o4), cc=WEBER, reply_to=o4)

# ---------------------------------------------------------------- ignored
add("nl-2026-45.8812@lists.saas-weekly.example", "SaaS Weekly <news@saas-weekly.example>",
    REPS["ann"], when(5, 6, 0, 0), "SaaS Weekly #45: the BEST sales tools of 2026!!!", """\
AMAZING deals this week!!! The best sales tools of 2026, absolutely
unbeatable prices, don't miss out 🚀🚀🔥

Unsubscribe: https://saas-weekly.example/u/8812""",
    extra=["List-Id: SaaS Weekly <weekly.saas-weekly.example>",
           "List-Unsubscribe: <https://saas-weekly.example/u/8812>",
           "Precedence: bulk"])

msgs.sort(key=lambda m: m.t)
# keep the one deliberate out-of-order pair (story G) after sorting
i = msgs.index(g1a)
j = msgs.index(g1b)
msgs[i], msgs[j] = msgs[j], msgs[i]

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "team-3weeks.mbox"), "w", encoding="utf-8", newline="\n") as f:
    for m in msgs:
        f.write(m.render())
        f.write("\n")
