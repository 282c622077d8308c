/**
 * Docker cannot run on the build machines, so docker-compose.yml and the Dockerfile are checked
 * statically: the services, pinned images, health-gated start order, and an environment that
 * names only variables the code reads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { VERSITYGW_VERSION } from '../../scripts/lib/versitygw';
import { ENV_VARIABLES } from '../../src/config';
import { SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';

const ROOT = path.resolve(__dirname, '../..');
interface Service {
  image?: string;
  build?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service & { configs?: Array<{ source: string; target: string }> }>;
  volumes: Record<string, unknown>;
  configs: Record<string, { content: string }>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  test('brings up PostgreSQL, Temporal with its UI and search attributes, S3, mail, the API and the worker', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'api',
        'mailpit',
        'postgresql',
        's3',
        'temporal',
        'temporal-search-attributes',
        'temporal-ui',
        'worker',
      ].sort(),
    );
    expect(services.temporal.environment?.DB).toBe('postgres12');
    expect(services.temporal.environment?.POSTGRES_SEEDS).toBe('postgresql');
  });

  test('every image is pinned to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect([name, service.image]).toEqual([name, expect.stringMatching(/^[\w./-]+:v?\d[\w.-]*$/)]);
    }
  });

  test('the API and the worker are built from the Dockerfile and set only variables the code reads', () => {
    for (const name of ['api', 'worker']) {
      const service = services[name];
      expect(service.build).toBe('.');
      const keys = Object.keys(service.environment ?? {});
      expect(keys.filter((k) => !ENV_VARIABLES.includes(k))).toEqual([]);
      expect(service.environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(service.environment?.DATABASE_URL).toMatch(/^postgres:\/\/\w+:\w+@postgresql:5432\/workorders$/);
      expect(service.depends_on?.postgresql.condition).toBe('service_healthy');
    }
    expect(services.api.command).toEqual(['node', 'dist/src/api/server.js']);
    expect(services.worker.command).toEqual(['node', 'dist/src/worker.js']);
    expect(services.api.ports).toContain('3000:3000');
    // Metrics on their own listeners, reachable from the host's loopback only.
    expect(services.api.environment).toMatchObject({ API_METRICS_HOST: '0.0.0.0', API_METRICS_PORT: '9465' });
    expect(services.api.ports).toContain('127.0.0.1:9465:9465');
    expect(services.worker.environment?.WORKER_METRICS_PORT).toBe('9464');
    expect(services.worker.ports).toEqual(['127.0.0.1:9464:9464']);
    expect(services.api.healthcheck?.test.join(' ')).toContain('/readyz');
  });

  test('the API and the worker share no disk: artifacts go to the S3 service, with its keys', () => {
    for (const name of ['api', 'worker']) {
      const service = services[name];
      expect(service.volumes ?? []).toEqual([]);
      expect(service.environment).toMatchObject({
        ARTIFACT_STORE: 's3',
        S3_ENDPOINT: 'http://s3:7070',
        S3_BUCKET: 'workorders',
        S3_FORCE_PATH_STYLE: 'true',
      });
      expect(service.depends_on?.s3.condition).toBe('service_healthy');
    }
    const s3 = services.s3;
    expect(s3.image).toBe(`versity/versitygw:${VERSITYGW_VERSION}`);
    expect(([] as string[]).concat(s3.command ?? []).join(' ')).toMatch(
      /mkdir -p \/data\/workorders && exec versitygw .*--port :7070 posix \/data/,
    );
    expect(s3.environment?.ROOT_ACCESS_KEY_ID).toBe(services.api.environment?.AWS_ACCESS_KEY_ID);
    expect(s3.environment?.ROOT_SECRET_ACCESS_KEY).toBe(services.api.environment?.AWS_SECRET_ACCESS_KEY);
    expect(s3.volumes).toEqual(['s3-data:/data']);
  });

  test('start order waits on health, and every dependency and volume exists', () => {
    const conditions = ['service_started', 'service_healthy', 'service_completed_successfully'];
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, spec] of Object.entries(service.depends_on ?? {})) {
        expect([name, dependency in services, conditions.includes(spec.condition)]).toEqual([
          name,
          true,
          true,
        ]);
        if (spec.condition === 'service_healthy') expect(services[dependency].healthcheck).toBeDefined();
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (!source.startsWith('.') && !source.startsWith('/'))
          expect(Object.keys(compose.volumes)).toContain(source);
      }
      for (const port of service.ports ?? []) expect(port).toMatch(/^(127\.0\.0\.1:)?\d+:\d+$/);
    }
    expect(services.worker.depends_on?.['temporal-search-attributes'].condition).toBe(
      'service_completed_successfully',
    );
  });

  test("Temporal's task queues dispatch by fairness key (one per company) through its dynamic config", () => {
    const temporal = services.temporal;
    const [mounted] = temporal.configs ?? [];
    expect(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH).toBe(mounted.target);
    const dynamicConfig = parse(compose.configs[mounted.source].content) as Record<string, unknown>;
    expect(dynamicConfig['matching.enableFairness']).toEqual([{ value: true }]);
  });

  test('registers exactly the search attributes of the Temporal contract', () => {
    const command = ([] as string[]).concat(services['temporal-search-attributes'].command ?? []).join(' ');
    const registered = [...command.matchAll(/(\w+)=(Int|Keyword|Bool)/g)].map((m) => `${m[1]}=${m[2]}`);
    expect(registered.sort()).toEqual(SEARCH_ATTRIBUTES.map((a) => `${a.name}=${a.type}`).sort());
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  test('is Debian-based, prebuilds the workflow bundle and runs as a non-root user', () => {
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:\d+\.\d+\.\d+-(bookworm|bullseye)(-slim)?$/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
