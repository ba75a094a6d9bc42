import type { Chart, ChartConfiguration, ChartType } from 'chart.js';
import { tick } from 'svelte';

/**
 * The life of a chart on a page: load Chart.js on demand (only pages with charts download it),
 * draw once the canvas is shown, redraw when the colour scheme changes (colours come from the
 * light or dark palette), and clean up. Call from onMount; returns the cleanup.
 */
export function mountChart<T extends ChartType>(
	load: () => Promise<{ Chart: typeof Chart }>,
	target: {
		canvas(): HTMLCanvasElement | undefined;
		/** Read when drawn, so the colours are the design tokens of the scheme in force. */
		config(): ChartConfiguration<T>;
		/** Called once Chart.js is loaded, before the first draw (e.g. to show the canvas). */
		loaded(): void;
	}
): () => void {
	let chart: Chart<T> | undefined;
	let stopped = false;
	const scheme = window.matchMedia('(prefers-color-scheme: dark)');
	let draw = () => {};
	void (async () => {
		const { Chart } = await load();
		if (stopped) return;
		target.loaded();
		await tick();
		draw = () => {
			chart?.destroy();
			const canvas = target.canvas();
			if (!stopped && canvas) chart = new Chart(canvas, target.config());
		};
		draw();
	})();
	const redraw = () => draw();
	scheme.addEventListener('change', redraw);
	return () => {
		stopped = true;
		scheme.removeEventListener('change', redraw);
		chart?.destroy();
	};
}
