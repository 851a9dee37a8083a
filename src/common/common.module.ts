import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BusinessHoursCalendar } from './business-hours-calendar';
import { Clock, SystemClock } from './clock';

@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: BusinessHoursCalendar, inject: [AppConfig], useFactory: BusinessHoursCalendar.fromConfig },
  ],
  exports: [Clock, BusinessHoursCalendar],
})
export class CommonModule {}
