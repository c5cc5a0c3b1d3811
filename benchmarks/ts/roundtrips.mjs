// The TypeScript MCP SDK's OAuth client (auth() with an in-memory OAuthClientProvider that also
// keeps the SDK's discovery state) against one loopback world started by bench_roundtrips.py.
// Counts the requests the SDK makes between the first 401 and redirectToAuthorization, and the
// most requests it ever had in flight at once (1: every request is a sequential round trip).
// Then completes the login, forgets the tokens and connects a second time.
// Usage: node roundtrips.mjs <resource-url>   -> one JSON line on stdout
import { auth, extractWWWAuthenticateParams } from "@modelcontextprotocol/sdk/client/auth.js";

const resourceUrl = process.argv[2];
const redirectUrl = "http://127.0.0.1:9/callback";
let requests = 0;
let inFlight = 0;
let maxInFlight = 0;
const countingFetch = async (input, init) => {
  requests += 1;
  inFlight += 1;
  maxInFlight = Math.max(maxInFlight, inFlight);
  try {
    return await fetch(input, init);
  } finally {
    inFlight -= 1;
  }
};

class Provider {
  constructor() { this.store = {}; }
  get redirectUrl() { return redirectUrl; }
  get clientMetadata() {
    return {
      redirect_uris: [redirectUrl], client_name: "bench", response_types: ["code"],
      grant_types: ["authorization_code", "refresh_token"], token_endpoint_auth_method: "none",
    };
  }
  clientInformation() { return this.store.client; }
  saveClientInformation(info) { this.store.client = info; }
  tokens() { return this.store.tokens; }
  saveTokens(tokens) { this.store.tokens = tokens; }
  redirectToAuthorization(url) { this.store.authorizationUrl = url; this.store.atAuthorization = requests; }
  saveCodeVerifier(verifier) { this.store.verifier = verifier; }
  codeVerifier() { return this.store.verifier; }
  discoveryState() { return this.store.discovery; }
  saveDiscoveryState(state) { this.store.discovery = state; }
}

async function connect(provider) {
  requests = 0;
  maxInFlight = 0;
  const first = await fetch(resourceUrl);
  if (first.status !== 401) throw new Error(`expected 401, got ${first.status}`);
  const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(first);
  const result = await auth(provider, { serverUrl: resourceUrl, resourceMetadataUrl, scope, fetchFn: countingFetch });
  if (result !== "REDIRECT") throw new Error(`expected REDIRECT, got ${result}`);
  const measured = { requests: provider.store.atAuthorization, maxInFlight };
  // Complete the login: the world approves at once (302 to the redirect URI with the code).
  const answer = await fetch(provider.store.authorizationUrl, { redirect: "manual" });
  const callback = new URL(answer.headers.get("location"));
  const done = await auth(provider, {
    serverUrl: resourceUrl, resourceMetadataUrl, scope,
    authorizationCode: callback.searchParams.get("code"), fetchFn: countingFetch,
  });
  if (done !== "AUTHORIZED") throw new Error(`expected AUTHORIZED, got ${done}`);
  return measured;
}

const provider = new Provider();
const firstConnection = await connect(provider);
provider.store.tokens = undefined;
const secondConnection = await connect(provider);
console.log(JSON.stringify({ firstConnection, secondConnection }));
