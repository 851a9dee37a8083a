import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { Queryable } from '../../queue/outbound-queue.repository';
import type { FeatureDecision } from './feature-decision';
import {
  AUTONOMOUS_FEATURES,
  FeatureName,
  FeatureNames,
  UPDATED_BY_PILOT_TRIP,
  UPDATED_BY_SEED,
} from './feature-flags.constants';
import { FeatureFlagRow, FeatureFlagsRepository } from './feature-flags.repository';

/**
 * "May feature X run?" for every module. The answer comes from the database on every call, so a switch
 * flipped by one replica (or an operator) is seen by all at once. Start-up values: PILOT_MODE for the
 * pilot switch, on for everything else; once a row exists, the environment no longer changes it.
 */
@Injectable()
export class FeatureFlagsService implements OnModuleInit {
  constructor(
    private readonly repository: FeatureFlagsRepository,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.repository.seed(this.defaults(), UPDATED_BY_SEED);
  }

  async isEnabled(name: FeatureName): Promise<boolean> {
    const row = await this.repository.find(name);
    return row?.ativo ?? this.defaults()[name];
  }

  isPilotMode(): Promise<boolean> {
    return this.isEnabled(FeatureNames.pilotMode);
  }

  /** Autonomous features run when pilot mode is off, or, in pilot mode, when enabled for the pilot group. */
  async mayRun(feature: FeatureName): Promise<FeatureDecision> {
    const [pilot, enabled] = await Promise.all([this.isPilotMode(), this.isEnabled(feature)]);
    if (!AUTONOMOUS_FEATURES.includes(feature))
      return enabled
        ? { allowed: true, audience: 'everyone', reason: 'enabled' }
        : { allowed: false, audience: 'nobody', reason: 'disabled' };
    if (!pilot) return { allowed: true, audience: 'everyone', reason: 'pilot mode off' };
    if (enabled) return { allowed: true, audience: 'pilot_group', reason: 'enabled for the pilot group' };
    const row = await this.repository.find(feature);
    return { allowed: false, audience: 'nobody', reason: row?.motivo ?? 'disabled for the pilot group' };
  }

  async set(name: FeatureName, ativo: boolean, motivo: string | null, by: string): Promise<void> {
    await this.repository.set(name, ativo, motivo, by);
  }

  /**
   * Turns the autonomous features off (and pilot mode on, so they stay off for everyone) with the reason.
   * Returns the flags this call changed: empty when they were already off (another run tripped first).
   * Pass `transaction` to commit the trip together with the caller's record of it.
   */
  async tripAutonomousFeatures(motivo: string, transaction?: Queryable): Promise<string[]> {
    // Rows must exist for the conditional update to see them.
    await this.repository.seed(this.defaults(), UPDATED_BY_SEED);
    const features = await this.repository.switchWhereDifferent(
      AUTONOMOUS_FEATURES,
      false,
      motivo,
      UPDATED_BY_PILOT_TRIP,
      transaction,
    );
    const pilot = await this.repository.switchWhereDifferent(
      [FeatureNames.pilotMode],
      true,
      motivo,
      UPDATED_BY_PILOT_TRIP,
      transaction,
    );
    return [...features, ...pilot];
  }

  /** Every flag with its reason, for the admin API. */
  async state(): Promise<FeatureFlagRow[]> {
    await this.repository.seed(this.defaults(), UPDATED_BY_SEED);
    return this.repository.findAll();
  }

  private defaults(): Record<FeatureName, boolean> {
    const all = Object.values(FeatureNames).map((name) => [name, true] as const);
    return { ...Object.fromEntries(all), [FeatureNames.pilotMode]: this.config.PILOT_MODE } as Record<
      FeatureName,
      boolean
    >;
  }
}
