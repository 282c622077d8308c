/**
 * Separate machines for a test: each "host" is a network namespace (`ip netns`) joined to the
 * test's namespace by a veth pair, so its processes share nothing with the others but what they
 * reach over the network. Services of the test's namespace (Temporal, PostgreSQL, S3 on
 * 127.0.0.1) are reached through a TCP relay on the pair's address. Without root or `ip`, hosts
 * are plain processes on 127.0.0.1 (still each with its own DATA_DIR).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChildProcess } from '../../scripts/lib/child-process';

export interface Host {
  name: string;
  /** Where others reach this host (its API, say). */
  ip: string;
  /** Where this host reaches the test's services. */
  gateway: string;
  /** Starts `command` on this host. */
  spawn(command: string, args: string[], env: Record<string, string>): ChildProcess;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

function namespacesWork(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = `wo-probe-${randomBytes(3).toString('hex')}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return true;
  } catch {
    return false;
  }
}

export class Hosts {
  private readonly relays: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly hosts: Map<string, Host>,
    readonly isolated: boolean,
    private readonly namespaces: string[],
  ) {}

  static create(names: string[]): Hosts {
    if (!namespacesWork()) {
      const local = names.map((name): [string, Host] => [
        name,
        {
          name,
          ip: '127.0.0.1',
          gateway: '127.0.0.1',
          spawn: (command, args, env) => spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }),
        },
      ]);
      return new Hosts(new Map(local), false, []);
    }
    // A /24 per host in a 10.x range of this run; interface names stay under 15 characters.
    const tag = randomBytes(2).toString('hex');
    const subnet = `10.${randomInt(100, 250)}`;
    const namespaces: string[] = [];
    const hosts = new Map<string, Host>();
    const cleanup = () => namespaces.forEach((ns) => ip('netns', 'del', ns));
    process.once('exit', cleanup);
    try {
      names.forEach((name, i) => {
        const ns = `wo-${tag}-${name}`;
        const [outside, inside] = [`wo${tag}${i}a`, `wo${tag}${i}b`];
        const [gateway, address] = [`${subnet}.${i}.1`, `${subnet}.${i}.2`];
        ip('netns', 'add', ns);
        namespaces.push(ns);
        ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
        ip('link', 'set', inside, 'netns', ns);
        ip('addr', 'add', `${gateway}/24`, 'dev', outside);
        ip('link', 'set', outside, 'up');
        ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${address}/24`, 'dev', inside);
        ip('netns', 'exec', ns, 'ip', 'link', 'set', inside, 'up');
        ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
        hosts.set(name, {
          name,
          ip: address,
          gateway,
          // `ip netns exec` execs the command: the child's pid is the program's own.
          spawn: (command, args, env) =>
            spawn('ip', ['netns', 'exec', ns, command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }),
        });
      });
    } catch (err) {
      cleanup();
      throw err;
    }
    process.removeListener('exit', cleanup);
    return new Hosts(hosts, true, namespaces);
  }

  get(name: string): Host {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no host ${name}`);
    return host;
  }

  /**
   * Makes a service of the test's namespace (`127.0.0.1:<port>`) reachable from every host at
   * `<its gateway>:<port>`.
   */
  async relay(port: number): Promise<void> {
    if (!this.isolated) return;
    for (const host of this.hosts.values()) {
      const server = net.createServer((client) => {
        const upstream = net.connect(port, '127.0.0.1');
        for (const socket of [client, upstream]) {
          this.sockets.add(socket);
          socket.once('close', () => this.sockets.delete(socket));
          socket.on('error', () => (socket === client ? upstream : client).destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host.gateway, () => resolve());
      });
      this.relays.push(server);
    }
  }

  async destroy(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.relays.map((s) => new Promise((resolve) => s.close(resolve))));
    // Deleting a namespace deletes the veth pair with it.
    for (const ns of this.namespaces) ip('netns', 'del', ns);
  }
}

/** A service process on a host (the API, a worker), its output kept for the test's messages. */
export class HostProcess {
  readonly logs: string[] = [];

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.logs.push(chunk.toString());
      if (this.logs.length > 1000) this.logs.splice(0, 500);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** Starts `node <script>` on the host and waits for `readyLine` in its output. */
  static async start(
    host: Host,
    name: string,
    script: string,
    env: Record<string, string>,
    readyLine: string,
  ): Promise<HostProcess> {
    const started = new HostProcess(name, host.spawn(process.execPath, [script], env));
    const deadline = Date.now() + 90_000;
    while (!started.logs.some((l) => l.includes(readyLine))) {
      if (started.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`${name} did not start:\n${started.logs.join('').slice(-4000)}`);
      }
      await sleep(50);
    }
    return started;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** kill -9, as a machine that dies. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  stop(): Promise<void> {
    return stopChildProcess(this.child, 15_000);
  }
}
