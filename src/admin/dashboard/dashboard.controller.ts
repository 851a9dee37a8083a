import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DASHBOARD_HTML } from './dashboard.page';
import { DASHBOARD_SCRIPT } from './dashboard.script';

/** GET /admin/dashboard: a static page; its data comes from the admin API with the operator's token. */
@ApiExcludeController()
@Controller('admin/dashboard')
export class DashboardController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script(): string {
    return DASHBOARD_SCRIPT;
  }
}
