// chartjs.js - the parts of Chart.js the app uses (bar charts only), so
// the rest is left out of the build.  Loaded on demand by BarChart.jsx.
import { Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
export { Chart };
