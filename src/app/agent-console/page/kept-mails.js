// The console's list of mails kept unsent, for supervisors (issue 16: no mail server,
// retrying, no address on record): never dropped in silence. Text as textContent only.

/** Shows the section and fills its list each time it is opened. */
export function keptMails(section, list, tools) {
  section.hidden = false;
  section.addEventListener('toggle', () => section.open && load(list, tools));
}

async function load(list, { el, t, api, when }) {
  const res = await api('/agent/api/mails');
  list.replaceChildren();
  if (res.status !== 200) return;
  const { pending, unsent } = res.body;
  for (const m of pending)
    list.append(
      el(
        'li',
        { testid: 'kept-mail' },
        el('strong', { text: t('mails.pending') }),
        el('span', { text: ` ${when(m.at)} · ${m.to} · ${m.subject}` }),
      ),
    );
  for (const m of unsent)
    list.append(
      el(
        'li',
        { testid: 'unsent-mail' },
        el('strong', { text: t(`mails.outcome.${m.outcome}`) }),
        el('span', { text: ` ${when(m.at)} · ${m.id}` }),
      ),
    );
  if (!pending.length && !unsent.length) list.append(el('li', { text: t('mails.none') }));
}
