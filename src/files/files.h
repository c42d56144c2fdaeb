/*
 * files.h - the files module: receipts (dak), files and their movement
 * from post to post (issue 6; docs/FILES.md).
 *
 * An office is an org unit and a department together.  A receipt is an
 * incoming letter diarised in an office (its diary number counts per
 * office and year); a file is numbered by its department's scheme
 * (number.h) and is always held by exactly one post, whoever holds that
 * post today acting for it.  Moves (send, receive, pull back, park,
 * unpark, close, reopen) are rows of file_movements and audit leaves, and
 * are checked against the file's version so that two concurrent moves of
 * one file cannot both succeed.
 *
 * Routes: /api/v1/receipts..., /api/v1/files..., and
 * /api/v1/departments/{id}/file-scheme.  Actions: files.read, files.write
 * (src/org/authz.c).
 */
#ifndef DF_FILES_H
#define DF_FILES_H

#include "core/module.h"

extern const struct module files_module;

#endif
