/**
 * BENCHMARKS.md holds one section per benchmark script between `<!-- bench:NAME:begin -->` and
 * `<!-- bench:NAME:end -->`; each script rewrites only its own section and keeps the others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
