// A real OpenID Connect provider for the SSO tests: panva's certified oidc-provider on
// loopback, with a login form that checks username and password, a consent page, and
// accounts read from a JSON file at every use, so that a test deactivates an account by
// rewriting the file ("active": false) and the provider refuses it from the next request
// on (login, token refresh, userinfo).
//
// Environment:
//   OIDC_ACCOUNTS_FILE  {"accounts": {"<sub>": {"username", "password", "active", "claims"}}}
//   OIDC_CLIENTS        JSON list of client metadata (client_id, client_secret, redirect_uris)
//   OIDC_PORT           port on 127.0.0.1 (default 0: any free port)
// Prints one JSON line {"issuer": "http://127.0.0.1:<port>"} when it accepts requests.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const accountsFile = process.env.OIDC_ACCOUNTS_FILE;
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');

function readAccounts() {
  return JSON.parse(fs.readFileSync(accountsFile, 'utf8')).accounts;
}

function activeAccount(id) {
  const account = readAccounts()[id];
  return account && account.active !== false ? account : undefined;
}

async function findAccount(ctx, id) {
  const account = activeAccount(id);
  if (!account) return undefined;
  return {
    accountId: id,
    async claims() {
      return { sub: id, ...account.claims };
    },
  };
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, title, body, status = 200) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`);
}

function loginForm(res, uid, error) {
  page(res, 'Test IdP sign-in', `${error ? `<p role="alert" id="idp-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <label for="username">Username</label> <input id="username" name="username" autocomplete="username">
  <label for="password">Password</label> <input id="password" name="password" type="password">
  <button type="submit">Sign in</button>
</form>`);
}

function consentForm(res, uid, details) {
  const scopes = details.prompt.details.missingOIDCScope || [];
  page(res, 'Test IdP consent', `<p>The application asks for: ${escapeHtml(scopes.join(', '))}</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>`);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(provider, req, res) {
  const [, , uid, action] = new URL(req.url, 'http://x').pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    if (details.prompt.name === 'login') return loginForm(res, uid);
    return consentForm(res, uid, details);
  }
  if (action === 'login') {
    const form = await readBody(req);
    const found = Object.entries(readAccounts()).find(
      ([, a]) => a.username === form.get('username'),
    );
    if (!found || found[1].password !== form.get('password') || found[1].active === false) {
      return loginForm(res, uid, 'Invalid username or password, or the account is disabled.');
    }
    return provider.interactionFinished(
      req, res, { login: { accountId: found[0] } }, { mergeWithLastSubmission: false },
    );
  }
  if (action === 'confirm') {
    await readBody(req);
    const { prompt: { details: missing }, params, session: { accountId } } = details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    const consent = details.grantId ? {} : { grantId };
    return provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
  }
  return page(res, 'Not found', '', 404);
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-1', use: 'sig', alg: 'RS256' };

const configuration = {
  clients: clients.map((c) => ({
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups'],
  },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
  findAccount,
  jwks: { keys: [signingKey] },
  cookies: { keys: ['wbagentur-test-idp-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, i) => `/interaction/${i.uid}` },
  // Like Keycloak: every confidential client with the grant gets a refresh token.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: { AccessToken: 3600, IdToken: 3600, RefreshToken: 86400, Interaction: 600, Session: 86400, Grant: 86400 },
};

const server = http.createServer();
server.listen(Number(process.env.OIDC_PORT || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();
  server.on('request', async (req, res) => {
    try {
      if (req.url.startsWith('/interaction/')) {
        await interaction(provider, req, res);
      } else {
        callback(req, res);
      }
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
