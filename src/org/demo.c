/*
 * demo.c - org_demo: a believable Balochistan on top of the reference org
 * tree, for demonstrations and for the API tests.
 *
 * In one transaction it makes
 *   - generated tehsils (1 to 3 per district of 1 January 2025, named
 *     "<District> Saddar/City/Rural"; Quetta's are named after its
 *     sub-divisions and follow the July 2026 split into Quetta East and
 *     Quetta West), as two change sets through org_apply_change;
 *   - the sanctioned posts of the provincial secretariat (Chief Minister,
 *     Chief Secretary, Delivery Unit, and for each of the 12 departments a
 *     secretary and staff), of every division (a commissioner and the
 *     divisional officers), of every district (a deputy commissioner, the
 *     departments' district officers, clerks) and of every tehsil (an
 *     assistant commissioner, revenue staff, head teachers of schools in
 *     proportion to the 2023 population).  A unit's posts live as long as
 *     the unit does from 2025-01-01 (a post's life is the unit's, so Kalat
 *     division's posts end on 2026-07-08 and Tump's begin on 2026-02-24);
 *   - generated people (labelled generated = 1, CNICs starting "00000-" so
 *     they can never be real, names from small lists of Baloch, Pashtun,
 *     Brahui, Hazara and other Pakistani names) posted to about four posts
 *     in five: fewer in remote districts.  When Quetta district ends, the
 *     people in its district posts are posted to the same posts of Quetta
 *     East (then Quetta West), so reports of 2025 and of late 2026 are
 *     both whole;
 *   - the demo logins of tests/api/lib.js (password Daftar@2026), each
 *     linked to the person holding its post; the administrator has no
 *     person and the TOTP secret JBSWY3DPEHPK3PXP.
 * Everything is deterministic (a seeded splitmix64, never rand()).  Every
 * row gets its audit leaf as an API write would (about 9,700 leaves; they
 * add some 0.3 s to a load of 0.2 s under AddressSanitizer), and one
 * "people.demo.load" leaf carries the counts.  A second run finds the
 * generated people and only prints the logins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../core/app.h"
#include "../core/audit.h"
#include "../core/auth.h"
#include "../core/http.h"
#include "../core/store.h"
#include "people.h"
#include "people_int.h"
#include "tree.h"

#define DEMO_FROM "2025-01-01"          /* the day the demo's posts are sanctioned from */
#define DEMO_FAR "2199-12-31"           /* a day after every change: units alive at the end */
#define DEMO_PASSWORD "Daftar@2026"
#define DEMO_TOTP "JBSWY3DPEHPK3PXP"
#define DEMO_SEED 0x6461667461720001ULL /* "daftar" + 1 */
#define PEOPLE_PER_SCHOOL 8000          /* one high school per this many people */
#define MAX_UNITS 128                   /* divisions or districts over the demo's life */
#define MAX_TEHSILS 3
#define MAX_ORD 64                      /* posts of one template in one unit, at most */
#define POP_DEFAULT 250000              /* districts the census file does not list */

/* ------------------------------------------------------------- the templates */

/* One kind of post in a unit. dept NULL: the department being generated. */
struct tmpl {
	const char *designation;
	const char *dept;
	int bps;
	const char *role;
	int count;     /* posts of this kind */
	int per;       /* plus one per `per` people of the district (0: none) */
	int women;     /* percent of holders who are women */
};

static const struct tmpl t_province[] = {
	{ "Chief Minister", "SGAD", 22, "chief_minister", 1, 0, 5 },
	{ "Chief Secretary", "SGAD", 22, "chief_secretary", 1, 0, 5 },
	{ "Head, Chief Minister's Delivery Unit", "PND", 20, "delivery_unit", 1, 0, 20 },
	{ "Deputy Head, Delivery Unit", "PND", 19, "delivery_unit", 1, 0, 20 },
	{ "Delivery Associate", "PND", 17, "delivery_unit", 3, 0, 40 },
};

static const struct tmpl t_secretariat[] = {
	{ "Secretary", NULL, 20, "secretary", 1, 0, 10 },
	{ "Additional Secretary", NULL, 19, "field_officer", 1, 0, 15 },
	{ "Deputy Secretary", NULL, 18, "field_officer", 2, 0, 20 },
	{ "Section Officer", NULL, 17, "field_officer", 3, 0, 25 },
	{ "Assistant", NULL, 16, "clerk", 2, 0, 10 },
	{ "Senior Clerk", NULL, 14, "clerk", 1, 0, 10 },
	{ "Junior Clerk", NULL, 11, "clerk", 2, 0, 10 },
};

static const struct tmpl t_division[] = {
	{ "Commissioner", "REVENUE", 20, "commissioner", 1, 0, 5 },
	{ "Additional Commissioner", "REVENUE", 19, "field_officer", 1, 0, 10 },
	{ "Director of Education", "EDU", 19, "field_officer", 1, 0, 30 },
	{ "Director Health Services", "HEALTH", 19, "field_officer", 1, 0, 30 },
	{ "Superintending Engineer (C&W)", "CW", 19, "field_officer", 1, 0, 0 },
	{ "Superintending Engineer (Irrigation)", "IRRIGATION", 19, "field_officer", 1, 0, 0 },
	{ "Deputy Director Development", "PND", 18, "me_officer", 1, 0, 20 },
	{ "Superintendent, Commissioner's Office", "REVENUE", 16, "clerk", 1, 0, 5 },
	{ "Senior Clerk, Commissioner's Office", "REVENUE", 14, "clerk", 1, 0, 5 },
	{ "Junior Clerk, Commissioner's Office", "REVENUE", 11, "clerk", 2, 0, 5 },
};

static const struct tmpl t_district[] = {
	{ "Deputy Commissioner", "REVENUE", 19, "deputy_commissioner", 1, 0, 5 },
	{ "Additional Deputy Commissioner", "REVENUE", 18, "field_officer", 1, 0, 10 },
	{ "District Education Officer", "EDU", 19, "field_officer", 1, 0, 30 },
	{ "Deputy District Education Officer", "EDU", 17, "field_officer", 2, 0, 50 },
	{ "District Health Officer", "HEALTH", 19, "field_officer", 1, 0, 30 },
	{ "Medical Superintendent, DHQ Hospital", "HEALTH", 19, "field_officer", 1, 0, 20 },
	{ "Medical Officer", "HEALTH", 17, "field_officer", 3, 150000, 45 },
	{ "Executive Engineer (PHE)", "PHE", 18, "field_officer", 1, 0, 0 },
	{ "Executive Engineer (Irrigation)", "IRRIGATION", 18, "field_officer", 1, 0, 0 },
	{ "Executive Engineer (C&W)", "CW", 18, "field_officer", 1, 0, 0 },
	{ "Inspector of Mines", "MINES", 17, "field_officer", 1, 0, 0 },
	{ "Assistant Director Local Government", "LG", 17, "field_officer", 1, 0, 10 },
	{ "Monitoring & Evaluation Officer", "PND", 17, "me_officer", 1, 0, 30 },
	{ "District Accounts Officer", "FINANCE", 18, "field_officer", 1, 0, 15 },
	{ "Risaldar Major, Levies", "HOME", 16, "field_officer", 1, 0, 0 },
	{ "Superintendent, DC Office", "REVENUE", 16, "clerk", 1, 0, 5 },
	{ "Senior Clerk, DC Office", "REVENUE", 14, "clerk", 1, 0, 5 },
	{ "Junior Clerk, DC Office", "REVENUE", 11, "clerk", 2, 0, 5 },
	{ "Senior Clerk, Education Office", "EDU", 14, "clerk", 1, 0, 20 },
	{ "Junior Clerk, Health Office", "HEALTH", 11, "clerk", 1, 0, 20 },
};

/* A district without generated tehsils gets its assistant commissioner here. */
static const struct tmpl t_district_ac = { "Assistant Commissioner", "REVENUE", 17, "assistant_commissioner", 1, 0, 5 };

static const struct tmpl t_tehsil[] = {
	{ "Assistant Commissioner", "REVENUE", 17, "assistant_commissioner", 1, 0, 5 },
	{ "Tehsildar", "REVENUE", 16, "field_officer", 1, 0, 0 },
	{ "Naib Tehsildar", "REVENUE", 14, "field_officer", 1, 0, 0 },
	{ "Patwari", "REVENUE", 9, "field_officer", 2, 0, 0 },
};

static const char *const departments[] = { "SGAD", "PND", "EDU", "HEALTH", "PHE", "IRRIGATION",
					   "CW", "MINES", "REVENUE", "LG", "HOME", "FINANCE" };

/* Districts where posts stay empty more often (distance, security). */
static const char *const remote[] = { "Awaran", "Washuk", "Sherani", "Kohlu", "Dera Bugti", "South Dera Bugti",
				      "Upper Dera Bugti", "Chagai", "Harnai", "Jhal Magsi", "Musa Khel", "Panjgur",
				      "Kharan", "Barkhan", "Sohbatpur", "Duki", "Tump", "Barshore", "Wadh" };

/* Quetta's sub-divisions as demo tehsils, and which new district takes each. */
static const struct {
	const char *name;
	const char *successor;
} quetta_tehsils[] = {
	{ "Quetta City", "Quetta East" }, { "Quetta Saddar", "Quetta East" }, { "Sariab", "Quetta East" },
	{ "Kuchlak", "Quetta West" },     { "Panjpai", "Quetta West" },
};
#define SPLIT_SOURCE "Quetta"
static const char *const split_successors[] = { "Quetta East", "Quetta West" };
static const int split_share_pct[] = { 55, 45 };

static const char *const tehsil_suffix[MAX_TEHSILS] = { "Saddar", "City", "Rural" };

/* ------------------------------------------------------------- names */

static const char *const men[] = {
	"Abdul Ghafoor", "Abdul Qadir", "Abdul Rehman", "Abdul Wahid", "Akbar", "Ali Ahmed", "Ali Raza", "Asghar",
	"Attaullah", "Baz Muhammad", "Bilal", "Changez", "Dost Muhammad", "Faisal", "Ghulam Nabi", "Gul Khan",
	"Habibullah", "Hafeezullah", "Hayatullah", "Imran", "Jamal", "Kaleemullah", "Khalid", "Liaquat Ali",
	"Mehrab", "Mir Hazar", "Muhammad Ashraf", "Muhammad Hassan", "Muhammad Yousaf", "Naseebullah", "Naveed",
	"Noor Ahmed", "Qadir Bakhsh", "Qurban Ali", "Rahim Dad", "Saadullah", "Sajjad Hussain", "Sardar Khan",
	"Shahzad", "Sher Jan", "Tariq", "Wali Muhammad", "Yar Muhammad", "Zafarullah", "Zahoor Ahmed",
};

static const char *const women[] = {
	"Ayesha", "Bibi Gul", "Farzana", "Fatima", "Gul Bano", "Hajira", "Hani", "Kulsoom", "Mah Gul", "Mahnoor",
	"Malalai", "Masooma", "Nasreen", "Nazia", "Palwasha", "Rubina", "Rukhsana", "Saima", "Sakina", "Samina",
	"Shahnaz", "Shazia", "Zahra", "Zainab", "Zarghona",
};

static const char *const families[] = {
	"Achakzai", "Baloch", "Bangulzai", "Barech", "Bizenjo", "Bugti", "Changezi", "Dashti", "Durrani", "Gichki",
	"Hazara", "Jamali", "Jamaldini", "Kakar", "Kasi", "Kenazai", "Khetran", "Langove", "Lehri", "Magsi",
	"Malik", "Mandokhail", "Marri", "Mengal", "Mohammad Hasni", "Musakhel", "Nausherwani", "Notezai",
	"Panezai", "Qureshi", "Raisani", "Rind", "Rodeni", "Sanjrani", "Shahwani", "Siddiqui", "Sumalani",
	"Tareen", "Umrani", "Zarkoon", "Zehri",
};

/* ------------------------------------------------------------- the logins */

enum login_at { AT_NONE, AT_PROVINCE, AT_DIVISION_OF, AT_DISTRICT, AT_TEHSIL };

static const struct login {
	const char *username;
	const char *label;       /* what the table prints */
	enum login_at at;        /* where the post is */
	const char *unit;        /* the district (or tehsil) named */
	const char *designation; /* the post's designation ... */
	const char *dept;        /* ... and department (the first such post) */
} logins[] = {
	{ "admin", "administrator (TOTP)", AT_NONE, NULL, NULL, NULL },
	{ "cm", "Chief Minister", AT_PROVINCE, NULL, "Chief Minister", "SGAD" },
	{ "cs", "Chief Secretary", AT_PROVINCE, NULL, "Chief Secretary", "SGAD" },
	{ "sec.edu", "Secretary Education", AT_PROVINCE, NULL, "Secretary", "EDU" },
	{ "sec.health", "Secretary Health", AT_PROVINCE, NULL, "Secretary", "HEALTH" },
	{ "comm.quetta", "Commissioner Quetta division", AT_DIVISION_OF, "Quetta", "Commissioner", "REVENUE" },
	{ "comm.makran", "Commissioner Makran division", AT_DIVISION_OF, "Kech", "Commissioner", "REVENUE" },
	{ "dc.quetta", "Deputy Commissioner Quetta (East)", AT_DISTRICT, "Quetta", "Deputy Commissioner", "REVENUE" },
	{ "dc.kech", "Deputy Commissioner Kech", AT_DISTRICT, "Kech", "Deputy Commissioner", "REVENUE" },
	{ "ac.quetta", "Assistant Commissioner Quetta City", AT_TEHSIL, "Quetta City", "Assistant Commissioner",
	  "REVENUE" },
	{ "fo.quetta.edu", "District Education Officer Quetta (East)", AT_DISTRICT, "Quetta",
	  "District Education Officer", "EDU" },
	{ "clerk.quetta", "Junior Clerk, DC Office Quetta (East)", AT_DISTRICT, "Quetta", "Junior Clerk, DC Office",
	  "REVENUE" },
	{ "du", "Head, CM's Delivery Unit", AT_PROVINCE, NULL, "Head, Chief Minister's Delivery Unit", "PND" },
	{ "me.quetta", "M&E: Deputy Director Development Quetta", AT_DIVISION_OF, "Quetta", "Deputy Director Development",
	  "PND" },
	{ "ht.quetta", "Head Teacher, GBHS Quetta City No. 1", AT_TEHSIL, "Quetta City",
	  "Head Teacher, GBHS Quetta City No. 1", "EDU" },
};

/* ------------------------------------------------------------- state */

struct unit_life {
	int64_t id;
	char name[ORG_NAME_MAX + 1];
	char from[11];   /* the demo's first day for it (>= DEMO_FROM) */
	char to[11];     /* its end, "" = open */
	long pop;        /* 2023 population (districts) */
};

struct demo {
	struct app *app;
	struct db *db;
	uint64_t seed;                  /* splitmix64 state */
	char err[256];
	int64_t dept[COUNT_OF(departments)];
	int64_t province;
	int64_t login_unit[COUNT_OF(logins)];
	int64_t login_person[COUNT_OF(logins)];
	unsigned long cnic_seq;
	long order_seq;
	/* the split: the source district's people per district template and ordinal */
	int64_t split_source;
	char split_day[11];
	int64_t split_people[COUNT_OF(t_district)][MAX_ORD];
	int split_taken[COUNT_OF(t_district)];   /* ordinals handed on so far */
	/* figures */
	long posts, people, postings, tehsils;
};

static uint64_t rnd(struct demo *d)
{
	uint64_t z = (d->seed += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* chance - 1 with probability permille / 1000. */
static int chance(struct demo *d, int permille)
{
	return (int)(rnd(d) % 1000) < permille;
}

static const char *pick(struct demo *d, const char *const *list, size_t n)
{
	return list[rnd(d) % n];
}

static int64_t dept_id(const struct demo *d, const char *code)
{
	for (size_t i = 0; i < COUNT_OF(departments); i++)
		if (strcmp(departments[i], code) == 0)
			return d->dept[i];
	return 0;
}

/* fill_permille - how likely a post of a unit is filled. */
static int fill_permille(const char *district)
{
	if (!district)
		return 920;
	for (size_t i = 0; i < COUNT_OF(remote); i++)
		if (strcmp(remote[i], district) == 0)
			return 640;
	if (strncmp(district, "Quetta", 6) == 0)
		return 900;
	return 820;
}

/* ------------------------------------------------------------- people and posts */

/* new_person - a generated person; a woman with probability women %. */
static int new_person(struct demo *d, int women_pct, int64_t *id)
{
	struct person p;
	int woman = (int)(rnd(d) % 100) < women_pct;
	int rc;

	memset(&p, 0, sizeof p);
	snprintf(p.name, sizeof p.name, "%s %s", woman ? pick(d, women, COUNT_OF(women)) : pick(d, men, COUNT_OF(men)),
		 pick(d, families, COUNT_OF(families)));
	snprintf(p.gender, sizeof p.gender, "%s", woman ? "female" : "male");
	d->cnic_seq++;
	snprintf(p.cnic, sizeof p.cnic, "00000-%07lu-%lu", d->cnic_seq % 10000000, d->cnic_seq % 10);
	p.generated = 1;
	rc = person_insert(d->db, &p, 0, PEOPLE_AUDIT);
	if (rc == DF_OK) {
		d->people++;
		*id = p.id;
	}
	return rc;
}

/* login_of - the login whose post this is (first match only), or -1. */
static int login_of(const struct demo *d, int64_t unit, const char *designation, int64_t dept)
{
	for (size_t i = 0; i < COUNT_OF(logins); i++)
		if (logins[i].designation && d->login_unit[i] == unit && !d->login_person[i] &&
		    strcmp(logins[i].designation, designation) == 0 && dept_id(d, logins[i].dept) == dept)
			return (int)i;
	return -1;
}

/* make_post - one post over [from, to); held by `holder` if given, else by
 * a new person with probability permille (always for a login's post).
 * *held gets the holder, 0 if vacant. */
static int make_post(struct demo *d, const struct tmpl *t, const char *designation, int64_t dept, int64_t unit,
		     const struct unit_life *life, int permille, int64_t holder, int64_t *held)
{
	struct post p;
	struct posting pg;
	int login, rc;

	*held = 0;
	memset(&p, 0, sizeof p);
	snprintf(p.designation, sizeof p.designation, "%s", designation);
	snprintf(p.role, sizeof p.role, "%s", t->role);
	memcpy(p.valid_from, life->from, sizeof p.valid_from);
	memcpy(p.valid_to, life->to, sizeof p.valid_to);
	p.bps = t->bps;
	p.department = dept;
	p.unit = unit;
	rc = post_insert(d->db, &p, 0, PEOPLE_AUDIT);
	if (rc != DF_OK)
		return rc;
	d->posts++;
	login = login_of(d, unit, designation, dept);
	if (!holder && (login >= 0 || chance(d, permille)))
		rc = new_person(d, t->women, &holder);
	if (rc != DF_OK || !holder)
		return rc;
	memset(&pg, 0, sizeof pg);
	pg.person = holder;
	pg.post = p.id;
	memcpy(pg.valid_from, p.valid_from, sizeof pg.valid_from);
	d->order_seq++;
	snprintf(pg.order_ref, sizeof pg.order_ref, "S&GAD/NOTIF/%.4s/%05ld", p.valid_from, d->order_seq);
	rc = posting_insert(d->db, &pg, &p, 0, PEOPLE_AUDIT, d->err, sizeof d->err);
	if (rc != DF_OK)
		return rc;
	d->postings++;
	if (login >= 0)
		d->login_person[login] = holder;
	*held = holder;
	return DF_OK;
}

/* Where a district stands in the split: none, the source, or successor k. */
enum { SPLIT_NONE = -2, SPLIT_SOURCE_ROLE = -1 };

/* gen_templates - the posts of templates ts in unit for life; dept 0 = each
 * template's own.  For the district templates, split says whether the
 * source's holders are recorded or handed on. */
static int gen_templates(struct demo *d, const struct tmpl *ts, size_t n, int64_t dept, int64_t unit,
			 const struct unit_life *life, int permille, int split)
{
	int rc = DF_OK;

	for (size_t i = 0; i < n && rc == DF_OK; i++) {
		const struct tmpl *t = &ts[i];
		long count = t->count + (t->per ? life->pop / t->per : 0);

		if (count > MAX_ORD)
			count = MAX_ORD;
		for (long k = 0; k < count && rc == DF_OK; k++) {
			int64_t holder = 0, held = 0;

			if (split >= 0 && d->split_taken[i] < MAX_ORD)
				holder = d->split_people[i][d->split_taken[i]++];
			rc = make_post(d, t, t->designation, dept ? dept : dept_id(d, t->dept), unit, life, permille,
				       holder, &held);
			if (split == SPLIT_SOURCE_ROLE)
				d->split_people[i][k] = held;
		}
	}
	return rc;
}

/* gen_schools - the head teachers of n high schools in a tehsil (every
 * third a girls' school, headed by a woman). */
static int gen_schools(struct demo *d, int64_t tehsil, const char *name, long n, const struct unit_life *life,
		       int permille)
{
	static const struct tmpl boys = { "Head Teacher", "EDU", 17, "head_teacher", 1, 0, 5 };
	static const struct tmpl girls = { "Head Teacher", "EDU", 17, "head_teacher", 1, 0, 100 };
	char designation[POST_DESIGNATION_MAX + 1];
	int rc = DF_OK;

	for (int k = 1; k <= n && rc == DF_OK; k++) {
		int is_girls = k % 3 == 0;
		int64_t held = 0;

		snprintf(designation, sizeof designation, "Head Teacher, %s %.60s No. %d", is_girls ? "GGHS" : "GBHS",
			 name, k);
		rc = make_post(d, is_girls ? &girls : &boys, designation, dept_id(d, "EDU"), tehsil, life, permille, 0,
			       &held);
	}
	return rc;
}

/* ------------------------------------------------------------- units */

/* Districts' 2023 populations from the reference file. */
struct popmap {
	size_t n;
	struct {
		char name[ORG_NAME_MAX + 1];
		long pop;
	} e[MAX_UNITS];
};

/* read_population - "division,district,population_2023,note" lines; a
 * missing or odd file only leaves the defaults. */
static void read_population(const char *data_dir, struct popmap *pm)
{
	char path[600], line[512];
	FILE *f;

	pm->n = 0;
	snprintf(path, sizeof path, "%s/admin/balochistan-districts-2023.csv", data_dir && *data_dir ? data_dir : "data");
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof line, f) && pm->n < MAX_UNITS) {
		char *a = strchr(line, ','), *b = a ? strchr(a + 1, ',') : NULL;
		char *end = NULL;
		long pop;

		if (!b)
			continue;
		pop = strtol(b + 1, &end, 10);
		if (end == b + 1 || pop <= 0 || (size_t)(b - a - 1) > ORG_NAME_MAX)
			continue; /* the header, or a line without a number */
		memcpy(pm->e[pm->n].name, a + 1, (size_t)(b - a - 1));
		pm->e[pm->n].name[b - a - 1] = '\0';
		pm->e[pm->n].pop = pop;
		pm->n++;
	}
	fclose(f);
}

static long pop_of(const struct popmap *pm, const char *name)
{
	for (size_t i = 0; i < pm->n; i++)
		if (strcmp(pm->e[i].name, name) == 0)
			return pm->e[i].pop;
	for (size_t k = 0; k < COUNT_OF(split_successors); k++)
		if (strcmp(split_successors[k], name) == 0)
			return pop_of(pm, SPLIT_SOURCE) / 100 * split_share_pct[k];
	return POP_DEFAULT;
}

/* Units of one kind over the demo's life. */
struct units {
	size_t n;
	struct unit_life u[MAX_UNITS];
};

static cal_day day_of(const char *s)
{
	cal_day v = 0;

	return cal_parse(s, &v) == DF_OK ? v : 0;
}

/* life_of - the demo's window of unit: its life cut to DEMO_FROM onwards;
 * DF_ENOTFOUND when it ended before. */
static int life_of(struct demo *d, int64_t unit, struct unit_life *l)
{
	json_t *j = NULL;
	char lf[11] = "", lt[11] = "";
	int rc = org_unit_json(d->db, unit, day_of("1900-01-01"), &j, lf, lt);

	json_decref(j);
	if (rc == DF_OK)
		snprintf(lf, sizeof lf, "1900-01-01");
	else if (rc != DF_ENOTFOUND)
		return rc;
	memset(l, 0, sizeof *l);
	l->id = unit;
	snprintf(l->from, sizeof l->from, "%s", strcmp(lf, DEMO_FROM) > 0 ? lf : DEMO_FROM);
	snprintf(l->to, sizeof l->to, "%s", lt);
	if (l->to[0] && strcmp(l->to, l->from) <= 0)
		return DF_ENOTFOUND;
	return org_unit_name(d->db, unit, day_of(l->from), l->name, sizeof l->name);
}

/* list_units - the units of kind alive on DEMO_FROM (in name order), then
 * those that begin later, with their windows and populations. */
static int list_units(struct demo *d, enum unit_kind kind, const struct popmap *pm, struct units *out)
{
	static const char *const days[] = { DEMO_FROM, DEMO_FAR };
	int64_t ids[MAX_UNITS];
	int rc = DF_OK;

	out->n = 0;
	for (size_t k = 0; k < COUNT_OF(days) && rc == DF_OK; k++) {
		size_t n = 0;

		rc = org_units_list(d->db, kind, day_of(days[k]), ids, MAX_UNITS, &n);
		if (rc == DF_OK && n > MAX_UNITS)
			rc = DF_ETOOBIG;
		for (size_t i = 0; i < n && rc == DF_OK; i++) {
			int seen = 0;

			for (size_t j = 0; j < out->n; j++)
				seen |= out->u[j].id == ids[i];
			if (seen)
				continue;
			rc = life_of(d, ids[i], &out->u[out->n]);
			if (rc == DF_ENOTFOUND) {
				rc = DF_OK;
				continue;
			}
			out->u[out->n].pop = pop_of(pm, out->u[out->n].name);
			if (rc == DF_OK)
				out->n++;
		}
	}
	return rc;
}

/* ------------------------------------------------------------- tehsils */

#define PLAN_TEHSILS 5 /* Quetta has five; others MAX_TEHSILS */

struct plan {
	int64_t district;
	int n;
	int64_t id[PLAN_TEHSILS];
	char name[PLAN_TEHSILS][ORG_NAME_MAX + 1];
};

static int add_item(json_t *items, const char *action, const char *unit, const char *to)
{
	json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:s}", "action", action, "kind", "tehsil", "unit", unit, "to", to,
			       "note", "generated for the demo");

	return it && json_array_append_new(items, it) == 0 ? DF_OK : DF_ENOMEM;
}

static int apply(struct demo *d, const char *day, const char *title, const char *ref, json_t *items)
{
	json_t *change = json_pack("{s:s, s:s, s:s, s:O}", "effective", day, "title", title, "reference", ref, "items",
				   items);
	int64_t id = 0;
	int rc = change ? org_apply_change(d->app, d->db, change, 0, &id, d->err, sizeof d->err) : DF_ENOMEM;

	json_decref(change);
	return rc;
}

/* make_tehsils - plan and create the demo tehsils of the districts of
 * DEMO_FROM (the first `n25` of dists), then move Quetta's into its
 * successors on the split day. */
static int make_tehsils(struct demo *d, const struct units *dists, size_t n25, struct plan *plans)
{
	json_t *items = json_array(), *moves = json_array();
	int rc = items && moves ? DF_OK : DF_ENOMEM;

	for (size_t i = 0; i < n25 && rc == DF_OK; i++) {
		struct plan *p = &plans[i];
		int quetta = dists->u[i].id == d->split_source;

		p->district = dists->u[i].id;
		p->n = quetta ? (int)COUNT_OF(quetta_tehsils) : 1 + (int)(rnd(d) % MAX_TEHSILS);
		for (int k = 0; k < p->n && rc == DF_OK; k++) {
			if (quetta)
				snprintf(p->name[k], sizeof p->name[k], "%s", quetta_tehsils[k].name);
			else
				snprintf(p->name[k], sizeof p->name[k], "%.100s %s", dists->u[i].name, tehsil_suffix[k]);
			rc = add_item(items, "create", p->name[k], dists->u[i].name);
			if (rc == DF_OK && quetta && d->split_day[0])
				rc = add_item(moves, "move", p->name[k], quetta_tehsils[k].successor);
		}
	}
	if (rc == DF_OK)
		rc = apply(d, DEMO_FROM, "Demo: generated tehsils (not the real tehsils)", "DEMO-TEHSILS-2025", items);
	if (rc == DF_OK && json_array_size(moves))
		rc = apply(d, d->split_day, "Demo: Quetta's sub-divisions follow the split", "DEMO-TEHSILS-SPLIT", moves);
	for (size_t i = 0; i < n25 && rc == DF_OK; i++)
		for (int k = 0; k < plans[i].n && rc == DF_OK; k++, d->tehsils++)
			rc = org_unit_find(d->db, UNIT_TEHSIL, plans[i].name[k], day_of(DEMO_FROM), &plans[i].id[k]);
	json_decref(items);
	json_decref(moves);
	return rc;
}

/* ------------------------------------------------------------- the load */

/* resolve_logins - the unit each login's post is in. */
static int resolve_logins(struct demo *d)
{
	cal_day from = day_of(DEMO_FROM);
	int rc = DF_OK;

	for (size_t i = 0; i < COUNT_OF(logins) && rc == DF_OK; i++) {
		int64_t district = 0;

		switch (logins[i].at) {
		case AT_PROVINCE:
			d->login_unit[i] = d->province;
			break;
		case AT_DIVISION_OF:
			rc = org_unit_find(d->db, UNIT_DISTRICT, logins[i].unit, from, &district);
			if (rc == DF_OK)
				rc = org_unit_ancestor(d->db, district, UNIT_DIVISION, from, &d->login_unit[i]);
			break;
		case AT_DISTRICT:
			rc = org_unit_find(d->db, UNIT_DISTRICT, logins[i].unit, from, &d->login_unit[i]);
			break;
		case AT_TEHSIL:
			rc = org_unit_find(d->db, UNIT_TEHSIL, logins[i].unit, from, &d->login_unit[i]);
			break;
		default:
			break;
		}
		if (rc != DF_OK)
			snprintf(d->err, sizeof d->err, "cannot find the unit of login %s", logins[i].username);
	}
	return rc;
}

static int gen_province(struct demo *d)
{
	struct unit_life life = { .id = d->province, .from = DEMO_FROM };
	int rc = gen_templates(d, t_province, COUNT_OF(t_province), 0, d->province, &life, fill_permille(NULL),
			       SPLIT_NONE);

	for (size_t i = 0; i < COUNT_OF(departments) && rc == DF_OK; i++)
		rc = gen_templates(d, t_secretariat, COUNT_OF(t_secretariat), d->dept[i], d->province, &life,
				   fill_permille(NULL), SPLIT_NONE);
	return rc;
}

/* split_role - where district u stands in the split. */
static int split_role(const struct demo *d, const struct unit_life *u)
{
	if (!d->split_source)
		return SPLIT_NONE;
	if (u->id == d->split_source)
		return SPLIT_SOURCE_ROLE;
	for (size_t k = 0; k < COUNT_OF(split_successors); k++)
		if (strcmp(u->name, split_successors[k]) == 0 && strcmp(u->from, d->split_day) == 0)
			return (int)k;
	return SPLIT_NONE;
}

/* gen_district - a district's posts, its tehsils' and their schools'. */
static int gen_district(struct demo *d, const struct unit_life *u, const struct plan *p)
{
	int permille = fill_permille(u->name), split = split_role(d, u);
	int rc = gen_templates(d, t_district, COUNT_OF(t_district), 0, u->id, u, permille, split);

	if (rc == DF_OK && (!p || p->n == 0) && split == SPLIT_NONE)
		rc = gen_templates(d, &t_district_ac, 1, 0, u->id, u, permille, SPLIT_NONE);
	for (int k = 0; p && k < p->n && rc == DF_OK; k++) {
		struct unit_life t = { .id = p->id[k], .from = DEMO_FROM, .pop = u->pop / p->n };
		long schools = t.pop / PEOPLE_PER_SCHOOL;

		snprintf(t.name, sizeof t.name, "%s", p->name[k]);
		rc = gen_templates(d, t_tehsil, COUNT_OF(t_tehsil), 0, t.id, &t, permille, SPLIT_NONE);
		if (rc == DF_OK)
			rc = gen_schools(d, t.id, t.name, schools < 4 ? 4 : schools, &t, permille);
	}
	return rc;
}

/* make_users - the demo logins, each linked to the person in its post. */
static int make_users(struct demo *d)
{
	int rc = DF_OK;

	for (size_t i = 0; i < COUNT_OF(logins) && rc == DF_OK; i++) {
		int admin = logins[i].at == AT_NONE;
		int64_t uid = 0;

		if (!admin && !d->login_person[i]) {
			snprintf(d->err, sizeof d->err, "no post found for login %s", logins[i].username);
			return DF_EINTERNAL;
		}
		rc = auth_create_user(d->app, d->db, logins[i].username, DEMO_PASSWORD, d->login_person[i], admin, &uid);
		if (rc == DF_OK && admin)
			rc = auth_set_totp(d->db, uid, DEMO_TOTP);
		if (rc != DF_OK)
			snprintf(d->err, sizeof d->err, "cannot create login %s", logins[i].username);
	}
	return rc;
}

/* count_today - posts alive today and those nobody holds. */
static int count_today(struct db *db, int64_t *posts, int64_t *vacant)
{
	static const char sql[] = "SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM postings pg"
				  " WHERE pg.post_id = p.id AND " PEOPLE_ASOF("pg", "?1") ") THEN 0 ELSE 1 END)"
				  " FROM posts p WHERE " PEOPLE_ASOF("p", "?1");
	struct stmt *st = NULL;
	char day[11];
	int rc = db_prepare(db, sql, &st);

	*posts = *vacant = 0;
	if (rc != DF_OK)
		return rc;
	cal_format(people_today(), day);
	stmt_bind_text(st, 1, day, -1);
	rc = stmt_step(st);
	if (rc == STMT_ROW) {
		*posts = stmt_i64(st, 0);
		*vacant = stmt_isnull(st, 1) ? 0 : stmt_i64(st, 1);
		rc = DF_OK;
	}
	stmt_done(st);
	return rc;
}

static void print_logins(FILE *out)
{
	fprintf(out, "\n  %-42s %-15s %s\n", "role", "username", "password");
	for (size_t i = 0; i < COUNT_OF(logins); i++)
		fprintf(out, "  %-42s %-15s %s\n", logins[i].label, logins[i].username, DEMO_PASSWORD);
	fprintf(out, "\n  administrator TOTP secret: %s\n  otpauth://totp/daftar:admin?secret=%s&issuer=daftar\n"
		     "\n  The people, their names and CNICs (00000-...) are generated, not real persons.\n",
		DEMO_TOTP, DEMO_TOTP);
}

/* load - everything inside the caller's transaction. */
static int load(struct demo *d)
{
	struct popmap *pm = calloc(1, sizeof *pm);
	struct units *divs = calloc(1, sizeof *divs), *dists = calloc(1, sizeof *dists);
	struct plan *plans = calloc(MAX_UNITS, sizeof *plans);
	int64_t ids[2];
	size_t n = 0, n25 = 0;
	int rc = pm && divs && dists && plans ? DF_OK : DF_ENOMEM;

	if (rc == DF_OK)
		rc = org_units_list(d->db, UNIT_PROVINCE, day_of(DEMO_FROM), ids, 2, &n);
	if (rc == DF_OK && n == 0) {
		rc = org_load_reference(d->app, d->db, d->app->cfg.data_dir);
		if (rc == DF_OK)
			rc = org_units_list(d->db, UNIT_PROVINCE, day_of(DEMO_FROM), ids, 2, &n);
	}
	if (rc == DF_OK && n != 1)
		rc = DF_ENOTFOUND;
	if (rc != DF_OK)
		goto out;
	d->province = ids[0];
	for (size_t i = 0; i < COUNT_OF(departments) && rc == DF_OK; i++)
		rc = org_department_find(d->db, departments[i], &d->dept[i]);
	if (rc != DF_OK) {
		snprintf(d->err, sizeof d->err, "the reference departments are missing");
		goto out;
	}
	read_population(d->app->cfg.data_dir, pm);
	rc = list_units(d, UNIT_DIVISION, pm, divs);
	if (rc == DF_OK)
		rc = list_units(d, UNIT_DISTRICT, pm, dists);
	if (rc != DF_OK)
		goto out;
	for (size_t i = 0; i < dists->n; i++) {
		if (strcmp(dists->u[i].from, DEMO_FROM) == 0)
			n25 = i + 1;
		if (strcmp(dists->u[i].name, SPLIT_SOURCE) == 0 && dists->u[i].to[0]) {
			d->split_source = dists->u[i].id;
			memcpy(d->split_day, dists->u[i].to, sizeof d->split_day);
		}
	}
	rc = make_tehsils(d, dists, n25, plans);
	if (rc == DF_OK)
		rc = resolve_logins(d);
	if (rc == DF_OK)
		rc = gen_province(d);
	for (size_t i = 0; i < divs->n && rc == DF_OK; i++)
		rc = gen_templates(d, t_division, COUNT_OF(t_division), 0, divs->u[i].id, &divs->u[i], 880, SPLIT_NONE);
	for (size_t i = 0; i < dists->n && rc == DF_OK; i++)
		rc = gen_district(d, &dists->u[i], i < n25 ? &plans[i] : NULL);
	if (rc == DF_OK)
		rc = make_users(d);
out:
	free(pm);
	free(divs);
	free(dists);
	free(plans);
	return rc;
}

/* audit_load - one leaf for the whole generated load. */
static int audit_load(struct demo *d)
{
	json_t *rec = json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:b}", "from", DEMO_FROM, "posts", (int)d->posts,
				"people", (int)d->people, "postings", (int)d->postings, "tehsils", (int)d->tehsils,
				"logins", (int)COUNT_OF(logins), "generated", 1);
	int rc = rec ? audit_append_json(d->db, "people.demo.load", "demo", 0, 0, rec) : DF_ENOMEM;

	json_decref(rec);
	return rc;
}

int org_demo(struct app *app, struct db *db, FILE *out)
{
	struct demo *d = calloc(1, sizeof *d);
	struct timespec t0, t1;
	int64_t existing = 0, today_posts = 0, today_vacant = 0;
	int rc;

	if (!d)
		return DF_ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	d->app = app;
	d->db = db;
	d->seed = DEMO_SEED;
	rc = db_query_i64(db, "SELECT COUNT(*) FROM people WHERE generated = 1", 0, NULL, &existing);
	if (rc != DF_OK)
		goto out;
	if (existing > 0) {
		fprintf(out, "daftar demo: the demo is loaded already (%lld generated people); the logins:\n",
			(long long)existing);
		print_logins(out);
		goto out;
	}
	rc = db_begin(db);
	if (rc == DF_OK)
		rc = load(d);
	if (rc == DF_OK)
		rc = audit_load(d);
	if (rc == DF_OK)
		rc = count_today(db, &today_posts, &today_vacant);
	rc = people_finish_tx(db, rc);
	if (rc != DF_OK) {
		fprintf(stderr, "daftar demo: %s%s%s\n", df_strerror(rc), d->err[0] ? ": " : "", d->err);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(out,
		"daftar demo: %ld posts, %ld generated people, %ld postings, %ld generated tehsils in %.2f s\n"
		"  today: %lld posts sanctioned, %lld filled, %lld vacant\n",
		d->posts, d->people, d->postings, d->tehsils,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, (long long)today_posts,
		(long long)(today_posts - today_vacant), (long long)today_vacant);
	print_logins(out);
out:
	free(d);
	return rc;
}
