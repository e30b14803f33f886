/**
 * The container files, checked where no Docker engine runs: the Dockerfile's instructions
 * (parsed with dockerfile-ast) follow the packaging rules, and compose.yaml starts two nodes on
 * PostgreSQL and Redis behind a proxy with settings Keyward knows.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRepoFile, repoFilesUnder, ROOT, unknownSettings } from '../support/deploy-files.js';

interface Stage {
  readonly from: string;
  readonly name: string | null;
  readonly instructions: Instruction[];
}

function stagesOf(text: string): Stage[] {
  const stages: { from: string; name: string | null; instructions: Instruction[] }[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const words = (instruction.getArgumentsContent() ?? '').split(/\s+/);
      const as = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ from: words[0] ?? '', name: as >= 0 ? (words[as + 1] ?? null) : null, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

const argumentsOf = (stage: Stage, keyword: string): string[] =>
  stage.instructions
    .filter((instruction) => instruction.getKeyword() === keyword)
    .map((instruction) => instruction.getTextContent().slice(keyword.length).trim());

const envOf = (stage: Stage): Map<string, string> => {
  const env = new Map<string, string>();
  for (const instruction of stage.instructions.filter((candidate) => candidate.getKeyword() === 'ENV')) {
    for (const [, name, value] of (instruction.getArgumentsContent() ?? '').matchAll(
      /([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g,
    )) {
      if (name !== undefined) env.set(name, (value ?? '').replace(/^"|"$/g, ''));
    }
  }
  return env;
};

describe('the Dockerfile', () => {
  const stages = stagesOf(readRepoFile('Dockerfile'));
  const runtime = stages.at(-1) as Stage;
  const stage = (name: string): Stage => {
    const found = stages.find((candidate) => candidate.name === name);
    expect(found, `the ${name} stage`).toBeDefined();
    return found as Stage;
  };
  const copiedFrom = (into: Stage, from: Stage): string[] =>
    argumentsOf(into, 'COPY').filter((args) => args.includes(`--from=${from.name}`));

  it('builds every stage on Node 20, pinned by the digest of its image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const each of stages) expect(each.from, String(each.name)).toMatch(/^node:20[\w.-]*@sha256:[0-9a-f]{64}$/);
  });

  it('compiles better-sqlite3 from source with its toolchain, downloading nothing beyond the package registries', () => {
    const deps = stage('deps');
    const run = argumentsOf(deps, 'RUN').join('\n');
    expect(run).toMatch(/apt-get install -y --no-install-recommends [^\n]*\bpython3\b/);
    for (const tool of ['make', 'g\\+\\+'])
      expect(run).toMatch(new RegExp(`apt-get install[^\n]*\\s${tool}(\\s|$)`, 'm'));
    // prebuild-install gives up its download, and node-gyp takes this Node's headers instead of fetching them.
    expect(envOf(deps).get('npm_config_build_from_source')).toBe('true');
    expect(envOf(deps).get('npm_config_nodedir')).toBe('/usr/local');
    expect(run).toMatch(/\bnpm ci --omit=dev\b/);
    for (const each of stages)
      expect(argumentsOf(each, 'RUN').join('\n'), String(each.name)).not.toMatch(/\b(curl|wget)\b|https?:\/\//);
  });

  it('runs no install in the runtime stage: it takes node_modules from the deps stage and the build output from the build stage', () => {
    const runtimeRun = argumentsOf(runtime, 'RUN').join('\n');
    expect(runtimeRun).not.toMatch(/\bnpm (ci|install|i|rebuild)\b|apt-get install/);
    expect(copiedFrom(runtime, stage('deps')).join('\n')).toMatch(/\/app\/node_modules\s+\.\/node_modules/);
    const build = stage('build');
    expect(argumentsOf(build, 'RUN').join('\n')).toContain('npm run build');
    expect(argumentsOf(build, 'RUN').join('\n')).toMatch(/\bnpm ci --ignore-scripts\b/);
    expect(copiedFrom(runtime, build).join('\n')).toMatch(/\/app\/dist\s+\.\/dist/);
    for (const each of stages) expect(argumentsOf(each, 'RUN').join('\n')).not.toMatch(/\bnpm (install|i)\b/);
  });

  it('runs as a user that is not root', () => {
    const users = argumentsOf(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('checks its health on /healthz', () => {
    const [healthcheck] = argumentsOf(runtime, 'HEALTHCHECK');
    expect(healthcheck).toContain('/healthz');
  });

  it('listens on every interface and keeps its data dir on a volume', () => {
    const env = envOf(runtime);
    expect(env.get('KEYWARD_HOST')).toBe('0.0.0.0');
    const dataDir = env.get('KEYWARD_DATA_DIR');
    expect(dataDir).toBeTruthy();
    expect(argumentsOf(runtime, 'VOLUME').join(' ')).toContain(String(dataDir));
  });

  it('bakes no secret into the image', () => {
    for (const stage of stages) {
      for (const [name, value] of envOf(stage)) {
        expect(name, 'a secret-looking ENV').not.toMatch(/PEPPER|SECRET|PASSWORD|TOKEN|ROOT_KEY/);
        expect(value, name).not.toMatch(/:\/\/[^/\s]*:[^@/\s]+@/);
      }
      for (const args of argumentsOf(stage, 'ARG')) expect(args).not.toMatch(/PEPPER|SECRET|PASSWORD|TOKEN/);
    }
    expect(readRepoFile('.dockerignore')).toMatch(/^\.env$/m);
  });

  it('sets only settings Keyward knows', () => {
    expect(unknownSettings(readRepoFile('Dockerfile'))).toEqual([]);
  });
});

describe('compose.yaml', () => {
  const compose = parse(readRepoFile('compose.yaml'), { merge: true }) as {
    services: Record<
      string,
      {
        build?: unknown;
        image?: string;
        environment?: Record<string, string>;
        volumes?: string[];
        stop_grace_period?: string;
      }
    >;
  };
  const nodes = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

  it('runs two Keyward nodes on PostgreSQL and Redis, with the pepper from outside the file', () => {
    expect(nodes.length).toBe(2);
    for (const [name, node] of nodes) {
      expect(node.environment?.['KEYWARD_DATABASE_URL'], name).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(node.environment?.['KEYWARD_REDIS_URL'], name).toBe('redis://redis:6379');
      expect(node.environment?.['KEYWARD_PEPPER'], name).toMatch(/^\$\{KEYWARD_PEPPER:\?/);
    }
    expect(compose.services['postgres']?.image).toMatch(/^postgres:/);
    expect(compose.services['redis']?.image).toMatch(/^redis:/);
  });

  it('puts a proxy in front that sends to both nodes, and the nodes trust that one hop', () => {
    const proxy = compose.services['proxy'];
    const mount = (proxy?.volumes ?? []).find((volume) => volume.includes('Caddyfile'));
    expect(mount).toBeDefined();
    const caddyfile = String(mount).split(':')[0] as string;
    expect(existsSync(resolve(ROOT, caddyfile))).toBe(true);
    const config = readRepoFile(caddyfile);
    for (const [name] of nodes) expect(config).toContain(`${name}:7600`);
    expect(config).toContain('health_uri /readyz');
    for (const [, node] of nodes) expect(node.environment?.['KEYWARD_TRUST_PROXY']).toBe('1');
  });

  it("keeps a stopping node answering past two of the proxy's health checks, and Docker waits for the drain", () => {
    const caddyfile = readRepoFile('deploy/compose/Caddyfile');
    const intervalMs = Number(/health_interval (\d+)s/.exec(caddyfile)?.[1]) * 1000;
    expect(intervalMs).toBeGreaterThan(0);
    for (const [name, node] of nodes) {
      const delayMs = Number(node.environment?.['KEYWARD_SHUTDOWN_DELAY_MS']);
      expect(delayMs, name).toBeGreaterThan(2 * intervalMs);
      const timeoutMs = Number(node.environment?.['KEYWARD_SHUTDOWN_TIMEOUT_MS'] ?? 20_000);
      const graceMs = Number(/^(\d+)s$/.exec(String(node.stop_grace_period))?.[1]) * 1000;
      expect(graceMs, name).toBeGreaterThan(delayMs + timeoutMs);
    }
  });

  it('sets only settings Keyward knows, here and in every Kubernetes file', () => {
    for (const file of ['compose.yaml', ...repoFilesUnder('deploy')])
      expect(unknownSettings(readRepoFile(file)), file).toEqual([]);
  });
});
