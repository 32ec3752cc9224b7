/**
 * Issue 17: the container files say what the README says. No container engine runs where these
 * tests run, so the files are parsed and their topology checked here, and the same topology is
 * run without containers by test/integration/ops/two-processes-one-address.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/app/config.ts';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  restart?: string;
}

const compose = parse(await readFile('compose.yaml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const named = (test: (s: Service, name: string) => boolean) =>
  Object.entries(services)
    .filter(([name, s]) => test(s, name))
    .map(([name]) => name)
    .sort();
const mongods = named((s) => Array.isArray(s.command) && s.command[0] === 'mongod');
const atiendes = named((s) => s.build !== undefined);

describe('compose.yaml (issue 17)', () => {
  it('runs a three-member MongoDB replica set, made one by an init job', () => {
    expect(mongods).toHaveLength(3);
    const sets = mongods.map((name) => {
      const command = services[name]!.command as string[];
      return command[command.indexOf('--replSet') + 1];
    });
    expect(new Set(sets).size).toBe(1);
    const init = Object.values(services).find((s) => String(s.command).includes('rs.initiate'));
    expect(init).toBeDefined();
    expect(init!.restart).toBe('no');
    const script = (init!.command as string[]).join(' ');
    expect(script).toContain(`_id: '${sets[0]}'`);
    for (const name of mongods) {
      expect(script).toContain(`host: '${name}:27017'`);
      expect(init!.depends_on?.[name]?.condition).toBe('service_healthy');
    }
  });

  it('runs two atiende processes on the whole replica set, after the init job, with the policy file mounted', async () => {
    expect(atiendes).toHaveLength(2);
    const initName = named((s) => String(s.command).includes('rs.initiate'))[0]!;
    for (const name of atiendes) {
      const s = services[name]!;
      const env = s.environment!;
      // A seed list is not a WHATWG URL: mongodb://host1,host2,host3/db?options.
      const [, hosts, query] = env.MONGODB_URI!.match(/^mongodb:\/\/([^/]+)\/\w+\?(.*)$/)!;
      expect(hosts!.split(',').sort(), name).toEqual(mongods.map((m) => `${m}:27017`));
      const options = new URLSearchParams(query);
      expect(options.get('replicaSet')).toBe('rs0');
      expect(options.get('w')).toBe('majority');
      expect(s.depends_on?.[initName]?.condition).toBe('service_completed_successfully');
      const mount = s
        .volumes!.map((v) => v.split(':'))
        .find(([, inside]) => inside === env.ATIENDE_POLICY);
      expect(mount, `${name} mounts ATIENDE_POLICY`).toBeDefined();
      expect(mount![2]).toBe('ro');
      // The mounted file is a valid policy, as atiende reads it at start.
      const config = await loadConfig({ ATIENDE_POLICY: mount![0]! });
      expect(config.policy.fairUse.chatLimitMinutes).toBeGreaterThan(0);
      // Both processes sign and check web chat tokens with the same secret.
      expect(env.WEBCHAT_TOKEN_SECRET).toMatch(/^\$\{WEBCHAT_TOKEN_SECRET/);
      // Docker waits longer than the clean stop may take.
      expect(parseInt(s.stop_grace_period!, 10) * 1000).toBeGreaterThan(
        Number(env.ATIENDE_SHUTDOWN_TIMEOUT_MS),
      );
    }
  });

  it('puts both processes behind one address (nginx), which retries a stopping one on the other', async () => {
    const proxies = named((s) => (s.image ?? '').startsWith('nginx'));
    expect(proxies).toHaveLength(1);
    const proxy = services[proxies[0]!]!;
    expect(proxy.ports).toHaveLength(1);
    const [published, inside] = proxy.ports![0]!.split(':');
    expect(published).toBe('3978');
    const confPath = proxy
      .volumes!.map((v) => v.split(':'))
      .find(([, i]) => i!.startsWith('/etc/nginx'))![0]!;
    const conf = await readFile(confPath, 'utf8');
    expect(conf).toContain(`listen ${inside};`);
    const upstream = [...conf.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => [m[1], m[2]]);
    expect(upstream.map(([host]) => host).sort()).toEqual(atiendes);
    for (const [host, port] of upstream) expect(services[host!]!.environment!.PORT).toBe(port);
    expect(conf).toMatch(/proxy_next_upstream[^;]*http_503/);
    for (const name of atiendes)
      expect(proxy.depends_on?.[name]?.condition).toBe('service_healthy');
  });
});

describe('Dockerfile (issue 17)', () => {
  const text = readFile('Dockerfile', 'utf8');
  const stages = async () =>
    (await text)
      .split(/^FROM /m)
      .slice(1)
      .map((stage) => `FROM ${stage}`);

  it('is multi-stage: the runtime stage runs the build with plain node, as a user without rights', async () => {
    const all = await stages();
    expect(all.length).toBeGreaterThanOrEqual(2);
    const runtime = all.at(-1)!;
    expect(runtime).toMatch(/COPY --from=build .*\/app\/dist/);
    const user = runtime.match(/^USER (\S+)/m)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    const cmd = JSON.parse(runtime.match(/^CMD (.*)$/m)![1]!) as string[];
    expect(cmd).toEqual(['node', '--enable-source-maps', 'dist/app/main.js']);
    expect(runtime).not.toContain('tsx');
  });

  it('checks its health on /healthz, and keeps the embedded database optional', async () => {
    const runtime = (await stages()).at(-1)!;
    expect(runtime).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    expect(runtime).toMatch(/^EXPOSE 3978$/m);
    expect(await text).toMatch(/^ARG EMBEDDED_DB=true$/m);
    // On MONGODB_URI no embedded database is started; without it, its files go to a volume.
    expect(runtime).toMatch(/^VOLUME \["\/app\/data"\]$/m);
  });
});
