import { Injectable, Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiRoute, collectApiRoutes } from './api-routes';
import { buildOpenApiDocument, OpenApiDocument } from './openapi-document';

export const API_TITLE = '群团共建项目看板 · Co-building Project Board API';

/** The OpenAPI document of every controller route in the app, built once on first use. */
@Injectable()
export class OpenApiService {
  private document: OpenApiDocument | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  routes(): ApiRoute[] {
    const controllers = this.discovery
      .getControllers()
      .map((wrapper) => wrapper.metatype)
      .filter((metatype): metatype is Type => typeof metatype === 'function');
    return collectApiRoutes(controllers, this.scanner);
  }

  openApiDocument(): OpenApiDocument {
    return (this.document ??= buildOpenApiDocument(this.routes(), { title: API_TITLE, version: serverVersion() }));
  }
}

/** The server package's version (src/ and dist/ sit at the same depth). */
function serverVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
