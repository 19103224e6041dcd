/** Counters the server keeps for `/metrics` (Prometheus text format). */
export class Metrics {
  joins = 0;
  opens = 0;
  relayed = 0;
  rejections = 0;
  errors = 0;
  connections = 0;
  resumes = 0;

  /** Prometheus exposition text, with the live gauges given by the caller. */
  render(gauges: { sockets: number; rooms: number }): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    metric('rtc_sockets', 'gauge', 'Signaling sockets connected to this node.', gauges.sockets);
    metric('rtc_rooms', 'gauge', 'Rooms with at least one participant.', gauges.rooms);
    metric('rtc_connections_total', 'counter', 'Sockets accepted.', this.connections);
    metric('rtc_rooms_opened_total', 'counter', 'Rooms opened.', this.opens);
    metric('rtc_joins_total', 'counter', 'Successful joins.', this.joins);
    metric('rtc_relayed_messages_total', 'counter', 'Relay messages delivered.', this.relayed);
    metric(
      'rtc_rejections_total',
      'counter',
      'Requests refused or dropped as invalid.',
      this.rejections,
    );
    metric(
      'rtc_resumes_total',
      'counter',
      'Sessions resumed after a dropped connection.',
      this.resumes,
    );
    metric('rtc_errors_total', 'counter', 'Handler failures.', this.errors);
    return `${lines.join('\n')}\n`;
  }
}
