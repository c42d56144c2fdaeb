/*
 * log.h - one line per event on stderr, key=value, safe from many threads.
 *
 * Lines look like `2026-11-23T07:01:02.123Z level=info msg="..."`.  The access
 * log (one line per request) is written through log_line() by http.c.  The
 * level below which lines are dropped is set once at start.
 */
#ifndef DF_LOG_H
#define DF_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

/* log_set_level - lines below this level are dropped (default LOG_INFO). */
void log_set_level(enum log_level lvl);
/* log_parse_level - "debug", "info", "warn", "error" -> level; -1 if unknown. */
int log_parse_level(const char *s);
/* log_line - write one line; fmt is the text after the level, already in
 * key=value form for machine-read lines. */
void log_line(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_line(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_line(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_line(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_line(LOG_ERROR, __VA_ARGS__)

#endif
