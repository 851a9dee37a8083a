import { Module } from '@nestjs/common';
import { DECAY_PAGE_SIZE, TEMPERATURE_DECAY_PAGE_SIZE } from './temperature-decay.constants';
import { TemperatureDecayRepository } from './temperature-decay.repository';
import { TemperatureDecayService } from './temperature-decay.service';
import { TemperatureDecayWorker } from './temperature-decay.worker';

@Module({
  providers: [
    TemperatureDecayWorker,
    TemperatureDecayService,
    TemperatureDecayRepository,
    { provide: TEMPERATURE_DECAY_PAGE_SIZE, useValue: DECAY_PAGE_SIZE },
  ],
})
export class TemperatureDecayModule {}
