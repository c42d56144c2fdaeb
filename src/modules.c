/*
 * modules.c - the one list of modules the program is built with.  Adding a
 * module is one line here (and its folder under src/).
 */
#include <stddef.h>
#include "attendance/attendance.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/inbox.h"
#include "core/system.h"
#include "files/files.h"
#include "modules.h"
#include "org/people.h"
#include "org/tree.h"

const struct module *const daftar_modules[] = {
	&system_module,
	&auth_module,
	&audit_module,
	&inbox_module,
	&org_module,
	&people_module,
	&attendance_module,
	&files_module,
	NULL,
};
