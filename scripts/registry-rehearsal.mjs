/**
 * @file The release, rehearsed against a real registry: starts verdaccio on 127.0.0.1 (config and storage in
 * a temp folder), copies the built workspace to a temp folder (so the working tree's package.json files and
 * CHANGELOGs are never touched), runs there the maintainer's steps of CONTRIBUTING ("Cut a release") with
 * `changeset version --snapshot` and `pnpm publish -r` to the local registry, installs every package by name
 * with plain npm in a scratch project outside the workspace, and runs each package's README example there
 * (`readme-examples.mjs`). verdaccio is stopped and every temp file removed at the end, pass or fail.
 * Exits non-zero naming the step that failed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXAMPLES, NOT_RUN, extractExample } from './readme-examples.mjs';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'tapenet-registry-'));
const started = Date.now();
const say = (msg) => console.log(`registry-rehearsal: ${msg} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
// Plain clients: none of the npm_config_* settings pnpm passes to scripts; the registry's token lives in a
// userconfig of our own.
const npmrc = join(work, 'npmrc');
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k))),
  NPM_CONFIG_USERCONFIG: npmrc,
};
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28 });
// Under `npx pnpm test` the pnpm running this script; run by hand, the root's packageManager through npx.
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const pnpmCmd = process.env.npm_execpath?.includes('pnpm')
  ? [process.execPath, process.env.npm_execpath]
  : ['npx', '-y', pinned];
const pnpm = (args, cwd) => run(pnpmCmd[0], [...pnpmCmd.slice(1), ...args], cwd);

/** GET or PUT `url` on a fresh connection (verdaccio closes idle keep-alive ones): status and JSON body. */
const request = (url, method = 'GET', body = undefined) =>
  new Promise((ok, fail) => {
    const req = httpRequest(url, { method, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        try {
          ok({ status: res.statusCode, json: JSON.parse(text) });
        } catch {
          ok({ status: res.statusCode, json: {} });
        }
      });
    });
    req.on('error', fail);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });

/** A port nothing listens on now. */
const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });

/** verdaccio's config: local storage, `@tapenet/*` published here only, everything else from npm. */
const config = (storage) => `storage: ${storage}
auth:
  htpasswd:
    file: ${join(work, 'htpasswd')}
    max_users: 1
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
packages:
  '@tapenet/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
    proxy: npmjs
log: { type: stdout, format: pretty, level: warn }
`;

let verdaccio;
let step = 'start verdaccio';
try {
  const port = await freePort();
  const registry = `http://127.0.0.1:${port}/`;
  writeFileSync(join(work, 'config.yaml'), config(join(work, 'storage')));
  const bin = join(root, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  verdaccio = spawn(process.execPath, [bin, '--config', join(work, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  verdaccio.stdout.on('data', (d) => (log += d));
  verdaccio.stderr.on('data', (d) => (log += d));
  for (let i = 0; ; i++) {
    if (verdaccio.exitCode !== null) throw new Error(`verdaccio exited (${verdaccio.exitCode}):\n${log}`);
    if (i > 300) throw new Error(`verdaccio did not answer on ${registry} within 30 s:\n${log}`);
    const up = await request(`${registry}-/ping`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) break;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  say(
    `verdaccio ${JSON.parse(readFileSync(join(root, 'node_modules/verdaccio/package.json'), 'utf8')).version} up on ${registry}`,
  );

  step = 'create the publishing user';
  const user = { name: 'ci', password: `ci-${port}-${Date.now()}` };
  const res = await request(`${registry}-/user/org.couchdb.user:ci`, 'PUT', user);
  const { token } = res.json;
  if (res.status !== 201 || typeof token !== 'string') throw new Error(`verdaccio refused the user (${res.status})`);
  writeFileSync(npmrc, `registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\n`);

  step = 'copy the built workspace';
  const repo = join(work, 'repo');
  for (const f of ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml', '.changeset'])
    cpSync(join(root, f), join(repo, f), { recursive: true });
  for (const name of readdirSync(join(root, 'packages'))) {
    cpSync(join(root, 'packages', name), join(repo, 'packages', name), {
      recursive: true,
      filter: (src) => !/[/\\](node_modules|test-results|\.turbo)$/.test(src),
    });
  }
  // Private apps only need their manifests: changesets' `ignore` names them.
  for (const name of readdirSync(join(root, 'apps'))) {
    mkdirSync(join(repo, 'apps', name), { recursive: true });
    cpSync(join(root, 'apps', name, 'package.json'), join(repo, 'apps', name, 'package.json'));
  }

  step = 'changeset version --snapshot';
  run(join(root, 'node_modules', '.bin', 'changeset'), ['version', '--snapshot', 'rehearsal'], repo);
  const versions = Object.fromEntries(
    readdirSync(join(repo, 'packages')).map((n) => {
      const p = JSON.parse(readFileSync(join(repo, 'packages', n, 'package.json'), 'utf8'));
      return [p.name, p.version];
    }),
  );
  say(
    `snapshot versions: ${Object.entries(versions)
      .map(([n, v]) => `${n}@${v}`)
      .join(', ')}`,
  );

  step = 'pnpm install (links the workspace for publish)';
  // pnpm publish resolves `workspace:` ranges from installed links; dev dependencies included, since their ranges are rewritten too.
  pnpm(
    ['install', '--prefer-offline', '--ignore-scripts', '--no-frozen-lockfile', '--config.confirmModulesPurge=false'],
    repo,
  );
  say('workspace copy installed');

  step = 'pnpm publish -r';
  pnpm(['publish', '-r', '--tag', 'rehearsal', '--no-git-checks', '--registry', registry], repo);
  for (const [name, version] of Object.entries(versions)) {
    const meta = (await request(`${registry}${name.replace('/', '%2f')}`)).json;
    if (meta.versions?.[version] === undefined) throw new Error(`${name}@${version} is not on the registry`);
  }
  say(`published ${Object.keys(versions).length} packages to ${registry}`);

  step = 'npm install by name';
  const scratch = join(work, 'scratch');
  mkdirSync(scratch);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  // --omit=optional: gpu.js's optional `gl` compiles natively for minutes; its 'cpu' mode needs no gl.
  // onnxruntime-node is what the onnx README runs the exported model with (its postinstall fetches optional
  // CUDA files from nuget.org, unreachable here: scripts off, the CPU binary ships in the package);
  // fast-check is autodiff's peer. core-install.mjs proves the core installs with scripts on.
  run(
    'npm',
    [
      'install',
      '--registry',
      registry,
      '--omit=optional',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...Object.keys(versions).map((n) => `${n}@rehearsal`),
      'onnxruntime-node@1.31.1',
      'fast-check@^4.0.0',
    ],
    scratch,
  );
  for (const [name, version] of Object.entries(versions)) {
    const got = JSON.parse(readFileSync(join(scratch, 'node_modules', name, 'package.json'), 'utf8')).version;
    if (got !== version) throw new Error(`npm installed ${name}@${got}, not the published ${version}`);
  }
  say(`installed ${Object.keys(versions).length} packages by name with npm from ${registry}`);

  const tmp = join(work, 'tmp');
  mkdirSync(tmp);
  for (const [name, file] of Object.entries(EXAMPLES)) {
    step = `the README example of ${name}`;
    const out = join(scratch, `${name.split('/')[1]}.example.mjs`);
    writeFileSync(out, extractExample(join(root, file), name));
    const t = Date.now();
    // Files the examples write (a run folder, an .onnx file) land in the temp folder removed at the end.
    const printed = execFileSync(process.execPath, [out], {
      cwd: scratch,
      env: { ...env, TMPDIR: tmp },
      encoding: 'utf8',
    });
    const last = printed.trim().split('\n').at(-1)?.slice(0, 80) || '(nothing)';
    say(
      `${name}: README example ran in the scratch project in ${((Date.now() - t) / 1000).toFixed(1)} s; it printed: ${last}`,
    );
  }
  for (const [name, why] of Object.entries(NOT_RUN)) say(`${name}: no README example run: ${why}`);
  say('done');
} catch (e) {
  console.error(
    `registry-rehearsal: failed at "${step}": ${e.message}${e.cause ? ` (${e.cause.message ?? e.cause})` : ''}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
  );
  process.exitCode = 1;
} finally {
  verdaccio?.kill();
  rmSync(work, { recursive: true, force: true });
}
