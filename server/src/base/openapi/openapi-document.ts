import { CSRF_COOKIE, CSRF_HEADER, ERROR_CODES, type ErrorCode } from '@gongjian/shared';
import { z } from 'zod';
import { AppError, httpStatusOf } from '../errors';
import type { ApiAccess, ApiDocOptions } from './api-doc.decorator';
import type { ApiRoute, HttpMethod } from './api-routes';

export type JsonSchema = Record<string, unknown>;

export interface MediaType {
  schema: JsonSchema;
  examples?: Record<string, { value: unknown }>;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, MediaType> }>;
  'x-access'?: ApiAccess;
  /** Set on routes that carry no `@ApiDoc` yet. */
  'x-undocumented'?: true;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string }>;
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

/** The auth module's session cookie (base/ does not import modules). */
const SESSION_COOKIE_NAME = 'gj_sid';

const UNSAFE_METHODS: ReadonlySet<HttpMethod> = new Set(['post', 'put', 'patch', 'delete']);
const ERROR_BODY_REF = { $ref: '#/components/schemas/ErrorBody' };

const DESCRIPTION = [
  'REST API of the co-building project board. Boards themselves are edited live over socket.io',
  '(`/sync`, see docs/protocol.md); this document covers the REST endpoints.',
  '',
  `Sign in with \`POST /api/auth/login\`; the session is the \`${SESSION_COOKIE_NAME}\` cookie. Requests that`,
  `change something (POST, PUT, PATCH, DELETE) also send the \`${CSRF_HEADER}\` header with the value of the`,
  `\`${CSRF_COOKIE}\` cookie (or of \`GET /api/auth/csrf\`). Every error answers \`{code, message}\`;`,
  'clients switch on `code`. Each operation states who may call it in `x-access`.',
].join('\n');

/** The OpenAPI 3.1 document of the given routes; schemas come from their zod schemas. */
export function buildOpenApiDocument(routes: ApiRoute[], info: { title: string; version: string }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  const shared: Record<string, JsonSchema> = {};
  const convert = schemaConverter(shared);
  for (const route of routes) {
    const path = openApiPath(route.path);
    tags.add(route.controller);
    (paths[path] ??= {})[route.method] = route.doc
      ? operation(route, route.doc, convert)
      : undocumented(route, convert);
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: DESCRIPTION },
    tags: [...tags].sort().map((name) => ({ name })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: {
        ...shared,
        ErrorBody: {
          type: 'object',
          properties: {
            code: { type: 'string', enum: [...ERROR_CODES] },
            message: { type: 'string', description: 'For people; clients switch on `code`.' },
            details: { description: 'Particulars of some errors, e.g. the issues of an invalid request.' },
          },
          required: ['code', 'message'],
        },
      },
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE_NAME,
          description: 'Set by POST /api/auth/login.',
        },
        csrf: {
          type: 'apiKey',
          in: 'header',
          name: CSRF_HEADER,
          description: `The value of the ${CSRF_COOKIE} cookie.`,
        },
      },
    },
  };
}

/** `/api/regions/:id` → `/api/regions/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operation(route: ApiRoute, doc: ApiDocOptions, convert: Converter): OpenApiOperation {
  const status = doc.status ?? route.httpCode ?? (route.method === 'post' ? 201 : 200);
  const parameters = [
    ...pathParameters(route, doc, convert),
    ...(doc.query ? objectParameters(doc.query, 'query', route, convert) : []),
  ];
  return {
    operationId: operationId(route),
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: [route.controller],
    security: security(route.method, doc.access),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: !doc.body.safeParse(undefined).success,
            content: { 'application/json': { schema: convert(doc.body, 'input') } },
          },
        }
      : {}),
    responses: { [String(status)]: successResponse(status, doc, convert), ...errorResponses(route.method, doc) },
    'x-access': doc.access,
  };
}

function undocumented(route: ApiRoute, convert: Converter): OpenApiOperation {
  const parameters = pathParameters(route, undefined, convert);
  return {
    operationId: operationId(route),
    summary: `${route.method.toUpperCase()} ${route.path} (not documented yet)`,
    tags: [route.controller],
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: { default: { description: 'Not documented yet.' } },
    'x-undocumented': true,
  };
}

function operationId(route: ApiRoute): string {
  return `${route.controller}_${route.handler}`;
}

/** Public operations need nothing; others the session, and writes the CSRF header too. */
function security(method: HttpMethod, access: ApiAccess): Array<Record<string, string[]>> {
  if (access === 'public') return [];
  return [UNSAFE_METHODS.has(method) ? { session: [], csrf: [] } : { session: [] }];
}

/** Every `:name` of the path, described by the `params` schema where it has the name. */
function pathParameters(route: ApiRoute, doc: ApiDocOptions | undefined, convert: Converter): OpenApiParameter[] {
  const described = doc?.params ? objectParameters(doc.params, 'path', route, convert) : [];
  const names = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]);
  const unknown = described.filter((parameter) => !names.includes(parameter.name));
  if (unknown.length > 0) {
    throw new Error(
      `@ApiDoc of ${operationId(route)} describes path parameters ${unknown.map((p) => p.name).join(', ')} that ${route.path} lacks`,
    );
  }
  return names.map(
    (name) =>
      described.find((parameter) => parameter.name === name) ?? {
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      },
  );
}

function objectParameters(
  schema: z.ZodType,
  location: 'path' | 'query',
  route: ApiRoute,
  convert: Converter,
): OpenApiParameter[] {
  const json = convert(schema, 'input');
  const properties = json.properties as Record<string, JsonSchema> | undefined;
  if (json.type !== 'object' || !properties) {
    throw new Error(`@ApiDoc of ${operationId(route)}: the ${location} schema must be an object`);
  }
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function successResponse(
  status: number,
  doc: ApiDocOptions,
  convert: Converter,
): OpenApiOperation['responses'][string] {
  const description = status === 201 ? 'Created.' : status === 204 ? 'No content.' : 'OK.';
  if (!doc.response && !doc.contentType) return { description };
  const schema = doc.response ? convert(doc.response, 'output') : { type: 'string' };
  return { description, content: { [doc.contentType ?? 'application/json']: { schema } } };
}

/**
 * The error codes an operation may answer with: those its method, access and inputs imply, and
 * those it lists. Every write may be refused as forged (the global CSRF guard).
 */
export function errorCodesOf(method: HttpMethod, doc: ApiDocOptions): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  if (UNSAFE_METHODS.has(method)) codes.add('csrf_failed');
  if (doc.access !== 'public') codes.add('unauthenticated');
  if (doc.access === 'admin' || doc.access === 'board-coordinator') codes.add('forbidden');
  if (doc.access === 'board-member' || doc.access === 'board-coordinator') codes.add('not_found');
  if (doc.params || doc.query || doc.body) codes.add('invalid');
  if (doc.body) codes.add('too_large');
  for (const code of doc.errors ?? []) codes.add(code);
  return ERROR_CODES.filter((code) => codes.has(code));
}

function errorResponses(method: HttpMethod, doc: ApiDocOptions): OpenApiOperation['responses'] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(method, doc)) {
    const status = httpStatusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [
        String(status),
        {
          description: codes.map((code) => `\`${code}\``).join(', '),
          content: {
            'application/json': {
              schema: { allOf: [ERROR_BODY_REF, { type: 'object', properties: { code: { enum: codes } } }] },
              examples: Object.fromEntries(codes.map((code) => [code, { value: new AppError(code).toBody() }])),
            },
          },
        },
      ]),
  );
}

type Converter = (schema: z.ZodType, io: 'input' | 'output') => JsonSchema;

/**
 * zod → JSON Schema 2020-12, the dialect of OpenAPI 3.1 (the `openapi-3.0` target would emit 3.0's
 * `nullable`, which 3.1 dropped). Definitions zod extracts (schemas with a `.meta({id})`, cycles)
 * move to `components.schemas`, since `#` and `#/$defs/…` would point into the whole document.
 */
function schemaConverter(components: Record<string, JsonSchema>): Converter {
  let anonymous = 0;
  return (schema, io) => {
    const {
      $schema: _dialect,
      $defs = {},
      ...root
    } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
    const names = new Map<string, string>();
    for (const name of Object.keys($defs)) {
      names.set(name, name.startsWith('__') ? `Schema${++anonymous}` : `${name}${io === 'input' ? 'Input' : ''}`);
    }
    let rootName: string | undefined;
    const target = (ref: string): string => {
      if (ref === '#') return `#/components/schemas/${(rootName ??= `Schema${++anonymous}`)}`;
      const local = /^#\/\$defs\/(.+)$/.exec(ref);
      return local ? `#/components/schemas/${names.get(local[1]) ?? local[1]}` : ref;
    };
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (typeof value !== 'object' || value === null) return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [
          key,
          key === '$ref' && typeof inner === 'string' ? target(inner) : rewrite(inner),
        ]),
      );
    };
    for (const [name, definition] of Object.entries($defs))
      components[names.get(name)!] = rewrite(definition) as JsonSchema;
    const rewritten = rewrite(root) as JsonSchema;
    if (rootName === undefined) return rewritten;
    components[rootName] = rewritten;
    return { $ref: `#/components/schemas/${rootName}` };
  };
}
