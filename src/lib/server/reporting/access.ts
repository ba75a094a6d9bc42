import type { Database } from '../db/client';
import * as groups from '../org/groups';
import { can, type Actor } from '../policy';
import type { Locale } from './round-results';
import { schoolDashboard, type Dashboard, type Period } from './dashboard';
import { groupTrends, type TrendFamily } from './themes';

/**
 * Who may see which report, checked before anything is computed: null means "not found" to the
 * caller (a 404), so a report of another school or a group one may not see tells nothing.
 */

/** The school dashboard: school leaders and care coordinators of that school (policy reports.view_school). */
export function canViewSchoolReports(actor: Actor, schoolId: string): boolean {
	return can(actor, 'reports.view_school', { schoolId });
}

export async function dashboardFor(db: Database, actor: Actor, schoolId: string, period: Period, locale: Locale): Promise<Dashboard | null> {
	if (!canViewSchoolReports(actor, schoolId)) return null;
	return schoolDashboard(db, schoolId, period, locale);
}

/** A group's trends: whoever may see the group (policy group.view). */
export async function trendsFor(db: Database, actor: Actor, groupId: string, locale: Locale) {
	const group = await groups.find(db, groupId);
	if (!group || !can(actor, 'group.view', { schoolId: group.schoolId, teacherIds: group.teacherIds })) return null;
	const families: TrendFamily[] = await groupTrends(db, group.id, locale);
	return { group: { id: group.id, name: group.name, schoolId: group.schoolId }, families };
}
