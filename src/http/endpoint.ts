// An API endpoint is one definition: method, path, input schemas, who may call it, its answers and the error codes it
// declares, and its handler. mountEndpoints registers each definition twice from that one object, as an Express
// route and as an OpenAPI path, so the contract and the handler cannot drift apart; the generic error answers
// (bad input, no token, a body too large, rate limits, the database down) follow from the definition's shape.
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { StaffAuthenticator, StaffMember } from '../services/staffAuth.js';
import { BODY_INVALID, errorResponses, type DocumentedCode, type ErrorCodesByStatus } from './openapi.js';
import { staffOfRequest } from './staffAccess.js';
import { StaffHeaders } from './staffSchemas.js';
import { parseRequest } from './validation.js';

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * Who may call: `public` (anyone; rate-limited where it says so), `signedIn` (any staff member with a valid token),
 * or `staff` (a staff member whose role and clinic the service then checks: 401 and 403).
 */
export type Access = 'public' | 'signedIn' | 'staff';

/** What a handler answers: JSON (201, 200), a body of its own type (CSV, pre-serialised JSON), or nothing (204). */
export type Reply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; body: string | Buffer; type: string; attachment?: string; headers?: Record<string, string> }
  | { status: 204 };

export interface HandlerInput<P, Q, H, B, A extends Access> {
  params: Out<P>;
  query: Out<Q>;
  headers: Out<H>;
  body: Out<B>;
  /** The signed-in staff member (on staff and signedIn endpoints). */
  staff: A extends 'public' ? undefined : StaffMember;
  req: Request;
}

export interface Endpoint<P = undefined, Q = undefined, H = undefined, B = undefined, A extends Access = Access> {
  /** Method and OpenAPI path, e.g. `POST /api/staff/callbacks/{id}/claim`; the Express route is derived from it. */
  route: `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /api/${string}`;
  summary: string;
  description?: string;
  access: A;
  request?: { params?: P; query?: Q; headers?: H; body?: B };
  /** The body may be left out altogether (then parsed as {}). */
  optionalBody?: true;
  /**
   * A body that is a file rather than JSON (an import): read as text of this type, up to `limit` bytes, and given to
   * the body schema as a string. Default: JSON of at most 32 kB.
   */
  textBody?: { type: 'text/csv'; limit: string };
  /** Headers the handler reads itself (a patient's token, answered 404 when absent): documented, not parsed here. */
  documentedHeaders?: z.ZodObject;
  /** The successful answers by status, with their schema when they have a JSON body. */
  responses: Record<number, { description: string; schema?: Schema; contentType?: string }>;
  /** The error codes this endpoint's own logic answers, by status (the generic ones are added from its shape). */
  errors?: ErrorCodesByStatus;
  /** A rate limit run before anything else (documents 429 rate_limited). */
  rateLimit?: RequestHandler;
  /** A check of the raw request before its parts are parsed: a webhook's signature over the exact body. */
  verify?: (req: Request) => void;
  handle(input: HandlerInput<P, Q, H, B, A>): Promise<Reply>;
}

/** Infers a definition's input types from its schemas; nothing else. */
export function endpoint<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, H extends Schema | undefined = undefined, B extends Schema | undefined = undefined, A extends Access = Access>(
  definition: Endpoint<P, Q, H, B, A>,
): Endpoint<P, Q, H, B, A> {
  return definition;
}

// Definitions of different input types live in one list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEndpoint = Endpoint<any, any, any, any, Access>;

/** The endpoints of one feature, listed under one tag in the OpenAPI document. */
export interface EndpointGroup {
  tag: string;
  endpoints: AnyEndpoint[];
}

/** A definition's method (lower case, as Express and OpenAPI write it) and OpenAPI path. */
export function methodAndPath(def: AnyEndpoint): { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string } {
  const [method, path] = def.route.split(' ') as [string, string];
  return { method: method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete', path };
}

/** `/api/staff/callbacks/{id}/claim` → `/staff/callbacks/:id/claim` (the routes are mounted under /api). */
export function expressPath(path: string): string {
  return path.replace(/^\/api/, '').replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Every error answer the definition can give, by status: the codes it declares, and those its shape implies. The
 * OpenAPI document lists exactly these; test/api/errorCodes.test.ts proves each one can be answered.
 */
export function errorCodesOf(def: AnyEndpoint): Map<number, readonly DocumentedCode[]> {
  const codes = new Map<number, DocumentedCode[]>();
  const add = (status: number, list: readonly DocumentedCode[]) => codes.set(status, [...new Set([...(codes.get(status) ?? []), ...list])]);
  const input = def.request ?? {};
  if (def.request?.body) add(400, BODY_INVALID);
  else if (input.params || input.query || input.headers) add(400, ['validation_failed']);
  if (def.access !== 'public') add(401, ['unauthenticated']);
  if (def.access === 'staff') add(403, ['forbidden']);
  for (const [status, list] of Object.entries(def.errors ?? {})) add(Number(status), list ?? []);
  if (def.request?.body) add(413, ['bad_request']);
  if (def.rateLimit) add(429, ['rate_limited']);
  add(503, ['service_unavailable']);
  return new Map([...codes].sort(([a], [b]) => a - b));
}

const bearer = [{ bearerAuth: [] }];

function openApiRoute(def: AnyEndpoint, tag: string): RouteConfig {
  const input = def.request ?? {};
  const documented = (input.headers as z.ZodObject | undefined) ?? def.documentedHeaders;
  const headers = def.access === 'public' ? documented : documented ? documented.extend(StaffHeaders.shape) : StaffHeaders;
  const successes = Object.fromEntries(
    Object.entries(def.responses).map(([status, r]) => [
      status,
      r.schema ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : { description: r.description },
    ]),
  );
  return {
    ...methodAndPath(def),
    summary: def.summary,
    ...(def.description ? { description: def.description } : {}),
    tags: [tag],
    ...(def.access === 'public' ? {} : { security: bearer }),
    request: {
      ...(input.params ? { params: input.params } : {}),
      ...(input.query ? { query: input.query } : {}),
      ...(headers ? { headers } : {}),
      ...(input.body ? { body: { ...(def.optionalBody ? { required: false } : {}), content: { [def.textBody?.type ?? 'application/json']: { schema: input.body } } } } : {}),
    },
    responses: { ...successes, ...errorResponses(Object.fromEntries(errorCodesOf(def))) },
  } as RouteConfig;
}

function send(res: Response, reply: Reply): void {
  if ('headers' in reply && reply.headers) for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if ('json' in reply) {
    res.status(reply.status ?? 200).json(reply.json);
  } else if ('body' in reply) {
    res.status(reply.status ?? 200).type(reply.type);
    if (reply.attachment) res.attachment(reply.attachment);
    res.send(reply.body);
  } else {
    res.status(reply.status).end();
  }
}

/**
 * Registers each definition as an Express route on `router` and as an OpenAPI path in `registry`. A request is
 * authenticated first (staff endpoints), then its parts parsed, each failure naming its field; errors go to the
 * one error handler.
 */
export function mountEndpoints(router: Router, registry: OpenAPIRegistry, groups: readonly EndpointGroup[], deps: { auth: StaffAuthenticator }): void {
  const staffOf = staffOfRequest(deps.auth);
  for (const { tag, endpoints } of groups) for (const def of endpoints) mountEndpoint(router, registry, def, tag, staffOf);
}

function mountEndpoint(router: Router, registry: OpenAPIRegistry, def: AnyEndpoint, tag: string, staffOf: (req: Request) => Promise<StaffMember>): void {
  const { method, path } = methodAndPath(def);
  registry.registerPath(openApiRoute(def, tag));
  const input = def.request ?? {};
  const handler: RequestHandler = async (req, res) => {
    const staff = def.access === 'public' ? undefined : await staffOf(req);
    def.verify?.(req);
    const reply = await def.handle({
      params: input.params ? parseRequest(input.params, req.params, 'params') : undefined,
      query: input.query ? parseRequest(input.query, req.query, 'query') : undefined,
      headers: input.headers ? parseRequest(input.headers, req.headers, 'header') : undefined,
      body: input.body ? parseRequest(input.body, req.body, 'body') : undefined,
      staff,
      req,
    });
    send(res, reply);
  };
  // A file body (text/csv; text/plain too, as some tools send a .csv) is read here, after the app's JSON parser let it pass.
  const textParser = def.textBody ? [express.text({ type: [def.textBody.type, 'text/plain'], limit: def.textBody.limit })] : [];
  router[method](expressPath(path), ...(def.rateLimit ? [def.rateLimit] : []), ...textParser, handler);
}
