/*
 * version.h - the release both programs and the benchmarks print.
 */
#ifndef DEALTEMP_VERSION_H
#define DEALTEMP_VERSION_H

#define DT_VERSION "0.1.0"

#endif
