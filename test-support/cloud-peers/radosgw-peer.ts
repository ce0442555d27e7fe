// A real S3-protocol server on 127.0.0.1 for tests: Ceph's radosgw over a one-monitor cluster
// with a single in-memory OSD (memstore), in a temporary folder. radosgw checks SigV4 signatures
// as S3 does, so uploads are tested against the real protocol. Ceph's own auth is off (the
// daemons talk over loopback only); the S3 user and its keys are made with radosgw-admin.
//
// Each daemon runs in the foreground under a watchdog shell that ends it when the process that
// started it ends, so no daemon outlives a test run even when the test process is killed.
//
//   const s3 = await startRadosgw();   // ~15 s on an idle machine
//   s3.endpoint, s3.accessKeyId, s3.secretAccessKey
//   await s3.stop();
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running radosgw with one S3 user. */
export interface RadosgwPeer {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Stops the daemons and removes the folder. */
  stop(): Promise<void>;
}

/** Why radosgw cannot run here, or null when its binaries are installed. */
export function radosgwMissing(): string | null {
  const missing = ['radosgw', 'radosgw-admin', 'ceph-mon', 'ceph-osd', 'monmaptool', 'ceph'].filter(
    (tool) => !['/usr/bin', '/usr/local/bin'].some((dir) => fs.existsSync(path.join(dir, tool))),
  );
  return missing.length ? `not installed: ${missing.join(', ')} (apt-get install radosgw ceph-mon ceph-osd)` : null;
}

/**
 * A port free now, picked below the kernel's ephemeral range: servers of other test processes that
 * bind port 0 are never given it between this pick and the daemon's bind.
 */
async function freePort(): Promise<number> {
  const lowestEphemeral = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  const high = Number.isInteger(lowestEphemeral) && lowestEphemeral > 12_000 ? lowestEphemeral : 32_768;
  for (;;) {
    const port = high - 10_000 + Math.floor(Math.random() * 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** Runs `command` in the foreground, ended by a watchdog when this process or the command ends. */
function daemon(folder: string, command: string, args: readonly string[]): ChildProcess {
  const quoted = [command, ...args].map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(' ');
  const script =
    `${quoted} & child=$!; trap 'kill $child 2>/dev/null; wait $child; exit 0' TERM; ` +
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.2; done; kill $child 2>/dev/null; wait $child`;
  const child = spawn('/bin/sh', ['-c', script], { cwd: folder, stdio: 'ignore' });
  child.unref();
  return child;
}

/** Polls `check` until it answers true; 'gave up' ends the wait at once. Fails with the end of the daemon's log. */
async function waitFor(what: string, check: () => Promise<boolean | 'gave up'>, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gaveUp = false;
  while (Date.now() < deadline && !gaveUp) {
    const answer = await check().catch(() => false);
    if (answer === true) return;
    gaveUp = answer === 'gave up';
    if (!gaveUp) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
  const why = gaveUp ? 'ended each time it was started' : `did not come up in ${timeoutMs / 1000} s`;
  throw new Error(`${what} ${why}; the end of ${logFile}:\n${log}`);
}

/**
 * Starts a monitor, an in-memory OSD and radosgw, and makes an S3 user. Start it before other
 * servers of the same process: its ports are picked free before its daemons bind them.
 * Clusters of several processes start one at a time.
 */
export async function startRadosgw(timeoutMs = 120_000): Promise<RadosgwPeer> {
  // Test files run side by side: one cluster starts at a time, so no two pick the same free port
  // before binding it (an OSD would then join another cluster's monitor: 'wrong fsid').
  const release = await startLock();
  try {
    try {
      return await startCluster(timeoutMs);
    } catch (error) {
      // A cluster that did not come up (seen once on a loaded CI machine: the OSD's first command
      // to the monitor refused with 'wrong fsid') is thrown away and made again, once, from scratch.
      console.warn(`radosgw peer: a first cluster did not come up, starting another: ${(error as Error).message}`);
      return await startCluster(timeoutMs);
    }
  } finally {
    release();
  }
}

/** Takes a lock file shared by every process on this machine; a lock whose holder has ended is taken over. */
async function startLock(): Promise<() => void> {
  const lock = path.join(os.tmpdir(), 'cairn-radosgw-start.lock');
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lock, { force: true });
    } catch {
      const text = fs.existsSync(lock) ? fs.readFileSync(lock, 'utf8') : '';
      const holder = Number(text);
      // An empty file is a lock being written: its holder is alive.
      let alive = text === '' || holder > 0;
      try {
        if (holder > 0) process.kill(holder, 0);
      } catch {
        alive = false;
      }
      if (!alive) fs.rmSync(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function startCluster(timeoutMs: number): Promise<RadosgwPeer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-radosgw-'));
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const fsid = randomUUID();
  const config = path.join(folder, 'ceph.conf');
  for (const sub of ['run', 'log', 'mon', 'osd']) fs.mkdirSync(path.join(folder, sub));
  fs.writeFileSync(
    config,
    [
      '[global]',
      `fsid = ${fsid}`,
      `mon host = v1:127.0.0.1:${monPort}`,
      'auth cluster required = none',
      'auth service required = none',
      'auth client required = none',
      'ms mon client mode = crc secure',
      `run dir = ${folder}/run`,
      `admin socket = ${folder}/run/$name.asok`,
      `log file = ${folder}/log/$name.log`,
      `pid file = ${folder}/run/$name.pid`,
      'osd pool default size = 1',
      'osd pool default min size = 1',
      'osd pool default pg num = 8',
      'osd pool default pgp num = 8',
      'mon allow pool size one = true',
      'mon max pg per osd = 1000',
      'mon data avail crit = 0',
      'mon data avail warn = 0',
      'osd crush chooseleaf type = 0',
      'mon warn on pool no redundancy = false',
      '[mon.a]',
      `mon data = ${folder}/mon`,
      '[osd.0]',
      `osd data = ${folder}/osd`,
      'osd objectstore = memstore',
      // A memstore OSD has no device class worth telling the monitor.
      'osd class update on start = false',
      'memstore device bytes = 1073741824',
      '[client.rgw]',
      `rgw data = ${folder}/rgw`,
      '',
    ].join('\n'),
  );
  const children: ChildProcess[] = [];
  const stop = async () => {
    // radosgw first, the monitor last: each watchdog ends its daemon and waits for it.
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await ended;
      clearTimeout(timer);
    }
    fs.rmSync(folder, { recursive: true, force: true });
  };
  try {
    const ceph = (args: readonly string[]) => run('ceph', ['-c', config, '--connect-timeout', '10', ...args], { timeout: 30_000 });
    await run('monmaptool', ['--create', '--add', 'a', `v1:127.0.0.1:${monPort}`, '--fsid', fsid, path.join(folder, 'monmap')]);
    await run('ceph-mon', ['-c', config, '--mkfs', '-i', 'a', '--monmap', path.join(folder, 'monmap')]);
    children.push(daemon(folder, 'ceph-mon', ['-f', '-c', config, '-i', 'a']));
    await waitFor('ceph-mon', async () => (await ceph(['mon', 'stat'])).stdout.includes('quorum'), timeoutMs, path.join(folder, 'log', 'mon.a.log'));
    // The OSD's uuid given to both, as Ceph's manual deployment does (else the monitor may refuse the OSD: 'wrong fsid').
    const osdUuid = randomUUID();
    await ceph(['osd', 'create', osdUuid, '0']);
    await run('ceph-osd', ['-c', config, '-i', '0', '--mkfs', '--osd-uuid', osdUuid], { timeout: 60_000 });
    // An OSD whose start-up fails ends; it is started again (at most 3 times) on the same data.
    let osd = daemon(folder, 'ceph-osd', ['-f', '-c', config, '-i', '0']);
    children.push(osd);
    let osdStarts = 1;
    await waitFor(
      'ceph-osd',
      async () => {
        if (osd.exitCode !== null) {
          if (osdStarts === 3) return 'gave up';
          osd = daemon(folder, 'ceph-osd', ['-f', '-c', config, '-i', '0']);
          children.push(osd);
          osdStarts += 1;
        }
        return /1 up/.test((await ceph(['osd', 'stat'])).stdout);
      },
      timeoutMs,
      path.join(folder, 'log', 'osd.0.log'),
    );
    children.push(daemon(folder, 'radosgw', ['-f', '-c', config, '-n', 'client.rgw', '--rgw-frontends', `beast endpoint=127.0.0.1:${rgwPort}`]));
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitFor('radosgw', async () => (await fetch(endpoint)).status === 200, timeoutMs, path.join(folder, 'log', 'client.rgw.log'));
    const accessKeyId = `CAIRN${randomUUID().replace(/-/g, '').slice(0, 15).toUpperCase()}`;
    const secretAccessKey = randomUUID() + randomUUID();
    await run(
      'radosgw-admin',
      ['-c', config, '-n', 'client.rgw', 'user', 'create', '--uid=cairn-tests', '--display-name=Cairn tests', `--access-key=${accessKeyId}`, `--secret-key=${secretAccessKey}`],
      { timeout: 60_000 },
    );
    return { endpoint, accessKeyId, secretAccessKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
