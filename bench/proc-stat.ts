/** Readers for /proc/<pid>/ files: a process's CPU time and memory, as the kernel accounts them. */

const KIB = 1024;

/** User plus system CPU time of every thread of the process, in clock ticks (`/proc/<pid>/stat`, fields 14 and 15). */
export function cpuTicks(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const UTIME = 11;
  const STIME = 12;
  const ticks = Number(rest[UTIME]) + Number(rest[STIME]);
  if (!Number.isFinite(ticks)) throw new Error(`unreadable /proc stat line: ${stat}`);
  return ticks;
}

/** A `kB` field of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in bytes. */
export function statusBytes(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (match === null) throw new Error(`no ${field} in /proc status`);
  return Number(match[1]) * KIB;
}
