import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

/*
 * Chart.js with only what ResultChart draws (bars), imported by name so the bundler leaves the
 * other chart types out. ResultChart loads this module dynamically: no other page downloads it.
 */
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export { Chart };
