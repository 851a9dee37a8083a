/** What the messages say about a handoff's shift and people (read together with the handoff). */
export interface HandoffShift {
  handoffId: string;
  leadId: string;
  vagaId: string;
  medicoNome: string | null;
  divulgadorNome: string | null;
  divulgadorTelefone: string | null;
  hospital: string | null;
  especialidade: string | null;
  /** `YYYY-MM-DD` */
  data: string | null;
  horaInicio: string | null;
  horaFim: string | null;
  followupCount: number;
}
