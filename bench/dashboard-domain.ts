// The domain query of the school dashboard alone, without HTTP and rendering, for
// `npm run bench:dashboard`: loaded through Vite's module runner (the bench itself is plain
// Node), it opens the bench database as the server does and times `schoolDashboard`.
import { openDatabase } from '../src/lib/server/db/client';
import { schoolDashboard, type Period } from '../src/lib/server/reporting/dashboard';

export async function timeSchoolDashboard(url: string, migrationsDir: string, schoolId: string, period: Period, runs: number): Promise<number[]> {
	const handle = await openDatabase({ engine: 'postgres', url, migrationsDir, poolSize: 10 });
	try {
		const times: number[] = [];
		for (let i = 0; i < runs; i++) {
			const start = performance.now();
			const dashboard = await schoolDashboard(handle.db, schoolId, period, 'nl');
			times.push(performance.now() - start);
			if (!dashboard || dashboard.themes.length === 0) throw new Error('the dashboard came back empty');
		}
		return times;
	} finally {
		await handle.close();
	}
}
