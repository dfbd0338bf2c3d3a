/* SPDX-License-Identifier: GPL-2.0 */
/* profile --lua: LuaJIT frames (stub until the walk lands) */
static __always_inline __u32 prof_lua_walk(struct bpf_perf_event_data *ctx, __u32 tid)
{
	(void)ctx;
	(void)tid;
	return 0;
}
