import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { ADMIN_DOCS_PATH, HTTP_BODY_LIMIT } from './admin.constants';
import { AdminModule } from './admin.module';
import { DatabaseUnavailableFilter } from './database-unavailable.filter';

/**
 * What every HTTP server of this service gets (main.ts, and the HTTP tests): security headers, a JSON body
 * limit, a 503 for requests that meet the database unreachable, and the admin API's OpenAPI document at
 * /admin/docs (JSON at /admin/docs-json). The app must be created with `bodyParser: false` so this limit is
 * the only JSON parser.
 */
export function configureHttpApp(app: NestExpressApplication): void {
  // The service speaks plain HTTP: helmet's upgrade-insecure-requests would have a browser that opened the
  // dashboard by address (not localhost) fetch its script and the API over https, and show a blank page.
  // Behind a TLS proxy every URL the pages use is relative, so the directive adds nothing there.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.useBodyParser('json', { limit: HTTP_BODY_LIMIT });
  app.useGlobalFilters(new DatabaseUnavailableFilter(app.getHttpAdapter()));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('whats-workers admin API')
      .setDescription(
        'Jobs, queue, pilot mode and handoffs. Every route needs `Authorization: Bearer $ADMIN_TOKEN` ' +
          '(the API is disabled when ADMIN_TOKEN is unset). Validation errors are 400 with `errors: [{field, reason}]`.',
      )
      .addBearerAuth()
      .build(),
    { include: [AdminModule] },
  );
  SwaggerModule.setup(ADMIN_DOCS_PATH, app, document);
}
