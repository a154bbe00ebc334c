import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { isCcBridgeError } from './errors.ts';

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bridge-config-'));
  const path = join(dir, 'config.toml');
  writeFileSync(path, text);
  return path;
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isCcBridgeError(error, 'CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}

const home = mkdtempSync(join(tmpdir(), 'cc-bridge-home-'));

describe('loadConfig', () => {
  it('has defaults: Docker on with auto-discovery, the embedded database under the data home, claude in tmux', () => {
    const config = loadConfig({}, { HOME: home });
    expect(config.docker).toMatchObject({ enabled: true, autoDiscovery: true, containerLabel: 'cc-bridge.instance', imagePatterns: ['cc-bridge', 'claude-code'] });
    expect(config.database).toEqual({ url: null, dataDir: join(home, '.local', 'share', 'cc-bridge', 'db'), ownerLingerMs: 300_000 });
    expect(config.tmux).toEqual({ socket: null, command: ['claude'] });
    expect(config.source).toBeNull();
  });

  it('reads how long a database owner lingers from [database] owner_linger, or CC_BRIDGE_OWNER_LINGER over it (seconds)', () => {
    const path = configFile('[database]\nowner_linger = 60\n');
    expect(loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: path }).database.ownerLingerMs).toBe(60_000);
    expect(loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: path, CC_BRIDGE_OWNER_LINGER: '0' }).database.ownerLingerMs).toBe(0);
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_OWNER_LINGER: '5m' }))).toContain('CC_BRIDGE_OWNER_LINGER');
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: configFile('[database]\nowner_linger = -1\n') }))).toContain('owner_linger');
  });

  it('reads [retention] durations (absent: keep forever) and names the key of one that is not a duration', () => {
    expect(loadConfig({}, { HOME: home }).retention).toEqual({ stoppedAfterMs: null, eventsAfterMs: null });
    const path = configFile('[retention]\nstopped_after = "30d"\nevents_after = "1w12h"\n');
    expect(loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: path }).retention).toEqual({ stoppedAfterMs: 30 * 86_400_000, eventsAfterMs: 7 * 86_400_000 + 12 * 3_600_000 });
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: configFile('[retention]\nstopped_after = "30"\n') }))).toMatch(/retention\.stopped_after: Invalid duration "30": the unit is missing/);
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: configFile('[retention]\nkeep = "1d"\n') }))).toContain('keep');
  });

  it('reads the original TOML sections from ~/.config/cc-bridge/config.toml', () => {
    const path = configFile('[docker]\nenabled = false\nimage_patterns = ["claude"]\nnetwork = "claude-network"\n[tmux]\ncommand = "claude --resume"\n');
    const config = loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: path });
    expect(config.docker).toMatchObject({ enabled: false, imagePatterns: ['claude'], network: 'claude-network' });
    expect(config.tmux.command).toEqual(['claude', '--resume']);
    expect(config.source).toBe(path);
  });

  it('ranks flags over environment over file over defaults', () => {
    const path = configFile('[database]\nurl = "postgresql://file/db"\n[docker]\ncontainer_label = "from-file"\nauto_discovery = false\n');
    const env = { HOME: home, DATABASE_URL: 'postgresql://env/db', CC_BRIDGE_CONTAINER_LABEL: 'from-env' };
    expect(loadConfig({ configFile: path }, env).database.url).toBe('postgresql://env/db');
    expect(loadConfig({ configFile: path, databaseUrl: 'postgresql://flag/db' }, env).database.url).toBe('postgresql://flag/db');
    expect(loadConfig({ configFile: path }, { HOME: home }).database.url).toBe('postgresql://file/db');
    const config = loadConfig({ configFile: path }, env);
    expect(config.docker.containerLabel).toBe('from-env');
    expect(config.docker.autoDiscovery).toBe(false);
  });

  it('says where the Docker host was set, for messages about it', () => {
    expect(loadConfig({}, { HOME: home }).docker).toMatchObject({ host: null, hostSetting: null });
    const path = configFile('[docker]\nhost = "tcp://10.0.0.5:2375"\n');
    expect(loadConfig({ configFile: path }, { HOME: home }).docker).toMatchObject({ host: 'tcp://10.0.0.5:2375', hostSetting: `[docker] host in ${path}` });
    expect(loadConfig({ configFile: path }, { HOME: home, DOCKER_HOST: 'garbage' }).docker).toMatchObject({ host: 'garbage', hostSetting: 'DOCKER_HOST' });
  });

  it('makes one host "local" from [docker] host / DOCKER_HOST when [[docker.hosts]] lists none', () => {
    expect(loadConfig({}, { HOME: home }).docker.hosts).toEqual([{ name: 'local', url: null, setting: null, tls: null, sshKey: null, sshAgent: null }]);
    const path = configFile('[docker]\nhost = "tcp://10.0.0.5:2375"\n');
    expect(loadConfig({ configFile: path }, { HOME: home }).docker.hosts).toEqual([
      { name: 'local', url: 'tcp://10.0.0.5:2375', setting: `[docker] host in ${path}`, tls: null, sshKey: null, sshAgent: null },
    ]);
  });

  it('reads [[docker.hosts]]: unix, tcp with TLS files (relative to the file), ssh with a key and the agent', () => {
    const path = configFile(
      [
        '[[docker.hosts]]\nname = "here"\nurl = "unix:///var/run/docker.sock"',
        '[[docker.hosts]]\nname = "build-1"\nurl = "tcp://build.lan:2376"\ntls_ca = "certs/ca.pem"\ntls_cert = "/etc/cc/cert.pem"\ntls_key = "/etc/cc/key.pem"',
        '[[docker.hosts]]\nname = "gpu"\nurl = "ssh://me@gpu.lan"\nssh_key = "id_ed25519"',
      ].join('\n'),
    );
    const dir = join(path, '..');
    const { hosts } = loadConfig({ configFile: path }, { HOME: home, SSH_AUTH_SOCK: '/run/agent.sock' }).docker;
    expect(hosts).toEqual([
      { name: 'here', url: 'unix:///var/run/docker.sock', setting: `[[docker.hosts]] "here" in ${path}`, tls: null, sshKey: null, sshAgent: null },
      {
        name: 'build-1',
        url: 'tcp://build.lan:2376',
        setting: `[[docker.hosts]] "build-1" in ${path}`,
        tls: { ca: join(dir, 'certs/ca.pem'), cert: '/etc/cc/cert.pem', key: '/etc/cc/key.pem', verify: true },
        sshKey: null,
        sshAgent: null,
      },
      { name: 'gpu', url: 'ssh://me@gpu.lan', setting: `[[docker.hosts]] "gpu" in ${path}`, tls: null, sshKey: join(dir, 'id_ed25519'), sshAgent: '/run/agent.sock' },
    ]);
  });

  it('refuses [[docker.hosts]] entries it cannot use, naming the file and the entry', () => {
    const hosts = (...entries: string[]) => configFile(entries.map((entry) => `[[docker.hosts]]\n${entry}`).join('\n'));
    const cases: [string, RegExp][] = [
      [hosts('name = "a"\nurl = "unix:///a.sock"', 'name = "a"\nurl = "unix:///b.sock"'), /docker\.hosts\.1 \("a"\): name "a" is given to more than one host/],
      [hosts('name = "Build Box"\nurl = "unix:///a.sock"'), /docker\.hosts\.0\.name: must be a short slug/],
      [hosts('name = "a"\nurl = "http://box:2375"'), /docker\.hosts\.0 \("a"\): url "http:\/\/box:2375" is not supported/],
      [hosts('name = "a"\nurl = "unix:///a.sock"\ntls_ca = "ca.pem"'), /docker\.hosts\.0 \("a"\): tls_\* settings need a tcp:\/\/ url/],
      [hosts('name = "a"\nurl = "tcp://box:2376"\ntls_cert = "cert.pem"'), /tls_cert and tls_key go together/],
      [hosts('name = "a"\nurl = "tcp://box:2376"\ntls_verify = true'), /tls_verify = true needs tls_ca/],
      [hosts('name = "a"\nurl = "tcp://box:2375"\nssh_key = "id"'), /ssh_key needs an ssh:\/\/ url/],
      [hosts('name = "a"'), /docker\.hosts\.0\.url/],
      [hosts('name = "a"\nurl = "unix:///a.sock"\nport = 1'), /port/],
    ];
    for (const [path, expected] of cases) {
      const message = failure(() => loadConfig({ configFile: path }, { HOME: home }));
      expect(message, path).toContain(path);
      expect(message, path).toMatch(expected);
    }
  });

  it('names the key and the file of a bad value', () => {
    const path = configFile('[docker]\nenabled = "yes please"\n');
    const message = failure(() => loadConfig({ configFile: path }, { HOME: home }));
    expect(message).toContain(path);
    expect(message).toContain('docker.enabled');
  });

  it('refuses unknown keys, broken TOML, a missing explicit file and a non-PostgreSQL URL', () => {
    expect(failure(() => loadConfig({ configFile: configFile('[docker]\nenabeld = true\n') }, { HOME: home }))).toContain('enabeld');
    expect(failure(() => loadConfig({ configFile: configFile('[docker\n') }, { HOME: home }))).toMatch(/line 1/);
    expect(failure(() => loadConfig({ configFile: join(home, 'nope.toml') }, { HOME: home }))).toContain('nope.toml');
    expect(failure(() => loadConfig({ databaseUrl: 'mysql://x' }, { HOME: home }))).toContain('--database-url');
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_DOCKER_ENABLED: 'maybe' }))).toContain('CC_BRIDGE_DOCKER_ENABLED');
  });

  it('reads the hosts the dashboard answers to from [web] allowed_hosts, or CC_BRIDGE_ALLOWED_HOSTS over it', () => {
    expect(loadConfig({}, { HOME: home }).web.allowedHosts).toEqual([]);
    const path = configFile('[web]\nallowed_hosts = ["CC.Team.example", "cc-bridge.internal:8443"]\n');
    expect(loadConfig({ configFile: path }, { HOME: home }).web.allowedHosts).toEqual(['cc.team.example', 'cc-bridge.internal:8443']);
    const env = { HOME: home, CC_BRIDGE_ALLOWED_HOSTS: ' box.lan:3000 , [fd00::1] ' };
    expect(loadConfig({ configFile: path }, env).web.allowedHosts).toEqual(['box.lan:3000', '[fd00::1]']);
  });

  it('refuses an allowed host that is a URL, a wildcard or has a bad port, naming where it came from', () => {
    const message = failure(() => loadConfig({ configFile: configFile('[web]\nallowed_hosts = ["https://cc.team.example"]\n') }, { HOME: home }));
    expect(message).toContain('web.allowed_hosts.0');
    expect(message).toContain('no scheme');
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_ALLOWED_HOSTS: 'ok.example,*.example' }))).toContain('CC_BRIDGE_ALLOWED_HOSTS.1');
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_ALLOWED_HOSTS: 'box:99999' }))).toContain('CC_BRIDGE_ALLOWED_HOSTS');
  });

  it('reads [notify]: a webhook and/or an argv command, the transitions picked (default waiting) and the dashboard link', () => {
    expect(loadConfig({}, { HOME: home }).notify).toEqual({ webhook: null, command: null, on: ['waiting'], dashboardUrl: 'http://127.0.0.1:3000' });
    const path = configFile('[notify]\nwebhook = "http://127.0.0.1:9000/hook"\ncommand = ["notify-send", "cc-bridge"]\non = ["waiting", "error"]\n');
    expect(loadConfig({ configFile: path }, { HOME: home, CC_BRIDGE_DASHBOARD_URL: 'http://127.0.0.1:4000/' }).notify).toEqual({
      webhook: 'http://127.0.0.1:9000/hook',
      command: ['notify-send', 'cc-bridge'],
      on: ['waiting', 'error'],
      dashboardUrl: 'http://127.0.0.1:4000',
    });
    // The user's own dashboard_url wins over the address the dashboard's server sets.
    const linked = configFile('[notify]\ndashboard_url = "https://cc.team.example/"\n');
    expect(loadConfig({ configFile: linked }, { HOME: home, CC_BRIDGE_DASHBOARD_URL: 'http://127.0.0.1:4000' }).notify.dashboardUrl).toBe('https://cc.team.example');
  });

  it('refuses a bad [notify], naming the file and the key', () => {
    const cases: [string, string, string][] = [
      ['webhook = "ftp://box/hook"', 'notify.webhook', 'http:// or https://'],
      ['webhook = "not a url"', 'notify.webhook', 'http:// or https://'],
      ['command = "notify-send cc-bridge"', 'notify.command', 'argv array'],
      ['command = []', 'notify.command', 'the program to run'],
      ['on = ["waiting", "busy"]', 'notify.on.1', 'waiting'],
      ['on = []', 'notify.on', 'at least one of waiting, exited, error, idle'],
      ['webhok = "http://127.0.0.1/"', 'webhok', 'Unrecognized'],
    ];
    for (const [line, key, why] of cases) {
      const path = configFile(`[notify]\n${line}\n`);
      const message = failure(() => loadConfig({ configFile: path }, { HOME: home }));
      expect(message).toContain(path);
      expect(message).toContain(key);
      expect(message).toContain(why);
    }
  });
  it('reads a team server from [server] (url, token or token_file), CC_BRIDGE_SERVER/CC_BRIDGE_TOKEN over it, and the flags over both', () => {
    expect(loadConfig({}, { HOME: home }).server).toEqual({ url: null, token: null });
    const dir = mkdtempSync(join(tmpdir(), 'cc-bridge-server-'));
    writeFileSync(join(dir, 'token'), 'ccb_file_token\n');
    const withFile = join(dir, 'config.toml');
    writeFileSync(withFile, '[server]\nurl = "https://cc.example.test"\ntoken_file = "token"\n');
    expect(loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: withFile }).server).toEqual({ url: 'https://cc.example.test', token: 'ccb_file_token' });
    const withToken = configFile('[server]\nurl = "http://127.0.0.1:3000"\ntoken = "ccb_config"\n');
    const environment = { HOME: home, CC_BRIDGE_CONFIG: withToken, CC_BRIDGE_SERVER: 'http://127.0.0.1:4000', CC_BRIDGE_TOKEN: 'ccb_env' };
    expect(loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: withToken }).server).toEqual({ url: 'http://127.0.0.1:3000', token: 'ccb_config' });
    expect(loadConfig({}, environment).server).toEqual({ url: 'http://127.0.0.1:4000', token: 'ccb_env' });
    expect(loadConfig({ serverUrl: 'http://127.0.0.1:5000', serverToken: 'ccb_stdin' }, environment).server).toEqual({ url: 'http://127.0.0.1:5000', token: 'ccb_stdin' });
  });

  it('refuses a bad [server]: not an http(s) URL, token and token_file both, a token file it cannot read', () => {
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: configFile('[server]\nurl = "ftp://x"\n') }))).toContain('server.url: must be an http:// or https:// URL');
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: configFile('[server]\ntoken = "a"\ntoken_file = "b"\n') }))).toContain('give token or token_file, not both');
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_CONFIG: configFile('[server]\ntoken_file = "missing"\n') }))).toMatch(/server\.token_file: cannot read .*missing/);
    expect(failure(() => loadConfig({ serverUrl: 'localhost:3000' }, { HOME: home }))).toBe('--server must be an http:// or https:// URL');
    expect(failure(() => loadConfig({}, { HOME: home, CC_BRIDGE_SERVER: 'nope' }))).toContain('CC_BRIDGE_SERVER');
  });
});
