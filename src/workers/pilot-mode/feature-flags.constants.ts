/** Rows of `feature_flags`: the pilot switch, the handoff bridge and the autonomous features. */
export const FeatureNames = {
  pilotMode: 'pilot_mode',
  externalHandoff: 'external_handoff',
  discovery: 'discovery',
  offers: 'offers',
  reactivation: 'reactivation',
  feedback: 'feedback',
} as const;

export type FeatureName = (typeof FeatureNames)[keyof typeof FeatureNames];

/** What pilot_mode turns off when the pilot group goes bad (SPEC: pilot_mode). */
export const AUTONOMOUS_FEATURES: readonly FeatureName[] = [
  FeatureNames.discovery,
  FeatureNames.offers,
  FeatureNames.reactivation,
  FeatureNames.feedback,
];

/** `atualizado_por` when the service itself changes a flag. */
export const UPDATED_BY_SEED = 'seed';
export const UPDATED_BY_PILOT_TRIP = 'pilot_mode';
