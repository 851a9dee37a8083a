import { Module } from '@nestjs/common';
import { FeatureFlagsRepository } from './feature-flags.repository';
import { FeatureFlagsService } from './feature-flags.service';

/** The pilot switch and the feature flags; import it to ask "may feature X run?". */
@Module({ providers: [FeatureFlagsService, FeatureFlagsRepository], exports: [FeatureFlagsService] })
export class FeatureFlagsModule {}
