// No cycle between two modules of src/, even one that passes through their subfolders (entities/,
// dto/, ...), which dependency-cruiser's folder rule compares directory by directory and so misses.
// The import graph comes from dependency-cruiser (every file of src/, type-only imports included,
// as .dependency-cruiser.cjs says), collapsed to one node per module: src/<module>, and
// src/pems/<part>. Prints each cycle and exits 1 when there is one.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODULE = /^src\/(pems\/[^/]+|[^/]+)/;
const output = execFileSync(join(root, 'node_modules', '.bin', 'depcruise'), ['src', '--include-only', '^src/', '--output-type', 'json'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
const moduleOf = (path) => MODULE.exec(path)?.[0] ?? path;

/** module -> module -> one file-level import that makes the edge, for the report */
const edges = new Map();
for (const file of JSON.parse(output).modules) {
  const from = moduleOf(file.source);
  for (const dependency of file.dependencies) {
    const to = moduleOf(dependency.resolved);
    if (!dependency.resolved.startsWith('src/') || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${file.source} -> ${dependency.resolved}`);
  }
}

// Tarjan's strongly connected components: every component of more than one module is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function visit(node) {
  index.set(node, counter);
  low.set(node, counter);
  counter += 1;
  stack.push(node);
  onStack.add(node);
  for (const next of edges.get(node)?.keys() ?? []) {
    if (!index.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node), low.get(next)));
    } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
  }
  if (low.get(node) !== index.get(node)) return;
  const component = [];
  for (let member = stack.pop(); ; member = stack.pop()) {
    onStack.delete(member);
    component.push(member);
    if (member === node) break;
  }
  if (component.length > 1) cycles.push(component.sort());
}
for (const node of edges.keys()) if (!index.has(node)) visit(node);

if (cycles.length === 0) {
  console.log(`✔ no cycle between modules (${new Set([...edges.keys(), ...[...edges.values()].flatMap((to) => [...to.keys()])]).size} modules)`);
} else {
  for (const cycle of cycles) {
    console.error(`✖ modules in a cycle: ${cycle.join(', ')}`);
    for (const from of cycle) for (const [to, via] of edges.get(from) ?? []) if (cycle.includes(to)) console.error(`    ${from} -> ${to}  (${via})`);
  }
  process.exit(1);
}
