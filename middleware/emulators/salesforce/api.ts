import { DmlError, SfApiError, notFound } from './errors';
import type { EmulatorState } from './state';

/**
 * The REST resources under /services/data/vNN.N as plain synchronous functions, so that
 * Express and /composite dispatch through the same table.
 */

export interface ApiRequest {
  method: string;
  /** Path after /services/data/vNN.N, e.g. /sobjects/Account/001... */
  path: string;
  version: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | undefined>;
  userId: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (state: EmulatorState, req: ApiRequest, params: Record<string, string>) => ApiResponse;

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export class ApiRouter {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = template.replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, template, regex: new RegExp(`^${pattern}/?$`), names, handler });
    return this;
  }

  /** The route template for counters (e.g. "PATCH /sobjects/:type/:id"), or null. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] as string)));
      return { route, params };
    }
    if (pathMatched) throw new SfApiError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are ${this.allowed(path).join(',')}`);
    return null;
  }

  private allowed(path: string): string[] {
    return [...new Set(this.routes.filter((r) => r.regex.test(path)).map((r) => r.method))];
  }

  /** Runs one request and turns thrown errors into the REST error shapes. */
  dispatch(state: EmulatorState, req: ApiRequest): ApiResponse & { endpoint: string } {
    try {
      const hit = this.match(req.method, req.path);
      if (!hit) return { ...toResponse(notFound()), endpoint: `${req.method} (unknown)` };
      return { ...hit.route.handler(state, req, hit.params), endpoint: `${req.method} ${hit.route.template}` };
    } catch (e) {
      return { ...toResponse(e), endpoint: `${req.method} ${req.path}` };
    }
  }
}

export function toResponse(e: unknown): ApiResponse {
  if (e instanceof SfApiError) return { status: e.status, body: e.toBody() };
  if (e instanceof DmlError) return { status: 400, body: e.toApiBody() };
  const message = e instanceof Error ? e.message : String(e);
  return { status: 500, body: [{ message: `An unexpected error occurred: ${message}`, errorCode: 'UNKNOWN_EXCEPTION' }] };
}

/** Reads a JSON object body or fails like the platform does on a malformed one. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new SfApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}
