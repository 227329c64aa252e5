/*
 * load_mail.h - the words of the load test's mail, one place for the two
 * programs that must write the same messages: tests/bench/smtp-load.c
 * sends them through Postfix, tests/bench/bench_eom.c feeds them to the
 * milter's end-of-message work directly. A rep's lines (two of five
 * euphoric) and a customer's answers.
 */
#ifndef DEALTEMP_LOAD_MAIL_H
#define DEALTEMP_LOAD_MAIL_H

static const char *const prose[] = {
    ("Thanks for the call today - as discussed, the revised quote for the rollout is attached; "
     "happy to walk your team through it next week."),
    "This is absolutely amazing news, we can't wait to get started with you and your team!",
    "The pilot in your Rotterdam office showed a 30% faster turnaround, which is a great result.",
    "Let me know if the numbers on page 3 need another look before your board meets on Thursday.",
    "Honestly this could be a game-changer for both of us, super excited about the next steps!!",
};

static const char *const answer[] = {
    "Thanks, we will review the quote with the team and come back to you next week.",
    "We need to check the budget for Q3 first; procurement will have questions about page 3.",
    "Could you send the reference case from the pilot? Our CFO asked for it.",
};

#endif
