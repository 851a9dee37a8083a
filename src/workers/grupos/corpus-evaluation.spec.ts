import { GRUPOS_CORPUS } from '../../../test/fixtures/grupos/corpus';
import type { ExpectedShift } from '../../../test/fixtures/grupos/corpus.types';
import { showCorpusReport } from '../../../test/utils/test-context';
import { EXTRACT_ABOVE } from './grupos.constants';
import { scoreOffer } from './offer-classifier';
import { extractShifts } from './shift-extractor';
import { normalizeShifts, NormalizedShift } from './shift-normalizer';

const TIME_ZONE = 'America/Sao_Paulo';
const FIELDS = ['data', 'horaInicio', 'horaFim', 'hospital', 'especialidade', 'valor'] as const;

/** Correct fields of the extracted shifts, matching each expected shift to its most similar extracted one. */
function fieldScore(expected: readonly ExpectedShift[], extracted: readonly NormalizedShift[]) {
  const unused = [...extracted];
  let correct = 0;
  const misses: string[] = [];
  for (const want of expected) {
    const agreement = (got: NormalizedShift) => FIELDS.filter((field) => got[field] === want[field]).length;
    const best = unused.reduce<NormalizedShift | undefined>(
      (chosen, got) => (chosen === undefined || agreement(got) > agreement(chosen) ? got : chosen),
      undefined,
    );
    if (best === undefined) {
      misses.push(`missing ${JSON.stringify(want)}`);
      continue;
    }
    unused.splice(unused.indexOf(best), 1);
    correct += agreement(best);
    for (const field of FIELDS)
      if (best[field] !== want[field]) misses.push(`${field}: want ${want[field]} got ${best[field]}`);
  }
  for (const extra of unused) misses.push(`extra ${JSON.stringify(extra)}`);
  return { correct, total: FIELDS.length * (expected.length + unused.length), misses };
}

describe('grupos corpus evaluation', () => {
  it('has at least 150 labelled messages with offers and non-offers', () => {
    expect(GRUPOS_CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(GRUPOS_CORPUS.map((entry) => entry.id)).size).toBe(GRUPOS_CORPUS.length);
    expect(GRUPOS_CORPUS.filter((entry) => entry.oferta).length).toBeGreaterThan(50);
    expect(GRUPOS_CORPUS.filter((entry) => !entry.oferta).length).toBeGreaterThan(40);
  });

  it('classifies with precision >= 0.95 and recall >= 0.90, and extracts fields with accuracy >= 0.90', () => {
    let truePositive = 0;
    let falsePositive = 0;
    let falseNegative = 0;
    let correctFields = 0;
    let totalFields = 0;
    const report: string[] = [];

    for (const entry of GRUPOS_CORPUS) {
      const { score } = scoreOffer(entry.texto);
      const predicted = score > EXTRACT_ABOVE;
      if (predicted && entry.oferta) truePositive += 1;
      if (predicted && !entry.oferta) falsePositive += 1;
      if (!predicted && entry.oferta) falseNegative += 1;
      if (predicted !== entry.oferta) report.push(`${entry.id} classified ${predicted} (score ${score})`);

      if (!entry.oferta) continue;
      const extraction = extractShifts(entry.texto, new Date(entry.recebidaEm), TIME_ZONE);
      const { correct, total, misses } = fieldScore(entry.plantoes, normalizeShifts(extraction.plantoes));
      correctFields += correct;
      totalFields += total;
      for (const miss of misses) report.push(`${entry.id} ${miss}`);
    }

    const precision = truePositive / (truePositive + falsePositive);
    const recall = truePositive / (truePositive + falseNegative);
    const fieldAccuracy = correctFields / totalFields;
    process.stdout.write(
      `grupos corpus: ${GRUPOS_CORPUS.length} messages; classification precision ${precision.toFixed(3)} ` +
        `recall ${recall.toFixed(3)}; extraction field accuracy ${fieldAccuracy.toFixed(3)} ` +
        `(${correctFields}/${totalFields} fields)\n`,
    );
    if (showCorpusReport) process.stdout.write(`${report.join('\n')}\n`);

    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(fieldAccuracy).toBeGreaterThanOrEqual(0.9);
  });
});
