/*
 * people.h - departments' sanctioned posts, the people who hold them and
 * their postings over time, and the vacancy report.  Also the demo data
 * generator.  Module: `people_module` (routes under /api/v1/people,
 * /api/v1/posts, /api/v1/postings, /api/v1/reports/vacancies).
 */
#ifndef DF_ORG_PEOPLE_H
#define DF_ORG_PEOPLE_H

#include <stdint.h>
#include <stdio.h>
#include "../core/module.h"
#include "../core/result.h"

struct app;
struct db;

extern const struct module people_module;

/* org_demo - create the demo province on an initialised database: posts of
 * the main departments at provincial, divisional and district level, a few
 * thousand generated people posted to them (labelled as generated), and one
 * login per role, whose usernames and passwords are printed to out. */
int org_demo(struct app *app, struct db *db, FILE *out) DF_WUR;

#endif
