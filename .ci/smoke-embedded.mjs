// Smoke test of the embedded default: the built app with no DATABASE_URL starts its own
// PostgreSQL and the PEMS simulator, serves /health and /api/docs, lets the demo admin log in
// and list the 500 demo records, serves the web console at / (index.html and the JavaScript it
// loads, nothing from another origin), and keeps its data across a restart.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dataDir = process.env.SMOKE_DATA_DIR;
const port = Number(process.env.SMOKE_PORT ?? 39123);
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), EMBEDDED_POSTGRES_PORT: process.env.SMOKE_PG_PORT ?? '54349', LOG_FILE: join(dataDir, 'app.log') };
delete env.DATABASE_URL;

async function waitFor(url, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return response;
    } catch {
      // Not listening yet: ask again until the deadline.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer within ${deadlineMs} ms`);
}

async function run(label, check) {
  const app = spawn(process.execPath, ['dist/src/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  app.stdout.on('data', (chunk) => (output += chunk));
  app.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => app.on('exit', resolve));
  try {
    await Promise.race([waitFor(`${base}/health`, 120_000), exited.then((code) => Promise.reject(new Error(`the app exited with ${code}`)))]);
    await check();
    console.log(`smoke ${label}: ok`);
  } catch (error) {
    console.error(output);
    throw error;
  } finally {
    app.kill('SIGTERM');
    await exited;
  }
}

async function login() {
  const { username, password } = JSON.parse(readFileSync(join(dataDir, 'demo-login.json'), 'utf8'));
  const response = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (response.status !== 200) throw new Error(`demo login answered ${response.status}`);
  return (await response.json()).accessToken;
}

async function demoRecords(token) {
  const me = await (await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).json();
  const demo = me.organizations.find((organization) => organization.code === 'DEMO');
  const page = await (await fetch(`${base}/api/pfa?organizationId=${demo.organizationId}&pageSize=1`, { headers: { authorization: `Bearer ${token}` } })).json();
  return { demo, page };
}

/** GET / answers the console's index.html, which loads only files of this origin, and each script it loads answers 200 as JavaScript. */
async function consoleServed() {
  const index = await fetch(`${base}/`);
  const html = await index.text();
  if (index.status !== 200 || !index.headers.get('content-type')?.includes('text/html')) throw new Error(`GET / answered ${index.status} ${index.headers.get('content-type')}`);
  if (!html.includes('<div id="root">')) throw new Error(`GET / is not the console's index.html:\n${html.slice(0, 500)}`);
  const external = html.match(/(?:https?:)?\/\/[^"'\s>]+/gi);
  if (external) throw new Error(`The console's index.html names another origin: ${external.join(', ')}`);
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1]);
  if (scripts.length === 0) throw new Error('The index.html at / loads no script');
  for (const script of scripts) {
    const asset = await fetch(new URL(script, `${base}/`));
    await asset.arrayBuffer();
    if (asset.status !== 200 || !asset.headers.get('content-type')?.includes('javascript'))
      throw new Error(`${script} answered ${asset.status} ${asset.headers.get('content-type')}`);
  }
  for (const asset of [...html.matchAll(/<link[^>]*\shref="(\/assets\/[^"]+)"/g)].map((match) => match[1])) {
    const answer = await fetch(new URL(asset, `${base}/`));
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`${asset} answered ${answer.status}`);
  }
  // The console's router reads the path: a deep link answers index.html too.
  const deep = await fetch(`${base}/records`);
  if (deep.status !== 200 || !(await deep.text()).includes('<div id="root">')) throw new Error(`GET /records answered ${deep.status} without the console`);
}

let editedRecord;
await run('first start', async () => {
  const docs = await fetch(`${base}/api/docs`);
  if (docs.status !== 200) throw new Error(`/api/docs answered ${docs.status}`);
  await consoleServed();
  const token = await login();
  const { page } = await demoRecords(token);
  if (page.total !== 500) throw new Error(`expected 500 demo records, found ${page.total}`);
  editedRecord = page.items[0];
  const edit = await fetch(`${base}/api/pfa/${editedRecord.id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ changes: { model: 'Smoke test model' } }),
  });
  if (edit.status !== 201) throw new Error(`editing a demo record answered ${edit.status}: ${await edit.text()}`);
});
await run('restart keeps the data', async () => {
  const token = await login();
  const { page } = await demoRecords(token);
  if (page.total !== 500) throw new Error(`expected the 500 demo records after a restart, found ${page.total}`);
  const detail = await (await fetch(`${base}/api/pfa/${editedRecord.id}`, { headers: { authorization: `Bearer ${token}` } })).json();
  if (detail.values.model !== 'Smoke test model') throw new Error('the edit made before the restart is gone');
});
