#!/usr/bin/env node
// Cycles between the folders of one service: `services/<name>/src/<folder>/…` importing
// `<other folder>` and back, however long the way round. A file-level no-circular misses them
// (a → b/x.ts → a/y.ts is no file cycle), so dependency-cruiser (pinned in package.json) lists
// every import, type-only ones included, and this collapses each file to its top-level folder
// under src/ and finds the strongly connected components of that graph. Files directly in
// src/ (main.ts, app.module.ts, config.ts) are the composition root: leaving them out keeps
// "the root wires every folder" from counting as a cycle through config.ts.
//
// Layers (folder-layers.mjs), for the services listed there: every folder is in one layer
// and imports only from the layers its layer may use (cores import no feature or
// infrastructure folder, features no controller…) and no package its layer may not use (a
// core: no Nest, database or clients): a back-edge fails even before it closes a cycle, and a
// new folder must be given a layer.
//
//   node deploy/local/folder-cycles.mjs [--root <dir>] [--allow <file.mjs> | --no-allow]
//                                       [--layers <file.mjs>]
//
// Exit 0: no cycle except exactly those allowed, no layer broken. Exit 1: a new cycle, an
// allowed one that is gone (take it off the list so it cannot come back), a folder importing
// from a layer it may not, or a folder in no layer. Exit 2: the analysis itself failed.
import { execFileSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const root = resolve(option('--root', '.'));
const allowFile = option('--allow', join(import.meta.dirname, 'folder-cycles.allow.mjs'));
const layersFile = option('--layers', join(import.meta.dirname, 'folder-layers.mjs'));

/** The import graph of every service's src/ (one run), from dependency-cruiser's JSON. */
function importsOf(services) {
  const bin = join(import.meta.dirname, '../../node_modules/.bin/depcruise');
  const tsConfig = existsSync(join(root, 'tsconfig.json')) ? ['--ts-config', 'tsconfig.json'] : [];
  const out = execFileSync(
    bin,
    [
      ...services.map((service) => `services/${service}/src`),
      '--no-config',
      ...tsConfig,
      '--ts-pre-compilation-deps',
      '--exclude',
      '\\.(spec|int-spec)\\.ts$',
      '--do-not-follow',
      '^(node_modules|libs)/',
      '--output-type',
      'json',
    ],
    { cwd: root, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
  );
  return JSON.parse(out).modules;
}

/** `services/x/src/pools/a.ts` → `pools`; a file directly in src/ → null (the root). */
function folderOf(service, path) {
  const prefix = `services/${service}/src/`;
  if (!path.startsWith(prefix)) return null;
  const parts = path.slice(prefix.length).split('/');
  return parts.length > 1 ? parts[0] : null;
}

/**
 * Folder → folders it imports, and one file-level witness per edge (for the message); folder
 * → packages it imports (bare specifiers: `@nestjs/common`, `node:fs`), with a witness each.
 */
function folderGraph(service, modules) {
  const edges = new Map();
  const witness = new Map();
  const packages = new Map();
  for (const m of modules) {
    const from = folderOf(service, m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      if (!d.module.startsWith('.')) {
        if (!packages.has(from)) packages.set(from, new Map());
        if (!packages.get(from).has(d.module)) packages.get(from).set(d.module, m.source);
      }
      const to = folderOf(service, d.resolved);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from).add(to);
      const key = `${from} -> ${to}`;
      if (!witness.has(key)) witness.set(key, `${m.source} imports ${d.resolved}`);
    }
  }
  return { edges, witness, packages };
}

/** Tarjan's strongly connected components with more than one folder: the cycles. */
function cycles(edges) {
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])]);
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!idx.has(v)) visit(v);
  return found;
}

/** The edges inside one component: what to cut. */
function edgesWithin(scc, edges) {
  const inside = new Set(scc);
  return scc.flatMap((from) =>
    [...(edges.get(from) ?? [])].filter((to) => inside.has(to)).map((to) => `${from} -> ${to}`),
  );
}

/**
 * The problems of a layered service: folders in no layer, imports into a layer the folder's
 * own may not use, packages its layer may not use (`forbidden`: specifier prefixes).
 */
function layerProblems(service, { edges, witness, packages }, { rules, forbidden, services }) {
  const layers = services[service];
  if (!layers) return [];
  const layerOf = new Map();
  for (const [layer, folders] of Object.entries(layers)) {
    if (!rules[layer]) return [`${service}: layer ${layer} has no rule in ${layersFile}`];
    for (const folder of folders) layerOf.set(folder, layer);
  }
  const folders = new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])]);
  const problems = [];
  for (const folder of [...folders].sort())
    if (!layerOf.has(folder))
      problems.push(`${service}: folder ${folder} is in no layer: add it to ${layersFile}`);
  for (const [from, tos] of [...edges].sort(([a], [b]) => a.localeCompare(b))) {
    const fromLayer = layerOf.get(from);
    if (!fromLayer) continue;
    for (const to of [...tos].sort()) {
      const toLayer = layerOf.get(to);
      if (!toLayer || rules[fromLayer].includes(toLayer)) continue;
      problems.push(
        `${service}: layer edge ${from} (${fromLayer}) -> ${to} (${toLayer}): a ${fromLayer} ` +
          `may import only ${rules[fromLayer].join(', ')} (${witness.get(`${from} -> ${to}`)})`,
      );
    }
  }
  for (const [folder, used] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    const denied = forbidden?.[layerOf.get(folder)] ?? [];
    for (const [name, file] of [...used].sort(([a], [b]) => a.localeCompare(b)))
      if (denied.some((prefix) => name === prefix || name.startsWith(`${prefix}/`)))
        problems.push(
          `${service}: ${folder} (${layerOf.get(folder)}) imports ${name}, which a ` +
            `${layerOf.get(folder)} may not use (${file})`,
        );
  }
  return problems;
}

async function main() {
  const allowed = args.includes('--no-allow')
    ? {}
    : (await import(pathToFileURL(resolve(allowFile)).href)).default;
  const layers = (await import(pathToFileURL(resolve(layersFile)).href)).default;
  const services = readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, 'services', d.name, 'src')))
    .map((d) => d.name)
    .sort();
  const modules = importsOf(services);
  let problems = 0;
  for (const service of services) {
    const graph = folderGraph(service, modules);
    const { edges, witness } = graph;
    const actual = new Set(cycles(edges).flatMap((scc) => edgesWithin(scc, edges)));
    const allow = new Set(allowed[service] ?? []);
    for (const edge of [...actual].sort()) {
      if (allow.has(edge)) continue;
      problems++;
      console.error(`${service}: folder cycle edge ${edge} (${witness.get(edge)})`);
    }
    for (const edge of [...allow].sort()) {
      if (actual.has(edge)) continue;
      problems++;
      console.error(
        `${service}: allowed edge ${edge} is no longer in a cycle: remove it from ${allowFile}`,
      );
    }
    const broken = layerProblems(service, graph, layers);
    for (const problem of broken) console.error(problem);
    problems += broken.length;
    const kept = [...actual].filter((e) => allow.has(e)).length;
    const verdict = actual.size - kept === 0 ? 'ok' : 'CYCLES';
    console.log(
      `${service}: ${verdict}${kept ? ` (${kept} allowed edges)` : ''}` +
        (layers.services[service] ? (broken.length ? ', LAYERS BROKEN' : ', layers ok') : ''),
    );
  }
  if (problems) {
    console.error(`${problems} folder-cycle/layer problem(s)`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`folder-cycles: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
