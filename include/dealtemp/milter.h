/*
 * milter.h - the libmilter side of dealtemp-milter.
 *
 * The callbacks only collect (envelope, headers, the first scan_limit bytes
 * of the body) and, at end of message, hand the collected bytes to
 * dt_analyze() and add the headers it implies. Whatever fails, the message
 * continues untouched; one log line carries the queue id and the reason.
 */
#ifndef DEALTEMP_MILTER_H
#define DEALTEMP_MILTER_H

#include "dealtemp/config.h"
#include "dealtemp/dealtemp.h"

/*
 * Make cfg the configuration new messages use (takes its own reference;
 * messages in flight finish with the one they started with).
 */
void dt_milter_set_config(struct dt_config *cfg);

/*
 * Register the filter and open the listening socket spec (libmilter
 * syntax). Returns 0, or -1 with err set. Call before dropping privileges.
 */
int dt_milter_listen(const char *spec, struct dt_error *err);

/* Serve until libmilter is told to stop. Returns 0 or -1 with err set. */
int dt_milter_serve(struct dt_error *err);

/* Release the current configuration (at exit). */
void dt_milter_shutdown(void);

#endif
