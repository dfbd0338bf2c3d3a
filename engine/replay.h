/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BULWARK_REPLAY_H
#define BULWARK_REPLAY_H

#include <json-c/json.h>

#include "compile.h"

/*
 * The values the kernel classified a decision on, read back from its
 * record (the record fields of bpf/events.h's table of dimensions), for
 * compiled_decide().  0, or -1 when the record cannot be replayed: a
 * syscall record without its call, or a field of the wrong type, which
 * *wrong then names (a wrong type is not a different outcome).
 */
int record_values(struct json_object *o, int cls, struct bw_values *v,
		  const char **wrong);

#endif
