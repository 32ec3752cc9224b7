// The simulated customer of the benchmark: the technical conversation of
// test/integration/engine/technical-flow.test.ts, on an account of its own.
import type { ChannelPort, OutboundMessage } from '../src/bot/engine/messages.ts';
import type { Customer } from '../src/domain/customers/customer.ts';
import type { ChannelKind } from '../src/domain/types.ts';

/** One customer message of the script, and what its replies must contain. */
export interface Step {
  message: string | { choice: string };
  /** A reply key that must be among this step's replies. */
  expect?: string;
}

/**
 * Identification → triage → technical → power/on/restart/verify → severity/urgency →
 * subject/description/steps → case → slot → folio. 19 turns.
 */
export function technicalScript(account: string, serial: string): Step[] {
  return [
    { message: `Hola, mi cuenta es ${account}` },
    { message: 'sí' },
    { message: { choice: 'technical' } },
    { message: { choice: 'servers' } },
    { message: { choice: serial } },
    { message: 'claro' },
    { message: 'si' }, // outside causes ruled out (R001-0)
    { message: 'sí', expect: 'technical.askOn' }, // has power
    { message: 'si' }, // it is on
    { message: { choice: 'done' } }, // restarted
    { message: 'todavía no' }, // still failing
    { message: { choice: 'high' } },
    { message: { choice: 'critical' } },
    { message: 'El servidor no arranca y muestra error de disco' },
    {
      message: 'Desde el lunes el servidor se reinicia solo y muestra disk failure en la consola',
    },
    { message: 'Encenderlo y esperar dos minutos' },
    { message: { choice: 'done' }, expect: 'case.opened' },
    { message: { choice: 'slot-1' } },
    { message: { choice: 'me' }, expect: 'visit.folioConfirmed' },
  ];
}

/** The turns of one scripted conversation. */
export const TURNS_PER_CONVERSATION = technicalScript('XX-1', 'X').length;

/**
 * A generated customer with one piece of equipment, so that every simulated conversation is its
 * own matter and opens its own case (one open case per account + category + equipment).
 * Account numbers look like `BN-000001` (the flow recognises `AA-123` style identifiers).
 */
export function benchCustomer(prefix: string, index: number): Customer {
  const n = String(index).padStart(6, '0');
  return {
    accountNumber: `${prefix}-${n}`,
    contractNumbers: [`CT-${prefix}-${n}`],
    name: `Cliente de prueba ${prefix} ${n} S.A. de C.V.`,
    country: 'MX',
    timeZone: 'America/Mexico_City',
    language: 'es',
    primaryContact: {
      name: 'Laura Méndez',
      phone: `+52 55 ${String(10_000_000 + index).slice(-8)}`,
      email: `contacto.${prefix.toLowerCase()}${n}@bench.example`,
    },
    authorisedPersons: [],
    distributor: null,
    paymentsUpToDate: true,
    equipment: [
      {
        serial: `SRV-${prefix}-${n}`,
        description: 'Servidor Dell PowerEdge R650',
        location: 'Av. Insurgentes Sur 1234, piso 3, CDMX',
      },
    ],
    abuseWarnings: 0,
    suspendedUntil: null,
    suspendedPermanently: false,
  };
}

/**
 * A channel that keeps only the replies of each user's turn in flight (the in-process channel
 * keeps every delivery, which would count as "memory held" by the benchmark).
 */
export class BenchChannel implements ChannelPort {
  readonly #pending = new Map<string, OutboundMessage[]>();
  delivered = 0;

  constructor(readonly kind: ChannelKind = 'terminal') {}

  async deliver(message: OutboundMessage): Promise<void> {
    this.delivered++;
    const list = this.#pending.get(message.channelUserId);
    if (list) list.push(message);
    else this.#pending.set(message.channelUserId, [message]);
  }

  /** The replies delivered to `user` since the last call. */
  take(user: string): OutboundMessage[] {
    const list = this.#pending.get(user) ?? [];
    this.#pending.delete(user);
    return list;
  }
}
