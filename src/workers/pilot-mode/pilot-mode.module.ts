import { Module } from '@nestjs/common';
import { NotificationsModule } from '../../notifications/notifications.module';
import { FeatureFlagsModule } from './feature-flags.module';
import { PilotModeRepository } from './pilot-mode.repository';
import { PilotModeService } from './pilot-mode.service';
import { PilotModeWorker } from './pilot-mode.worker';

/** pilot_mode; re-exports FeatureFlagsModule so the admin API can show and flip the switch. */
@Module({
  imports: [FeatureFlagsModule, NotificationsModule],
  providers: [PilotModeWorker, PilotModeService, PilotModeRepository],
  exports: [FeatureFlagsModule, PilotModeRepository],
})
export class PilotModeModule {}
