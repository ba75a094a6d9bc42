import { buildIfStale } from '../../scripts/build-if-stale.js';

/** Tests that run the real server need an up-to-date production build. */
export default function setup() {
	if (!buildIfStale()) throw new Error('the production build failed');
}
