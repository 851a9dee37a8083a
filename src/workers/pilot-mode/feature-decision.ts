/** Who a feature may reach right now. */
export type FeatureAudience = 'everyone' | 'pilot_group' | 'nobody';

export interface FeatureDecision {
  allowed: boolean;
  audience: FeatureAudience;
  reason: string;
}
