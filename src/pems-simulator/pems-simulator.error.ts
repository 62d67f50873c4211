/**
 * A refusal the simulator answers with an ErrorAlert body. Handlers throw it; the router
 * turns it into `{"ErrorAlert":[{"Name":..., "Message":...}]}` with its status.
 */
export class PemsSimulatorError extends Error {
  constructor(
    readonly status: number,
    readonly alertName: string,
    message: string,
  ) {
    super(message);
    this.name = 'PemsSimulatorError';
  }
}
