export * from './api-doc.decorator';
export * from './api-routes';
export * from './openapi-document';
export * from './openapi.module';
export * from './openapi.service';
