/** Errors of the flows layer, each with a stable `code`. */

/** An actor of `FlowServices` was not provided to the machine (use `provideServices`). */
export class NotProvided extends Error {
  readonly code = 'FLOW_SERVICE_NOT_PROVIDED';
  constructor(readonly service: string) {
    super(`the flow service "${service}" was not provided`);
    this.name = 'NotProvided';
  }
}
