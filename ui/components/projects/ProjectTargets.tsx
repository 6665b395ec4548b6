'use client';
/**
 * A project's release targets: filter by line and search, sort, or switch to "not yet on version
 * X" (targetsNotOn). Filters live in the URL; pages are cursor-based.
 */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Empty, ErrorState, Loading, PartialWarning } from '@/components/common/states';
import { Pager, useCursorPager } from '@/components/common/Pager';
import { useProjectLines, useProjectTargets, useTargetsNotOn } from '@/lib/queries/projects';
import { TargetRow } from './TargetRow';

const PAGE = 25;
const SORTS = [
  { value: 'id', label: 'Id' },
  { value: 'name', label: 'Machine' },
  { value: 'line', label: 'Line' },
  { value: '-id', label: 'Id (descending)' },
];

export function ProjectTargets({ projectId }: { projectId: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const line = sp.get('line') ?? '';
  const q = sp.get('q') ?? '';
  const sort = sp.get('sort') ?? 'id';
  const notOn = sp.get('notOn') ?? '';
  const min = Number.parseInt(sp.get('min') ?? '', 10);
  const notOnActive = notOn !== '' && Number.isInteger(min) && min > 0;

  const { lines: known, complete: linesComplete } = useProjectLines(projectId);
  // The URL's line stays selectable while the list of lines is still loading.
  const lines = useMemo(() => (line && !known.includes(line) ? [...known, line] : known), [known, line]);

  const pager = useCursorPager(`${projectId}|${line}|${q}|${sort}|${notOn}|${min}`);

  const filter = useMemo(() => ({ ...(line ? { line } : {}), ...(q ? { search: q } : {}) }), [line, q]);
  const [list, refetchList] = useProjectTargets({ projectId, filter, orderBy: sort, first: PAGE, after: pager.after }, notOnActive);
  const [notOnList, refetchNotOn] = useTargetsNotOn({ projectId, modelName: notOn, minVersion: notOnActive ? min : 1, first: PAGE, after: pager.after }, !notOnActive);
  const res = notOnActive ? notOnList : list;
  const conn = notOnActive ? notOnList.data?.targetsNotOn : list.data?.releaseTargets;

  // Form state mirrors the URL until applied. Our own URL updates are not echoed back into the
  // form (the user may already be typing the next filter); back/forward navigation is.
  const [form, setForm] = useState({ line, q, sort, notOn, min: Number.isInteger(min) ? String(min) : '' });
  const pushed = useRef<string | null>(null);
  const current = sp.toString();
  useEffect(() => {
    if (pushed.current === current) return;
    pushed.current = null;
    setForm({ line, q, sort, notOn, min: Number.isInteger(min) ? String(min) : '' });
  }, [current]);

  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    const next = new URLSearchParams();
    if (form.line) next.set('line', form.line);
    if (form.q.trim()) next.set('q', form.q.trim());
    if (form.sort !== 'id') next.set('sort', form.sort);
    if (form.notOn.trim() && form.min) {
      next.set('notOn', form.notOn.trim());
      next.set('min', form.min);
    }
    const s = next.toString();
    pushed.current = s;
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  };
  const clear = () => {
    pushed.current = '';
    setForm({ line: '', q: '', sort: 'id', notOn: '', min: '' });
    router.replace(pathname, { scroll: false });
  };

  const modelSuggestions = [`${projectId}-fleet`, `${projectId}-base`];

  return (
    <section aria-labelledby="targets-h" className="stack">
      <h2 id="targets-h">Release targets</h2>
      <form className="filters card" onSubmit={apply} aria-label="Filter release targets">
        <label>
          Line
          <select
            name="line"
            value={form.line}
            onChange={(e) => setForm({ ...form, line: e.target.value })}
            disabled={notOnActive && !!form.notOn}
            data-lines-complete={linesComplete ? 'true' : 'false'}
          >
            <option value="">all lines</option>
            {lines.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input type="search" name="q" value={form.q} placeholder="e.g. pump-017" onChange={(e) => setForm({ ...form, q: e.target.value })} />
        </label>
        <label>
          Sort
          <select name="sort" value={form.sort} onChange={(e) => setForm({ ...form, sort: e.target.value })}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="inline-fieldset">
          <legend>Not yet on</legend>
          <input
            aria-label="Model name"
            name="notOn"
            list="model-names"
            placeholder={`e.g. ${projectId}-fleet`}
            value={form.notOn}
            onChange={(e) => setForm({ ...form, notOn: e.target.value })}
          />
          <datalist id="model-names">
            {modelSuggestions.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
          <label className="inline">
            v ≥
            <input aria-label="Minimum version" name="min" type="number" min={1} className="w-num" value={form.min} onChange={(e) => setForm({ ...form, min: e.target.value })} />
          </label>
        </fieldset>
        <div className="row">
          <button type="submit" className="primary">
            Apply
          </button>
          <button type="button" onClick={clear}>
            Clear
          </button>
        </div>
      </form>
      {notOnActive ? (
        <p className="muted small" data-testid="not-on-note">
          Targets with no serving version of <strong>{notOn}</strong> at v{min} or above (line and search filters do not apply).
        </p>
      ) : null}

      {!conn ? (
        res.error ? (
          <ErrorState error={res.error} retry={() => (notOnActive ? refetchNotOn : refetchList)({ requestPolicy: 'network-only' })} what="Release targets" />
        ) : (
          <Loading label="Loading release targets…" />
        )
      ) : (
        <>
          {res.error ? <PartialWarning error={res.error} /> : null}
          <p className="muted small" aria-live="polite" data-testid="targets-total">
            {conn.totalCount} target{conn.totalCount === 1 ? '' : 's'}
            {res.fetching ? ' · updating…' : ''}
          </p>
          {conn.nodes.length === 0 ? (
            <Empty>{notOnActive ? `Every target already runs ${notOn} v${min} or newer.` : 'No release target matches these filters.'}</Empty>
          ) : (
            <div className="table-wrap">
              <table className="data">
                <caption className="sr-only">Release targets of {projectId}</caption>
                <thead>
                  <tr>
                    <th scope="col">Target</th>
                    <th scope="col">Line</th>
                    <th scope="col">Current model version</th>
                    <th scope="col">Since</th>
                    <th scope="col">Traffic</th>
                    <th scope="col">Health</th>
                    <th scope="col" className="num">
                      Drift
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {conn.nodes.map((t) => (
                    <TargetRow key={t.id} target={t} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager
            label="Release targets"
            page={pager.page}
            pageSize={PAGE}
            total={conn.totalCount}
            hasPrev={pager.hasPrev}
            hasNext={conn.pageInfo.hasNextPage}
            onPrev={pager.prev}
            onNext={() => pager.next(conn.pageInfo.endCursor)}
          />
        </>
      )}
    </section>
  );
}
