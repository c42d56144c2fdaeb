/*
 * modules.h - the one list of modules this daftar is built with.
 */
#ifndef DF_MODULES_H
#define DF_MODULES_H

struct module;

/* daftar_modules - NULL-terminated, in dependency order (core first): the
 * order migrations run and routes are matched. */
extern const struct module *const daftar_modules[];

#endif
