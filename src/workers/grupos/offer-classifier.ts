import { findDates } from './date-parser';
import { findHospitalMention } from './hospital-dictionary';
import { findMoney } from './money-parser';
import { mentionsSpecialty } from './specialty-dictionary';
import { classificationText, foldText } from './text-fold';
import { findTimeRanges } from './time-parser';

export interface OfferScore {
  /** 0–1: how much the message looks like a shift offer */
  score: number;
  /** the features that fired, with their weights (kept in `resultado` so a decision can be explained) */
  features: Record<string, number>;
}

/** [feature, weight, pattern over the classification text (folded, no punctuation or emojis)] */
const WORD_FEATURES: ReadonlyArray<readonly [string, number, RegExp]> = [
  [
    'vocabulario_plantao',
    0.3,
    /\b(plantao|plantoes|vaga|vagas|escala|cobertura|cobrir|repasso|passo|repasse|substituicao|substituto|plantonista)\b/,
  ],
  [
    'unidade',
    0.15,
    /\b(uti|cti|ps|pronto socorro|pronto atendimento|enfermaria|cc|centro cirurgico|upa|emergencia|sala vermelha|ambulatorio)\b/,
  ],
  [
    'chamada',
    0.15,
    /\b(interessad[oa]s?|inbox|pv|privado|chamar|chama|contato|falar com|whats|whatsapp|zap|ligar|disponivel para|quem puder|quem tiver interesse|enviar crm|mandar crm|chamem|me chama)\b/,
  ],
  [
    'urgencia',
    0.1,
    /\b(urgente|hoje|hj|precisa|precisamos|precisando|procuramos|procura se|necessita|necessitamos)\b/,
  ],
];
const NEGATIVE_FEATURES: ReadonlyArray<readonly [string, number, RegExp]> = [
  [
    'medico_procurando',
    -0.8,
    /\b(procuro|busco|estou procurando|to procurando|alguem (tem|teria|sabe|indica|precisando|com)|tenho disponibilidade|estou disponivel|to disponivel|disponibilidade para|se alguem (tiver|precisar)|quem tiver (plantao|vaga)|alguem passando|pego plantao|faco plantao|procurando plantao|procurando vaga)\b/,
  ],
  [
    'preenchido',
    -0.8,
    /\b(preenchid[oa]s?|ja foi|ja fechou|fechad[oa]|encerrad[oa]|cancelad[oa]|nao ha mais|sem vagas|esgotad[oa])\b/,
  ],
  // forwarded offers are common: being forwarded weighs little, news vocabulary weighs a lot
  ['encaminhada', -0.2, /\b(encaminhad[oa]|encaminhada com frequencia)\b/],
  ['troca', -0.8, /\b(troco|troca|trocar|permuta)\b/],
  [
    'noticia',
    -0.5,
    /\b(noticia|leia mais|cfm|crm informa|resolucao|portaria|ministerio|g1|fonte|segundo o|reportagem|materia|estudo mostra|pesquisa)\b/,
  ],
  [
    'conversa',
    -0.2,
    /\b(kkk+|haha+|rsrs+|obrigad[oa]|valeu|parabens|abraco|amem|bom demais|concordo|verdade|pois e|alguem sabe|voces acham|sabe se|duvida|qual o valor|qual valor|quanto paga|quanto esta)\b/,
  ],
];
const LINKS = /https?:\/\/\S+|www\.\S+/g;
const HAS_LINK = /https?:\/\/|www\./;

/**
 * A keyword/structure score, no network: shift vocabulary, units, specialties, money, dates and hours,
 * calls to action count for; a doctor asking for a shift, a filled shift, swaps, news and chat count
 * against. Links alone are no offer. The sum is clamped to 0–1.
 */
export function scoreOffer(text: string): OfferScore {
  const words = classificationText(text);
  const folded = foldText(text);
  const features: Record<string, number> = {};
  for (const [name, weight, pattern] of [...WORD_FEATURES, ...NEGATIVE_FEATURES])
    if (pattern.test(words)) features[name] = weight;

  const reference = '2000-01-01'; // resolution does not matter here, only that a date is written
  if (findDates(folded, reference).some((mention) => mention.date !== null)) features.data = 0.2;
  if (findTimeRanges(folded).length > 0) features.horario = 0.2;
  const money = findMoney(folded).filter((mention) => mention.valor >= 100);
  if (/r\$|\breais\b/.test(folded) || money.some((mention) => mention.explicit)) features.valor = 0.25;
  else if (money.length > 0) features.valor_numerico = 0.15;
  if (mentionsSpecialty(words)) features.especialidade = 0.1;
  if (findHospitalMention(text) !== null) features.hospital = 0.1;
  // a date, hours and a place or specialty together are the shape of an offer, even with no other word
  if (features.data && features.horario && (features.hospital || features.especialidade))
    features.estrutura = 0.2;

  const wordsWithoutLinks = classificationText(text.replace(LINKS, ' ')).split(' ').filter(Boolean).length;
  if (HAS_LINK.test(text) && wordsWithoutLinks < 6) features.so_link = -0.6;
  if (wordsWithoutLinks <= 3) features.curta = -0.2;
  if (text.includes('?') && features.valor === undefined) features.pergunta = -0.4;

  const sum = Object.values(features).reduce((total, weight) => total + weight, 0);
  return { score: Math.round(Math.min(1, Math.max(0, sum)) * 1000) / 1000, features };
}
