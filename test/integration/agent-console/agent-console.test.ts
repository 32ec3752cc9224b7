import { describe, expect, it } from 'vitest';
import { ConversationHolds } from '../../../src/domain/agents/conversation-holds.ts';
import { startAtiende } from '../../../src/app/assemble.ts';
import { DEFAULT_POLICY } from '../../../src/domain/policy/index.ts';
import { serve, type Served } from '../app/serve.ts';
import { agentOf, clientOf, login, queuedCustomer, repliesTo } from './console-client.ts';

describe('the agent console over HTTP (issue 15)', async () => {
  const served = await serve();
  const { base, app, chat } = served;

  it('logs an agent in with an HttpOnly, SameSite=Strict session cookie and refuses a wrong password', async () => {
    await app.agents.access.addAgent({
      email: 'Lia@Example.com',
      role: 'L1',
      password: 'correct horse battery',
    });
    expect((await login(base, 'lia@example.com', 'wrong password!')).status).toBe(401);
    expect((await login(base, 'nobody@example.com', 'correct horse battery')).status).toBe(401);
    const ok = await login(base, 'lia@example.com', 'correct horse battery');
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^atiende_agent=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure'); // plain http here; https behind a trusted proxy adds it

    const session = cookie.split(';')[0]!;
    const me = await fetch(`${base}/agent/api/me`, { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: 'lia@example.com', role: 'L1' });
    expect((await fetch(`${base}/agent/api/queue`)).status).toBe(401);
    expect(
      (await fetch(`${base}/agent/api/queue`, { headers: { cookie: 'atiende_agent=forged' } }))
        .status,
    ).toBe(401);

    // The database keeps the token's hash, never the token.
    const token = session.split('=')[1]!;
    const stored = await served.app.connection.db!.collection('agent_sessions').find({}).toArray();
    expect(stored.some((s) => s._id === (token as unknown))).toBe(false);
    expect(stored.length).toBeGreaterThan(0);
  });

  it('refuses a log-in posted by another site, or not as JSON', async () => {
    await app.agents.access.addAgent({
      email: 'olga@example.com',
      role: 'L1',
      password: 'correct horse battery',
    });
    const crossSite = await login(base, 'olga@example.com', 'correct horse battery', {
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    const form = await fetch(`${base}/agent/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=olga%40example.com&password=correct+horse+battery',
    });
    expect([403, 415]).toContain(form.status); // no parser for a form: never read
  });

  it('limits failed log-ins per e-mail: then even the right password waits (429 with Retry-After)', async () => {
    await app.agents.access.addAgent({
      email: 'target@example.com',
      role: 'L1',
      password: 'the real password',
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await login(base, 'target@example.com', `guess ${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
    const right = await login(base, 'target@example.com', 'the real password');
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another agent on the same address is not locked out by these few failures.
    await app.agents.access.addAgent({
      email: 'other@example.com',
      role: 'L1',
      password: 'the real password',
    });
    expect((await login(base, 'other@example.com', 'the real password')).status).toBe(200);
  });

  it('checks the CSRF token on every state-changing request', async () => {
    const agent = await agentOf(served, 'L1');
    const id = await queuedCustomer(served, 'csrf-customer');
    const path = `${base}/agent/api/conversations/${encodeURIComponent(id)}/take`;
    const json = { 'content-type': 'application/json' };
    const none = await fetch(path, {
      method: 'POST',
      headers: { cookie: agent.cookie, ...json },
      body: '{}',
    });
    expect(none.status).toBe(403);
    const wrong = await fetch(path, {
      method: 'POST',
      headers: { cookie: agent.cookie, 'x-csrf-token': 'x'.repeat(agent.csrf.length), ...json },
      body: '{}',
    });
    expect(wrong.status).toBe(403);
    const crossSite = await fetch(path, {
      method: 'POST',
      headers: {
        cookie: agent.cookie,
        'x-csrf-token': agent.csrf,
        origin: 'https://evil.example',
        ...json,
      },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
    expect((await app.runtime.engine.state(id))?.mode).toBe('queued');
    expect((await agent.act(id, 'take')).status).toBe(200);
    expect((await app.runtime.engine.state(id))?.mode).toBe('agent');
  });

  it('serves the page with a Content-Security-Policy that allows no inline script', async () => {
    const page = await fetch(`${base}/agent`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/agent/console.js"></script>');
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    const script = await (await fetch(`${base}/agent/console.js`)).text();
    expect(script).not.toContain('innerHTML');
    const texts = (await (await fetch(`${base}/agent/api/texts/en`)).json()) as {
      actions: { take: string };
    };
    expect(texts.actions.take).toBe('Take the conversation');
  });

  it('decision 0: of agents taking one conversation at once, exactly one holds it', async () => {
    const id = await queuedCustomer(served, 'race-customer');
    const agents = await Promise.all([1, 2, 3, 4, 5].map(() => agentOf(served, 'L1')));
    const answers = await Promise.all(agents.map((a) => a.act(id, 'take')));
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(4);
    const winner = agents[answers.findIndex((a) => a.status === 200)]!;
    const loser = agents.find((a) => a !== winner)!;
    expect(answers.find((a) => a.status === 409)!.body).toMatchObject({
      error: 'held-by-other',
      holder: winner.email,
    });
    // Only the holder may write, pass or close it.
    expect((await loser.act(id, 'message', { text: 'hola' })).status).toBe(409);
    expect((await loser.act(id, 'close', { resolution: 'x' })).status).toBe(409);
    expect((await winner.act(id, 'message', { text: 'Hola, soy yo' })).status).toBe(200);
  });

  it('decision 0: agents on two atiende instances over one database taking one conversation at once: one holds it', async () => {
    // A second atiende on the same database: its own engine, desk and HTTP server.
    const second = await startAtiende({
      database: { connection: app.connection },
      policy: DEFAULT_POLICY,
      clock: served.clock,
      channels: ['http-json'],
      http: { host: '127.0.0.1', port: 0 },
    });
    try {
      const other: Served = { ...served, app: second, base: `http://127.0.0.1:${second.port}` };
      const id = await queuedCustomer(served, 'race-two-apps');
      const agents = await Promise.all([
        agentOf(served, 'L1'),
        agentOf(other, 'L1'),
        agentOf(served, 'L1'),
        agentOf(other, 'L1'),
      ]);
      const answers = await Promise.all(agents.map((a) => a.act(id, 'take')));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
      const winner = agents[answers.findIndex((a) => a.status === 200)]!;
      expect((await app.runtime.engine.state(id))?.handoff?.agent).toBeTruthy();
      expect(
        answers.filter((a) => a.status === 409).every((a) => a.body.holder === winner.email),
      ).toBe(true);
    } finally {
      await second.stop();
    }
  });

  it('the agent writes to the customer on the JSON channel, the bot falls silent, the customer reaches the agent live', async () => {
    const agent = await agentOf(served, 'L1', 'Marta');
    const id = await queuedCustomer(served, 'ana-console');
    const view = await agent.get(`/agent/api/conversations/${encodeURIComponent(id)}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      mode: 'queued',
      accountNumber: 'MX-1001',
      reason: 'customer-request',
    });
    expect((view.body.customer as { name: string }).name).toBeTruthy();
    expect((view.body.transcript as unknown[]).length).toBeGreaterThan(3);

    // The live feed, opened before the customer writes.
    const controller = new AbortController();
    const stream = await fetch(`${base}/agent/api/events`, {
      headers: { cookie: agent.cookie },
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    let seen = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);

    expect((await agent.act(id, 'take')).status).toBe(200);
    expect((await agent.act(id, 'message', { text: 'Hola Ana, reviso tu equipo' })).status).toBe(
      200,
    );
    const sent = await repliesTo(served, 'ana-console');
    expect(sent.map((r) => r.key)).toEqual(
      expect.arrayContaining(['handoff.agentJoined', 'handoff.agentMessage']),
    );
    expect(sent.at(-1)!.text).toContain('Hola Ana, reviso tu equipo');

    const answer = await chat({
      userId: 'ana-console',
      messageId: 'c-1',
      text: 'gracias, sigue sin imprimir',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.replies).toEqual([]); // the bot is silent while the agent holds it
    for (let i = 0; i < 50 && !seen.includes('sigue sin imprimir'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(seen).toContain('event: message');
    expect(seen).toContain('sigue sin imprimir');
    controller.abort();
    await read;

    // Every action is on the case's timeline with the agent's id.
    const state = await app.runtime.engine.state(id);
    const caseNumber = state!.handoff!.caseNumber!;
    expect(caseNumber).toBeTruthy();
    const timeline = await app.runtime.domain.cases.timeline(caseNumber);
    const byAgent = timeline
      .filter((e) => e.by === 'agent')
      .map((e) => [e.data?.action, e.data?.agent]);
    expect(byAgent).toEqual(
      expect.arrayContaining([
        ['takeover', agent.email],
        ['message', agent.email],
      ]),
    );
  });

  it('a hold left behind by a process that died mid-action does not keep the conversation from the queue', async () => {
    const id = await queuedCustomer(served, 'stale-hold');
    // A process claimed the hold and died before the engine's takeover.
    const holds = new ConversationHolds(app.connection);
    expect((await holds.claim(id, 'ghost@example.com', served.clock.now())).taken).toBe(true);
    const agent = await agentOf(served, 'L1');
    expect((await agent.act(id, 'take')).body).toMatchObject({ error: 'held-by-other' });
    served.clock.advanceMinutes(2);
    expect((await agent.act(id, 'take')).status).toBe(200);
    expect(await holds.holder(id)).toBe(agent.email);
  });

  it('R001-7: an agent chat too ends at 20 minutes and goes on as its case; the console shows the time left until then', async () => {
    const agent = await agentOf(served, 'L2');
    const id = await queuedCustomer(served, 'limit-customer');
    expect((await agent.act(id, 'take')).status).toBe(200);
    const view = await agent.get(`/agent/api/conversations/${encodeURIComponent(id)}`);
    const left = Date.parse(view.body.chatLimitDue as string) - Date.parse(view.body.now as string);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(20 * 60_000);
    const caseNumber = (await app.runtime.engine.state(id))!.handoff!.caseNumber!;

    served.clock.advanceMinutes(20);
    expect(await app.runtime.scheduler.tick()).toBeGreaterThanOrEqual(1);
    const sent = await repliesTo(served, 'limit-customer');
    const keys = sent.map((r) => r.key);
    expect(keys.slice(-2)).toEqual(['chatLimit.reached', 'chatLimit.continuesInCase']);
    expect(sent.at(-1)!.text).toContain(caseNumber);
    expect((await app.runtime.engine.state(id))?.mode).toBe('closed');
    const queue = (await agent.get('/agent/api/queue')).body.queue as { conversationId: string }[];
    expect(queue.map((q) => q.conversationId)).not.toContain(id);
    expect((await agent.act(id, 'message', { text: '¿sigue ahí?' })).status).toBe(409);
    expect((await app.runtime.domain.cases.find(caseNumber))?.status).not.toBe('closed');
    // The case's timeline says the chat ended at the limit, with the chat's words; the hold ends.
    await expect
      .poll(async () =>
        (await app.runtime.domain.cases.timeline(caseNumber)).filter(
          (e) => e.data?.action === 'chat-limit' && e.data.agent === agent.email,
        ),
      )
      .toEqual([
        expect.objectContaining({
          kind: 'transcript',
          by: 'system',
          text: expect.stringContaining('customer:'),
        }),
        expect.objectContaining({
          kind: 'status',
          by: 'system',
          data: expect.objectContaining({ agent: agent.email }),
        }),
      ]);
    const hold = await new ConversationHolds(app.connection).latest(id);
    expect(hold?.ended).toBeTruthy();
  });

  it('R001-8, R001-11: the console shows a fair-use breach of the person waiting, with its rule and the words that caused it', async () => {
    const agent = await agentOf(served, 'L1');
    const id = await queuedCustomer(served, 'rude-waiting');
    await chat({ userId: 'rude-waiting', messageId: 'rw-1', text: 'eres una estúpida' });
    const view = await agent.get(`/agent/api/conversations/${encodeURIComponent(id)}`);
    expect(view.status).toBe(200);
    expect(view.body.fairUse).toEqual([
      expect.objectContaining({ rule: 'R001-8', text: 'eres una estúpida', suspended: false }),
    ]);
    const words = (view.body.fairUse as { words: string[] }[])[0]!.words;
    expect(words.join(' ')).toContain('estupid'); // folded, as matched
  });

  it('R001-8, R001-11: while an agent holds the chat, insults still earn the warnings and then the suspension, which ends the chat and its hold', async () => {
    const agent = await agentOf(served, 'L1');
    const id = await queuedCustomer(served, 'rude-held', 'CO-2001');
    expect((await agent.act(id, 'take')).status).toBe(200);
    const caseNumber = (await app.runtime.engine.state(id))!.handoff!.caseNumber!;
    // Plain words go to the agent only: the bot says nothing.
    const plain = await chat({ userId: 'rude-held', messageId: 'rh-0', text: 'sigue sin servir' });
    expect(plain.body.replies).toEqual([]);
    const keys: string[][] = [];
    for (let i = 1; i <= 3; i++) {
      const answer = await chat({
        userId: 'rude-held',
        messageId: `rh-${i}`,
        text: 'son unos idiotas, no sirven para nada',
      });
      keys.push(answer.body.replies!.map((r) => r.key));
    }
    expect(keys[0]).toEqual(['fairUse.warning']);
    expect(keys[1]).toEqual(['fairUse.warning']);
    expect(keys[2]!.some((k) => k.startsWith('fairUse.suspended'))).toBe(true);
    expect((await app.runtime.engine.state(id))?.mode).toBe('closed');
    await expect
      .poll(async () =>
        (await app.runtime.domain.cases.timeline(caseNumber))
          .filter((e) => e.data?.action === 'suspended')
          .map((e) => e.kind),
      )
      .toEqual(['transcript', 'status']);
    expect((await new ConversationHolds(app.connection).latest(id))?.ended).toBeTruthy();
    expect((await agent.act(id, 'message', { text: '¿hola?' })).status).toBe(409);
  });

  it('R003-8: an L1 agent passes the conversation to level 2 with raised priority; L1 no longer sees it, L2 does', async () => {
    const l1 = await agentOf(served, 'L1');
    const l2 = await agentOf(served, 'L2');
    const other = await agentOf(served, 'L1');
    const id = await queuedCustomer(served, 'transfer-customer');
    const before = (await app.runtime.engine.state(id))!.handoff!.priority;
    expect((await l1.act(id, 'take')).status).toBe(200);
    expect((await l1.act(id, 'transfer')).status).toBe(200);
    const after = (await app.runtime.engine.state(id))!;
    expect(after.mode).toBe('queued');
    expect(after.handoff).toMatchObject({ level: 'L2', agent: null });
    expect(['P1', 'P2', 'P3', 'P4'].indexOf(after.handoff!.priority)).toBe(
      Math.max(0, ['P1', 'P2', 'P3', 'P4'].indexOf(before) - 1),
    );
    const ids = (q: { body: Record<string, unknown> }) =>
      (q.body.queue as { conversationId: string }[]).map((i) => i.conversationId);
    expect(ids(await other.get('/agent/api/queue'))).not.toContain(id);
    expect((await other.get(`/agent/api/conversations/${encodeURIComponent(id)}`)).status).toBe(
      404,
    );
    expect((await other.act(id, 'take')).status).toBe(404);
    expect(ids(await l2.get('/agent/api/queue'))).toContain(id);
    expect((await l2.act(id, 'take')).status).toBe(200);

    const timeline = await app.runtime.domain.cases.timeline(after.handoff!.caseNumber!);
    expect(timeline.find((e) => e.kind === 'escalated' && e.by === 'agent')?.data).toMatchObject({
      agent: l1.email,
      action: 'transfer',
    });
    const found = await app.runtime.domain.cases.find(after.handoff!.caseNumber!);
    expect(found?.level).toBe('L2');
  });

  it('R002-7, R002-8: closing the case sends the closing message with attention and resolution times, then the survey', async () => {
    const agent = await agentOf(served, 'L2', 'Raúl');
    // An account of its own: its case is this conversation's alone (R001-5 joins a matter's case).
    const id = await queuedCustomer(served, 'close-customer', 'VE-3001');
    expect((await agent.act(id, 'take')).status).toBe(200);
    served.clock.advanceMinutes(7);
    expect((await agent.act(id, 'close', { resolution: '' })).status).toBe(400);
    expect(
      (await agent.act(id, 'close', { resolution: 'Reinstalé el controlador de la impresora' }))
        .status,
    ).toBe(200);
    const sent = await repliesTo(served, 'close-customer');
    const keys = sent.map((r) => r.key);
    const closing = sent.find((r) => r.key === 'handoff.closedByAgent')!;
    expect(closing.text).toContain('Reinstalé el controlador de la impresora');
    expect(closing.text).toContain('atención: 0 min');
    expect(closing.text).toContain('resolución: 7 min');
    expect(keys.indexOf('survey.askScore')).toBeGreaterThan(keys.indexOf('handoff.closedByAgent'));
    const state = (await app.runtime.engine.state(id))!;
    expect(state.mode).toBe('bot');
    const caseNumber = closing.text.match(/[A-Z]+-\d{4}-\d+/)![0];
    expect(await app.runtime.domain.cases.findClosure(caseNumber as never)).toMatchObject({
      resolutionMinutes: 7,
    });
    const timeline = await app.runtime.domain.cases.timeline(caseNumber as never);
    expect(
      timeline.some(
        (e) => e.kind === 'closed' && e.by === 'agent' && e.data?.agent === agent.email,
      ),
    ).toBe(true);
    // The survey answers go to the bot again.
    const score = await chat({ userId: 'close-customer', messageId: 's-1', text: '5' });
    expect(score.body.replies!.map((r) => r.key)).toContain('survey.askComment');
    // And the conversation left the queue: no one can act on it.
    expect((await agent.act(id, 'message', { text: 'hola' })).status).toBe(409);
  });

  it('logs out: the session stops working', async () => {
    const agent = await agentOf(served, 'supervisor');
    expect((await agent.post('/agent/api/logout')).status).toBe(200);
    expect((await agent.get('/agent/api/queue')).status).toBe(401);
    const again = clientOf(base, agent.email, agent.cookie, agent.csrf);
    expect((await again.get('/agent/api/me')).status).toBe(401);
  });
  // Last: it locks this test's address out.
  it('limits failed log-ins per address, whatever e-mails it tries', async () => {
    const from = { 'x-forwarded-for': '1.2.3.4' }; // not trusted: the address is the socket's
    let limited = false;
    for (let i = 0; i < 25 && !limited; i++)
      limited = (await login(base, `spray${i}@example.com`, 'guess', from)).status === 429;
    expect(limited).toBe(true);
  });
});

describe('the console behind an https proxy (issue 15)', async () => {
  const served = await serve({
    http: { host: '127.0.0.1', port: 0, limits: { trustProxy: true } },
  });

  it('marks the session cookie Secure when the request came over https', async () => {
    await served.app.agents.access.addAgent({
      email: 'tls@example.com',
      role: 'L2',
      password: 'correct horse battery',
    });
    const res = await login(served.base, 'tls@example.com', 'correct horse battery', {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'support.example.com',
      origin: 'https://support.example.com',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toContain('; Secure');
  });
});
