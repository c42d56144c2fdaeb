// BarChart - horizontal (or vertical) bars, stacked or not, from Chart.js
// loaded on demand.  The chart is a picture (role=img with a summary);
// every chart in the app has a table or list with the same figures beside
// it for screen readers and keyboard users.
//
//   <BarChart labels={names} datasets={[{ label, data, color }]} stacked
//             horizontal summary={t(...)} onSelect={(i) => ...} />
import { useEffect, useRef } from 'preact/hooks';
import { useLang, dir, locale, fmtNumber } from '../i18n/index.js';
import { useModule, Loading, Problem } from './common.jsx';

const loadChart = () => import('./chartjs.js');
const URDU_FONT = "'Noto Nastaliq Urdu', system-ui, sans-serif";
const LATIN_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif';

export default function BarChart({ labels, datasets, stacked = false, horizontal = true, summary, onSelect, id }) {
  const lang = useLang();
  const { mod, error } = useModule(loadChart);
  const canvas = useRef(null);
  const chart = useRef(null);
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    if (!mod || !canvas.current) return undefined;
    let live = true;
    // a canvas does not redraw when a web font arrives: wait for Nastaliq
    const ready = lang === 'ur' && document.fonts ? document.fonts.load(`12px ${URDU_FONT.split(',')[0]}`).catch(() => {}) : Promise.resolve();
    ready.then(() => { if (live) draw(); });
    return () => { live = false; };
  }, [mod, lang, labels, datasets, stacked, horizontal]);

  function draw() {
    const rtl = dir() === 'rtl';
    const valueAxis = horizontal ? 'x' : 'y';
    const catAxis = horizontal ? 'y' : 'x';
    const font = { family: lang === 'ur' ? URDU_FONT : LATIN_FONT, size: 12 };
    const config = {
      type: 'bar',
      data: {
        labels,
        datasets: datasets.map((d) => ({ label: d.label, data: d.data, backgroundColor: d.color, borderWidth: 0, maxBarThickness: 22 })),
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: locale(),
        font,
        scales: {
          [valueAxis]: { stacked, beginAtZero: true, reverse: horizontal && rtl, ticks: { font, callback: (v) => fmtNumber(v) } },
          [catAxis]: { stacked, position: horizontal ? (rtl ? 'right' : 'left') : 'bottom', reverse: !horizontal && rtl, ticks: { font, autoSkip: false } },
        },
        plugins: {
          legend: { rtl, textDirection: rtl ? 'rtl' : 'ltr', labels: { font } },
          tooltip: { rtl, textDirection: rtl ? 'rtl' : 'ltr', bodyFont: font, titleFont: font },
        },
        onClick: (evt, elements) => {
          if (elements.length && select.current) select.current(elements[0].index);
        },
      },
    };
    if (chart.current) chart.current.destroy();
    chart.current = new mod.Chart(canvas.current, config);
    canvas.current.setAttribute('data-ready', '1');
  }

  useEffect(() => () => { if (chart.current) chart.current.destroy(); chart.current = null; }, []);

  if (error) return <Problem error={error} />;
  const height = horizontal ? Math.max(160, labels.length * 24 + 70) : 320;
  return (
    <div class="chart" style={{ height: `${height}px` }} id={id}>
      {!mod && <Loading />}
      <canvas ref={canvas} role="img" aria-label={summary} data-bars={labels.length} />
    </div>
  );
}
