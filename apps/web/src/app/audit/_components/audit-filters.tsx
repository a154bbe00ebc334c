'use client';

import { Button, SelectField, TextField } from '@cc-bridge/ui';
import { useQueryStates } from 'nuqs';
import { useState, type SubmitEvent } from 'react';
import { auditParsers } from '@/lib/audit-params';

const timeRanges = [
  { value: '', label: 'Any time' },
  { value: '1h', label: 'Last hour' },
  { value: '1d', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

/**
 * The /audit filters: actor, instance, action and time range, applied to the URL on submit (the
 * server page reads them back), which starts again from the newest entry.
 */
export function AuditFilters({ actions }: { actions: readonly string[] }) {
  const [params, setParams] = useQueryStates(auditParsers, { shallow: false, history: 'push' });
  const [actor, setActor] = useState(params.actor ?? '');
  const [instance, setInstance] = useState(params.instance ?? '');
  const [action, setAction] = useState(params.action ?? '');
  const [since, setSince] = useState(params.since ?? '');
  const ranges = since !== '' && !timeRanges.some((range) => range.value === since) ? [...timeRanges, { value: since, label: `Since ${since}` }] : timeRanges;

  const apply = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void setParams({ actor: actor.trim() || null, instance: instance.trim() || null, action: action || null, since: since || null, before: null });
  };
  const clear = () => {
    setActor('');
    setInstance('');
    setAction('');
    setSince('');
    void setParams(null);
  };

  return (
    <form role="search" aria-label="Audit filters" onSubmit={apply} className="flex flex-wrap items-end gap-3">
      <TextField label="Actor" name="actor" value={actor} onChange={(event) => setActor(event.target.value)} placeholder="user:alice, cli, discovery" />
      <TextField label="Instance" name="instance" value={instance} onChange={(event) => setInstance(event.target.value)} />
      <SelectField
        label="Action"
        name="action"
        value={action}
        onChange={(event) => setAction(event.target.value)}
        options={[{ value: '', label: 'Any action' }, ...actions.map((name) => ({ value: name, label: name }))]}
      />
      <SelectField label="Time" name="since" value={since} onChange={(event) => setSince(event.target.value)} options={ranges} />
      <Button type="submit">Apply</Button>
      <Button type="button" variant="ghost" onClick={clear}>
        Clear
      </Button>
    </form>
  );
}
