/**
 * What the benchmark scripts share: BENCHMARKS.md holds one section per benchmark script between
 * `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->`, and each script rewrites only its own
 * section and keeps the others; percentiles and number formats; CPU time per process from /proc.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/temporal/tools';

export const sectionMarkers = (name: string) => ({ begin: `<!-- bench:${name}:begin -->`, end: `<!-- bench:${name}:end -->` });

/** Replaces (or appends) the section `name` with `body` (the lines between the markers). */
export function writeBenchmarkSection(name: string, body: string[]): string {
  const { begin, end } = sectionMarkers(name);
  const section = [begin, ...body, end].join('\n');
  const file = join(projectRoot, 'BENCHMARKS.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next = start >= 0 && stop > start ? current.slice(0, start) + section + current.slice(stop + end.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  return section;
}

// ---- figures -----------------------------------------------------------------------------------

/** The nearest-rank percentile `p` (0–100) of `sorted` (ascending); NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
export const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
export const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

// ---- CPU time from /proc (Linux; USER_HZ = 100 jiffies a second) --------------------------------

export interface ProcessCpu {
  ppid: number;
  /** user + system jiffies so far */
  jiffies: number;
  /** the executable's name as the kernel has it (e.g. `temporal`, `postgres`, `node`) */
  comm: string;
}

/** Every process's CPU jiffies, by pid. */
export function processCpu(): Map<number, ProcessCpu> {
  const procs = new Map<number, ProcessCpu>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(entry), { ppid: Number(rest[1]), jiffies: Number(rest[11]) + Number(rest[12]), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch { /* gone meanwhile */ }
  }
  return procs;
}

/** `roots` and all their descendants among `procs`. */
export function withDescendants(procs: Map<number, ProcessCpu>, roots: number[]): Set<number> {
  const set = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of procs) if (!set.has(pid) && set.has(p.ppid)) { set.add(pid); grew = true; }
  }
  return set;
}

/** The whole machine's jiffies: busy, stolen by the hypervisor (part of busy), total. */
export function machineCpu(): { busy: number; steal: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, steal: f[7] ?? 0, total };
}

export const cmdlineOf = (pid: number) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } };
