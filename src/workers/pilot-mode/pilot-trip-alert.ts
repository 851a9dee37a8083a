import { FeatureNames } from './feature-flags.constants';

/**
 * The Slack text of a trip, from the flags it changed: the autonomous features it turned off and, when it
 * was off, pilot mode turned on. Listing pilot_mode among the features "turned off" told operators the
 * opposite of what happened.
 */
export function tripAlertText(changed: readonly string[], reason: string): string {
  const features = changed.filter((name) => name !== FeatureNames.pilotMode);
  const pilotTurnedOn = changed.includes(FeatureNames.pilotMode);
  const what =
    features.length === 0
      ? 'modo piloto ligado (as funcionalidades autônomas já estavam desligadas)'
      : `funcionalidades autônomas desligadas (${features.join(', ')})${pilotTurnedOn ? ' e modo piloto ligado' : ''}`;
  return `:warning: Modo piloto: ${what}. Motivo: ${reason}.`;
}
