import { Inject, Injectable } from '@nestjs/common';
import { Deadline } from '../../common/deadline';
import { fetchFailureReason } from '../../common/fetch-failure';
import { textPrefix } from '../../common/storable-text';
import { AppConfig } from '../../config/app-config';
import { CLASSIFIER_TIMEOUT } from './grupos.constants';

export type ProviderVerdict = { readonly oferta: boolean } | { readonly erro: string };

const SYSTEM_PROMPT =
  'Você classifica mensagens de grupos de WhatsApp de médicos. Responda apenas com JSON ' +
  '{"oferta": true} se a mensagem oferece um ou mais plantões ou vagas médicas a serem preenchidos, ' +
  'ou {"oferta": false} se não oferece (pedido de plantão, conversa, notícia, propaganda, vaga preenchida).';
const MAX_TEXT = 4000;

/**
 * The optional classifier provider (GRUPOS_CLASSIFIER_URL: an OpenAI-compatible chat completions endpoint),
 * asked only about messages in the uncertain band. Failures are values: the pipeline retries them.
 */
@Injectable()
export class ClassifierProviderClient {
  constructor(
    private readonly config: AppConfig,
    @Inject(CLASSIFIER_TIMEOUT) private readonly timeoutMs: number,
  ) {}

  isConfigured(): boolean {
    return this.config.GRUPOS_CLASSIFIER_URL !== undefined;
  }

  async classify(texto: string, signal: AbortSignal): Promise<ProviderVerdict> {
    const url = this.config.GRUPOS_CLASSIFIER_URL;
    if (url === undefined) return { erro: 'classificador não configurado' };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.config.GRUPOS_CLASSIFIER_API_KEY)
      headers.authorization = `Bearer ${this.config.GRUPOS_CLASSIFIER_API_KEY}`;
    const deadline = new Deadline(this.timeoutMs);
    try {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            model: this.config.GRUPOS_CLASSIFIER_MODEL,
            temperature: 0,
            messages: [
              { role: 'system', content: SYSTEM_PROMPT },
              { role: 'user', content: textPrefix(texto, MAX_TEXT) },
            ],
          }),
          signal: deadline.or(signal),
        });
      } catch (error) {
        return {
          erro: `classificador inacessível: ${deadline.expired ? 'timeout' : fetchFailureReason(error)}`,
        };
      }
      if (!response.ok) {
        await response.body?.cancel();
        return { erro: `classificador respondeu HTTP ${response.status}` };
      }
      try {
        const body = (await response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
        return parseVerdict(body.choices?.[0]?.message?.content);
      } catch {
        // a body cut off by the deadline is a timeout (retried), not an answer that is not JSON
        if (deadline.expired) return { erro: 'classificador inacessível: timeout' };
        return { erro: 'classificador respondeu um corpo que não é JSON' };
      }
    } finally {
      deadline.clear();
    }
  }
}

/** `{"oferta": true}` as asked, or a plain sim/não the model may answer instead. */
export function parseVerdict(content: unknown): ProviderVerdict {
  if (typeof content !== 'string') return { erro: 'classificador respondeu sem conteúdo' };
  const text = content
    .trim()
    .replace(/^```(?:json)?|```$/g, '')
    .trim();
  try {
    const parsed = JSON.parse(text) as { oferta?: unknown };
    if (typeof parsed.oferta === 'boolean') return { oferta: parsed.oferta };
  } catch {
    // not JSON: try the plain answers below
  }
  const folded = text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
  // "oferta: false" is a field, not the word "oferta" as a yes
  const field = /"?\boferta"?\s*[:=]\s*"?(true|false|sim|nao|yes|no)\b/.exec(folded);
  if (field !== null) return { oferta: ['true', 'sim', 'yes'].includes(field[1]) };
  if (/^(sim|yes|true|oferta)\b/.test(folded)) return { oferta: true };
  if (/^(nao|no|false)\b/.test(folded)) return { oferta: false };
  return { erro: 'classificador respondeu algo ilegível' };
}
