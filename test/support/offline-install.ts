import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optional?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

/** A packed package: its tarball and the manifest packed in it. */
export interface Tarball {
  file: string;
  manifest: {
    name: string;
    version: string;
    license?: string;
    bin?: Record<string, string>;
    engines?: Record<string, string>;
    dependencies?: Record<string, string>;
  };
}

/** A project's package.json, as far as installing goes. */
export interface ProjectManifest {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * Installs a project with no network: its packed tarballs, and its other dependencies at the
 * versions the repository's own package-lock.json resolved (the versions its tests ran with),
 * written as the project's lock, then `npm ci --offline`, which reads the packages' tarballs from
 * npm's cache (the repository's `npm install` put them there). A project given as a list of names
 * depends on those tarballs alone; a manifest names tarballs by their package name (the spec is
 * replaced by the tarball's file).
 */
export async function installOffline(
  project: string,
  rootLockPath: string,
  tarballs: Tarball[],
  wanted: string[] | ProjectManifest,
): Promise<void> {
  mkdirSync(project, { recursive: true });
  const registry = (await run('npm', ['config', 'get', 'registry'])).stdout
    .trim()
    .replace(/\/?$/, '/');
  const rootLock = JSON.parse(readFileSync(rootLockPath, 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const spec = (t: Tarball) => `file:${relative(project, t.file)}`;
  const byName = new Map(tarballs.map((t) => [t.manifest.name, t]));
  const manifest: ProjectManifest = Array.isArray(wanted)
    ? { dependencies: Object.fromEntries(wanted.map((name) => [name, ''])) }
    : { ...wanted };
  const withTarballs = (deps: Record<string, string> | undefined) =>
    deps &&
    Object.fromEntries(
      Object.entries(deps).map(([name, range]) => {
        const tarball = byName.get(name);
        return [name, tarball ? spec(tarball) : range];
      }),
    );
  const dependencies = withTarballs(manifest.dependencies);
  const devDependencies = withTarballs(manifest.devDependencies);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'app',
      version: '1.0.0',
      private: true,
      type: 'module',
      ...manifest,
      ...(dependencies ? { dependencies } : {}),
      ...(devDependencies ? { devDependencies } : {}),
    }),
  );

  const packages: Record<string, LockEntry> = {
    '': {
      name: 'app',
      version: '1.0.0',
      ...(dependencies ? { dependencies } : {}),
      ...(devDependencies ? { devDependencies } : {}),
    },
  };
  const pending: Array<[from: string, name: string, optional: boolean]> = [];
  for (const name of Object.keys({ ...dependencies, ...devDependencies })) {
    if (!byName.has(name)) pending.push(['', name, false]);
  }
  for (const t of tarballs) {
    const { name, version, license, bin, engines, dependencies: deps = {} } = t.manifest;
    packages[`node_modules/${name}`] = {
      version,
      resolved: spec(t),
      ...(license ? { license } : {}),
      ...(Object.keys(deps).length > 0 ? { dependencies: deps } : {}),
      ...(bin ? { bin } : {}),
      ...(engines ? { engines } : {}),
    };
    for (const dep of Object.keys(deps)) pending.push([`node_modules/${name}`, dep, false]);
  }
  // Node's resolution over the lock's paths: the nearest node_modules/<name> up from the importer.
  const locate = (from: string, name: string): string | undefined => {
    for (let at = from; ;) {
      const path = `${at ? `${at}/` : ''}node_modules/${name}`;
      if (byName.has(name) && path === `node_modules/${name}`) return path;
      if (rootLock.packages[path]) return path;
      if (!at) return undefined;
      const cut = at.lastIndexOf('/node_modules/');
      at = cut < 0 ? '' : at.slice(0, cut);
    }
  };
  while (pending.length > 0) {
    const [from, name, optional] = pending.pop()!;
    const path = locate(from, name);
    if (!path) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${from}) is not in the repository's package-lock.json`);
    }
    if (packages[path]) continue;
    // Whether it was a development dependency of the repository says nothing here.
    const entry = { ...rootLock.packages[path] };
    delete entry.dev;
    delete entry.devOptional;
    delete entry.peer;
    // The repository's lock names no tarball addresses (npm reads them from the registry's
    // metadata, which the cache may not hold): the registry's address, found in the cache by the
    // lock's integrity.
    const packageName = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    entry.resolved ??= `${registry}${packageName}/-/${packageName.replace(/^@[^/]+\//, '')}-${entry.version}.tgz`;
    packages[path] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) pending.push([path, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {}))
      pending.push([path, dep, true]);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) {
      pending.push([path, dep, entry.peerDependenciesMeta?.[dep]?.optional === true]);
    }
  }
  writeFileSync(
    join(project, 'package-lock.json'),
    JSON.stringify({ name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }),
  );
  await run(
    'npm',
    ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    { cwd: project },
  );
}
