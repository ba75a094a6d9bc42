import type { Database } from '../db/client';
import * as groups from '../org/groups';
import * as schools from '../org/schools';
import { can, type Actor } from '../policy';
import { compareRounds, comparableRounds, type Comparison } from './compare';
import { schoolDashboard, type Dashboard, type Period } from './dashboard';
import type { Locale } from './round-results';
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

/** A group and its school's name for a group report, when the actor may see the group (policy group.view). */
async function visibleGroup(db: Database, actor: Actor, groupId: string) {
	const group = await groups.find(db, groupId);
	if (!group || !can(actor, 'group.view', { schoolId: group.schoolId, teacherIds: group.teacherIds })) return null;
	const school = await schools.find(db, group.schoolId);
	return { group: { id: group.id, name: group.name, schoolId: group.schoolId }, school: { name: school?.name ?? '' } };
}

/** A group's trends: whoever may see the group. */
export async function trendsFor(db: Database, actor: Actor, groupId: string, locale: Locale) {
	const visible = await visibleGroup(db, actor, groupId);
	if (!visible) return null;
	const families: TrendFamily[] = await groupTrends(db, visible.group.id, locale);
	return { ...visible, families };
}

/** Two rounds of a group side by side (either may be missing: then only the choices): whoever may see the group. */
export async function comparisonFor(db: Database, actor: Actor, groupId: string, picked: { a?: string; b?: string }, locale: Locale) {
	const visible = await visibleGroup(db, actor, groupId);
	if (!visible) return null;
	const choices = await comparableRounds(db, visible.group.id, locale);
	const comparison: Comparison | null = picked.a && picked.b ? await compareRounds(db, visible.group.id, picked.a, picked.b, locale) : null;
	return { ...visible, choices, comparison };
}
