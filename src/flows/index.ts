/**
 * The flows' public surface: the conversation machine, how to give it its services, and the
 * contract types shared with the engine.
 */
import { fromPromise } from 'xstate';
import type { FlowServices } from './contract.ts';
import type { ConversationMachine } from './machine/index.ts';

export { createConversationMachine } from './machine/index.ts';
export type { ConversationMachine } from './machine/index.ts';
export type { AccountProof, ConversationContext, Intent, ProofResume } from './context.ts';
export { NotProvided } from './errors.ts';
export { AWAITING_INPUT, FlowTurnTimeout, runTurn } from './run-turn.ts';
export type { TurnResult } from './run-turn.ts';
export type * from './contract.ts';

/**
 * Gives the machine its side effects: each `FlowServices` function becomes the `fromPromise`
 * actor of the same name. The engine passes the real domain; tests pass in-memory fakes.
 */
export function provideServices(machine: ConversationMachine, services: FlowServices) {
  return machine.provide({
    actors: {
      findCustomer: fromPromise(({ input }) => services.findCustomer(input)),
      openCase: fromPromise(({ input }) => services.openCase(input)),
      closeCase: fromPromise(({ input }) => services.closeCase(input)),
      listOpenCases: fromPromise(({ input }) => services.listOpenCases(input)),
      recordFollowUp: fromPromise(({ input }) => services.recordFollowUp(input)),
      officeHours: fromPromise(({ input }) => services.officeHours(input)),
      proposeVisitSlots: fromPromise(({ input }) => services.proposeVisitSlots(input)),
      openFolio: fromPromise(({ input }) => services.openFolio(input)),
      checkCoverage: fromPromise(({ input }) => services.checkCoverage(input)),
      recordAbuse: fromPromise(({ input }) => services.recordAbuse(input)),
      recordSurvey: fromPromise(({ input }) => services.recordSurvey(input)),
      registerCancellation: fromPromise(({ input }) => services.registerCancellation(input)),
      sendAccountCode: fromPromise(({ input }) => services.sendAccountCode(input)),
      checkAccountCode: fromPromise(({ input }) => services.checkAccountCode(input)),
    },
  });
}
