// Reference oracle for the version-model differential tests: one long-lived process that answers JSON lines on
// stdin/stdout. Each request is {"id": n, "op": "...", ...}; each answer is {"id": n, "ok": true, "value": ...} or
// {"id": n, "ok": false, "error": "..."}. PEP 440 answers come from @renovatebot/pep440, conda answers from
// @conda-org/rattler (conda's Rust library compiled to WASM), and "solve" runs rattler's solver against a channel that
// this process serves from a folder on 127.0.0.1.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const readline = require('readline');
const pep440 = require('@renovatebot/pep440');
const rattler = require('@conda-org/rattler');

const servers = [];

function sign(n) {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function condaVersion(text) {
  return new rattler.Version(text);
}

function serve(folder) {
  return new Promise((resolve, reject) => {
    const server = http.createServer((request, response) => {
      const relative = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname).replace(/^\/+/, '');
      const file = path.resolve(folder, relative);
      if (!file.startsWith(path.resolve(folder) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        response.writeHead(404);
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      fs.createReadStream(file).pipe(response);
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      servers.push(server);
      resolve('http://127.0.0.1:' + server.address().port + '/');
    });
  });
}

const ops = {
  // PEP 440 (@renovatebot/pep440).
  'pep440.valid': (r) => pep440.valid(r.version) !== null,
  'pep440.compare': (r) => sign(pep440.compare(r.a, r.b)),
  'pep440.validRange': (r) => pep440.validRange(r.spec) === true,
  'pep440.satisfies': (r) => pep440.satisfies(r.version, r.spec),

  // conda (@conda-org/rattler).
  'conda.valid': (r) => {
    try {
      condaVersion(r.version);
      return true;
    } catch (e) {
      return false;
    }
  },
  'conda.compare': (r) => sign(condaVersion(r.a).compare(condaVersion(r.b))),
  'conda.validSpec': (r) => {
    try {
      new rattler.VersionSpec(r.spec, 'lenient');
      return true;
    } catch (e) {
      return false;
    }
  },
  'conda.matches': (r) => new rattler.VersionSpec(r.spec, 'lenient').matches(condaVersion(r.version)),
  'serve': (r) => serve(r.folder),
  // Solves MatchSpecs against channels; the value is the solved version of `package`, or null when unsatisfiable.
  'conda.solve': async (r) => {
    try {
      const solved = await rattler.simpleSolve(r.specs, r.channels, ['linux-64', 'noarch'], undefined);
      const hit = solved.find((p) => p.packageName === r.package);
      return hit ? hit.version : null;
    } catch (e) {
      const message = String(e && e.message ? e.message : e);
      if (/cannot be installed|conflict|nothing provides|No candidates|unsolvable|requires/i.test(message)) {
        return null;
      }
      throw e;
    }
  },
};

// Requests are answered one at a time, in order: thousands of solves at once would exhaust the local channel server.
let queue = Promise.resolve();
const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
  queue = queue.then(() => answer(line));
});

async function answer(line) {
  if (!line.trim()) {
    return;
  }
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    process.stdout.write(JSON.stringify({ id: -1, ok: false, error: 'bad request: ' + e.message }) + '\n');
    return;
  }
  let reply;
  try {
    const op = ops[request.op];
    if (!op) {
      throw new Error('unknown op ' + request.op);
    }
    reply = { id: request.id, ok: true, value: await op(request) };
  } catch (e) {
    reply = { id: request.id, ok: false, error: String(e && e.message ? e.message : e).split('\n')[0] };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
}

input.on('close', () => {
  queue.then(() => {
    for (const server of servers) {
      server.close();
    }
  });
});
