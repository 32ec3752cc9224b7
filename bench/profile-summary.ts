// Summarises a V8 .cpuprofile: where the benchmark's time goes, by function and by layer.
//
//   NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/atiende-prof" npx tsx bench/run.ts
//   npx tsx bench/profile-summary.ts /tmp/atiende-prof/<the largest>.cpuprofile [--top 30]
//
// Self time of native frames (JSON.parse, RegExp, Map…) is shown on its own line and also
// charged to the layer of the nearest JavaScript caller, so "our code" includes the JSON work
// our code asks for.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' } },
});
const file = positionals[0];
if (!file) {
  process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [--top N]\n');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** The layer a frame belongs to, by its script's URL. */
function layerOf(url: string, functionName: string): string | null {
  if (SPECIAL.has(functionName)) return functionName;
  if (url === '') return null; // native: charged to the caller's layer
  const u = decodeURIComponent(url);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1];
  if (pkg) {
    if (pkg === 'xstate') return 'xstate';
    if (pkg === 'mongodb') return 'mongodb driver';
    if (pkg === 'bson') return 'bson';
    if (pkg === 'mongoose') return 'mongoose';
    if (pkg === 'tsx' || pkg === 'esbuild' || pkg === 'get-tsconfig') return 'tsx (loader)';
    return `npm: ${pkg}`;
  }
  if (u.startsWith('node:')) return 'node internals';
  const src = /\/(src\/[^/]+|bench|test)\//.exec(u)?.[1];
  if (src) return src === 'bench' ? 'bench harness' : `ours: ${src}`;
  return 'other';
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** The layer of a node, natives taking their nearest JavaScript caller's layer. */
const layerCache = new Map<number, string>();
function nodeLayer(id: number): string {
  const cached = layerCache.get(id);
  if (cached) return cached;
  const n = byId.get(id)!;
  let layer = layerOf(n.callFrame.url, n.callFrame.functionName);
  if (layer === null) {
    const p = parent.get(id);
    layer = p === undefined ? 'native' : nodeLayer(p);
    if (layer === '(root)') layer = 'native';
  }
  layerCache.set(id, layer);
  return layer;
}

const self = new Map<number, number>(); // node id → µs
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i]!;
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url: string) =>
  decodeURIComponent(url)
    .replace(/^file:\/\/.*?\/node_modules\//, '')
    .replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/');

interface Row {
  name: string;
  layer: string;
  us: number;
}
const functions = new Map<string, Row>();
const layers = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const f = n.callFrame;
  const layer = nodeLayer(id);
  layers.set(layer, (layers.get(layer) ?? 0) + us);
  const where = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : `native, called from ${layer}`;
  const name = `${f.functionName || '(anonymous)'}  ${where}`;
  const row = functions.get(name) ?? { name, layer, us: 0 };
  row.us += us;
  functions.set(name, row);
}

// Inclusive time of our own functions (each sample counted once per function on its stack).
const inclusive = new Map<string, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const seen = new Set<string>();
  for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
    const f = byId.get(id)!.callFrame;
    if (!/\/src\//.test(f.url)) continue;
    const key = `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
}

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const busy = total - (layers.get('(idle)') ?? 0);
const out = (line: string) => process.stdout.write(`${line}\n`);

out(`profile: ${file}`);
out(
  `sampled ${(total / 1e6).toFixed(1)} s, of which busy (not idle) ${(busy / 1e6).toFixed(1)} s ` +
    `(${((100 * busy) / total).toFixed(0)} %)`,
);
out('');
out('by layer (self time; natives charged to their JavaScript caller):');
for (const [layer, us] of [...layers].sort((a, b) => b[1] - a[1])) {
  out(`  ${layer.padEnd(28)} ${ms(us)} ${pct(us)}   ${((100 * us) / busy).toFixed(1)} % of busy`);
}
out('');
out(`top ${top} functions by self time:`);
for (const row of [...functions.values()].sort((a, b) => b.us - a.us).slice(0, top)) {
  out(`  ${ms(row.us)} ${pct(row.us)}  [${row.layer}] ${row.name}`);
}
out('');
out(`top ${Math.min(top, 20)} of our functions by inclusive time:`);
for (const [name, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 20))) {
  out(`  ${ms(us)} ${pct(us)}  ${name}`);
}
