/**
 * What Evolution API answers (in `response.message`, with a 400 or 404) when the instance itself cannot
 * send, whatever the message: its WhatsApp socket is closed ("Error: Connection Closed"; some versions send
 * it as a 500), or the instance does not exist on the gateway (deleted there, still in EVOLUTION_INSTANCE).
 * Evolution has no error codes, so its words are matched.
 */
export const EVOLUTION_INSTANCE_DOWN_MESSAGES: readonly RegExp[] = [
  /\bconnection closed\b/i,
  /\binstance does not exist\b/i,
];
