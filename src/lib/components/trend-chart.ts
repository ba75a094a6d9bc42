import { CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement } from 'chart.js';

/*
 * Chart.js with only what TrendChart draws (lines over rounds), imported by name so the bundler
 * leaves the rest out. TrendChart loads this module dynamically: no other page downloads it.
 */
Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale);

export { Chart };
