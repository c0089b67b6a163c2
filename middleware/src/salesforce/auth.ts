import { createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
// jsforce's core only: the package's index also loads the Bulk, SOAP, Metadata, Streaming (faye), Tooling,
// Chatter, Analytics and Apex APIs, none of which the middleware calls (about 3 MB of heap, 5 MB resident).
import { Connection, OAuth2 } from 'jsforce/lib/core';
import { AppError } from '../errors';

export interface SalesforceAuthOptions {
  loginUrl: string;
  clientId: string;
  apiVersion: string;
  /** JWT bearer flow: the integration user and the PEM key (or a path to it). */
  username?: string;
  privateKey?: string;
  /** Client-credentials flow instead of JWT. */
  clientSecret?: string;
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** The RS256-signed assertion of the OAuth 2.0 JWT bearer flow (valid three minutes, as Salesforce allows). */
export function jwtAssertion(options: { clientId: string; username: string; audience: string; privateKeyPem: string }, now = Date.now()): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(
    JSON.stringify({ iss: options.clientId, sub: options.username, aud: options.audience, exp: Math.floor(now / 1000) + 180, jti: randomUUID() }),
  );
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${claims}`);
  return `${header}.${claims}.${base64url(signer.sign(options.privateKeyPem))}`;
}

function readKey(value: string): string {
  return value.includes('-----BEGIN') ? value.replace(/\\n/g, '\n') : readFileSync(value, 'utf8');
}

/**
 * A jsforce connection as the integration user. The session is renewed by the same flow when Salesforce
 * answers INVALID_SESSION_ID (jsforce calls `refreshFn` and repeats the request).
 */
export async function connectSalesforce(options: SalesforceAuthOptions): Promise<Connection> {
  const oauth2 = new OAuth2({ loginUrl: options.loginUrl, clientId: options.clientId, clientSecret: options.clientSecret ?? '', redirectUri: 'http://localhost/unused' });
  const grant = (): Record<string, string> & { grant_type: string } => {
    if (options.privateKey && options.username) {
      const audience = options.loginUrl.replace(/\/$/, '');
      return {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: jwtAssertion({ clientId: options.clientId, username: options.username, audience, privateKeyPem: readKey(options.privateKey) }),
      };
    }
    if (options.clientSecret) return { grant_type: 'client_credentials' };
    throw new AppError('CONFIG_INVALID', `Salesforce settings are missing: ${[...(options.clientId ? [] : ['SALESFORCE_CLIENT_ID']), 'SALESFORCE_CLIENT_SECRET (or SALESFORCE_PRIVATE_KEY with SALESFORCE_USERNAME)'].join(', ')}.`, { fix: 'Set SALESFORCE_CLIENT_ID with SALESFORCE_CLIENT_SECRET (client credentials), or with SALESFORCE_PRIVATE_KEY and SALESFORCE_USERNAME (JWT bearer); see middleware/.env.example.' });
  };
  const conn = new Connection({
    oauth2,
    version: options.apiVersion,
    refreshFn: (c, callback) => {
      oauth2
        .requestToken(grant())
        .then((res) => {
          c.instanceUrl = res.instance_url;
          callback(null, res.access_token, res);
        })
        .catch((error: Error) => callback(error));
    },
  });
  try {
    await conn.authorize(grant());
  } catch (error) {
    throw new AppError('SALESFORCE_ERROR', `Salesforce login failed: ${(error as Error).message}`, {
      retryable: false,
      fix: 'Check SALESFORCE_LOGIN_URL, SALESFORCE_CLIENT_ID and the integration user credentials; the connected app must be pre-authorized for the user.',
      cause: error,
    });
  }
  return conn;
}
