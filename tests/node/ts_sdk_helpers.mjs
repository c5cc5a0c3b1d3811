// Feed rfcauth's challenge vectors (JSON Lines) to the TypeScript MCP SDK's
// extractWWWAuthenticateParams and print, as JSON, where it disagrees with rfcauth.
//
// rfcauth's answer for each field is its value in the first challenge that has it (RFC 9110
// §11.2: names are case-insensitive, quoted-strings unescaped); only vectors rfcauth accepts
// are checked. Usage: node ts_sdk_helpers.mjs VECTORS.jsonl
import { readFileSync } from 'node:fs';
import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';

const FIELDS = ['resource_metadata', 'scope', 'error'];

function expectedField(challenges, field) {
  for (const challenge of challenges) {
    if (Object.hasOwn(challenge.params, field)) return challenge.params[field];
  }
  return null;
}

function asUrl(text) {
  if (text === null) return null;
  try {
    return new URL(text).href;
  } catch {
    return null; // the SDK drops a resource_metadata that is not a URL; so does this check
  }
}

export function compare(lines) {
  const disagreements = [];
  let checked = 0;
  let skipped = 0;
  lines.forEach((vector, index) => {
    if (!vector.valid) return;
    let response;
    try {
      response = new Response(null, { status: 401, headers: { 'WWW-Authenticate': vector.input } });
    } catch {
      skipped += 1; // not representable as a Fetch API header value
      return;
    }
    checked += 1;
    const got = extractWWWAuthenticateParams(response);
    const gotFields = {
      resource_metadata: got.resourceMetadataUrl ? got.resourceMetadataUrl.href : null,
      scope: got.scope ?? null,
      error: got.error ?? null,
    };
    for (const field of FIELDS) {
      let expected = expectedField(vector.expect, field);
      if (field === 'resource_metadata') expected = asUrl(expected);
      if (gotFields[field] !== expected) {
        disagreements.push({
          id: vector.id ?? `line ${index + 1}`,
          input: vector.input,
          field,
          got: gotFields[field],
          expected,
        });
      }
    }
  });
  return { checked, skipped, disagreements };
}

export function sdkVersion() {
  const manifest = new URL('./node_modules/@modelcontextprotocol/sdk/package.json', import.meta.url);
  return JSON.parse(readFileSync(manifest, 'utf-8')).version;
}

export function readVectors(path) {
  return readFileSync(path, 'utf-8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = { sdk_version: sdkVersion(), ...compare(readVectors(process.argv[2])) };
  process.stdout.write(JSON.stringify(result, null, 1) + '\n');
}
