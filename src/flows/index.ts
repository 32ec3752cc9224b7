/**
 * The flows' public surface: the conversation machine, how to give it its services, and the
 * contract types shared with the engine.
 */
import { fromPromise, type AnyActorRef } from 'xstate';
import type { FlowServices, ServiceCall } from './contract.ts';
import type { ConversationMachine } from './machine/index.ts';

export { createConversationMachine } from './machine/index.ts';
export type { ConversationMachine } from './machine/index.ts';
export type { AccountProof, ConversationContext, Intent, ProofResume } from './context.ts';
export { NotProvided } from './errors.ts';
export { AWAITING_INPUT, FlowTurnTimeout, runTurn } from './run-turn.ts';
export type { TurnResult } from './run-turn.ts';
export type * from './contract.ts';

/**
 * The conversation a service actor was invoked by: its parent, the conversation's machine,
 * knows it (`conversationId` never changes in a conversation's context).
 */
function callOf(self: AnyActorRef): ServiceCall | undefined {
  const snapshot = self._parent?.getSnapshot() as { context?: { conversationId?: unknown } };
  const conversationId = snapshot?.context?.conversationId;
  return typeof conversationId === 'string' ? { conversationId } : undefined;
}

/**
 * Gives the machine its side effects: each `FlowServices` function becomes the `fromPromise`
 * actor of the same name; an effect is told which conversation asks for it (`ServiceCall`).
 * The engine passes the real domain; tests pass in-memory fakes.
 */
export function provideServices(machine: ConversationMachine, services: FlowServices) {
  return machine.provide({
    actors: {
      findCustomer: fromPromise(({ input }) => services.findCustomer(input)),
      openCase: fromPromise(({ input, self }) => services.openCase(input, callOf(self))),
      closeCase: fromPromise(({ input, self }) => services.closeCase(input, callOf(self))),
      listOpenCases: fromPromise(({ input }) => services.listOpenCases(input)),
      openCaseOfMatter: fromPromise(({ input }) => services.openCaseOfMatter(input)),
      recordFollowUp: fromPromise(({ input, self }) =>
        services.recordFollowUp(input, callOf(self)),
      ),
      officeHours: fromPromise(({ input }) => services.officeHours(input)),
      proposeVisitSlots: fromPromise(({ input }) => services.proposeVisitSlots(input)),
      openFolio: fromPromise(({ input, self }) => services.openFolio(input, callOf(self))),
      listVisits: fromPromise(({ input }) => services.listVisits(input)),
      quoteVisitMove: fromPromise(({ input }) => services.quoteVisitMove(input)),
      moveVisit: fromPromise(({ input, self }) => services.moveVisit(input, callOf(self))),
      confirmVisit: fromPromise(({ input, self }) => services.confirmVisit(input, callOf(self))),
      checkCoverage: fromPromise(({ input }) => services.checkCoverage(input)),
      recordAbuse: fromPromise(({ input, self }) => services.recordAbuse(input, callOf(self))),
      recordSurvey: fromPromise(({ input, self }) => services.recordSurvey(input, callOf(self))),
      registerCancellation: fromPromise(({ input, self }) =>
        services.registerCancellation(input, callOf(self)),
      ),
      sendAccountCode: fromPromise(({ input }) => services.sendAccountCode(input)),
      checkAccountCode: fromPromise(({ input }) => services.checkAccountCode(input)),
    },
  });
}
