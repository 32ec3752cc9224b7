// The console's issue-16 tools (plain ES module): SLA badges in the queue, the SLA pause and
// fair-use actions in a held conversation (R003-6, R001-10, R001-11), and the supervisors'
// announcements of extended hours and suspensions (R003-3, R003-4). Text as textContent only.

/** The SLA warnings and breaches of a queue row, newest first, as tags. */
export function slaBadges(item, { el, t }) {
  const box = el('div', { className: 'tags' });
  for (const alert of item.slaAlerts || []) {
    box.append(
      el('span', {
        className: `tag sla-${alert.kind}`,
        testid: `sla-${alert.kind}`,
        text: t(`caseTools.sla.${alert.kind}`, { goal: t(`caseTools.goals.${alert.goal}`) }),
      }),
    );
  }
  return box.childElementCount > 0 ? box : null;
}

/** The actions of a held conversation beyond talking: wait on the customer, false, suspend. */
export function caseTools(view, { el, t, button, act }) {
  const box = el('div', { className: 'actions case-tools' });
  const reason = el('input', { testid: 'fair-use-reason' });
  reason.placeholder = t('caseTools.reasonPlaceholder');
  const hours = el('input', { testid: 'suspend-hours' });
  hours.type = 'number';
  hours.min = '0';
  hours.placeholder = t('caseTools.hoursPlaceholder');
  box.append(
    button('caseTools.awaitCustomer', 'await-customer', () => act('await-customer')),
    reason,
    button('caseTools.markFalse', 'mark-false', () => act('mark-false', { reason: reason.value })),
    hours,
    button('caseTools.suspend', 'suspend', () =>
      act('suspend', {
        reason: reason.value,
        ...(hours.value === '' ? {} : { hours: Number(hours.value) }),
      }),
    ),
  );
  return box;
}

/** The announcements: listed for every agent, written and withdrawn by supervisors. */
export async function announcementsPanel(me, { el, t, api, when }) {
  const panel = el('section', { className: 'announcements', testid: 'announcements' });
  const render = async () => {
    const res = await api('/agent/api/announcements');
    const list = el('ul');
    for (const a of res.body.announcements || []) {
      const row = el(
        'li',
        { testid: 'announcement' },
        el('strong', { text: t(`caseTools.kinds.${a.kind}`) }),
        el('span', { text: ` ${a.country || '*'} ${when(a.from)} – ${when(a.to)}: ${a.note}` }),
      );
      if (a.withdrawnAt) row.append(el('em', { text: ` ${t('caseTools.withdrawn')}` }));
      else if (me.role === 'supervisor') {
        const withdraw = el('button', { text: t('caseTools.withdraw') });
        withdraw.type = 'button';
        withdraw.addEventListener('click', async () => {
          await api(`/agent/api/announcements/${encodeURIComponent(a.id)}/withdraw`, {
            method: 'POST',
          });
          await render();
        });
        row.append(withdraw);
      }
      list.append(row);
    }
    panel.replaceChildren(el('h2', { text: t('caseTools.announcements') }), list);
    if (me.role === 'supervisor') panel.append(form());
  };
  const form = () => {
    const f = el('form', { testid: 'announcement-form' });
    const kind = el('select', { testid: 'announcement-kind' });
    for (const k of ['suspension', 'extension'])
      kind.append(Object.assign(el('option', { text: t(`caseTools.kinds.${k}`) }), { value: k }));
    const country = el('input', { testid: 'announcement-country' });
    country.placeholder = t('caseTools.countryPlaceholder');
    const from = Object.assign(el('input', { testid: 'announcement-from' }), {
      type: 'datetime-local',
      required: true,
    });
    const to = Object.assign(el('input', { testid: 'announcement-to' }), {
      type: 'datetime-local',
      required: true,
    });
    const note = Object.assign(el('input', { testid: 'announcement-note' }), { required: true });
    note.placeholder = t('caseTools.notePlaceholder');
    const error = el('p', { className: 'error' });
    const submit = el('button', { text: t('caseTools.post') });
    submit.type = 'submit';
    f.append(kind, country, from, to, note, submit, error);
    f.addEventListener('submit', async (event) => {
      event.preventDefault();
      const res = await api('/agent/api/announcements', {
        method: 'POST',
        body: {
          kind: kind.value,
          country: country.value.trim().toUpperCase(),
          from: new Date(from.value).toISOString(),
          to: new Date(to.value).toISOString(),
          note: note.value,
        },
      });
      if (res.status !== 200) error.textContent = t('caseTools.invalid');
      else await render();
    });
    return f;
  };
  await render();
  return panel;
}
