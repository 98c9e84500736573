// The port through which managers hear about care-guarantee cases at risk.

export interface GuaranteeSummaryMessage {
  date: string;
  clinicId: string;
  clinicName: string;
  /** Open cases whose last day is today: they fail unless assessed today. */
  dueToday: number;
  overdue: number;
}

export interface ManagerNotifier {
  sendGuaranteeSummary(message: GuaranteeSummaryMessage): Promise<void>;
}
