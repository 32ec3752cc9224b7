import { beforeAll, describe, expect, it } from 'vitest';
import type { ActivityLike } from '../../../src/channels/webchat/activities.ts';
import { serve, type Served } from '../app/serve.ts';
import { startConnector, type Connector } from './connector.ts';

/** The i18n key of a reply activity. */
const keyOf = (activity: ActivityLike) =>
  (activity.channelData as { key?: string } | undefined)?.key ?? '';

describe('web chat: the Bot Framework protocol on /api/messages, as the Emulator speaks it', () => {
  let served: Served;
  let connector: Connector;
  let n = 0;

  /** POSTs one activity from the Emulator; returns the status and the activities sent back. */
  const post = async (fields: Partial<ActivityLike>, headers: Record<string, string> = {}) => {
    const before = connector.sent.length;
    const response = await fetch(`${served.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        type: 'message',
        id: `emu-${++n}`,
        timestamp: new Date().toISOString(),
        channelId: 'emulator',
        serviceUrl: connector.serviceUrl,
        from: { id: 'visitor-1', name: 'Laura', role: 'user' },
        recipient: { id: 'atiende', role: 'bot' },
        conversation: { id: 'emu-conversation-1' },
        locale: 'es-MX',
        ...fields,
      }),
    });
    return {
      status: response.status,
      replies: connector.sent.slice(before).map((s) => s.activity),
    };
  };
  let last: ActivityLike[] = [];
  const say = async (text: string) => {
    const { status, replies } = await post({ text });
    expect(status).toBe(200);
    expect(replies.length, `no reply to ${text}`).toBeGreaterThan(0);
    last = replies;
    return replies;
  };
  /** Presses the button of choice `id` among the last replies' suggested actions. */
  const press = async (id: string) => {
    const actions = last.flatMap((a) => a.suggestedActions?.actions ?? []);
    const action = actions.find((a) => (a.value as { choice?: string })?.choice === id);
    expect(
      action,
      `no button ${id} in ${JSON.stringify(actions.map((a) => a.value))}`,
    ).toBeDefined();
    const { status, replies } = await post({ text: action!.text, value: action!.value });
    expect(status).toBe(200);
    expect(replies.length, `no reply to the button ${id}`).toBeGreaterThan(0);
    last = replies;
    return replies;
  };

  beforeAll(async () => {
    connector = await startConnector();
    served = await serve({ channels: ['webchat'] });
  });

  it('R004-3: a whole technical conversation, the buttons pressed as suggested actions, ends in a case', async () => {
    const keys: string[] = [];
    const note = (replies: ActivityLike[]) => keys.push(...replies.map(keyOf));
    note(await say('Hola, mi cuenta es MX-1001'));
    note(await say('sí'));
    note(await press('technical'));
    note(await press('servers'));
    note(await press('SRV-MX-0001'));
    note(await say('claro'));
    note(await say('si'));
    note(await say('sí'));
    note(await say('si'));
    note(await press('done'));
    note(await say('todavía no'));
    note(await press('high'));
    note(await press('critical'));
    note(await say('El servidor no arranca y muestra error de disco'));
    note(
      await say('Desde el lunes el servidor se reinicia solo y muestra disk failure en la consola'),
    );
    note(await say('Encenderlo y esperar dos minutos'));
    const opened = await press('done');
    note(opened);
    const caseReply = opened.find((a) => keyOf(a) === 'case.opened');
    expect(caseReply, JSON.stringify(keys)).toBeDefined();
    expect(caseReply!.text).toMatch(/AT-2026-\d{6}/);
    for (const key of ['technical.askPower', 'technical.askOn', 'technical.askRestart'])
      expect(keys).toContain(key);
    // Every reply answered its message in the Emulator's conversation, in that turn.
    const sent = connector.sent;
    expect(
      sent.every((s) => s.path.startsWith('/v3/conversations/emu-conversation-1/activities/')),
    ).toBe(true);
    expect(sent.every((s) => s.activity.replyToId?.startsWith('emu-'))).toBe(true);
    // Anonymous: no token sent back to the Emulator.
    expect(sent.every((s) => s.authorization === undefined)).toBe(true);
  });

  it('a reply no request waits for (an agent, a timer) reaches the conversation by its kept reference', async () => {
    const stored = await served.app.runtime.domain.channelAddresses.recall(
      'webchat:emulator:visitor-1',
    );
    expect(stored).toMatchObject({
      serviceUrl: connector.serviceUrl,
      conversation: { id: 'emu-conversation-1' },
    });
    const before = connector.sent.length;
    await served.app.channel('webchat').deliver({
      deliveryId: 'webchat:emulator:visitor-1:agent:1',
      conversationId: 'webchat:emulator:visitor-1',
      channel: 'webchat',
      channelUserId: 'emulator:visitor-1',
      language: 'es',
      reply: { key: 'agent.message' },
      inReplyTo: null,
      text: 'Hola, soy Ana del equipo de soporte.',
      choices: [],
    });
    await connector.waitFor(before + 1);
    const proactive = connector.sent[before]!;
    expect(proactive.path).toBe('/v3/conversations/emu-conversation-1/activities');
    expect(proactive.activity.text).toBe('Hola, soy Ana del equipo de soporte.');
  });

  it('a redelivered activity is answered once, with the same replies', async () => {
    const first = await post({ id: 'emu-repeat', text: 'menú' });
    const again = await post({ id: 'emu-repeat', text: 'menú' });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.replies.map((a) => a.text)).toEqual(first.replies.map((a) => a.text));
  });

  it('anonymous mode takes no activity whose serviceUrl is not on this machine (403)', async () => {
    const before = connector.sent.length;
    const { status } = await post({ serviceUrl: 'https://attacker.example/', text: 'hola' });
    expect(status).toBe(403);
    expect(connector.sent.length).toBe(before);
  });
});

describe('web chat: with a Microsoft app id, /api/messages requires the Bot Framework JWT', () => {
  it('an activity without a token, or with a forged one, is refused (401)', async () => {
    const connector = await startConnector();
    const served = await serve({
      channels: ['webchat'],
      channelSettings: {
        webchat: { appId: '00000000-0000-0000-0000-000000000001', appPassword: 'x' },
      },
    });
    const activity = {
      type: 'message',
      id: 'jwt-1',
      channelId: 'webchat',
      serviceUrl: connector.serviceUrl,
      from: { id: 'someone' },
      recipient: { id: 'atiende' },
      conversation: { id: 'c-1' },
      text: 'hola',
    };
    for (const authorization of [undefined, 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.']) {
      const response = await fetch(`${served.base}/api/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify(activity),
      });
      expect(response.status).toBe(401);
    }
    expect(connector.sent).toEqual([]);
  });
});
