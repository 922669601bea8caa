import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors';
import { ApiDoc } from './api-doc.decorator';
import { DOCS_INIT_JS, DOCS_PAGE_CSP, DOCS_PAGE_HTML } from './docs-page';
import { OpenApiDocument } from './openapi-document';
import { OpenApiService } from './openapi.service';

const ASSET_MAX_AGE_MS = 3600_000;

/** The API's own documentation: the OpenAPI document and Swagger UI, served from this origin. */
@Controller('api/docs')
export class OpenApiController {
  constructor(private readonly openApi: OpenApiService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', DOCS_PAGE_CSP)
  @Header('Cache-Control', 'no-cache')
  @ApiDoc({ summary: 'API documentation (Swagger UI)', access: 'public', contentType: 'text/html' })
  page(): string {
    return DOCS_PAGE_HTML;
  }

  @Get('openapi.json')
  @Header('Cache-Control', 'no-cache')
  @ApiDoc({
    summary: 'The OpenAPI 3.1 document of this API',
    access: 'public',
    response: z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document.'),
  })
  document(): OpenApiDocument {
    return this.openApi.openApiDocument();
  }

  @Get('swagger-ui-init.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiDoc({ summary: 'Swagger UI start-up script', access: 'public', contentType: 'text/javascript' })
  init(): string {
    return DOCS_INIT_JS;
  }

  @Get('swagger-ui-bundle.js')
  @ApiDoc({
    summary: 'Swagger UI script (swagger-ui-dist)',
    access: 'public',
    contentType: 'text/javascript',
    errors: ['not_found'],
  })
  bundle(@Res() response: Response): void {
    sendSwaggerUiFile(response, 'swagger-ui-bundle.js');
  }

  @Get('swagger-ui.css')
  @ApiDoc({
    summary: 'Swagger UI style sheet (swagger-ui-dist)',
    access: 'public',
    contentType: 'text/css',
    errors: ['not_found'],
  })
  styles(@Res() response: Response): void {
    sendSwaggerUiFile(response, 'swagger-ui.css');
  }
}

/** A file of the swagger-ui-dist package; `not_found` if the package is missing from the install. */
function sendSwaggerUiFile(response: Response, file: string): void {
  const notFound = () => {
    const error = new AppError('not_found');
    if (!response.headersSent) response.status(error.status).json(error.toBody());
  };
  let path: string;
  try {
    path = join(dirname(require.resolve('swagger-ui-dist/package.json')), file);
  } catch {
    notFound();
    return;
  }
  // The files change only with the package version; the API's `no-store` does not apply.
  response.removeHeader('Cache-Control');
  response.sendFile(path, { maxAge: ASSET_MAX_AGE_MS }, (error) => {
    if (error) notFound();
  });
}
