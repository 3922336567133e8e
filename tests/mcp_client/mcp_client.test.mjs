// `agentry mcp` driven by a client nobody here wrote: the official MCP TypeScript SDK.
//
// Environment:
//   AGENTRY_BIN       the agentry binary (required; every test is skipped without it)
//   AGENTRY_FAKE_LLM  the agentry-fake-llm binary (default: beside AGENTRY_BIN); the tests that
//                     run an agent start it with a script from this folder and point agentry's
//                     OpenAI provider at it (OPENAI_BASE_URL), so nothing leaves 127.0.0.1.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const agentry = process.env.AGENTRY_BIN;
const fakeLlm =
  process.env.AGENTRY_FAKE_LLM ?? (agentry ? path.join(path.dirname(agentry), 'agentry-fake-llm') : '');
const skipAll = agentry && fs.existsSync(agentry) ? false : 'AGENTRY_BIN is not set to the agentry binary';
const skipAgent = skipAll || (fs.existsSync(fakeLlm) ? false : `no fake LLM server at "${fakeLlm}"`);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'agentry-mcp-client-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/// A fresh copy of the slow fixture crate, so cargo's target/ stays out of the source tree.
function crateCopy(name) {
  const dir = path.join(scratch, name);
  fs.cpSync(path.join(here, 'fixtures', 'slow_test'), dir, { recursive: true });
  return fs.realpathSync(dir);
}

/// The environment agentry runs in: no user config, no real provider, the fake LLM if given.
function serverEnv(llmUrl) {
  const home = path.join(scratch, 'home');
  fs.mkdirSync(home, { recursive: true });
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    NO_COLOR: '1',
  };
  for (const name of ['CARGO_HOME', 'RUSTUP_HOME']) {
    if (process.env[name]) env[name] = process.env[name];
  }
  // cargo may be a rustup proxy that finds its toolchains through the real home.
  if (process.env.HOME) {
    env.CARGO_HOME ??= path.join(process.env.HOME, '.cargo');
    env.RUSTUP_HOME ??= path.join(process.env.HOME, '.rustup');
  }
  if (llmUrl) {
    env.OPENAI_BASE_URL = `${llmUrl}/v1`;
    env.OPENAI_API_KEY = 'test-key-not-secret';
  }
  return env;
}

/// Starts agentry-fake-llm on a free port with `script`; resolves to its base URL.
async function startFakeLlm(script, t) {
  const child = spawn(fakeLlm, ['--script', path.join(here, script), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill('SIGTERM'));
  const lines = readline.createInterface({ input: child.stdout });
  const [first] = await once(lines, 'line');
  const port = Number.parseInt(first, 10);
  assert.ok(port > 0, `agentry-fake-llm printed "${first}" instead of its port`);
  return `http://127.0.0.1:${port}`;
}

/// An SDK client connected to `agentry mcp` over stdio.
async function connect(t, { root, llmUrl, args = [] }) {
  const transport = new StdioClientTransport({
    command: agentry,
    args: ['mcp', '--root', root, '--permission-mode', 'bypass', ...args],
    cwd: scratch,  // not below the root: the cancel test looks for processes there
    env: serverEnv(llmUrl),
    stderr: 'inherit',
  });
  const client = new Client({ name: 'agentry-test-client', version: '1.0.0' });
  await client.connect(transport);
  t.after(() => client.close());
  return client;
}

/// Pids of live processes whose working directory is `dir` or below it.
function processesUnder(dir) {
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(dir + path.sep)) found.push(Number(entry));
    } catch {
      // gone already, or not ours to look at
    }
  }
  return found;
}

async function waitFor(what, predicate, ms = 20000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('agentry mcp with the official TypeScript SDK client', { skip: skipAll }, () => {
  test('initialize negotiates and tools/list offers rust-pro and list_agents', async (t) => {
    const root = crateCopy('list');
    const client = await connect(t, { root });
    assert.equal(client.getServerVersion().name, 'agentry');
    assert.deepEqual(client.getServerCapabilities().tools, { listChanged: false });

    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    assert.ok(names.includes('rust-pro'), `tools: ${names.join(', ')}`);
    assert.equal(names.at(-1), 'list_agents');
    for (const name of names) assert.match(name, /^[a-zA-Z0-9_-]{1,64}$/);
    const rust = tools.find((tool) => tool.name === 'rust-pro');
    assert.deepEqual(rust.inputSchema.required, ['task']);
    assert.deepEqual(Object.keys(rust.inputSchema.properties).sort(), ['cwd', 'session_id', 'task']);

    const listed = await client.callTool({ name: 'list_agents', arguments: {} });
    assert.equal(listed.isError, false);
    assert.ok(listed.structuredContent.agents.some((a) => a.agent === 'rust-pro'));
    assert.equal(await client.ping().then(() => 'pong'), 'pong');
  });

  test('unknown tool is -32602; a cwd outside the roots is an isError result', async (t) => {
    const root = crateCopy('errors');
    const client = await connect(t, { root });
    await assert.rejects(client.callTool({ name: 'no-such-agent', arguments: { task: 'x' } }), (e) => {
      assert.ok(e instanceof McpError);
      assert.equal(e.code, -32602);
      return true;
    });
    const outside = await client.callTool({
      name: 'rust-pro',
      arguments: { task: 'look around', cwd: os.tmpdir() },
    });
    assert.equal(outside.isError, true);
    assert.match(outside.content[0].text, /outside the roots/);
  });

  test('calls rust-pro on a crate: progress per tool call, then the result', { skip: skipAgent }, async (t) => {
    const llmUrl = await startFakeLlm('fake_llm_check.yaml', t);
    const root = crateCopy('check');
    const client = await connect(t, { root, llmUrl });
    const progress = [];
    const result = await client.callTool(
      { name: 'rust-pro', arguments: { task: 'Does this crate compile? Run cargo check.' } },
      undefined,
      { onprogress: (p) => progress.push(p), timeout: 120000 },
    );
    assert.equal(result.isError, false, JSON.stringify(result.content));
    assert.equal(result.content[0].text, 'The crate compiles cleanly.');
    assert.equal(typeof result.structuredContent.session_id, 'string');
    assert.equal(result.structuredContent.stop_reason, 'completed');
    assert.ok(result.structuredContent.usage.input_tokens >= 0);
    assert.ok(progress.length >= 2, `progress: ${JSON.stringify(progress)}`);
    assert.ok(progress.some((p) => /cargo_check done/.test(p.message)), JSON.stringify(progress));
    for (let i = 1; i < progress.length; ++i) assert.ok(progress[i].progress > progress[i - 1].progress);
  });

  test('cancelling a call mid-way stops its child processes; the server stays up', { skip: skipAgent }, async (t) => {
    const llmUrl = await startFakeLlm('fake_llm_slow.yaml', t);
    const root = crateCopy('cancel');
    const client = await connect(t, { root, llmUrl });
    const controller = new AbortController();
    let testStarted = false;
    const call = client.callTool(
      { name: 'rust-pro', arguments: { task: 'Run the tests.' } },
      undefined,
      {
        signal: controller.signal,
        timeout: 300000,
        onprogress: (p) => {
          if (/cargo_test/.test(p.message)) testStarted = true;
        },
      },
    );
    call.catch(() => {});  // observed below; keeps an early rejection from going unhandled
    await waitFor('cargo test to start', () => testStarted);
    // The test binary sleeps for minutes: wait until cargo or the test runs below the crate.
    await waitFor('a child process in the crate', () => processesUnder(root).length > 0, 120000);
    controller.abort('user abort');
    await assert.rejects(call);
    await waitFor('the child processes to be gone', () => processesUnder(root).length === 0);
    await client.ping();
    const listed = await client.callTool({ name: 'list_agents', arguments: {} });
    assert.equal(listed.isError, false);
  });

  test('raw JSON-RPC: error codes, no reply to notifications, exit 0 at end of input', async () => {
    const root = crateCopy('raw');
    const child = spawn(agentry, ['mcp', '--root', root], {
      cwd: scratch,
      env: serverEnv(),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const replies = readline.createInterface({ input: child.stdout });
    const queue = [];
    let wake = null;
    replies.on('line', (line) => {
      queue.push(JSON.parse(line));
      wake?.();
    });
    const next = async () => {
      while (queue.length === 0) await new Promise((resolve) => (wake = resolve));
      return queue.shift();
    };
    const send = (line) => child.stdin.write(line + '\n');

    send('{"jsonrpc":"2.0","id":"d","method":"server/discover","params":{}}');
    assert.deepEqual((await next()).error.code, -32601);
    send('this is not json');
    const parse = await next();
    assert.equal(parse.id, null);
    assert.equal(parse.error.code, -32700);
    send('{"jsonrpc":"2.0","id":1}');
    assert.equal((await next()).error.code, -32600);
    send(JSON.stringify({
      jsonrpc: '2.0', id: 2, method: 'initialize',
      params: { protocolVersion: '2099-01-01', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    }));
    assert.equal((await next()).result.protocolVersion, '2025-11-25');
    send('{"jsonrpc":"2.0","method":"notifications/initialized"}');
    send('{"jsonrpc":"2.0","id":3,"method":"no/such/method"}');
    const unknown = await next();
    assert.equal(unknown.id, 3);
    assert.equal(unknown.error.code, -32601);
    send('{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"nope","arguments":{}}}');
    assert.equal((await next()).error.code, -32602);
    send('{"jsonrpc":"2.0","id":5,"method":"ping"}');
    assert.deepEqual(await next(), { jsonrpc: '2.0', id: 5, result: {} });
    child.stdin.end();
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.equal(queue.length, 0);
  });
});
