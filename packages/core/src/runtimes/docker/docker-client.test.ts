import { describe, expect, it } from 'vitest';

import { isCcBridgeError } from '../../errors.ts';
import { createDockerClient, describeDockerEndpoint, dockerErrorFrom, isRemovalInProgress, parseDockerHost } from './docker-client.ts';
import { dockerCliTlsFlags } from './docker-host.ts';

describe('parseDockerHost', () => {
  it('uses the default socket without a host', () => {
    expect(parseDockerHost(null)).toEqual({ socketPath: '/var/run/docker.sock' });
  });

  it('reads unix and tcp forms', () => {
    expect(parseDockerHost('unix:///run/user/1000/docker.sock')).toEqual({ socketPath: '/run/user/1000/docker.sock' });
    expect(parseDockerHost('tcp://10.0.0.5:2376')).toEqual({ host: '10.0.0.5', port: 2376 });
    expect(parseDockerHost('tcp://docker.internal')).toEqual({ host: 'docker.internal', port: 2375 });
    expect(parseDockerHost('tcp://[::1]:2375')).toEqual({ host: '::1', port: 2375 });
  });

  it('reads ssh forms', () => {
    expect(parseDockerHost('ssh://me@box')).toEqual({ ssh: { host: 'box', port: 22, username: 'me' } });
    expect(parseDockerHost('ssh://box.lan:2222')).toEqual({ ssh: { host: 'box.lan', port: 2222, username: null } });
  });

  it('rejects other forms as invalid config', () => {
    for (const host of ['ssh://', 'ssh://me@box/var/run', 'unix://', '/var/run/docker.sock', 'tcp://']) {
      expect(() => parseDockerHost(host), host).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });

  it('says what is wrong with a value it cannot use, naming the setting', () => {
    const cases: [string, string][] = [
      ['garbage', 'DOCKER_HOST "garbage" is not a valid URL; use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host'],
      ['tcp://bad host:2375', 'DOCKER_HOST "tcp://bad host:2375" is not a valid URL; use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host'],
      ['http://[::1', 'DOCKER_HOST "http://[::1" is not a valid URL; use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host'],
      ['tcp://', 'DOCKER_HOST "tcp://" names no host; use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host'],
      ['npipe:////./pipe/docker_engine', 'DOCKER_HOST "npipe:////./pipe/docker_engine" is not supported: Windows named pipes are not available here; use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host'],
      ['http://127.0.0.1:2375', 'DOCKER_HOST "http://127.0.0.1:2375" is not supported: http:// is not a Docker host transport cc-bridge speaks; use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host'],
    ];
    for (const [host, message] of cases) {
      expect(() => parseDockerHost(host, 'DOCKER_HOST'), host).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message }));
    }
    expect(() => parseDockerHost('ssh://me@box/x', '[docker] host in /etc/cc.toml')).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^\[docker\] host in \/etc\/cc\.toml "ssh:\/\/me@box\/x" has a path/) }),
    );
  });
});

describe('dockerCliTlsFlags', () => {
  it("gives the docker CLI the host's TLS files, verifying when asked", () => {
    expect(dockerCliTlsFlags(null)).toEqual([]);
    expect(dockerCliTlsFlags({ ca: '/c/ca.pem', cert: '/c/cert.pem', key: '/c/key.pem', verify: true })).toEqual([
      '--tlsverify', '--tlscacert', '/c/ca.pem', '--tlscert', '/c/cert.pem', '--tlskey', '/c/key.pem',
    ]);
    expect(dockerCliTlsFlags({ ca: null, cert: null, key: null, verify: false })).toEqual(['--tls']);
  });
});

describe('createDockerClient', () => {
  it('uses the configured endpoint even when DOCKER_HOST says otherwise', () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'tcp://elsewhere:2375';
    try {
      expect(describeDockerEndpoint(createDockerClient(null))).toBe('unix:///var/run/docker.sock');
      expect(describeDockerEndpoint(createDockerClient('tcp://127.0.0.1:2380'))).toBe('tcp://127.0.0.1:2380');
      expect(describeDockerEndpoint(createDockerClient('ssh://me@box.lan:2222'))).toBe('ssh://me@box.lan:2222');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});

describe('createDockerClient with a host entry', () => {
  it('names the setting and the file when a TLS file cannot be read', () => {
    const settings = { url: 'tcp://127.0.0.1:2376', setting: '[[docker.hosts]] "b" in /x.toml', tls: { ca: '/nonexistent/ca.pem', cert: null, key: null, verify: true }, sshKey: null, sshAgent: null };
    expect(() => createDockerClient(settings)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('[[docker.hosts]] "b" in /x.toml: cannot read the CA certificate /nonexistent/ca.pem') }),
    );
  });
});

function errnoError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });
}

describe('dockerErrorFrom', () => {
  it('reads connection failures as DOCKER_UNAVAILABLE naming the endpoint', () => {
    for (const code of ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ETIMEDOUT', 'ECONNRESET']) {
      const error = dockerErrorFrom(errnoError(code, `connect ${code}`), 'unix:///x.sock');
      expect(error.code, code).toBe('DOCKER_UNAVAILABLE');
      expect(error.message).toMatch(/^Docker Engine unreachable at unix:\/\/\/x\.sock: /);
    }
  });

  it("reads Engine responses as DOCKER_ERROR with the Engine's message", () => {
    const error = dockerErrorFrom(engineError(409, 'Conflict. The container name "/a" is already in use'), 'unix:///x.sock');
    expect(error.code).toBe('DOCKER_ERROR');
    expect(error.message).toBe('Conflict. The container name "/a" is already in use');
  });

  it('reads a request that hit its deadline as DOCKER_UNAVAILABLE', () => {
    const aborted = Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
    const error = dockerErrorFrom(aborted, 'tcp://h:2375', 2_000);
    expect(error.code).toBe('DOCKER_UNAVAILABLE');
    expect(error.message).toBe('Docker Engine unreachable at tcp://h:2375: no answer within 2 s');
  });

  it('tells a removal already under way from other conflicts', () => {
    expect(isRemovalInProgress(engineError(409, 'removal of container 4932a2 is already in progress'))).toBe(true);
    expect(isRemovalInProgress(engineError(409, 'Conflict. The container name "/a" is already in use'))).toBe(false);
    expect(isRemovalInProgress(engineError(500, 'removal of container 4932a2 is already in progress'))).toBe(false);
  });

  it('passes our own errors through', () => {
    const original = dockerErrorFrom(errnoError('ECONNREFUSED', 'refused'), 'tcp://h:1');
    expect(dockerErrorFrom(original, 'elsewhere')).toBe(original);
    expect(isCcBridgeError(original, 'DOCKER_UNAVAILABLE')).toBe(true);
  });
});
