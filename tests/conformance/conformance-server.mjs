// Starts aiproxy-conformance-server (named by AIPROXY_CONFORMANCE_SERVER): a gateway in front of
// the mock upstream. Resolves to { settings: {base_url, api_key}, stop() }.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function startConformanceServer() {
  const binary = process.env.AIPROXY_CONFORMANCE_SERVER;
  assert.ok(binary, 'AIPROXY_CONFORMANCE_SERVER must name the aiproxy-conformance-server binary');
  const server = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((_, reject) => {
    server.once('exit', (code) => reject(new Error(`aiproxy-conformance-server exited early (${code})`)));
  });
  const lines = createInterface({ input: server.stdout });
  const line = await Promise.race([new Promise((resolve) => lines.once('line', resolve)), exited]);
  return {
    settings: JSON.parse(line),
    async stop() {
      if (server.exitCode !== null) return;
      const done = new Promise((resolve) => server.once('exit', resolve));
      server.stdin.end(); // The server exits when its stdin closes.
      await done;
    },
  };
}
