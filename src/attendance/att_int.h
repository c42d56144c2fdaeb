/*
 * att_int.h - internal to the attendance module: the handlers that live
 * outside api_attendance.c (which holds the route table).
 */
#ifndef DF_ATT_INT_H
#define DF_ATT_INT_H

struct request;

/* GET /api/v1/presence (presence.c) */
int presence_get(struct request *r);

#endif
