/**
 * A statement of the student path, prepared once per database handle. Drizzle sends its queries
 * unprepared unless they are built with `.prepare(name)`, and postgres.js then needs two round
 * trips for each (Parse + Describe, wait for the parameter types, then Bind + Execute) and
 * PostgreSQL plans it every time; prepared, each run is one round trip (docs/performance.md). The
 * statement's text must not depend on the values: they are `sql.placeholder`s filled per run.
 */
export function preparedPer<D extends object, P>(prepare: (db: D) => P): (db: D) => P {
	const prepared = new WeakMap<D, P>();
	return (db) => {
		let statement = prepared.get(db);
		if (!statement) prepared.set(db, (statement = prepare(db)));
		return statement;
	};
}
