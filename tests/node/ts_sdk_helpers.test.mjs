// node --test: the TypeScript MCP SDK's WWW-Authenticate helpers against rfcauth's vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { compare, readVectors } from './ts_sdk_helpers.mjs';

const curated = fileURLToPath(
  new URL('../../rfcauth/testing/vectors/challenges-v1.jsonl', import.meta.url),
);

test('every valid curated vector reaches the SDK (none is dropped as unsendable)', () => {
  const vectors = readVectors(curated).filter((v) => v.valid);
  assert.ok(vectors.length > 10);
  const { checked } = compare(vectors);
  assert.equal(checked, vectors.length);
});

test('the SDK reads resource_metadata out of another quoted value', () => {
  const { disagreements } = compare(readVectors(curated));
  const leak = disagreements.find((d) => d.id === 'prm-disguised-in-realm');
  assert.ok(leak, 'expected the disguised hint to be taken');
  assert.equal(leak.expected, null);
  assert.match(leak.got, /evil\.example/);
});

test('the SDK ignores parameters when Bearer is not the first challenge', () => {
  const { disagreements } = compare(readVectors(curated));
  const missed = disagreements.find((d) => d.id === 'basic-then-bearer');
  assert.ok(missed);
  assert.equal(missed.got, null);
});
