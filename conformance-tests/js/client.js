#!/usr/bin/env node
// tuf-js client for tufrepo's conformance tests.
//
// One process serves a whole test scenario: it reads one JSON request per line on stdin and
// answers each with one JSON line on stdout. A request is one client session: refresh the
// top-level metadata (root chain, timestamp, snapshot, targets), then look every target up
// through the delegations (succinct hash bins included), download it and check its bytes.
//
// request:  {"id", "metadataDir", "initialRoot", "metadataUrl", "targetsUrl", "targetDir",
//            "now": "2026-11-25T10:00:00Z" (the client's clock),
//            "present": {"<target path>": "<sha256 of the expected bytes>"},
//            "absent": ["<target path that must not be found>"]}
// response: {"id", "ok", "error", "errorType", "versions": {"root", "timestamp", "snapshot",
//            "targets"}, "downloaded": ["<path>"...]}
//
// With arguments instead (`node client.js --check`), it loads tuf-js, prints its version and
// exits: the tests run that first so that a client that cannot start fails the build.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const readline = require('readline');

const RealDate = Date;

/** Makes `new Date()` and `Date.now()` return `nowMs`: tuf-js takes its reference time there. */
function setClock(nowMs) {
  class ClientDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) {
        super(nowMs);
      } else {
        super(...args);
      }
    }

    static now() {
      return nowMs;
    }
  }
  global.Date = ClientDate;
}

function sha256File(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function trustedVersions(metadataDir) {
  const out = {};
  for (const role of ['root', 'timestamp', 'snapshot', 'targets']) {
    const file = path.join(metadataDir, `${role}.json`);
    if (fs.existsSync(file)) {
      out[role] = JSON.parse(fs.readFileSync(file, 'utf8')).signed.version;
    }
  }
  return out;
}

async function session(req) {
  const { Updater } = require('tuf-js');
  fs.mkdirSync(req.metadataDir, { recursive: true });
  fs.mkdirSync(req.targetDir, { recursive: true });
  const rootFile = path.join(req.metadataDir, 'root.json');
  if (!fs.existsSync(rootFile)) {
    fs.copyFileSync(req.initialRoot, rootFile);
  }
  setClock(RealDate.parse(req.now));
  const updater = new Updater({
    metadataBaseUrl: req.metadataUrl,
    metadataDir: req.metadataDir,
    targetBaseUrl: req.targetsUrl,
    targetDir: req.targetDir,
    config: { fetchRetry: 0 },
  });
  await updater.refresh();
  const downloaded = [];
  for (const [targetPath, sha256] of Object.entries(req.present || {})) {
    const info = await updater.getTargetInfo(targetPath);
    if (!info) {
      throw new Error(`target ${targetPath} not found`);
    }
    const file = await updater.downloadTarget(info);
    const actual = sha256File(file);
    if (actual !== sha256) {
      throw new Error(`target ${targetPath}: downloaded bytes have sha256 ${actual}, expected ${sha256}`);
    }
    downloaded.push(targetPath);
  }
  for (const targetPath of req.absent || []) {
    const info = await updater.getTargetInfo(targetPath);
    if (info) {
      throw new Error(`target ${targetPath} was removed but is still found`);
    }
  }
  return { downloaded };
}

async function answer(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    return { id: null, ok: false, error: `bad request: ${e.message}`, errorType: 'BadRequest' };
  }
  try {
    const { downloaded } = await session(req);
    return { id: req.id, ok: true, versions: trustedVersions(req.metadataDir), downloaded };
  } catch (e) {
    return {
      id: req.id,
      ok: false,
      error: String((e && e.message) || e),
      errorType: (e && e.constructor && e.constructor.name) || typeof e,
      versions: trustedVersions(req.metadataDir),
    };
  } finally {
    global.Date = RealDate;
  }
}

async function main() {
  if (process.argv.includes('--check')) {
    const pkg = require('tuf-js/package.json');
    require('tuf-js');
    process.stdout.write(JSON.stringify({ ok: true, tufJs: pkg.version, node: process.version }) + '\n');
    return;
  }
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') {
      continue;
    }
    process.stdout.write(JSON.stringify(await answer(line)) + '\n');
  }
}

main().catch((e) => {
  process.stderr.write(`client failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
