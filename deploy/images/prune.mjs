#!/usr/bin/env node
// Lays out one service for its image: its built JS, the built JS of the @maas/* libs it
// imports, and only the third-party packages those import, with their own dependencies,
// copied from the installed node_modules (so the versions are the lock file's).
//
//   node deploy/images/prune.mjs <service> <out-dir>
//
// <out-dir> gets package.json ("type": "module", the pruned dependencies with their
// installed versions), dist/ and node_modules/. The image runs `node dist/main.js` in it.
//
// What is imported is read from the built files themselves, walking the import graph from
// each top-level entry point (main.js, migrate.js, …), so a lib or package only a test
// helper uses stays out. A third-party import that is not a production dependency of the
// root package.json is an error: the image would otherwise lack it.
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
// A root devDependency, present wherever the services are built: its scanner reads the
// import/export/import()/require() specifiers of a file as a parser does (not in comments
// or strings).
import ts from 'typescript';

const repo = path.resolve(import.meta.dirname, '../..');
const [service, outArg, sharedFlag, sharedArg] = process.argv.slice(2);
if (
  !service ||
  !outArg ||
  (sharedFlag !== undefined && (sharedFlag !== '--shared' || !sharedArg))
) {
  process.stderr.write('usage: prune.mjs <service> <out-dir> [--shared <dir>]\n');
  process.exit(2);
}
// --shared: third-party files are copied once into <dir> and hard-linked into each service's
// tree, so the trees of all services together hold each package once (one small layer).
const shared = sharedArg ? path.resolve(sharedArg) : undefined;
const out = path.resolve(outArg);
const serviceDir = path.join(repo, 'services', service);
const rootManifest = readJson(path.join(repo, 'package.json'));
const productionDeps = new Set(Object.keys(rootManifest.dependencies ?? {}));
const builtins = new Set(builtinModules);

// Packages that load others lazily (require inside a function), which no import shows.
// Nest's ValidationPipe loads class-validator and class-transformer; TypeORM loads its
// PostgreSQL driver.
const LAZY = {
  '@nestjs/common': ['class-validator', 'class-transformer'],
  typeorm: ['pg'],
};

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function fail(message) {
  process.stderr.write(`prune ${service}: ${message}\n`);
  process.exit(1);
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function specifiersOf(file) {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return new Set(info.importedFiles.map((f) => f.fileName));
}

function resolveRelative(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return fail(`${path.relative(repo, from)} imports ${specifier}, which is not built`);
}

/** The entry file of a workspace lib (its exports "." default, built). */
function libEntry(name) {
  const dir = path.join(repo, 'libs', name.slice('@maas/'.length));
  if (!fs.existsSync(path.join(dir, 'package.json'))) fail(`unknown workspace lib ${name}`);
  const manifest = readJson(path.join(dir, 'package.json'));
  const target = manifest.exports?.['.']?.default ?? manifest.main ?? './dist/index.js';
  const entry = path.join(dir, target);
  if (!fs.existsSync(entry)) fail(`${name} is not built (${path.relative(repo, entry)} missing)`);
  return { dir, entry };
}

// 1. Walk the import graph of the service's built entry points.
const dist = path.join(serviceDir, 'dist');
if (!fs.existsSync(path.join(dist, 'main.js'))) fail(`services/${service}/dist/main.js missing`);
const entries = fs
  .readdirSync(dist)
  .filter((f) => f.endsWith('.js'))
  .map((f) => path.join(dist, f));
const seenFiles = new Set();
const libs = new Map(); // name -> dir
const external = new Map(); // package -> first importer (for messages)
const queue = [...entries];
while (queue.length > 0) {
  const file = queue.pop();
  if (seenFiles.has(file)) continue;
  seenFiles.add(file);
  for (const specifier of specifiersOf(file)) {
    if (specifier.startsWith('.')) {
      queue.push(resolveRelative(file, specifier));
    } else if (specifier.startsWith('node:') || builtins.has(specifier)) {
      continue;
    } else if (specifier.startsWith('@maas/')) {
      const name = packageOf(specifier);
      if (!libs.has(name)) {
        const { dir, entry } = libEntry(name);
        libs.set(name, dir);
        queue.push(entry);
      }
    } else {
      const name = packageOf(specifier);
      if (!external.has(name)) external.set(name, path.relative(repo, file));
    }
  }
}
for (const [name, importer] of external) {
  if (!productionDeps.has(name)) {
    fail(`${importer} imports ${name}, which is not in the root package.json "dependencies"`);
  }
}

// 2. The installed packages those need, resolved as Node does (nearest node_modules up).
function findPackage(name, fromDir) {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (dir === repo) return undefined;
    dir = path.dirname(dir);
  }
}

const packages = new Map(); // real dir -> manifest
function addPackage(name, fromDir, optional) {
  const dir = findPackage(name, fromDir);
  if (!dir) {
    if (optional) return;
    fail(`${name} (needed from ${path.relative(repo, fromDir) || '.'}) is not installed`);
  }
  if (packages.has(dir)) return;
  const manifest = readJson(path.join(dir, 'package.json'));
  packages.set(dir, manifest);
  const peersMeta = manifest.peerDependenciesMeta ?? {};
  for (const dep of Object.keys(manifest.dependencies ?? {})) addPackage(dep, dir, false);
  for (const dep of Object.keys(manifest.optionalDependencies ?? {})) addPackage(dep, dir, true);
  // Required peers must be there; optional peers only when the app itself uses them.
  for (const dep of Object.keys(manifest.peerDependencies ?? {})) {
    if (!peersMeta[dep]?.optional) addPackage(dep, dir, false);
  }
  for (const dep of LAZY[name] ?? []) addPackage(dep, dir, true);
}
for (const name of external.keys()) addPackage(name, repo, false);

// 3. Lay it out.
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'node_modules'), { recursive: true });
// Type declarations, source maps and docs of third-party packages are a third of their size
// and nothing at run time reads them.
const NOT_AT_RUNTIME = /\.(d\.[cm]?ts|map|md)$/i;
/**
 * Recreates a package's tree `from` at `to`: directories made, files hard-linked, links
 * copied; its own node_modules (other packages, chosen one by one) left out.
 */
function linkTree(from, to, top = true) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (top && entry.name === 'node_modules') continue;
    const [src, dst] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) linkTree(src, dst, false);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dst);
    else fs.linkSync(src, dst);
  }
}
const copy = (from, to, thirdParty) =>
  fs.cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    // A package's own node_modules holds other packages: those are chosen one by one.
    filter: (src) =>
      !thirdParty || (src !== path.join(from, 'node_modules') && !NOT_AT_RUNTIME.test(src)),
  });
copy(dist, path.join(out, 'dist'), false);
for (const [name, dir] of libs) {
  const target = path.join(out, 'node_modules', name);
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(dir, 'package.json'), path.join(target, 'package.json'));
  copy(path.join(dir, 'dist'), path.join(target, 'dist'), false);
}
const installed = {};
for (const [dir, manifest] of packages) {
  const rel = path.relative(repo, dir);
  if (!rel.startsWith('node_modules'))
    fail(`${manifest.name} resolved outside node_modules: ${rel}`);
  if (shared) {
    const once = path.join(shared, rel);
    if (!fs.existsSync(once)) copy(dir, once, true);
    linkTree(once, path.join(out, rel));
  } else {
    copy(dir, path.join(out, rel), true);
  }
  if (external.has(manifest.name)) installed[manifest.name] = manifest.version;
}
const own = readJson(path.join(serviceDir, 'package.json'));
const manifest = {
  name: own.name,
  version: rootManifest.version,
  private: true,
  type: 'module',
  description: `${own.name}: built JS and pruned production dependencies (deploy/images/prune.mjs)`,
  dependencies: Object.fromEntries(
    Object.entries(installed).sort(([a], [b]) => a.localeCompare(b)),
  ),
  maasLibs: [...libs.keys()].sort(),
};
fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stderr.write(
  `prune ${service}: ${libs.size} libs, ${external.size} direct and ${packages.size} installed packages\n`,
);
