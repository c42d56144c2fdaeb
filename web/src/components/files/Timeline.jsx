// Timeline - a file's movements (GET /api/v1/files/{id}/history) drawn as
// a vertical timeline, oldest first: what was done, by whom, when, from
// and to which post, the remark and the due day named.  "Verify" checks
// every step in this browser against the signed audit log
// (lib/auditProof.js): the record's and the leaf's hashes, the inclusion
// proof to the latest signed checkpoint, and the checkpoint's Ed25519
// signature; each step then says verified, not yet in a signed checkpoint,
// or failed (with what did not match).  The history is read again on each
// press, so a step newer than the checkpoint is proven once the next
// checkpoint is signed.
//
// Test hooks: ol.timeline, li.step[data-seq][data-action][data-proof],
// button[data-verify], [data-verify-result][data-verified][data-pending]
// [data-failed], [data-signature=valid|invalid|unsupported|none|unavailable].
import { useState } from 'preact/hooks';
import { t, fmtInstant, fmtDay, fmtNumber } from '../../i18n/index.js';
import { api, query } from '../../lib/api.js';
import { Loading, Problem } from '../common.jsx';
import { actionText } from './common.jsx';
import { hasCrypto, verifyHistory } from '../../lib/auditProof.js';

// postName - a post of a movement (the API gives its id): its designation
// when this page knows it (names), else "a post".
function postName(id, names) {
  if (!id) return '';
  return names.get(String(id)) || t('file.step.somePost');
}

function stepText(m, names) {
  const from = postName(m.from_post, names);
  const to = postName(m.to_post, names);
  switch (m.action) {
    case 'create': return t('file.step.create', { post: to });
    case 'send': return t('file.step.send', { from, to });
    case 'receive': return t('file.step.receive', { post: to || from });
    case 'pull_back': return t('file.step.pullBack', { post: to || from });
    case 'reopen': return t('file.step.reopen', { post: to || from });
    default: return actionText(m.action);
  }
}

function ProofLine({ r }) {
  if (!r) return null;
  const k = r.state === 'failed' ? `proof.failed.${r.reason || 'root'}` : `proof.state.${r.state}`;
  return <p class={`proof proof-${r.state}`} data-proof-line={r.state}><span aria-hidden="true" class="proof-icon" />{t(k)}</p>;
}

export default function Timeline({ fileId, history, names, onReload }) {
  const [check, setCheck] = useState(null); // { running, steps: Map, signature, error, cp }
  const items = (history.data && history.data.items) || [];

  const verify = async () => {
    if (!hasCrypto()) { setCheck({ running: false, noCrypto: true, steps: new Map() }); return; }
    setCheck({ running: true, steps: new Map() });
    try {
      const h = await api.get(`/api/v1/files/${encodeURIComponent(fileId)}/history`);
      const r = await verifyHistory(h, {
        getProof: (index, size) => api.get(`/api/v1/audit/proof/inclusion${query({ index, size })}`),
        getKey: () => api.get('/api/v1/audit/key'),
        onStep: (seq, res) => setCheck((c) => ({ ...c, steps: new Map(c.steps).set(seq, res) })),
      });
      setCheck({ running: false, steps: new Map(r.steps.map((s) => [s.seq, s])), signature: r.signature, cp: r.checkpoint, keyId: r.keyId });
      if (onReload && h.items && h.items.length !== items.length) onReload();
    } catch (error) {
      setCheck({ running: false, steps: new Map(), error });
    }
  };

  const counts = { verified: 0, pending: 0, failed: 0, none: 0 };
  if (check && !check.running) for (const s of check.steps.values()) counts[s.state] += 1;
  const done = check && !check.running && !check.error && !check.noCrypto;
  return (
    <section class="card timeline-card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('file.timeline.title')}</h2>
      {history.loading && !history.data && <Loading />}
      <Problem error={history.error} retry={history.reload} />
      {items.length > 0 && (
        <ol class="timeline" data-count={items.length}>
          {items.map((m) => {
            const r = check && check.steps.get(m.seq);
            return (
              <li key={m.seq} class={`step step-${m.action}`} data-seq={m.seq} data-action={m.action} data-proof={r ? r.state : ''}>
                <span class="step-dot" aria-hidden="true" />
                <p class="step-what"><strong>{stepText(m, names)}</strong></p>
                <p class="muted">
                  <time dateTime={new Date(m.at).toISOString()}>{fmtInstant(m.at)}</time>
                  {m.by && m.by.name ? ` · ${t('file.step.by', { name: m.by.name })}` : ''}
                </p>
                {m.remark && <p class="step-remark" data-remark>{t('file.step.remark', { remark: m.remark })}</p>}
                {m.due && <p class="muted">{t('file.step.due', { date: fmtDay(m.due) })}</p>}
                <ProofLine r={r} />
              </li>
            );
          })}
        </ol>
      )}
      <div class="verify">
        <p class="muted">{t('proof.intro')}</p>
        <button type="button" onClick={verify} disabled={!!(check && check.running)} aria-busy={!!(check && check.running)} data-verify>
          {check && check.running ? t('proof.running') : t('proof.verify')}
        </button>
        <div aria-live="polite" class="verify-result">
          {check && check.noCrypto && <p class="flash warn" data-verify-result data-no-crypto>{t('proof.noCrypto')}</p>}
          {check && check.error && <Problem error={check.error} />}
          {done && (
            <div data-verify-result data-verified={counts.verified} data-pending={counts.pending} data-failed={counts.failed}
              class={`flash ${counts.failed ? 'problem' : counts.pending || counts.none ? 'warn' : 'ok'}`} role="status">
              <p><strong>{counts.failed ? t('proof.summary.failed', { n: counts.failed }) : t('proof.summary.verified', { n: counts.verified, total: check.steps.size })}</strong></p>
              {counts.pending > 0 && <p>{t('proof.summary.pending', { n: counts.pending })}</p>}
              {counts.none > 0 && <p>{t('proof.summary.none', { n: counts.none })}</p>}
              <p data-signature={check.signature}>{t(`proof.signature.${check.signature}`)}</p>
              {check.cp && (
                <p class="muted proof-cp">
                  {t('proof.checkpoint', { size: fmtNumber(Number(check.cp.size)), time: fmtInstant(check.cp.at) })}
                  {' '}{t('proof.keyId')} <code dir="ltr" class="hash">{check.cp.key_id}</code>
                </p>
              )}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
