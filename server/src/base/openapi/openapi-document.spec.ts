import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { validate } from '@readme/openapi-parser';
import { z } from 'zod';
import { ApiDoc } from './api-doc.decorator';
import { collectApiRoutes, joinPath } from './api-routes';
import { buildOpenApiDocument, errorCodesOf, openApiPath } from './openapi-document';

const thing = z.object({ id: z.string(), name: z.string(), parentId: z.string().nullable() });
const params = z.object({ id: z.string().min(1) }).strict();

@Controller('api/things')
class ThingsController {
  @Get()
  @ApiDoc({
    summary: 'List things',
    access: 'user',
    query: z.object({ kind: z.enum(['a', 'b']).optional() }).strict(),
    response: z.array(thing),
  })
  list(): void {}

  @Post()
  @ApiDoc({
    summary: 'Create a thing',
    access: 'admin',
    body: z.object({ name: z.string(), tag: z.string().default('x') }).strict(),
    response: thing,
    errors: ['conflict'],
  })
  create(): void {}

  @Patch(':id')
  @ApiDoc({
    summary: 'Change a thing',
    access: 'board-coordinator',
    params,
    body: z.object({ name: z.string() }).strict(),
    response: thing,
  })
  update(): void {}

  @Delete(':id')
  @HttpCode(204)
  remove(): void {}
}

@Controller()
class ProbeController {
  @Get('healthz')
  @ApiDoc({ summary: 'Liveness', access: 'public', response: z.object({ status: z.literal('ok') }) })
  healthz(): void {}

  @Get('page')
  @ApiDoc({ summary: 'A page', access: 'public', contentType: 'text/html' })
  page(): void {}
}

const routes = collectApiRoutes([ThingsController, ProbeController]);
const document = buildOpenApiDocument(routes, { title: 'test', version: '1.0.0' });

describe(collectApiRoutes.name, () => {
  it('finds every route with its method, joined path and @HttpCode', () => {
    expect(
      routes.map(({ method, path, controller, handler, httpCode }) => ({
        method,
        path,
        controller,
        handler,
        httpCode,
      })),
    ).toEqual([
      { method: 'get', path: '/api/things', controller: 'Things', handler: 'list', httpCode: undefined },
      { method: 'post', path: '/api/things', controller: 'Things', handler: 'create', httpCode: undefined },
      { method: 'patch', path: '/api/things/:id', controller: 'Things', handler: 'update', httpCode: undefined },
      { method: 'delete', path: '/api/things/:id', controller: 'Things', handler: 'remove', httpCode: 204 },
      { method: 'get', path: '/healthz', controller: 'Probe', handler: 'healthz', httpCode: undefined },
      { method: 'get', path: '/page', controller: 'Probe', handler: 'page', httpCode: undefined },
    ]);
  });

  it('joins paths as Nest does', () => {
    expect([joinPath('/', 'healthz'), joinPath('api/', '/x/'), joinPath('api', '')]).toEqual([
      '/healthz',
      '/api/x',
      '/api',
    ]);
  });
});

describe(buildOpenApiDocument.name, () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('writes path parameters in OpenAPI form', () => {
    expect(openApiPath('/api/boards/:id/members/:userId')).toBe('/api/boards/{id}/members/{userId}');
    expect(Object.keys(document.paths)).toEqual(['/api/things', '/api/things/{id}', '/healthz', '/page']);
  });

  it('describes query parameters from the query schema', () => {
    expect(document.paths['/api/things'].get?.parameters).toEqual([
      { name: 'kind', in: 'query', required: false, schema: { type: 'string', enum: ['a', 'b'] } },
    ]);
  });

  it('describes request bodies as input (defaults optional) and responses as output', () => {
    const create = document.paths['/api/things'].post!;
    expect(create.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, tag: { type: 'string', default: 'x' } },
            required: ['name'],
            additionalProperties: false,
          },
        },
      },
    });
    expect(create.responses['201'].content?.['application/json'].schema).toMatchObject({
      properties: { parentId: { type: ['string', 'null'] } },
    });
  });

  it('defaults the success status to 201 for POST, 200 otherwise, and takes @HttpCode', () => {
    expect(Object.keys(document.paths['/api/things'].post!.responses)[0]).toBe('201');
    expect(Object.keys(document.paths['/api/things'].get!.responses)[0]).toBe('200');
  });

  it('adds the errors implied by access and inputs to the listed ones, with their statuses', () => {
    expect(errorCodesOf('get', { summary: '', access: 'public' })).toEqual([]);
    expect(errorCodesOf('get', { summary: '', access: 'user' })).toEqual(['unauthenticated']);
    expect(errorCodesOf('get', { summary: '', access: 'board-member' })).toEqual(['unauthenticated', 'not_found']);
    expect(errorCodesOf('post', { summary: '', access: 'public' })).toEqual(['csrf_failed']);
    expect(errorCodesOf('post', { summary: '', access: 'admin', body: z.object({}), errors: ['conflict'] })).toEqual([
      'unauthenticated',
      'forbidden',
      'csrf_failed',
      'invalid',
      'too_large',
      'conflict',
    ]);
    expect(Object.keys(document.paths['/api/things/{id}'].patch!.responses)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '413',
    ]);
    expect(document.paths['/api/things/{id}'].patch!.responses['404'].content?.['application/json'].schema).toEqual({
      allOf: [
        { $ref: '#/components/schemas/ErrorBody' },
        { type: 'object', properties: { code: { enum: ['not_found'] } } },
      ],
    });
    expect(document.paths['/api/things/{id}'].patch!.responses['404'].content?.['application/json'].examples).toEqual({
      not_found: { value: { code: 'not_found', message: 'Not found.' } },
    });
    expect(document.paths['/api/things/{id}'].patch!.responses['403'].description).toBe('`forbidden`, `csrf_failed`');
  });

  it('states the access and asks writes for the CSRF header', () => {
    expect(document.paths['/api/things'].get).toMatchObject({ 'x-access': 'user', security: [{ session: [] }] });
    expect(document.paths['/api/things'].post).toMatchObject({
      'x-access': 'admin',
      security: [{ session: [], csrf: [] }],
    });
    expect(document.paths['/healthz'].get).toMatchObject({ 'x-access': 'public', security: [] });
  });

  it('serves a non-JSON body under its media type', () => {
    expect(document.paths['/page'].get!.responses['200'].content).toEqual({
      'text/html': { schema: { type: 'string' } },
    });
  });

  it('lists a route without @ApiDoc, marked undocumented', () => {
    expect(document.paths['/api/things/{id}'].delete).toMatchObject({
      'x-undocumented': true,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    });
  });

  it('moves definitions zod extracts into components', async () => {
    const node: z.ZodType = z.object({
      name: z.string().meta({ id: 'Name' }),
      get children() {
        return z.array(node);
      },
    });
    @Controller('tree')
    class TreeController {
      @Get()
      @ApiDoc({ summary: 'Tree', access: 'public', response: node })
      tree(): void {}
    }
    const tree = buildOpenApiDocument(collectApiRoutes([TreeController]), { title: 'tree', version: '1' });
    expect(tree.paths['/tree'].get!.responses['200'].content?.['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Schema1',
    });
    expect(tree.components.schemas.Schema1).toMatchObject({
      properties: {
        name: { $ref: '#/components/schemas/Name' },
        children: { items: { $ref: '#/components/schemas/Schema1' } },
      },
    });
    expect((await validate(structuredClone(tree) as never)).valid).toBe(true);
  });
});
