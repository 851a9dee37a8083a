import type { RecordedRequest } from '../fakes/fake-provider-server';
import type { LogLine } from '../utils/service-process';

/** One retry seen by the provider: a failed request of a row, then the same row's next request. */
export interface RetryGap {
  readonly text: string;
  /** the number of the failed attempt (1 = the row's first request) */
  readonly attempt: number;
  readonly failedWith: string;
  /** the configured backoff of that attempt */
  readonly backoffMs: number;
  readonly retryAfterMs: number | null;
  /** the earliest the retry may arrive after the failed request: its timeout, then max(backoff, Retry-After) */
  readonly requiredMs: number;
  readonly observedMs: number;
}

export function textOf(request: RecordedRequest): string | undefined {
  const text = (request.body as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? text : undefined;
}

/** Every row's requests (by text) in arrival order. */
export function requestsByText(requests: readonly RecordedRequest[]): Map<string, RecordedRequest[]> {
  const byText = new Map<string, RecordedRequest[]>();
  for (const request of [...requests].sort((a, b) => a.receivedAt - b.receivedAt)) {
    const text = textOf(request);
    if (text !== undefined) byText.set(text, [...(byText.get(text) ?? []), request]);
  }
  return byText;
}

export function failureOf(request: RecordedRequest): string | null {
  const reply = request.reply;
  if (reply === undefined || reply.kind === 'ok') return null;
  return reply.kind === 'status' ? `HTTP ${reply.status}` : reply.kind;
}

function retryAfterMsOf(request: RecordedRequest): number | null {
  const reply = request.reply;
  const header =
    reply?.kind === 'status' && reply.status === 429 ? reply.headers?.['retry-after'] : undefined;
  return header === undefined ? null : Number(header) * 1000;
}

/**
 * The gaps between a row's failed request and its next one. A hung request fails only when the client's
 * timeout fires, so its retry is due that much later.
 */
export function retryGaps(
  byText: ReadonlyMap<string, readonly RecordedRequest[]>,
  backoffMs: readonly number[],
  timeoutMs: number,
): RetryGap[] {
  const gaps: RetryGap[] = [];
  for (const [text, requests] of byText)
    for (let index = 0; index + 1 < requests.length; index++) {
      const failed = requests[index];
      const failedWith = failureOf(failed);
      if (failedWith === null) continue; // a request after an accepted one is a duplicate, counted elsewhere
      const backoff = backoffMs[Math.min(index, backoffMs.length - 1)];
      const retryAfterMs = retryAfterMsOf(failed);
      gaps.push({
        text,
        attempt: index + 1,
        failedWith,
        backoffMs: backoff,
        retryAfterMs,
        requiredMs: (failedWith === 'hang' ? timeoutMs : 0) + Math.max(backoff, retryAfterMs ?? 0),
        observedMs: requests[index + 1].receivedAt - failed.receivedAt,
      });
    }
  return gaps;
}

export type CircuitEvent =
  | { readonly state: 'open'; readonly at: number; readonly until: number; readonly openMs: number }
  | { readonly state: 'closed'; readonly at: number };

/** The circuit changes of one sending number, from a replica's log lines. */
export function circuitEvents(lines: readonly LogLine[], sendingNumber: string): CircuitEvent[] {
  const events: CircuitEvent[] = [];
  for (const line of lines) {
    if (line.sending_number !== sendingNumber) continue;
    if (line.msg === 'whatsapp circuit opened') {
      const until = Date.parse(String(line.open_until));
      const openMs = Number(line.open_ms);
      events.push({ state: 'open', at: until - openMs, until, openMs });
    } else if (line.msg === 'whatsapp circuit closed')
      events.push({ state: 'closed', at: Date.parse(String(line.time)) });
  }
  return events;
}

/** What the provider saw on the number during one open period and the half-open period after it. */
export interface OpenWindow {
  readonly openedAt: number;
  readonly until: number;
  readonly openMs: number;
  /** requests that arrived while the circuit was open (after the in-flight grace) */
  readonly whileOpen: readonly RecordedRequest[];
  /** requests between the end of the open period and the next change of the circuit */
  readonly probes: readonly RecordedRequest[];
  /** from the opening to the next request on the number */
  readonly quietMs: number | null;
}

/**
 * `inFlightGraceMs`: the requests of the wave whose failure opened the circuit were sent before it opened,
 * but the provider may read the last of them a moment after the replica read the first failure.
 */
export function openWindows(
  events: readonly CircuitEvent[],
  requestsOnNumber: readonly RecordedRequest[],
  inFlightGraceMs: number,
): OpenWindow[] {
  return events.flatMap((event, index) => {
    if (event.state !== 'open') return [];
    const end = events[index + 1]?.at ?? Number.POSITIVE_INFINITY;
    const after = [...requestsOnNumber]
      .sort((a, b) => a.receivedAt - b.receivedAt)
      .filter((request) => request.receivedAt > event.at + inFlightGraceMs);
    return [
      {
        openedAt: event.at,
        until: event.until,
        openMs: event.openMs,
        whileOpen: after.filter((request) => request.receivedAt < event.until),
        probes: after.filter((request) => request.receivedAt >= event.until && request.receivedAt <= end),
        quietMs: after.length ? after[0].receivedAt - event.at : null,
      },
    ];
  });
}
