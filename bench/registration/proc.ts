/**
 * Readings from Linux's /proc for the benchmark: CPU time of process trees, so it can say where a
 * REGISTER's cost goes (Kamailio, agent, Redis, SIPp) and not only how many per second; and the
 * host's count of UDP datagrams dropped for a full receive buffer, since one dropped REGISTER
 * costs SIPp a 500 ms retransmission and would swamp a one-second run.
 */

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return null; // exited meanwhile
  }
  // The command name is in parentheses and may itself hold spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // After the name: state(0) ppid(1) ... utime(11) stime(12).
  return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = readStat(Number(entry.name));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** CPU seconds used so far by each root pid and all its descendants, keyed like `roots`. */
export function treeCpuSeconds(roots: Record<string, number>): Record<string, number> {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const result: Record<string, number> = {};
  for (const [name, root] of Object.entries(roots)) {
    let ticks = 0;
    const queue = byPid.has(root) ? [byPid.get(root)!] : [];
    while (queue.length) {
      const next = queue.pop()!;
      ticks += next.ticks;
      queue.push(...(children.get(next.pid) ?? []));
    }
    result[name] = ticks / TICKS_PER_SECOND;
  }
  return result;
}

/** Host-wide count of UDP datagrams dropped because a socket's receive buffer was full. */
export function udpReceiveBufferErrors(): number {
  const lines = Deno.readTextFileSync("/proc/net/snmp").split("\n").filter((l) =>
    l.startsWith("Udp:")
  );
  // Two "Udp:" lines: the field names, then the values.
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const index = names.indexOf("RcvbufErrors");
  return index < 0 ? NaN : Number(values[index]);
}
